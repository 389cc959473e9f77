/*
 * diag.c — the diagnostics sink and its one renderer.
 *
 * Every stage reports into a DiagSink and goes on; nothing is thrown or printed where it
 * is found. The driver renders the sink once, in one of three formats:
 *
 *   text   file:line:col: error[E012]: message, then the source line and a caret with
 *          tildes under the span (gcc/clang style, which editors already parse), then the
 *          notes in the same form;
 *   json   {"diagnostics": [...], "errors": N, "warnings": M};
 *   sarif  a SARIF 2.1.0 log, one result per diagnostic, notes as related locations.
 *
 * The same code at the same place is reported once: an error inside a loop body would
 * otherwise repeat for every iteration. After DIAG_LIMIT diagnostics the rest are only
 * counted, so a file of garbage cannot flood an editor.
 */
#include "core.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

enum { DIAG_LIMIT = 100 };

static const struct {
    const char *name;
    Severity severity;
    const char *title;
} diag_table[] = {
#define DIAG_ROW(id, sev, title) {#id, sev, title},
    DIAG_CODES(DIAG_ROW)
#undef DIAG_ROW
};

const char *diag_code_name(DiagCode code) { return diag_table[code].name; }
const char *diag_code_title(DiagCode code) { return diag_table[code].title; }
Severity diag_code_severity(DiagCode code) { return diag_table[code].severity; }

DiagCode diag_code_lookup(const char *name)
{
    for (int i = 0; i < DIAG__COUNT; i++)
        if (strcmp(diag_table[i].name, name) == 0)
            return (DiagCode)i;
    return DIAG__COUNT;
}

void diag_init(DiagSink *sink, Arena *a)
{
    memset(sink, 0, sizeof *sink);
    sink->arena = a;
}

/* Whether this code was reported at this place before (shown or only counted); records it
 * if not. An open-addressed set of keys, so that a flood of diagnostics stays linear. */
static bool diag_seen(DiagSink *sink, DiagCode code, const Source *src, Span span)
{
    uint64_t key = ((uint64_t)(uintptr_t)src * 0x9E3779B97F4A7C15ull) ^
                   ((uint64_t)span.start << 32 | span.end) ^ ((uint64_t)code * 0xBF58476D1CE4E5B9ull);
    key |= 1; /* 0 marks an empty slot */
    if (sink->seen_len * 2 >= sink->seen_cap) {
        size_t cap = sink->seen_cap ? sink->seen_cap * 2 : 256;
        uint64_t *table = arena_alloc(sink->arena, cap * sizeof *table);
        for (size_t i = 0; i < sink->seen_cap; i++)
            if (sink->seen[i]) {
                size_t h = (size_t)(sink->seen[i] * 0xD6E8FEB86659FD93ull >> 7) & (cap - 1);
                while (table[h])
                    h = (h + 1) & (cap - 1);
                table[h] = sink->seen[i];
            }
        sink->seen = table;
        sink->seen_cap = cap;
    }
    size_t h = (size_t)(key * 0xD6E8FEB86659FD93ull >> 7) & (sink->seen_cap - 1);
    while (sink->seen[h]) {
        if (sink->seen[h] == key)
            return true;
        h = (h + 1) & (sink->seen_cap - 1);
    }
    sink->seen[h] = key;
    sink->seen_len++;
    return false;
}

Diag *diag_vreport(DiagSink *sink, DiagCode code, const Source *src, Span span, const char *fmt,
                   va_list ap)
{
    Severity sev = diag_table[code].severity;
    if (src && diag_seen(sink, code, src, span))
        return NULL;
    if (sev == SEV_ERROR)
        sink->errors++;
    else if (sev == SEV_WARNING)
        sink->warnings++;
    if (sink->items.len >= DIAG_LIMIT)
        return NULL;
    Diag d = {.code = code, .severity = sev, .src = src, .span = span};
    d.file = src ? src->name : NULL;
    d.message = arena_vprintf(sink->arena, fmt, ap);
    vec_push(sink->arena, &sink->items, d);
    return &sink->items.data[sink->items.len - 1];
}

