/*
 * frontend.c — the front end's passes in order: parse, check (sema), elaborate.
 *
 * Sema also runs on a tree with syntax errors (bad statements were dropped at recovery),
 * so that one run reports every independent error; it is then told to keep quiet about
 * unknown names and gates, which may be echoes of a declaration the parser dropped.
 * Elaboration needs a fully checked tree and runs only when both passes were clean.
 */
#include "frontend.h"

FrontendResult frontend_run(Arena *a, DiagSink *diags, const Source *src, Define *defines,
                            size_t ndefines, Stage last)
{
    FrontendResult r = {0};
    size_t errors = diags->errors;
    r.program = parse_source(a, diags, src);
    bool syntax_errors = diags->errors > errors;
    if (last == STAGE_PARSE) {
        r.ok = !syntax_errors;
        return r;
    }
    if (!sema_check(a, diags, src, r.program, defines, ndefines, syntax_errors) ||
        syntax_errors || last == STAGE_CHECK) {
        r.ok = diags->errors == errors;
        return r;
    }
    r.circuit = elaborate(a, diags, src, r.program, defines, ndefines);
    r.ok = r.circuit != NULL && diags->errors == errors;
    return r;
}
