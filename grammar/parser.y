/*
 * parser.y — the grammar of the .ans language (docs/language.md).
 *
 * Actions only build nodes; every check on names, types and placement is sema's
 * (PostgreSQL's rule), so the grammar accepts declarations anywhere a statement can stand
 * and sema says where they belong. This keeps the grammar small and the messages specific.
 *
 * Expressions have one grammar for integers, angles and Pauli operators; sema types them.
 * Precedence, loosest first: || && (comparisons, non-associative) + - * / % (unary - + !
 * and sum) ** (right) postfix [index]. `sum(v in [a:b]) TERM` is a prefix whose operand
 * is a whole multiplicative term: it extends over * / % and stops at + and -. That one
 * shift/reduce choice is settled by %prec; there are no other conflicts (%expect 0).
 *
 * Recovery: a bad statement is skipped to its ';' (or a block to its '}') and parsing
 * goes on, so one run reports every independent syntax error.
 */

%require "3.8"
%define api.pure full
%define api.location.type {Span}
%define parse.error custom
%define parse.lac full
%locations
%expect 0
%param {yyscan_t scanner}

%code requires {
#include "frontend/parse_state.h"
}

%code provides {
int yylex(YYSTYPE *yylval, YYLTYPE *yylloc, yyscan_t scanner);
}

%code {
#include <string.h>

#define YYLLOC_DEFAULT(Cur, Rhs, N)                                                           \
    do {                                                                                      \
        if (N) {                                                                              \
            (Cur).start = YYRHSLOC(Rhs, 1).start;                                             \
            (Cur).end = YYRHSLOC(Rhs, N).end;                                                 \
        } else {                                                                              \
            (Cur).start = (Cur).end = YYRHSLOC(Rhs, 0).end;                                   \
        }                                                                                     \
    } while (0)

#define YYMAXDEPTH ANS_MAX_PARSE_DEPTH
#define A (lex_state(scanner)->arena)

static void yyerror(YYLTYPE *loc, yyscan_t scanner, const char *msg);
static Node *binary(yyscan_t scanner, Op op, Node *l, Node *r, Span op_span);
static Node *unary(yyscan_t scanner, Op op, Node *e, Span span);
}

%union {
    Node *node;
    NodeList list;
    const char *str;
    int64_t ival;
    Real real;
    int cmp;
}

%token ANSATZ "ansatz" QUBIT "qubit" PARAM "param" INPUT "input" STATE "state"
%token LET "let" GATE "gate" EVOLVE "evolve" FOR "for" IN "in" IF "if" ELSE "else"
%token DISCARD "discard" OBSERVE "observe" EXPECT "expect" BARRIER "barrier" SUM "sum"
%token <ival> PAULI_AXIS "Pauli operator"
%token PAULI_I "I"
%token <str> IDENTIFIER "identifier" KET "ket"
%token <ival> INTEGER "integer"
%token <real> REAL "real number"
%token LPAREN "(" RPAREN ")" LBRACKET "[" RBRACKET "]" LBRACE "{" RBRACE "}"
%token COMMA "," SEMICOLON ";" COLON ":" DOT "." ASSIGN "="
%token PLUS "+" MINUS "-" STAR "*" SLASH "/" PERCENT "%" POW "**"
%token EQ "==" NE "!=" LT "<" LE "<=" GT ">" GE ">=" AND "&&" OR "||" NOT "!"

%precedence SUM_PREFIX
%precedence STAR SLASH PERCENT

%type <node> stmt block if_stmt header size var_decl expr or_expr and_expr cmp_expr add_expr
%type <node> mul_expr unary_expr power postfix primary range fact name_def qubit_ref
%type <list> top_stmts stmts sizes size_list var_decls exprs expr_list operands operand_list name_list
%type <list> gate_params
%type <cmp> cmp_op

%%

program:
    top_stmts                   {
                                    Node *p = node_new(A, ND_PROGRAM, @1);
                                    p->program.stmts = $1.head;
                                    lex_state(scanner)->program = p;
                                }
    ;

/* The top-level statements so far are also kept in the parse state: when the parser
 * gives up (at end of file inside a block), sema still sees what was read. */