Diag *diag_report(DiagSink *sink, DiagCode code, const Source *src, Span span, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    Diag *d = diag_vreport(sink, code, src, span, fmt, ap);
    va_end(ap);
    return d;
}

Diag *diag_report_file(DiagSink *sink, DiagCode code, const char *file, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    Diag *d = diag_vreport(sink, code, NULL, (Span){0, 0}, fmt, ap);
    va_end(ap);
    if (d)
        d->file = arena_strdup(sink->arena, file);
    return d;
}

void diag_note(DiagSink *sink, Diag *d, const Source *src, Span span, const char *fmt, ...)
{
    if (!d || d->nnotes == DIAG_MAX_NOTES)
        return;
    va_list ap;
    va_start(ap, fmt);
    d->notes[d->nnotes].src = src;
    d->notes[d->nnotes].span = span;
    d->notes[d->nnotes].message = arena_vprintf(sink->arena, fmt, ap);
    d->nnotes++;
    va_end(ap);
}

/* ---- text ------------------------------------------------------------------------- */

static const char *sev_name(Severity s)
{
    return s == SEV_ERROR ? "error" : s == SEV_WARNING ? "warning" : "note";
}

static const char *sev_color(Severity s)
{
    return s == SEV_ERROR ? "\033[1;31m" : s == SEV_WARNING ? "\033[1;35m" : "\033[1;36m";
}

