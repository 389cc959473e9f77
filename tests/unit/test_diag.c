/*
 * test_diag.c — the diagnostics sink and its renderer (core/diag.c, core/source.c).
 *
 * The text renderer is checked byte for byte on the cases that break renderers: spans at the
 * end of a line and of a file, tabs and multi-byte characters before the caret, control bytes,
 * notes, the flood limit. JSON and SARIF are parsed back with jansson and checked field by
 * field, so the test does not depend on key order or indentation.
 *
 * The last two tests tie the code list (core/diag_codes.h) to the documentation and to the
 * golden tests: every code needs a heading or table row in docs/diagnostics.md and a file
 * tests/golden/diag/CODE*.ans. They fail until those exist, which is the point.
 */
#include "core/core.h"

#include <criterion/criterion.h>
#include <ctype.h>
#include <dirent.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#ifndef ANSC_SOURCE_DIR
#error "ANSC_SOURCE_DIR must name the source tree (tests/CMakeLists.txt defines it)"
#endif

/* The sink rendered into a malloc'd string (free it). */
static char *render(const DiagSink *sink, DiagFormat format, bool color)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_not_null(f);
    diag_render(f, sink, format, color);
    fclose(f);
    return buf;
}

/* One diagnostic with code E004 on [start, end) of a file "t.ans" with `len` bytes of text,
 * rendered as plain text and compared with `want`. */
static void expect_one(const char *text, size_t len, uint32_t start, uint32_t end,
                       const char *want)
{
    Arena a;
    arena_init(&a);
    DiagSink sink;
    diag_init(&sink, &a);
    Source *src = source_new(&a, "t.ans", text, len);
    cr_assert_not_null(diag_report(&sink, DIAG_E004, src, (Span){start, end}, "msg"));
    char *got = render(&sink, DIAG_FORMAT_TEXT, false);
    cr_assert_str_eq(got, want, "got:\n%s\nwant:\n%s", got, want);
    free(got);
    arena_free(&a);
}

Test(diag_text, simple_span)
{
    Arena a;
    arena_init(&a);
    DiagSink sink;
    diag_init(&sink, &a);
    const char *text = "qubit[2] q;\nlet x = foo;\n";
    Source *src = source_new(&a, "t.ans", text, strlen(text));
    diag_report(&sink, DIAG_E010, src, (Span){20, 23}, "unknown name '%s'", "foo");
    char *got = render(&sink, DIAG_FORMAT_TEXT, false);
    cr_assert_str_eq(got, "t.ans:2:9: error[E010]: unknown name 'foo'\n"
                          "    let x = foo;\n"
                          "            ^~~\n");
    free(got);
    cr_assert_eq(sink.errors, 1u);
    cr_assert_eq(sink.warnings, 0u);
    arena_free(&a);
}

Test(diag_text, one_byte_span_and_first_column)
{
    expect_one("x q;\n", 5, 0, 1, "t.ans:1:1: error[E004]: msg\n    x q;\n    ^\n");
}

Test(diag_text, empty_span_at_end_of_line)
{
    expect_one("qubit q\nx q;\n", 13, 7, 7,
               "t.ans:1:8: error[E004]: msg\n    qubit q\n           ^\n");
}

Test(diag_text, span_at_end_of_file_without_newline)
{
    expect_one("h q[0]", 6, 6, 6, "t.ans:1:7: error[E004]: msg\n    h q[0]\n          ^\n");
    expect_one("h q[0]", 6, 2, 6, "t.ans:1:3: error[E004]: msg\n    h q[0]\n      ^~~~\n");
}

Test(diag_text, span_after_final_newline)
{
    /* "unexpected end of file": an empty last line, caret in column 1. */
    expect_one("h q;\n", 5, 5, 5, "t.ans:2:1: error[E004]: msg\n    \n    ^\n");
}

Test(diag_text, span_over_several_lines_stops_at_end_of_line)
{
    expect_one("f(a,\n  b);\n", 11, 0, 10, "t.ans:1:1: error[E004]: msg\n    f(a,\n    ^~~~\n");
}

/* A line over 400 bytes (minified or binary input) shows 40 bytes before the span and 200
 * in all. */
