/*
 * compile.h — runs the front end on a source string, for the unit tests.
 *
 * A Compiled owns its arena; compiled_free releases everything. The helpers that look at
 * the result (codes reported, a diagnostic's line and column) read the sink directly.
 */
#ifndef ANSC_TEST_COMPILE_H
#define ANSC_TEST_COMPILE_H

#include "frontend/frontend.h"

#include <stdlib.h>
#include <string.h>

typedef struct Compiled {
    Arena arena;
    DiagSink diags;
    const Source *src;
    FrontendResult result;
} Compiled;

static inline Compiled *compile_with(const char *text, Define *defines, size_t ndefines, Stage last)
{
    Compiled *c = calloc(1, sizeof *c);
    arena_init(&c->arena);
    diag_init(&c->diags, &c->arena);
    c->src = source_new(&c->arena, "test.ans", text, strlen(text));
    c->result = frontend_run(&c->arena, &c->diags, c->src, defines, ndefines, last);
    return c;
}

static inline Compiled *compile(const char *text)
{
    return compile_with(text, NULL, 0, STAGE_ELABORATE);
}

static inline void compiled_free(Compiled *c)
{
    arena_free(&c->arena);
    free(c);
}

/* The number of diagnostics with this code. */
static inline int count_code(const Compiled *c, const char *code)
{
    int n = 0;
    for (size_t i = 0; i < c->diags.items.len; i++)
        n += strcmp(diag_code_name(c->diags.items.data[i].code), code) == 0;
    return n;
}

/* "line:col" of the first diagnostic with this code, or "" if there is none. */
static inline const char *where(const Compiled *c, const char *code, char *buf, size_t cap)
{
    buf[0] = '\0';
    for (size_t i = 0; i < c->diags.items.len; i++) {
        const Diag *d = &c->diags.items.data[i];
        if (strcmp(diag_code_name(d->code), code) == 0 && d->src) {
            uint32_t line, col;
            source_position(d->src, d->span.start, &line, &col);
            snprintf(buf, cap, "%u:%u", line, col);
            break;
        }
    }
    return buf;
}

/* The whole dump of the stage as a malloc'd string (free it). */
static inline char *dump_of(const char *text, Stage stage)
{
    Compiled *c = compile_with(text, NULL, 0, stage);
    StrBuf sb = {0};
    if (c->result.ok) {
        if (stage == STAGE_ELABORATE)
            circuit_print(&sb, c->result.circuit);
        else
            ast_dump(&sb, c->result.program);
    }
    compiled_free(c);
    if (!sb.data)
        sb_puts(&sb, "");
    return sb.data;
}

#endif