top_stmts:
    %empty                      { $$ = (NodeList){0}; }
    | top_stmts stmt            {
                                    $$ = $1;
                                    node_list_append(&$$, $2);
                                    lex_state(scanner)->top = $$;
                                }
    ;

stmts:
    %empty                      { $$ = (NodeList){0}; }
    | stmts stmt                { $$ = $1; node_list_append(&$$, $2); }
    ;

/* stmt -> one statement or declaration; placement is checked by sema */
stmt:
    header
    | "qubit" "[" expr "]" name_def ";"
                                {
                                    $$ = node_new(A, ND_QUBIT_DECL, @$);
                                    $$->qubit.name = $5->name.name;
                                    $$->qubit.name_span = @5;
                                    $$->qubit.size = $3;
                                }
    | "qubit" name_def ";"      {
                                    $$ = node_new(A, ND_QUBIT_DECL, @$);
                                    $$->qubit.name = $2->name.name;
                                    $$->qubit.name_span = @2;
                                }
    | "param" var_decls ";"     { $$ = $2.head; }
    | "input" var_decls ";"     {
                                    for (Node *v = $2.head; v; v = v->next)
                                        v->var.input = true;
                                    $$ = $2.head;
                                }
    | "state" KET ";"           { $$ = node_new(A, ND_STATE, @$); $$->state.ket = $2; }
    | "state" "input" ";"       { $$ = node_new(A, ND_STATE, @$); $$->state.input = true; }
    | "let" name_def "=" expr ";"
                                {
                                    $$ = node_new(A, ND_LET, @$);
                                    $$->let.name = $2->name.name;
                                    $$->let.name_span = @2;
                                    $$->let.value = $4;
                                }
    | "gate" name_def gate_params name_list block
                                {
                                    $$ = node_new(A, ND_GATE_DEF, @$);
                                    $$->gatedef.name = $2->name.name;
                                    $$->gatedef.name_span = @2;
                                    $$->gatedef.params = $3.head;
                                    $$->gatedef.qubits = $4.head;
                                    $$->gatedef.body = $5;
                                }
    | IDENTIFIER operands ";"   {
                                    $$ = node_new(A, ND_CALL, @$);
                                    $$->call.name = $1;
                                    $$->call.name_span = @1;
                                    $$->call.operands = $2.head;
                                }
    | IDENTIFIER "(" exprs ")" operands ";"
                                {
                                    $$ = node_new(A, ND_CALL, @$);
                                    $$->call.name = $1;
                                    $$->call.name_span = @1;
                                    $$->call.args = $3.head;
                                    $$->call.operands = $5.head;
                                }
    | "evolve" "(" expr ")" expr ";"
                                {
                                    $$ = node_new(A, ND_EVOLVE, @$);
                                    $$->evolve.angle = $3;
                                    $$->evolve.op = $5;
                                }
    | "for" IDENTIFIER "in" range block
                                {
                                    $$ = node_new(A, ND_FOR, @$);
                                    $$->loop.var = $2;
                                    $$->loop.var_span = @2;
                                    $$->loop.range = $4;
                                    $$->loop.body = $5;
                                }
    | if_stmt
    | "discard" operands ";"    { $$ = node_new(A, ND_DISCARD, @$); $$->operands.operands = $2.head; }
    | "observe" IDENTIFIER "=" expr ";"
                                {
                                    $$ = node_new(A, ND_OBSERVE, @$);
                                    $$->observe.name = $2;
                                    $$->observe.name_span = @2;
                                    $$->observe.op = $4;
                                }
    | "observe" expr ";"        { $$ = node_new(A, ND_OBSERVE, @$); $$->observe.op = $2; }
    | "expect" fact ";"         { $$ = $2; $$->span = @$; }
    | "barrier" operands ";"    { $$ = node_new(A, ND_BARRIER, @$); $$->operands.operands = $2.head; }
    | block
    | ";"                       { $$ = node_new(A, ND_EMPTY, @$); }
    | error ";"                 { $$ = node_new(A, ND_EMPTY, @$); }
    ;