Test(diag_text, long_line_window)
{
    char text[1001], line[201], want[512];
    memset(text, 'x', 1000);
    text[1000] = '\0';
    memset(line, 'x', 200);
    line[200] = '\0';
    snprintf(want, sizeof want, "t.ans:1:501: error[E004]: msg\n    %s\n    %40s^~~\n", line, "");
    expect_one(text, 1000, 500, 503, want);
    snprintf(want, sizeof want, "t.ans:1:1001: error[E004]: msg\n    %.40s\n    %40s^\n", line, "");
    expect_one(text, 1000, 1000, 1000, want);
}

Test(diag_text, tab_before_span)
{
    /* A tab goes to the next multiple of 4 columns, in the line and under it alike. */
    expect_one("\trx(t) q;\n", 10, 4, 5,
               "t.ans:1:5: error[E004]: msg\n        rx(t) q;\n           ^\n");
    expect_one("ab\tc d\n", 7, 3, 4, "t.ans:1:4: error[E004]: msg\n    ab  c d\n        ^\n");
    /* A tab inside the span: its columns are tildes. */
    expect_one("a\tb\n", 4, 0, 3, "t.ans:1:1: error[E004]: msg\n    a   b\n    ^~~~~\n");
}

Test(diag_text, utf8_before_span)
{
    /* θ is 2 bytes, → 3: one column each on screen, bytes in the header's column. */
    expect_one("let \xce\xb8 = x;\n", 11, 9, 10,
               "t.ans:1:10: error[E004]: msg\n    let \xce\xb8 = x;\n            ^\n");
    expect_one("\xce\xb8\xe2\x86\x92x\n", 7, 5, 6,
               "t.ans:1:6: error[E004]: msg\n    \xce\xb8\xe2\x86\x92x\n      ^\n");
    /* A 4-byte character (U+1F600) inside the span is one tilde. */
    expect_one("a \xf0\x9f\x98\x80 b\n", 9, 0, 6,
               "t.ans:1:1: error[E004]: msg\n    a \xf0\x9f\x98\x80 b\n    ^~~\n");
}

Test(diag_text, control_and_invalid_bytes_as_question_marks)
{
    expect_one("a\x01" "b\x7f\xff c\n", 8, 6, 7,
               "t.ans:1:7: error[E004]: msg\n    a?b?? c\n          ^\n");
    /* An overlong encoding and a NUL: one '?' per byte. */
    expect_one("\xc0\x80x\0y\n", 6, 4, 5, "t.ans:1:5: error[E004]: msg\n    ??x?y\n        ^\n");
    /* A truncated sequence at the end of the line. */
    expect_one("ab\xe2\x86\n", 5, 0, 1, "t.ans:1:1: error[E004]: msg\n    ab??\n    ^\n");
}

Test(diag_text, crlf_line_endings)
{
    expect_one("h q;\r\nx r;\r\n", 12, 8, 9, "t.ans:2:3: error[E004]: msg\n    x r;\n      ^\n");
}

Test(diag_text, notes_after_the_error)
{
    Arena a;
    arena_init(&a);
    DiagSink sink;
    diag_init(&sink, &a);
    const char *text = "f(a,\n  b;\n";
    Source *src = source_new(&a, "t.ans", text, strlen(text));
    Diag *d = diag_report(&sink, DIAG_E004, src, (Span){8, 9}, "expected ')'");
    cr_assert_not_null(d);
    diag_note(&sink, d, src, (Span){1, 2}, "to close '(' at line %d", 1);
    diag_note(&sink, d, NULL, (Span){0, 0}, "a note with no position");
    diag_report(&sink, DIAG_W003, src, (Span){0, 1}, "no observable");
    char *got = render(&sink, DIAG_FORMAT_TEXT, false);
    /* In reading order: the warning on line 1 first, though it was reported second. */
    cr_assert_str_eq(got, "t.ans:1:1: warning[W003]: no observable\n"
                          "    f(a,\n"
                          "    ^\n"
                          "t.ans:2:4: error[E004]: expected ')'\n"
                          "      b;\n"
                          "       ^\n"
                          "t.ans:1:2: note: to close '(' at line 1\n"
                          "    f(a,\n"
                          "     ^\n"
                          "t.ans:2:4: note: a note with no position\n"); /* the error's place */
    free(got);
    cr_assert_eq(sink.errors, 1u);
    cr_assert_eq(sink.warnings, 1u);
    arena_free(&a);
}

