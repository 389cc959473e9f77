/*
 * fuzz_frontend.c — libFuzzer harness for the whole front end.
 *
 * Each input is one source text. It goes through parse, check and elaborate exactly as
 * `ansc check` runs them (one arena, one sink), and the sink is then rendered in all
 * three formats to /dev/null, so the renderer's handling of odd spans, bytes and
 * messages is fuzzed too; a circuit, when one comes out, is printed as `ansc print`
 * would, and analysed (small budgets) and reported in both formats, as `ansc check` and
 * `ansc analyze` do. When the header declares a size `n`, the input runs a second time with
 * `-D n=3`, which reaches the override path and re-elaborates at another size.
 *
 * Besides memory errors (the harness is built with ASan and UBSan), the harness checks
 * the front end's contract and aborts when it breaks: the result is ok exactly when the
 * sink holds no errors, an ok run has a circuit, and every diagnostic or note with a
 * source has a span inside it. Inputs over 64 KiB are skipped: they find nothing the
 * small ones do not, and they slow every iteration. The only global is the entry point.
 */
#include "analysis/analysis.h"
#include "frontend/frontend.h"

#include <stdlib.h>
#include <string.h>

enum { FUZZ_MAX_INPUT = 64 * 1024 };

static void fuzz_check_span(const Source *src, Span span)
{
    if (src && !(span.start <= span.end && span.end <= src->len))
        abort();
}

static void fuzz_check_sink(const DiagSink *sink)
{
    size_t errors = 0;
    for (size_t i = 0; i < sink->items.len; i++) {
        const Diag *d = &sink->items.data[i];
        if (d->code >= DIAG__COUNT || d->message == NULL)
            abort();
        errors += d->severity == SEV_ERROR;
        fuzz_check_span(d->src, d->span);
        for (int k = 0; k < d->nnotes; k++)
            fuzz_check_span(d->notes[k].src, d->notes[k].span);
    }
    if (errors > sink->errors) /* the sink keeps only the first items but counts them all */
        abort();
}

/* True when the program's header declares a size of that name. */
static bool fuzz_has_size(const Node *program, const char *name)
{
    if (!program || program->kind != ND_PROGRAM)
        return false;
    for (const Node *s = program->program.stmts; s; s = s->next) {
        if (s->kind != ND_HEADER)
            continue;
        for (const Node *z = s->header.sizes; z; z = z->next)
            if (z->kind == ND_SIZE && z->let.name && strcmp(z->let.name, name) == 0)
                return true;
    }
    return false;
}

/* One compilation of the bytes; returns whether the header declares `n`. */
static bool fuzz_run(const uint8_t *data, size_t size, Define *defines, size_t ndefines,
                     FILE *null_out)
{
    Arena arena;
    arena_init(&arena);
    DiagSink sink;
    diag_init(&sink, &arena);
    const Source *src = source_new(&arena, "fuzz.ans", (const char *)data, size);
    FrontendResult r = frontend_run(&arena, &sink, src, defines, ndefines, STAGE_ELABORATE);

    if (r.ok != (sink.errors == 0))
        abort();
    if (r.ok && r.circuit == NULL)
        abort();
    fuzz_check_sink(&sink);

    diag_render(null_out, &sink, DIAG_FORMAT_TEXT, false);
    diag_render(null_out, &sink, DIAG_FORMAT_TEXT, true);
    diag_render(null_out, &sink, DIAG_FORMAT_JSON, false);
    diag_render(null_out, &sink, DIAG_FORMAT_SARIF, false);
    if (r.ok) {
        StrBuf sb = {0};
        ast_dump(&sb, r.program);
        circuit_print(&sb, r.circuit);
        AnalysisOptions options = {.max_dim = 1u << 12, .max_work = (uint64_t)1 << 20};
        Analysis *an = analyze_circuit(&arena, &sink, r.circuit, &options);
        analysis_conclude(&arena, &sink, an, NULL);
        analysis_report_text(&sb, an);
        analysis_report_json(&sb, an, &sink);
        analysis_free(an);
        fuzz_check_sink(&sink);
        fwrite(sb.data, 1, sb.len, null_out);
        sb_free(&sb);
    }

    bool has_n = fuzz_has_size(r.program, "n");
    arena_free(&arena);
    return has_n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX_INPUT)
        return 0;
    FILE *null_out = fopen("/dev/null", "w");
    if (!null_out)
        abort();
    if (fuzz_run(data, size, NULL, 0, null_out)) {
        Define n3 = {.name = "n", .value = 3, .used = false};
        fuzz_run(data, size, &n3, 1, null_out);
    }
    fclose(null_out);
    return 0;
}