/* header -> 'ansatz' NAME [ '(' sizes ')' ] ';' */
header:
    "ansatz" name_def "(" sizes ")" ";"
                                {
                                    $$ = node_new(A, ND_HEADER, @$);
                                    $$->header.name = $2->name.name;
                                    $$->header.name_span = @2;
                                    $$->header.sizes = $4.head;
                                }
    | "ansatz" name_def ";"     {
                                    $$ = node_new(A, ND_HEADER, @$);
                                    $$->header.name = $2->name.name;
                                    $$->header.name_span = @2;
                                }
    ;

sizes:
    %empty                      { $$ = (NodeList){0}; }
    | size_list
    ;

size_list:
    size                        { $$ = (NodeList){0}; node_list_append(&$$, $1); }
    | size_list "," size        { $$ = $1; node_list_append(&$$, $3); }
    ;

size:
    name_def "=" expr           {
                                    $$ = node_new(A, ND_SIZE, @$);
                                    $$->let.name = $1->name.name;
                                    $$->let.name_span = @1;
                                    $$->let.value = $3;
                                }
    ;

var_decls:
    var_decl                    { $$ = (NodeList){0}; node_list_append(&$$, $1); }
    | var_decls "," var_decl    { $$ = $1; node_list_append(&$$, $3); }
    ;

/* var_decl -> NAME { '[' expr ']' } */
var_decl:
    name_def                    {
                                    $$ = node_new(A, ND_VAR_DECL, @$);
                                    $$->var.name = $1->name.name;
                                    $$->var.name_span = @1;
                                }
    | var_decl "[" expr "]"     {
                                    $$ = $1;
                                    $$->span = @$;
                                    NodeList dims = {$$->var.dims, NULL};
                                    for (Node *d = dims.head; d; d = d->next)
                                        dims.tail = d;
                                    node_list_append(&dims, $3);
                                    $$->var.dims = dims.head;
                                }
    ;

name_def:
    IDENTIFIER                  { $$ = node_new(A, ND_NAME, @$); $$->name.name = $1; }
    ;

name_list:
    name_def                    { $$ = (NodeList){0}; node_list_append(&$$, $1); }
    | name_list "," name_def    { $$ = $1; node_list_append(&$$, $3); }
    ;

gate_params:
    %empty                      { $$ = (NodeList){0}; }
    | "(" ")"                   { $$ = (NodeList){0}; }
    | "(" name_list ")"         { $$ = $2; }
    ;

operands:
    %empty                      { $$ = (NodeList){0}; }
    | operand_list
    ;

operand_list:
    qubit_ref                   { $$ = (NodeList){0}; node_list_append(&$$, $1); }
    | operand_list "," qubit_ref
                                { $$ = $1; node_list_append(&$$, $3); }
    ;

/* qubit_ref -> NAME { '[' expr ']' } */
qubit_ref:
    IDENTIFIER                  { $$ = node_new(A, ND_NAME, @$); $$->name.name = $1; }
    | qubit_ref "[" expr "]"    {
                                    $$ = node_new(A, ND_INDEX, @$);
                                    $$->index.base = $1;
                                    $$->index.index = $3;
                                }
    ;

block:
    "{" stmts "}"               { $$ = node_new(A, ND_BLOCK, @$); $$->block.stmts = $2.head; }
    ;

/* if_stmt -> 'if' '(' expr ')' block [ 'else' ( block | if_stmt ) ] */
if_stmt:
    "if" "(" expr ")" block     {
                                    $$ = node_new(A, ND_IF, @$);
                                    $$->cond.cond = $3;
                                    $$->cond.then = $5;
                                }
    | "if" "(" expr ")" block "else" block
                                {
                                    $$ = node_new(A, ND_IF, @$);
                                    $$->cond.cond = $3;
                                    $$->cond.then = $5;
                                    $$->cond.otherwise = $7;
                                }
    | "if" "(" expr ")" block "else" if_stmt
                                {
                                    $$ = node_new(A, ND_IF, @$);
                                    $$->cond.cond = $3;
                                    $$->cond.then = $5;
                                    $$->cond.otherwise = $7;
                                }
    ;

/* range -> '[' lo ':' hi ']' | '[' lo ':' step ':' hi ']'  (both ends inclusive) */
range:
    "[" expr ":" expr "]"       {
                                    $$ = node_new(A, ND_RANGE, @$);
                                    $$->range.lo = $2;
                                    $$->range.hi = $4;
                                }
    | "[" expr ":" expr ":" expr "]"
                                {
                                    $$ = node_new(A, ND_RANGE, @$);
                                    $$->range.lo = $2;
                                    $$->range.step = $4;
                                    $$->range.hi = $6;
                                }
    ;

