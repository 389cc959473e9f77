/*
 * ast.c — tree nodes and the `--stop-after=parse|check` dumper.
 *
 * The dump is an S-expression, one statement a line, so that golden tests can pin the
 * parser's and sema's output. After sema, expressions show their type (`:int`, `:real`,
 * `:qubit`, `:pauli`) and names show what they resolved to (`theta@param`).
 */
#include "frontend.h"

#include <string.h>

static const char *node_names[] = {
#define NODE_NAME(k) #k,
    NODE_KINDS(NODE_NAME)
#undef NODE_NAME
};

static const char *op_texts[] = {
#define OP_TEXT(id, text) text,
    OPERATORS(OP_TEXT)
#undef OP_TEXT
};

static const char *type_texts[] = {
#define TYPE_TEXT(id, text) text,
    TYPES(TYPE_TEXT)
#undef TYPE_TEXT
};

static const char *type_short[] = {
#define TYPE_SHORT(id, text) #id,
    TYPES(TYPE_SHORT)
#undef TYPE_SHORT
};

const char *node_kind_name(NodeKind kind) { return node_names[kind]; }
const char *op_text(Op op) { return op_texts[op]; }
const char *type_text(Type t) { return type_texts[t]; }

Node *node_new(Arena *a, NodeKind kind, Span span)
{
    Node *n = arena_alloc(a, sizeof *n);
    n->kind = kind;
    n->span = span;
    return n;
}

/* Appends n and whatever is chained behind it. */
void node_list_append(NodeList *list, Node *n)
{
    if (!n)
        return;
    if (list->tail)
        list->tail->next = n;
    else
        list->head = n;
    list->tail = n;
    while (list->tail->next)
        list->tail = list->tail->next;
}

uint32_t node_count(const Node *list)
{
    uint32_t n = 0;
    for (; list; list = list->next)
        n++;
    return n;
}

static void lower(StrBuf *sb, const char *s)
{
    for (; *s; s++)
        sb_putc(sb, (char)(*s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s));
}

static void dump_expr(StrBuf *sb, const Node *n);

static void dump_list(StrBuf *sb, const Node *n)
{
    for (; n; n = n->next) {
        sb_putc(sb, ' ');
        dump_expr(sb, n);
    }
}

static void dump_type(StrBuf *sb, const Node *n)
{
    if (n->type != TY_NONE) {
        sb_putc(sb, ':');
        lower(sb, type_short[n->type]);
    }
}

static const char *cmp_text(CmpOp c)
{
    static const char *t[] = {"==", "!=", "<", "<=", ">", ">="};
    return t[c];
}

static void dump_expr(StrBuf *sb, const Node *n)
{
    switch (n->kind) {
    case ND_INT:
        sb_printf(sb, "%lld", (long long)n->int_lit.value);
        break;
    case ND_REAL:
        sb_put_double(sb, n->real_lit.value.value);
        break;
    case ND_NAME:
        sb_puts(sb, n->name.name);
        if (n->name.sym) {
            sb_putc(sb, '@');
            static const char *kinds[] = {
#define SYM_ID(id, text) #id,
                SYMBOL_KINDS(SYM_ID)
#undef SYM_ID
            };
            lower(sb, kinds[n->name.sym->kind]);
        }
        break;
    case ND_INDEX:
        sb_puts(sb, "(index ");
        dump_expr(sb, n->index.base);
        sb_putc(sb, ' ');
        dump_expr(sb, n->index.index);
        sb_putc(sb, ')');
        break;
    case ND_UNARY:
        sb_printf(sb, "(%s ", n->unary.op == OP_NEG ? "neg" : op_text(n->unary.op));
        dump_expr(sb, n->unary.operand);
        sb_putc(sb, ')');
        break;
    case ND_BINARY:
        sb_printf(sb, "(%s ", op_text(n->binary.op));
        dump_expr(sb, n->binary.lhs);
        sb_putc(sb, ' ');
        dump_expr(sb, n->binary.rhs);
        sb_putc(sb, ')');
        break;
    case ND_FUNC:
        sb_printf(sb, "(call %s", n->func.name);
        dump_list(sb, n->func.args);
        sb_putc(sb, ')');
        break;
    case ND_PAULI:
        sb_printf(sb, "(%c ", n->pauli.axis);
        dump_expr(sb, n->pauli.qubit);
        sb_putc(sb, ')');
        break;
    case ND_IDENTITY:
        sb_putc(sb, 'I');
        break;
    case ND_SUM:
        sb_printf(sb, "(sum %s ", n->loop.var);
        dump_expr(sb, n->loop.range);
        sb_putc(sb, ' ');
        dump_expr(sb, n->loop.body);
        sb_putc(sb, ')');
        break;
    case ND_RANGE:
        sb_puts(sb, "(range ");
        dump_expr(sb, n->range.lo);
        if (n->range.step) {
            sb_putc(sb, ' ');
            dump_expr(sb, n->range.step);
        }
        sb_putc(sb, ' ');
        dump_expr(sb, n->range.hi);
        sb_putc(sb, ')');
        return;
    default:
        sb_printf(sb, "<%s>", node_kind_name(n->kind));
        return;
    }
    dump_type(sb, n);
}

static void indent(StrBuf *sb, int depth)
{
    for (int i = 0; i < depth; i++)
        sb_puts(sb, "  ");
}

