/*
 * parse_state.h — what the scanner and the parser share: the compilation's arena and
 * diagnostics, the running byte offset, the last token's span and the open brackets.
 * Only grammar/ and parse.c include it.
 */
#ifndef ANSC_PARSE_STATE_H
#define ANSC_PARSE_STATE_H

#include "frontend.h"

enum { PARSE_MAX_BRACKETS = 256 };

typedef struct ParseState {
    Arena *arena;
    DiagSink *diags;
    const Source *src;
    uint32_t offset;  /* of the next byte to scan */
    Span last;        /* the last token returned */
    Span before_last; /* the one before it */
    Span comment;     /* the open block comment */
    struct {
        char c;
        Span span;
    } brackets[PARSE_MAX_BRACKETS];
    uint32_t depth;
    Node *program;
    NodeList top; /* top-level statements read so far */
} ParseState;

#ifndef YY_TYPEDEF_YY_SCANNER_T
#define YY_TYPEDEF_YY_SCANNER_T
typedef void *yyscan_t;
#endif

ParseState *lex_state(yyscan_t scanner);

#endif