/* fact -> NAME '.' NAME cmp expr | NAME | '!' NAME */
fact:
    IDENTIFIER "." IDENTIFIER cmp_op expr
                                {
                                    $$ = node_new(A, ND_EXPECT, @$);
                                    $$->expect.object = $1;
                                    $$->expect.field = $3;
                                    $$->expect.fact_span = (Span){@1.start, @3.end};
                                    $$->expect.cmp = (CmpOp)$4;
                                    $$->expect.value = $5;
                                }
    | IDENTIFIER                {
                                    $$ = node_new(A, ND_EXPECT, @$);
                                    $$->expect.object = $1;
                                    $$->expect.fact_span = @1;
                                }
    | "!" IDENTIFIER            {
                                    $$ = node_new(A, ND_EXPECT, @$);
                                    $$->expect.object = $2;
                                    $$->expect.fact_span = @2;
                                    $$->expect.negated = true;
                                }
    ;

cmp_op:
    "=="                        { $$ = CMP_EQ; }
    | "!="                      { $$ = CMP_NE; }
    | "<"                       { $$ = CMP_LT; }
    | "<="                      { $$ = CMP_LE; }
    | ">"                       { $$ = CMP_GT; }
    | ">="                      { $$ = CMP_GE; }
    ;

exprs:
    %empty                      { $$ = (NodeList){0}; }
    | expr_list
    ;

expr_list:
    expr                        { $$ = (NodeList){0}; node_list_append(&$$, $1); }
    | expr_list "," expr        { $$ = $1; node_list_append(&$$, $3); }
    ;

expr:
    or_expr
    ;

or_expr:
    and_expr
    | or_expr "||" and_expr     { $$ = binary(scanner, OP_OR, $1, $3, @2); }
    ;

and_expr:
    cmp_expr
    | and_expr "&&" cmp_expr    { $$ = binary(scanner, OP_AND, $1, $3, @2); }
    ;

cmp_expr:
    add_expr
    | add_expr "==" add_expr    { $$ = binary(scanner, OP_EQ, $1, $3, @2); }
    | add_expr "!=" add_expr    { $$ = binary(scanner, OP_NE, $1, $3, @2); }
    | add_expr "<" add_expr     { $$ = binary(scanner, OP_LT, $1, $3, @2); }
    | add_expr "<=" add_expr    { $$ = binary(scanner, OP_LE, $1, $3, @2); }
    | add_expr ">" add_expr     { $$ = binary(scanner, OP_GT, $1, $3, @2); }
    | add_expr ">=" add_expr    { $$ = binary(scanner, OP_GE, $1, $3, @2); }
    ;

add_expr:
    mul_expr
    | add_expr "+" mul_expr     { $$ = binary(scanner, OP_ADD, $1, $3, @2); }
    | add_expr "-" mul_expr     { $$ = binary(scanner, OP_SUB, $1, $3, @2); }
    ;

mul_expr:
    unary_expr
    | mul_expr "*" unary_expr   { $$ = binary(scanner, OP_MUL, $1, $3, @2); }
    | mul_expr "/" unary_expr   { $$ = binary(scanner, OP_DIV, $1, $3, @2); }
    | mul_expr "%" unary_expr   { $$ = binary(scanner, OP_MOD, $1, $3, @2); }
    ;

/* unary_expr -> ('-' | '+' | '!') unary_expr | 'sum' '(' NAME 'in' range ')' mul_expr | power */
unary_expr:
    power
    | "-" unary_expr            { $$ = unary(scanner, OP_NEG, $2, @$); }
    | "+" unary_expr            { $$ = unary(scanner, OP_PLUS, $2, @$); }
    | "!" unary_expr            { $$ = unary(scanner, OP_NOT, $2, @$); }
    | "sum" "(" IDENTIFIER "in" range ")" mul_expr %prec SUM_PREFIX
                                {
                                    $$ = node_new(A, ND_SUM, @$);
                                    $$->loop.var = $3;
                                    $$->loop.var_span = @3;
                                    $$->loop.range = $5;
                                    $$->loop.body = $7;
                                }
    ;