static void dump_stmts(StrBuf *sb, const Node *n, int depth);

static void dump_block(StrBuf *sb, const Node *block, int depth)
{
    sb_puts(sb, " (block");
    if (block && block->block.stmts) {
        sb_putc(sb, '\n');
        dump_stmts(sb, block->block.stmts, depth + 1);
        indent(sb, depth);
    }
    sb_putc(sb, ')');
}

static void dump_stmt(StrBuf *sb, const Node *n, int depth)
{
    indent(sb, depth);
    switch (n->kind) {
    case ND_HEADER:
        sb_printf(sb, "(ansatz %s", n->header.name);
        for (const Node *s = n->header.sizes; s; s = s->next) {
            sb_printf(sb, " (size %s ", s->let.name);
            dump_expr(sb, s->let.value);
            sb_putc(sb, ')');
        }
        sb_putc(sb, ')');
        break;
    case ND_QUBIT_DECL:
        sb_printf(sb, "(qubit %s", n->qubit.name);
        if (n->qubit.size) {
            sb_putc(sb, ' ');
            dump_expr(sb, n->qubit.size);
        }
        sb_putc(sb, ')');
        break;
    case ND_VAR_DECL:
        sb_printf(sb, "(%s %s", n->var.input ? "input" : "param", n->var.name);
        dump_list(sb, n->var.dims);
        sb_putc(sb, ')');
        break;
    case ND_STATE:
        sb_printf(sb, "(state %s)", n->state.input ? "input" : n->state.ket);
        break;
    case ND_LET:
        sb_printf(sb, "(let %s ", n->let.name);
        dump_expr(sb, n->let.value);
        sb_putc(sb, ')');
        break;
    case ND_GATE_DEF:
        sb_printf(sb, "(gate %s (", n->gatedef.name);
        for (const Node *p = n->gatedef.params; p; p = p->next)
            sb_printf(sb, p == n->gatedef.params ? "%s" : " %s", p->name.name);
        sb_puts(sb, ") (");
        for (const Node *q = n->gatedef.qubits; q; q = q->next)
            sb_printf(sb, q == n->gatedef.qubits ? "%s" : " %s", q->name.name);
        sb_putc(sb, ')');
        dump_block(sb, n->gatedef.body, depth);
        sb_putc(sb, ')');
        break;
    case ND_CALL:
        sb_printf(sb, "(%s (", n->call.name);
        for (const Node *a = n->call.args; a; a = a->next) {
            if (a != n->call.args)
                sb_putc(sb, ' ');
            dump_expr(sb, a);
        }
        sb_putc(sb, ')');
        dump_list(sb, n->call.operands);
        sb_putc(sb, ')');
        break;
    case ND_EVOLVE:
        sb_puts(sb, "(evolve ");
        dump_expr(sb, n->evolve.angle);
        sb_putc(sb, ' ');
        dump_expr(sb, n->evolve.op);
        sb_putc(sb, ')');
        break;
    case ND_FOR:
        sb_printf(sb, "(for %s ", n->loop.var);
        dump_expr(sb, n->loop.range);
        dump_block(sb, n->loop.body, depth);
        sb_putc(sb, ')');
        break;
    case ND_IF:
        sb_puts(sb, "(if ");
        dump_expr(sb, n->cond.cond);
        dump_block(sb, n->cond.then, depth);
        if (n->cond.otherwise) {
            if (n->cond.otherwise->kind == ND_IF) {
                sb_puts(sb, "\n");
                dump_stmt(sb, n->cond.otherwise, depth + 1);
                sb_putc(sb, ')');
                return;
            }
            dump_block(sb, n->cond.otherwise, depth);
        }
        sb_putc(sb, ')');
        break;
    case ND_BLOCK:
        sb_puts(sb, "(block");
        if (n->block.stmts) {
            sb_putc(sb, '\n');
            dump_stmts(sb, n->block.stmts, depth + 1);
            indent(sb, depth);
        }
        sb_putc(sb, ')');
        break;
    case ND_DISCARD:
    case ND_BARRIER:
        sb_puts(sb, n->kind == ND_DISCARD ? "(discard" : "(barrier");
        dump_list(sb, n->operands.operands);
        sb_putc(sb, ')');
        break;
    case ND_OBSERVE:
        sb_printf(sb, "(observe %s ", n->observe.name ? n->observe.name : "_");
        dump_expr(sb, n->observe.op);
        sb_putc(sb, ')');
        break;
    case ND_EXPECT:
        sb_printf(sb, "(expect %s%s", n->expect.negated ? "!" : "", n->expect.object);
        if (n->expect.field) {
            sb_printf(sb, ".%s %s ", n->expect.field, cmp_text(n->expect.cmp));
            dump_expr(sb, n->expect.value);
        }
        sb_putc(sb, ')');
        break;
    case ND_EMPTY:
        sb_puts(sb, "(empty)");
        break;
    default:
        dump_expr(sb, n);
        break;
    }
    sb_putc(sb, '\n');
}

static void dump_stmts(StrBuf *sb, const Node *n, int depth)
{
    for (; n; n = n->next)
        dump_stmt(sb, n, depth);
}

void ast_dump(StrBuf *sb, const Node *program)
{
    sb_puts(sb, "(program\n");
    dump_stmts(sb, program->program.stmts, 1);
    sb_puts(sb, ")\n");
}