/* Length of the UTF-8 sequence at p (at most n bytes), or 0 when it is not valid. */
static int utf8_length(const unsigned char *p, uint32_t n)
{
    int len = p[0] < 0x80 ? 1 : (p[0] & 0xE0) == 0xC0 ? 2 : (p[0] & 0xF0) == 0xE0 ? 3
              : (p[0] & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || (uint32_t)len > n || (len == 2 && p[0] < 0xC2))
        return 0;
    for (int i = 1; i < len; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    return len;
}

/* The source line, made printable (tabs to 4-column stops, control and invalid bytes as
 * '?'), and under it a caret at the span's first byte and tildes to its end (or the end
 * of the line). A span at the end of a line gets its caret just past the last character. */
static void render_excerpt(StrBuf *out, const Source *src, Span span, bool color, Severity sev)
{
    uint32_t line, col;
    source_position(src, span.start, &line, &col);
    uint32_t len;
    const unsigned char *text = (const unsigned char *)source_line(src, line, &len);
    uint32_t from = col - 1;
    uint32_t to = from + (span.end > span.start ? span.end - span.start : 1);
    if (len > 400) {
        /* Binary or minified input: show a window around the span. */
        uint32_t start = from > 40 ? from - 40 : 0;
        if (start > len)
            start = len;
        text += start;
        len = len - start > 200 ? 200 : len - start;
        from -= start;
        to -= start;
    }
    StrBuf caret = {0};
    sb_puts(out, "    ");
    uint32_t disp = 0;
    for (uint32_t i = 0; i < len;) {
        int n = utf8_length(text + i, len - i);
        uint32_t width = 1;
        if (text[i] == '\t') {
            width = 4 - disp % 4;
            for (uint32_t k = 0; k < width; k++)
                sb_putc(out, ' ');
        } else if (n == 0 || (n == 1 && (text[i] < 0x20 || text[i] == 0x7f))) {
            sb_putc(out, '?');
            n = 1;
        } else {
            sb_putn(out, (const char *)text + i, (size_t)n);
        }
        for (uint32_t k = 0; k < width; k++)
            if (i < to)
                sb_putc(&caret, i < from ? ' ' : i == from && k == 0 ? '^' : '~');
        disp += width;
        i += (uint32_t)n;
    }
    sb_putc(out, '\n');
    if (from >= len) {
        while (caret.len < disp)
            sb_putc(&caret, ' ');
        sb_putc(&caret, '^');
    }
    sb_puts(out, "    ");
    if (color)
        sb_puts(out, sev == SEV_NOTE ? "\033[1;36m" : "\033[1;32m");
    sb_putn(out, caret.data, caret.len);
    if (color)
        sb_puts(out, "\033[0m");
    sb_putc(out, '\n');
    sb_free(&caret);
}

static void render_header(StrBuf *out, const Source *src, const char *file, Span span,
                          Severity sev, const char *code, const char *message, bool color)
{
    if (color)
        sb_puts(out, "\033[1m");
    if (src) {
        uint32_t line, col;
        source_position(src, span.start, &line, &col);
        sb_printf(out, "%s:%u:%u: ", src->name, line, col);
    } else if (file) {
        sb_printf(out, "%s: ", file);
    }
    if (color)
        sb_puts(out, sev_color(sev));
    sb_puts(out, sev_name(sev));
    if (code)
        sb_printf(out, "[%s]", code);
    if (color)
        sb_puts(out, "\033[0m\033[1m");
    sb_printf(out, ": %s", message);
    if (color)
        sb_puts(out, "\033[0m");
    sb_putc(out, '\n');
}

/* Diagnostics in reading order: files in the order they were first reported, then by
 * position (passes find errors in their own order; people read top to bottom). Stable,
 * so diagnostics at one place keep the order they were found in. */
static const Diag **diag_sorted(const DiagSink *sink)
{
    size_t n = sink->items.len;
    const Diag **order = malloc((n ? n : 1) * sizeof *order);
    size_t *rank = malloc((n ? n : 1) * sizeof *rank);
    if (!order || !rank) {
        fputs("ansc: out of memory\n", stderr);
        abort();
    }
    for (size_t i = 0; i < n; i++) {
        const Diag *d = &sink->items.data[i];
        size_t r = i;
        for (size_t j = 0; j < i; j++)
            if (sink->items.data[j].src == d->src && (d->src || sink->items.data[j].file == d->file)) {
                r = rank[j];
                break;
            }
        rank[i] = r;
        size_t k = i;
        while (k > 0) {
            const Diag *p = order[k - 1];
            size_t pr = rank[p - sink->items.data];
            if (pr < r || (pr == r && p->span.start <= d->span.start))
                break;
            order[k] = p;
            k--;
        }
        order[k] = d;
    }
    free(rank);
    return order;
}

static void render_text(StrBuf *out, const DiagSink *sink, bool color)
{
    const Diag **order = diag_sorted(sink);
    for (size_t i = 0; i < sink->items.len; i++) {
        const Diag *d = order[i];
        render_header(out, d->src, d->file, d->span, d->severity, diag_code_name(d->code),
                      d->message, color);
        if (d->src)
            render_excerpt(out, d->src, d->span, color, d->severity);
        for (int k = 0; k < d->nnotes; k++) {
            const DiagNote *n = &d->notes[k];
            /* A note without a place of its own ("did you mean …?") takes the error's. */
            render_header(out, n->src ? n->src : d->src, d->file, n->src ? n->span : d->span,
                          SEV_NOTE, NULL, n->message, color);
            if (n->src)
                render_excerpt(out, n->src, n->span, color, SEV_NOTE);
        }
    }
    free(order);
    size_t shown = sink->items.len, total = sink->errors + sink->warnings;
    if (total > shown)
        sb_printf(out, "ansc: %zu more diagnostics not shown\n", total - shown);
}

/* ---- json and sarif ------------------------------------------------------------ */

static json_t *json_position(const Source *src, Span span)
{
    uint32_t line, col, eline, ecol;
    source_position(src, span.start, &line, &col);
    source_position(src, span.end > span.start ? span.end : span.start + 1, &eline, &ecol);
    return json_pack("{s:I, s:I, s:I, s:I}", "line", (json_int_t)line, "column",
                     (json_int_t)col, "end_line", (json_int_t)eline, "end_column",
                     (json_int_t)ecol);
}

static json_t *json_diag(const Diag *d)
{
    json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "file", d->file ? d->file : "", "severity",
                          sev_name(d->severity), "code", diag_code_name(d->code), "message",
                          d->message);
    if (d->src) {
        json_t *pos = json_position(d->src, d->span);
        json_object_update(o, pos);
        json_decref(pos);
    }
    json_t *notes = json_array();
    for (int k = 0; k < d->nnotes; k++) {
        json_t *n = json_pack("{s:s}", "message", d->notes[k].message);
        if (d->notes[k].src) {
            json_t *pos = json_position(d->notes[k].src, d->notes[k].span);
            json_object_update(n, pos);
            json_decref(pos);
        }
        json_array_append_new(notes, n);
    }
    json_object_set_new(o, "notes", notes);
    return o;
}

