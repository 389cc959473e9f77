/*
 * parse.c — runs the generated scanner and parser over one source.
 *
 * Input: a Source. Output: the PROGRAM node (never NULL), syntax errors in the sink.
 * The scanner reads the bytes as they are (NULs included) through yy_scan_bytes; all of its
 * and the parser's own allocations are released before returning.
 */
#include "parse_state.h"
#include "parser.h"
#include "lexer.h"

Node *parse_source(Arena *a, DiagSink *diags, const Source *src)
{
    ParseState ps = {.arena = a, .diags = diags, .src = src};
    yyscan_t scanner;
    if (yylex_init_extra(&ps, &scanner) != 0) {
        diag_report_file(diags, DIAG_E006, src->name, "cannot start the scanner");
        return node_new(a, ND_PROGRAM, (Span){0, 0});
    }
    YY_BUFFER_STATE buf = yy_scan_bytes(src->text, (int)src->len, scanner);
    yyparse(scanner);
    yy_delete_buffer(buf, scanner);
    yylex_destroy(scanner);
    if (!ps.program) { /* the parser gave up before reducing the program */
        ps.program = node_new(a, ND_PROGRAM, (Span){0, src->len});
        ps.program->program.stmts = ps.top.head;
    }
    return ps.program;
}