power:
    postfix
    | postfix "**" unary_expr   { $$ = binary(scanner, OP_POW, $1, $3, @2); }
    ;

postfix:
    primary
    | postfix "[" expr "]"      {
                                    $$ = node_new(A, ND_INDEX, @$);
                                    $$->index.base = $1;
                                    $$->index.index = $3;
                                }
    ;

primary:
    INTEGER                     { $$ = node_new(A, ND_INT, @$); $$->int_lit.value = $1; }
    | REAL                      { $$ = node_new(A, ND_REAL, @$); $$->real_lit.value = $1; }
    | IDENTIFIER                { $$ = node_new(A, ND_NAME, @$); $$->name.name = $1; }
    | "(" expr ")"              { $$ = $2; }
    | IDENTIFIER "(" exprs ")"  {
                                    $$ = node_new(A, ND_FUNC, @$);
                                    $$->func.name = $1;
                                    $$->func.name_span = @1;
                                    $$->func.args = $3.head;
                                }
    | PAULI_AXIS "(" expr ")"   {
                                    $$ = node_new(A, ND_PAULI, @$);
                                    $$->pauli.axis = (char)$1;
                                    $$->pauli.qubit = $3;
                                }
    | "I"                       { $$ = node_new(A, ND_IDENTITY, @$); }
    ;

%%

static Node *binary(yyscan_t scanner, Op op, Node *l, Node *r, Span op_span)
{
    Node *n = node_new(A, ND_BINARY, (Span){l->span.start, r->span.end});
    n->binary.op = op;
    n->binary.lhs = l;
    n->binary.rhs = r;
    n->binary.op_span = op_span;
    return n;
}

static Node *unary(yyscan_t scanner, Op op, Node *e, Span span)
{
    Node *n = node_new(A, ND_UNARY, span);
    n->unary.op = op;
    n->unary.operand = e;
    return n;
}

/* Memory exhaustion is the only error Bison passes here: the parser's stack limit. */
static void yyerror(YYLTYPE *loc, yyscan_t scanner, const char *msg)
{
    ParseState *ps = lex_state(scanner);
    (void)msg;
    diag_report(ps->diags, DIAG_E005, ps->src, *loc,
                "nesting too deep: the parser's limit is %d open constructs",
                ANS_MAX_PARSE_DEPTH);
}

/* Token kinds left out of "expected …" lists: operators can follow almost anything and
 * only bury the useful alternatives. */
static bool is_operator(yysymbol_kind_t k)
{
    switch (k) {
    case YYSYMBOL_PLUS: case YYSYMBOL_MINUS: case YYSYMBOL_STAR: case YYSYMBOL_SLASH:
    case YYSYMBOL_PERCENT: case YYSYMBOL_POW: case YYSYMBOL_EQ: case YYSYMBOL_NE:
    case YYSYMBOL_LT: case YYSYMBOL_LE: case YYSYMBOL_GT: case YYSYMBOL_GE:
    case YYSYMBOL_AND: case YYSYMBOL_OR: case YYSYMBOL_LBRACKET:
        return true;
    default:
        return false;
    }
}

/* "';'" and "'for'" for punctuation and keywords; descriptive names ("identifier", "real
 * number", "end of file") as they are. */
static void put_symbol(StrBuf *sb, yysymbol_kind_t k)
{
    const char *name = yysymbol_name(k);
    size_t n = strlen(name);
    if (n >= 2 && name[0] == '"') {
        name++;
        n -= 2;
    }
    bool descriptive = memchr(name, ' ', n) || (n == 10 && strncmp(name, "identifier", n) == 0) ||
                       (n == 7 && strncmp(name, "integer", n) == 0) ||
                       (n == 3 && strncmp(name, "ket", n) == 0);
    if (!descriptive)
        sb_putc(sb, '\'');
    sb_putn(sb, name, n);
    if (!descriptive)
        sb_putc(sb, '\'');
}

static char closer_of(char c) { return c == '(' ? ')' : c == '[' ? ']' : '}'; }

static yysymbol_kind_t closer_symbol(char c)
{
    return c == '(' ? YYSYMBOL_RPAREN : c == '[' ? YYSYMBOL_RBRACKET : YYSYMBOL_RBRACE;
}