Test(diag_text, at_most_four_notes)
{
    Arena a;
    arena_init(&a);
    DiagSink sink;
    diag_init(&sink, &a);
    Source *src = source_new(&a, "t.ans", "x\n", 2);
    Diag *d = diag_report(&sink, DIAG_E004, src, (Span){0, 1}, "m");
    for (int i = 0; i < DIAG_MAX_NOTES + 2; i++)
        diag_note(&sink, d, NULL, (Span){0, 0}, "n%d", i);
    cr_assert_eq(d->nnotes, DIAG_MAX_NOTES);
    diag_note(&sink, NULL, NULL, (Span){0, 0}, "ignored"); /* after a deduplicated report */
    arena_free(&a);
}

Test(diag_text, limit_of_one_hundred)
{
    Arena a;
    arena_init(&a);
    DiagSink sink;
    diag_init(&sink, &a);
    char text[301];
    memset(text, 'x', 300);
    text[300] = '\0';
    Source *src = source_new(&a, "t.ans", text, 300);
    for (uint32_t i = 0; i < 105; i++) {
        Diag *d = diag_report(&sink, DIAG_E001, src, (Span){i, i + 1}, "e%u", i);
        cr_assert_eq(d == NULL, i >= 100, "report %u", i);
    }
    diag_report(&sink, DIAG_W003, src, (Span){200, 201}, "w");
    cr_assert_eq(sink.items.len, 100u);
    cr_assert_eq(sink.errors, 105u);
    cr_assert_eq(sink.warnings, 1u);
    char *got = render(&sink, DIAG_FORMAT_TEXT, false);
    size_t shown = 0;
    for (const char *p = got; (p = strstr(p, "error[E001]")); p++)
        shown++;
    cr_assert_eq(shown, 100u);
    const char *tail = "ansc: 6 more diagnostics not shown\n";
    size_t n = strlen(got), m = strlen(tail);
    cr_assert(n >= m && strcmp(got + n - m, tail) == 0, "ends with:\n%s", got + (n > 200 ? n - 200 : 0));
    cr_assert_not_null(strstr(got, "t.ans:1:100: error[E001]: e99\n"));
    cr_assert_null(strstr(got, "e100\n"));
    free(got);
    arena_free(&a);
}

Test(diag_text, dedupe_identical_code_and_span)
{
    Arena a;
    arena_init(&a);
    DiagSink sink;
    diag_init(&sink, &a);
    Source *s1 = source_new(&a, "a.ans", "abcdef\n", 7);
    Source *s2 = source_new(&a, "b.ans", "abcdef\n", 7);
    cr_assert_not_null(diag_report(&sink, DIAG_E010, s1, (Span){1, 3}, "first"));
    cr_assert_null(diag_report(&sink, DIAG_E010, s1, (Span){1, 3}, "again"));
    cr_assert_not_null(diag_report(&sink, DIAG_E011, s1, (Span){1, 3}, "other code"));
    cr_assert_not_null(diag_report(&sink, DIAG_E010, s1, (Span){1, 4}, "other span"));
    cr_assert_not_null(diag_report(&sink, DIAG_E010, s2, (Span){1, 3}, "other file"));
    cr_assert_eq(sink.items.len, 4u);
    cr_assert_eq(sink.errors, 4u);
    cr_assert_str_eq(sink.items.data[0].message, "first");
    arena_free(&a);
}

Test(diag_text, report_file_has_no_position)
{
    Arena a;
    arena_init(&a);
    DiagSink sink;
    diag_init(&sink, &a);
    char name[] = "missing.ans";
    Diag *d = diag_report_file(&sink, DIAG_E006, name, "cannot read '%s': %s", name,
                               "No such file or directory");
    cr_assert_not_null(d);
    diag_note(&sink, d, NULL, (Span){0, 0}, "try --include");
    name[0] = 'X'; /* the sink keeps its own copy of the name */
    char *got = render(&sink, DIAG_FORMAT_TEXT, false);
    cr_assert_str_eq(got, "missing.ans: error[E006]: cannot read 'missing.ans': No such file "
                          "or directory\n"
                          "missing.ans: note: try --include\n");
    free(got);
    arena_free(&a);
}