static json_t *sarif_location(const char *file, const Source *src, Span span, const char *msg)
{
    json_t *region = NULL;
    if (src) {
        uint32_t line, col, eline, ecol;
        source_position(src, span.start, &line, &col);
        source_position(src, span.end > span.start ? span.end : span.start + 1, &eline, &ecol);
        region = json_pack("{s:I, s:I, s:I, s:I}", "startLine", (json_int_t)line,
                           "startColumn", (json_int_t)col, "endLine", (json_int_t)eline,
                           "endColumn", (json_int_t)ecol);
    }
    /* SARIF wants a region with a start or none at all (a file-level result). */
    json_t *loc = json_pack("{s:{s:{s:s}}}", "physicalLocation", "artifactLocation", "uri",
                            file ? file : "");
    if (region)
        json_object_set_new(json_object_get(loc, "physicalLocation"), "region", region);
    if (msg)
        json_object_set_new(loc, "message", json_pack("{s:s}", "text", msg));
    return loc;
}

static json_t *render_sarif(const DiagSink *sink)
{
    json_t *rules = json_array();
    for (int i = 0; i < DIAG__COUNT; i++)
        json_array_append_new(rules, json_pack("{s:s, s:{s:s}}", "id", diag_table[i].name,
                                               "shortDescription", "text", diag_table[i].title));
    json_t *results = json_array();
    const Diag **order = diag_sorted(sink);
    for (size_t i = 0; i < sink->items.len; i++) {
        const Diag *d = order[i];
        json_t *related = json_array();
        for (int k = 0; k < d->nnotes; k++)
            json_array_append_new(related, sarif_location(d->file, d->notes[k].src,
                                                          d->notes[k].span, d->notes[k].message));
        json_t *r = json_pack("{s:s, s:I, s:s, s:{s:s}, s:[o], s:o}", "ruleId",
                              diag_code_name(d->code), "ruleIndex", (json_int_t)d->code, "level",
                              d->severity == SEV_NOTE ? "note" : sev_name(d->severity), "message",
                              "text", d->message, "locations",
                              sarif_location(d->file, d->src, d->span, NULL), "relatedLocations",
                              related);
        json_array_append_new(results, r);
    }
    free(order);
    return json_pack("{s:s, s:[{s:{s:{s:s, s:s, s:o}}, s:o}]}", "version", "2.1.0", "runs",
                     "tool", "driver", "name", "ansc", "version", ANSC_VERSION, "rules", rules,
                     "results", results);
}

json_t *diag_json_list(const DiagSink *sink)
{
    json_t *list = json_array();
    const Diag **order = diag_sorted(sink);
    for (size_t i = 0; i < sink->items.len; i++)
        json_array_append_new(list, json_diag(order[i]));
    free(order);
    return list;
}

void diag_render(FILE *out, const DiagSink *sink, DiagFormat format, bool color)
{
    if (format == DIAG_FORMAT_TEXT) {
        StrBuf sb = {0};
        render_text(&sb, sink, color);
        if (sb.len)
            fwrite(sb.data, 1, sb.len, out);
        sb_free(&sb);
        return;
    }
    json_t *doc;
    if (format == DIAG_FORMAT_SARIF) {
        doc = render_sarif(sink);
    } else {
        json_t *list = diag_json_list(sink);
        doc = json_pack("{s:o, s:I, s:I}", "diagnostics", list, "errors",
                        (json_int_t)sink->errors, "warnings", (json_int_t)sink->warnings);
    }
    char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (text) {
        fputs(text, out);
        fputc('\n', out);
        free(text);
    }
    json_decref(doc);
}