/*
 * "unexpected X, expected A, B or C". When ';' is one of the expectations and the bad
 * token starts a new line, the error is placed just after the previous token: that is
 * where the semicolon is missing. An open bracket whose closer would be accepted gets a
 * note at the opener.
 */
static int yyreport_syntax_error(const yypcontext_t *ctx, yyscan_t scanner)
{
    ParseState *ps = lex_state(scanner);
    yysymbol_kind_t expected[YYNTOKENS];
    int n = yypcontext_expected_tokens(ctx, expected, YYNTOKENS);
    yysymbol_kind_t tok = yypcontext_token(ctx);
    /* At end of file the scanner leaves the last token's location in place. */
    Span at = tok == YYSYMBOL_YYEOF ? (Span){ps->src->len, ps->src->len} : *yypcontext_location(ctx);

    yysymbol_kind_t shown[YYNTOKENS];
    int nshown = 0;
    bool wants_semicolon = false;
    for (int i = 0; i < n; i++) {
        if (expected[i] == YYSYMBOL_SEMICOLON)
            wants_semicolon = true;
        if (!is_operator(expected[i]))
            shown[nshown++] = expected[i];
    }
    /* The token before the lookahead (at end of file there is no lookahead token). */
    Span prev = tok == YYSYMBOL_YYEOF ? ps->last : ps->before_last;
    bool moved = false;
    char before = prev.end > prev.start ? ps->src->text[prev.start] : ';';
    if (wants_semicolon && before != ';' && before != '{' && before != '}' && prev.end > 0 &&
        prev.end <= at.start) {
        bool newline = tok == YYSYMBOL_YYEOF;
        for (uint32_t i = prev.end; i < at.start; i++)
            newline |= ps->src->text[i] == '\n';
        if (newline) {
            at = (Span){prev.end, prev.end};
            moved = true;
        }
    }
    if (tok == YYSYMBOL_YYEOF && !moved) /* just after the last token: where it stops */
        at = prev.end > 0 ? (Span){prev.end, prev.end} : (Span){ps->src->len, ps->src->len};

    StrBuf found = {0};
    if (tok == YYSYMBOL_YYEOF) {
        sb_puts(&found, "end of file");
    } else {
        put_symbol(&found, tok);
        if (tok == YYSYMBOL_IDENTIFIER || tok == YYSYMBOL_INTEGER || tok == YYSYMBOL_REAL) {
            Span t = *yypcontext_location(ctx);
            uint32_t len = t.end - t.start;
            sb_printf(&found, " '%.*s'", len > 30 ? 30 : (int)len, ps->src->text + t.start);
        }
    }
    StrBuf msg = {0};
    if (nshown > 0 && nshown <= 5) {
        StrBuf list = {0};
        for (int i = 0; i < nshown; i++) {
            if (i > 0)
                sb_puts(&list, i == nshown - 1 ? " or " : ", ");
            put_symbol(&list, shown[i]);
        }
        if (moved) /* gcc's form: the missing token goes where the caret is */
            sb_printf(&msg, "expected %s before %s", list.data, found.data);
        else
            sb_printf(&msg, "unexpected %s, expected %s", found.data, list.data);
        sb_free(&list);
    } else if (moved) {
        sb_printf(&msg, "expected ';' before %s", found.data);
    } else {
        sb_printf(&msg, "unexpected %s", found.data);
    }
    sb_free(&found);
    Diag *d = diag_report(ps->diags, DIAG_E004, ps->src, at, "%s", msg.data);
    sb_free(&msg);

    uint32_t depth = ps->depth < PARSE_MAX_BRACKETS ? ps->depth : PARSE_MAX_BRACKETS;
    if (depth > 0) {
        char open = ps->brackets[depth - 1].c;
        for (int i = 0; i < n; i++)
            if (expected[i] == closer_symbol(open)) {
                uint32_t line, col;
                source_position(ps->src, ps->brackets[depth - 1].span.start, &line, &col);
                diag_note(ps->diags, d, ps->src, ps->brackets[depth - 1].span,
                          "to close '%c' at line %u, add '%c'", open, line, closer_of(open));
                break;
            }
    }
    return 0;
}