/* Color adds ANSI escapes and nothing else: stripped, it is the plain rendering. */
Test(diag_text, color_only_adds_escapes)
{
    Arena a;
    arena_init(&a);
    DiagSink sink;
    diag_init(&sink, &a);
    const char *text = "f(a,\n\t\xce\xb8 b;\n";
    Source *src = source_new(&a, "t.ans", text, strlen(text));
    Diag *d = diag_report(&sink, DIAG_E004, src, (Span){9, 10}, "expected ')'");
    diag_note(&sink, d, src, (Span){1, 2}, "to close");
    diag_report(&sink, DIAG_W001, src, (Span){0, 3}, "w");
    diag_report_file(&sink, DIAG_E007, "big.ans", "too big");
    char *plain = render(&sink, DIAG_FORMAT_TEXT, false);
    char *color = render(&sink, DIAG_FORMAT_TEXT, true);
    cr_assert_null(strchr(plain, '\033'));
    cr_assert_not_null(strchr(color, '\033'));
    char *w = color;
    for (const char *r = color; *r;) {
        if (r[0] == '\033' && r[1] == '[') {
            r += 2;
            while (*r && *r != 'm')
                r++;
            r += *r == 'm';
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
    cr_assert_str_eq(color, plain);
    free(plain);
    free(color);
    arena_free(&a);
}

Test(diag_source, positions_and_lines)
{
    Arena a;
    arena_init(&a);
    const char *text = "ab\r\n\ncd";
    Source *s = source_new(&a, "t.ans", text, strlen(text));
    cr_assert_eq(s->nlines, 3u);
    static const struct { uint32_t offset, line, column; } pos[] = {
        {0, 1, 1}, {2, 1, 3}, {3, 1, 4}, {4, 2, 1}, {5, 3, 1}, {6, 3, 2}, {7, 3, 3}, {99, 3, 3},
    };
    for (size_t i = 0; i < sizeof pos / sizeof *pos; i++) {
        uint32_t line, column;
        source_position(s, pos[i].offset, &line, &column);
        cr_assert_eq(line, pos[i].line, "offset %u", pos[i].offset);
        cr_assert_eq(column, pos[i].column, "offset %u", pos[i].offset);
    }
    uint32_t len;
    const char *l1 = source_line(s, 1, &len);
    cr_assert_eq(len, 2u); /* the \r is not part of the line */
    cr_assert_eq(strncmp(l1, "ab", 2), 0);
    source_line(s, 2, &len);
    cr_assert_eq(len, 0u);
    const char *l3 = source_line(s, 3, &len);
    cr_assert_eq(len, 2u);
    cr_assert_eq(strncmp(l3, "cd", 2), 0);
    cr_assert_str_eq(source_line(s, 4, &len), "");
    cr_assert_eq(len, 0u);
    source_line(s, 0, &len);
    cr_assert_eq(len, 0u);
    Source *empty = source_new(&a, "e.ans", "", 0);
    uint32_t line, column;
    source_position(empty, 0, &line, &column);
    cr_assert_eq(line, 1u);
    cr_assert_eq(column, 1u);
    arena_free(&a);
}

/* Rendered in reading order: files in the order first reported, then by position, ties in
 * report order; the same order in all three formats. */
Test(diag_text, reading_order)
{
    Arena a;
    arena_init(&a);
    DiagSink sink;
    diag_init(&sink, &a);
    Source *s1 = source_new(&a, "a.ans", "abc\ndef\n", 8);
    Source *s2 = source_new(&a, "b.ans", "abc\ndef\n", 8);
    diag_report(&sink, DIAG_E010, s1, (Span){4, 5}, "m1");
    diag_report(&sink, DIAG_E004, s2, (Span){2, 3}, "m2");
    diag_report(&sink, DIAG_E011, s1, (Span){0, 1}, "m3");
    diag_report_file(&sink, DIAG_E006, "c.ans", "m4");
    diag_report(&sink, DIAG_E012, s1, (Span){4, 6}, "m5");
    diag_report(&sink, DIAG_E013, s2, (Span){0, 1}, "m6");
    static const char *const want = "m3 m1 m5 m6 m2 m4";
    char *text = render(&sink, DIAG_FORMAT_TEXT, false);
    StrBuf order = {0};
    for (const char *p = text; (p = strstr(p, ": m")); p += 3)
        sb_printf(&order, "%s%.2s", order.len ? " " : "", p + 2);
    cr_assert_str_eq(order.data, want, "text order %s", order.data);
    sb_free(&order);
    free(text);
    for (int f = 0; f < 2; f++) {
        text = render(&sink, f ? DIAG_FORMAT_SARIF : DIAG_FORMAT_JSON, false);
        json_t *doc = json_loads(text, 0, NULL);
        cr_assert_not_null(doc);
        json_t *list = f ? json_object_get(json_array_get(json_object_get(doc, "runs"), 0), "results")
                         : json_object_get(doc, "diagnostics");
        for (size_t i = 0; i < json_array_size(list); i++) {
            json_t *m = json_object_get(json_array_get(list, i), "message");
            const char *msg = json_string_value(f ? json_object_get(m, "text") : m);
            sb_printf(&order, "%s%s", order.len ? " " : "", msg ? msg : "?");
        }
        cr_assert_str_eq(order.data, want, "%s order %s", f ? "sarif" : "json", order.data);
        sb_free(&order);
        json_decref(doc);
        free(text);
    }
    arena_free(&a);
}

/* ---- json and sarif --------------------------------------------------------------- */

/* A sink with an error (and a note) on line 2, a warning, and a file-level error. */
static void fill_sample(DiagSink *sink, Arena *a)
{
    diag_init(sink, a);
    const char *text = "qubit[2] q;\nlet x = foo;\n";
    Source *src = source_new(a, "dir/t.ans", text, strlen(text));
    Diag *d = diag_report(sink, DIAG_E010, src, (Span){20, 23}, "unknown name 'foo'");
    diag_note(sink, d, src, (Span){0, 5}, "declared here");
    diag_report(sink, DIAG_W003, src, (Span){25, 25}, "no observable");
    diag_report_file(sink, DIAG_E006, "gone.ans", "cannot read");
}

static json_t *parse_json(const char *text)
{
    json_error_t err;
    json_t *doc = json_loads(text, 0, &err);
    cr_assert_not_null(doc, "invalid JSON at %d:%d: %s\n%s", err.line, err.column, err.text, text);
    return doc;
}

static json_int_t int_at(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    cr_assert(json_is_integer(v), "\"%s\" is not an integer", key);
    return json_integer_value(v);
}

static const char *str_at(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    cr_assert(json_is_string(v), "\"%s\" is not a string", key);
    return json_string_value(v);
}

Test(diag_json, parses_back)
{
    Arena a;
    arena_init(&a);
    DiagSink sink;
    fill_sample(&sink, &a);
    char *text = render(&sink, DIAG_FORMAT_JSON, false);
    json_t *doc = parse_json(text);
    cr_assert_eq(int_at(doc, "errors"), 2);
    cr_assert_eq(int_at(doc, "warnings"), 1);
    json_t *list = json_object_get(doc, "diagnostics");
    cr_assert(json_is_array(list));
    cr_assert_eq(json_array_size(list), 3u);

    json_t *e = json_array_get(list, 0);
    cr_assert_str_eq(str_at(e, "file"), "dir/t.ans");
    cr_assert_str_eq(str_at(e, "severity"), "error");
    cr_assert_str_eq(str_at(e, "code"), "E010");
    cr_assert_str_eq(str_at(e, "message"), "unknown name 'foo'");
    cr_assert_eq(int_at(e, "line"), 2);
    cr_assert_eq(int_at(e, "column"), 9);
    cr_assert_eq(int_at(e, "end_line"), 2);
    cr_assert_eq(int_at(e, "end_column"), 12); /* exclusive, as SARIF's endColumn */
    json_t *notes = json_object_get(e, "notes");
    cr_assert_eq(json_array_size(notes), 1u);
    json_t *n = json_array_get(notes, 0);
    cr_assert_str_eq(str_at(n, "message"), "declared here");
    cr_assert_eq(int_at(n, "line"), 1);
    cr_assert_eq(int_at(n, "column"), 1);
    cr_assert_eq(int_at(n, "end_column"), 6);

    json_t *w = json_array_get(list, 1);
    cr_assert_str_eq(str_at(w, "severity"), "warning");
    cr_assert_str_eq(str_at(w, "code"), "W003");
    cr_assert_eq(int_at(w, "line"), 3); /* the empty span after the last newline */
    cr_assert_eq(int_at(w, "column"), 1);

    json_t *f = json_array_get(list, 2);
    cr_assert_str_eq(str_at(f, "file"), "gone.ans");
    cr_assert_str_eq(str_at(f, "code"), "E006");
    cr_assert_null(json_object_get(f, "line"));
    cr_assert_eq(json_array_size(json_object_get(f, "notes")), 0u);
    json_decref(doc);
    free(text);
    arena_free(&a);
}

Test(diag_json, empty_sink)
{
    Arena a;
    arena_init(&a);
    DiagSink sink;
    diag_init(&sink, &a);
    char *text = render(&sink, DIAG_FORMAT_JSON, false);
    json_t *doc = parse_json(text);
    cr_assert_eq(json_array_size(json_object_get(doc, "diagnostics")), 0u);
    cr_assert_eq(int_at(doc, "errors"), 0);
    json_decref(doc);
    free(text);
    arena_free(&a);
}

Test(diag_sarif, parses_back)
{
    Arena a;
    arena_init(&a);
    DiagSink sink;
    fill_sample(&sink, &a);
    char *text = render(&sink, DIAG_FORMAT_SARIF, false);
    json_t *doc = parse_json(text);
    cr_assert_str_eq(str_at(doc, "version"), "2.1.0");
    json_t *runs = json_object_get(doc, "runs");
    cr_assert_eq(json_array_size(runs), 1u);
    json_t *run = json_array_get(runs, 0);
    json_t *driver = json_object_get(json_object_get(run, "tool"), "driver");
    cr_assert_str_eq(str_at(driver, "name"), "ansc");
    cr_assert_str_eq(str_at(driver, "version"), ANSC_VERSION);

    json_t *rules = json_object_get(driver, "rules");
    cr_assert_eq(json_array_size(rules), (size_t)DIAG__COUNT);
    for (int c = 0; c < DIAG__COUNT; c++) {
        json_t *r = json_array_get(rules, (size_t)c);
        cr_assert_str_eq(str_at(r, "id"), diag_code_name((DiagCode)c));
        cr_assert_str_eq(str_at(json_object_get(r, "shortDescription"), "text"),
                         diag_code_title((DiagCode)c));
    }

    json_t *results = json_object_get(run, "results");
    cr_assert_eq(json_array_size(results), 3u);
    json_t *e = json_array_get(results, 0);
    cr_assert_str_eq(str_at(e, "ruleId"), "E010");
    json_int_t idx = int_at(e, "ruleIndex");
    cr_assert_str_eq(str_at(json_array_get(rules, (size_t)idx), "id"), "E010");
    cr_assert_str_eq(str_at(e, "level"), "error");
    cr_assert_str_eq(str_at(json_object_get(e, "message"), "text"), "unknown name 'foo'");
    json_t *loc = json_object_get(json_array_get(json_object_get(e, "locations"), 0),
                                  "physicalLocation");
    cr_assert_str_eq(str_at(json_object_get(loc, "artifactLocation"), "uri"), "dir/t.ans");
    json_t *region = json_object_get(loc, "region");
    cr_assert_eq(int_at(region, "startLine"), 2);
    cr_assert_eq(int_at(region, "startColumn"), 9);
    cr_assert_eq(int_at(region, "endLine"), 2);
    cr_assert_eq(int_at(region, "endColumn"), 12);
    json_t *related = json_object_get(e, "relatedLocations");
    cr_assert_eq(json_array_size(related), 1u);
    json_t *rel = json_array_get(related, 0);
    cr_assert_str_eq(str_at(json_object_get(rel, "message"), "text"), "declared here");
    json_t *rregion = json_object_get(json_object_get(rel, "physicalLocation"), "region");
    cr_assert_eq(int_at(rregion, "startLine"), 1);
    cr_assert_eq(int_at(rregion, "endColumn"), 6);

    json_t *w = json_array_get(results, 1);
    cr_assert_str_eq(str_at(w, "ruleId"), "W003");
    cr_assert_str_eq(str_at(w, "level"), "warning");
    json_t *f = json_array_get(results, 2);
    cr_assert_str_eq(str_at(f, "ruleId"), "E006");
    json_t *floc = json_object_get(json_array_get(json_object_get(f, "locations"), 0),
                                   "physicalLocation");
    cr_assert_str_eq(str_at(json_object_get(floc, "artifactLocation"), "uri"), "gone.ans");
    json_decref(doc);
    free(text);
    arena_free(&a);
}

/* ---- the code list ---------------------------------------------------------------- */

Test(diag_codes, names_lookup_and_severity)
{
    for (int c = 0; c < DIAG__COUNT; c++) {
        const char *name = diag_code_name((DiagCode)c);
        cr_assert_eq(strlen(name), 4u, "%s", name);
        cr_assert(isdigit((unsigned char)name[1]) && isdigit((unsigned char)name[2]) &&
                      isdigit((unsigned char)name[3]),
                  "%s", name);
        cr_assert_eq(diag_code_lookup(name), (DiagCode)c, "%s", name);
        Severity sev = diag_code_severity((DiagCode)c);
        cr_assert(name[0] == 'E'   ? sev == SEV_ERROR
                  : name[0] == 'W' ? sev == SEV_WARNING
                                   : name[0] == 'N' && sev == SEV_NOTE,
                  "%s: prefix and severity disagree", name);
        cr_assert_gt(strlen(diag_code_title((DiagCode)c)), 0u);
        if (c > 0) {
            const char *prev = diag_code_name((DiagCode)(c - 1));
            cr_assert(prev[0] != name[0] || strcmp(prev, name) < 0, "%s after %s", name, prev);
        }
    }
    cr_assert_eq(diag_code_lookup("E999"), DIAG__COUNT);
    cr_assert_eq(diag_code_lookup("e010"), DIAG__COUNT);
    cr_assert_eq(diag_code_lookup(""), DIAG__COUNT);
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        fwrite(chunk, 1, n, out);
    fclose(f);
    fclose(out);
    return buf;
}

/* Whether `code` appears as a whole word on a heading line ("## E010 …") or a table row
 * ("| E010 | …") of the markdown text. */
static bool documented(const char *md, const char *code)
{
    size_t n = strlen(code);
    for (const char *line = md; *line;) {
        const char *end = strchr(line, '\n');
        if (!end)
            end = line + strlen(line);
        const char *p = line;
        while (p < end && *p == ' ')
            p++;
        if (p < end && (*p == '#' || *p == '|'))
            for (const char *q = p; q + n <= end; q++)
                if (memcmp(q, code, n) == 0 && !isalnum((unsigned char)q[-1]) &&
                    !isalnum((unsigned char)q[n]))
                    return true;
        line = *end ? end + 1 : end;
    }
    return false;
}

Test(diag_codes, every_code_documented)
{
    const char *path = ANSC_SOURCE_DIR "/docs/diagnostics.md";
    char *md = read_file(path);
    cr_assert_not_null(md, "cannot read %s: every diagnostic code must be documented there", path);
    StrBuf missing = {0};
    for (int c = 0; c < DIAG__COUNT; c++)
        if (!documented(md, diag_code_name((DiagCode)c)))
            sb_printf(&missing, " %s", diag_code_name((DiagCode)c));
    free(md);
    bool ok = missing.len == 0;
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", missing.len ? missing.data : "");
    sb_free(&missing);
    cr_assert(ok, "no heading or table row in %s for:%s", path, msg);
}

Test(diag_codes, every_code_has_a_golden_test)
{
    const char *path = ANSC_SOURCE_DIR "/tests/golden/diag";
    DIR *dir = opendir(path);
    cr_assert_not_null(dir, "cannot open %s: every diagnostic code needs a golden test there", path);
    bool have[DIAG__COUNT] = {0};
    struct dirent *e;
    while ((e = readdir(dir))) {
        size_t n = strlen(e->d_name);
        if (n < 8 || strcmp(e->d_name + n - 4, ".ans") != 0 || isdigit((unsigned char)e->d_name[4]))
            continue;
        char code[5];
        memcpy(code, e->d_name, 4);
        code[4] = '\0';
        DiagCode c = diag_code_lookup(code);
        if (c != DIAG__COUNT)
            have[c] = true;
    }
    closedir(dir);
    char missing[1024] = "";
    for (int c = 0; c < DIAG__COUNT; c++)
        if (!have[c] && strlen(missing) + 6 < sizeof missing) {
            strcat(missing, " ");
            strcat(missing, diag_code_name((DiagCode)c));
        }
    cr_assert(missing[0] == '\0', "no %s/CODE*.ans for:%s", path, missing);
}
