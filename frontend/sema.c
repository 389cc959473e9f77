/*
 * sema.c — names, types and placement: everything that can be checked without evaluating.
 *
 * Input: the PROGRAM tree from the parser. Output: the same tree, annotated — every NAME
 * points at its Symbol, every expression has a Type, every value symbol has a slot for the
 * elaborator, every CALL knows its gate. Reports E010–E031 and returns false on errors.
 *
 * Scopes are a chain of small frames; blocks, loop bodies, sums and gate bodies open one.
 * Gates live in their own namespace (standard gates plus the file's definitions, define
 * before use, so recursion can only be a gate calling itself). A gate body sees its own
 * arguments and the top-level compile-time integers, nothing that denotes qubits or
 * parameters: those come in as arguments.
 *
 * What sema cannot know is left to the elaborator: index ranges, whether an angle is affine
 * (a gate's angle argument may or may not depend on a parameter), distinct qubits, discards.
 */
#include "frontend.h"

#include <string.h>

typedef struct Scope Scope;
struct Scope {
    Scope *parent;
    VEC(Symbol *) symbols;
    bool gate_boundary; /* the outermost scope of a gate body */
};

typedef struct Sema {
    Arena *arena;
    DiagSink *diags;
    const Source *src;
    Scope *scope;
    Scope *global;
    VEC(Node *) gates; /* user gate definitions, in order */
    const Node *current_gate;
    const Node *header;
    const Node *state;
    uint32_t depth; /* block nesting; 0 at top level */
    uint32_t nslots;
    Define *defines;
    size_t ndefines;
    bool quiet_unknown; /* after syntax errors: unknown names may be echoes */
} Sema;

static const char *symbol_kind_texts[] = {
#define SYM_TEXT(id, text) text,
    SYMBOL_KINDS(SYM_TEXT)
#undef SYM_TEXT
};

const char *symbol_kind_text(SymbolKind kind) { return symbol_kind_texts[kind]; }

/* ---- scopes ------------------------------------------------------------------------- */

static void scope_push(Sema *s, bool gate_boundary)
{
    Scope *sc = arena_alloc(s->arena, sizeof *sc);
    sc->parent = s->scope;
    sc->gate_boundary = gate_boundary;
    s->scope = sc;
}

static void scope_pop(Sema *s) { s->scope = s->scope->parent; }

/* Finds a value name. *outside_gate is set when the symbol was found beyond the current
 * gate body's boundary. */
static Symbol *scope_find(const Sema *s, const char *name, bool *outside_gate)
{
    bool crossed = false;
    for (const Scope *sc = s->scope; sc; sc = sc->parent) {
        for (size_t i = 0; i < sc->symbols.len; i++)
            if (strcmp(sc->symbols.data[i]->name, name) == 0) {
                if (outside_gate)
                    *outside_gate = crossed;
                return sc->symbols.data[i];
            }
        crossed |= sc->gate_boundary;
    }
    return NULL;
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 32 || lb > 32)
        return 99;
    size_t d[33][33];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
            d[i][j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
    return d[la][lb];
}

/* The visible name closest to `name`, if it is close enough to be a likely typo. */
static const char *suggest_value(const Sema *s, const char *name)
{
    const char *best = NULL;
    size_t best_d = strlen(name) < 3 ? 1 : 2;
    for (const Scope *sc = s->scope; sc; sc = sc->parent)
        for (size_t i = 0; i < sc->symbols.len; i++) {
            size_t d = edit_distance(name, sc->symbols.data[i]->name);
            if (d <= best_d && d > 0) {
                best = sc->symbols.data[i]->name;
                best_d = d;
            }
        }
    return best;
}

static Symbol *symbol_new(Sema *s, SymbolKind kind, const char *name, Span span, Node *decl)
{
    Symbol *sym = arena_alloc(s->arena, sizeof *sym);
    sym->kind = kind;
    sym->name = name;
    sym->span = span;
    sym->decl = decl;
    if (kind != SYM_CONST && kind != SYM_GATE)
        sym->slot = s->nslots++;
    return sym;
}

/* Declares a value name in the current scope; E011 if it is visible already. */
static Symbol *declare(Sema *s, SymbolKind kind, const char *name, Span span, Node *decl)
{
    bool outside = false;
    Symbol *old = scope_find(s, name, &outside);
    if (old && !(outside && s->current_gate)) {
        Diag *d;
        if (old->kind == SYM_CONST)
            d = diag_report(s->diags, DIAG_E011, s->src, span,
                            "'%s' is a predefined constant and cannot be redefined", name);
        else
            d = diag_report(s->diags, DIAG_E011, s->src, span, "'%s' is already defined as a %s",
                            name, symbol_kind_text(old->kind));
        if (old->span.end > old->span.start)
            diag_note(s->diags, d, s->src, old->span, "'%s' is defined here", name);
    }
    Symbol *sym = symbol_new(s, kind, name, span, decl);
    vec_push(s->arena, &s->scope->symbols, sym);
    return sym;
}

/* ---- expressions ---------------------------------------------------------------------- */

static Type check_expr(Sema *s, Node *n);
static Type check_name(Sema *s, Node *n);

static bool is_number(Type t) { return t == TY_INT || t == TY_REAL; }

/* Expects an integer; reports E016 unless the operand already carries an error. */
static void expect_int(Sema *s, Node *n, const char *what)
{
    Type t = check_expr(s, n);
    if (t != TY_INT && t != TY_ERROR)
        diag_report(s->diags, DIAG_E016, s->src, n->span, "%s must be an integer, found %s", what,
                    type_text(t));
}

static void expect_real(Sema *s, Node *n, const char *what)
{
    Type t = check_expr(s, n);
    if (!is_number(t) && t != TY_ERROR)
        diag_report(s->diags, DIAG_E031, s->src, n->span, "%s must be a real number, found %s",
                    what, type_text(t));
}

static void check_range(Sema *s, Node *range)
{
    expect_int(s, range->range.lo, "a range bound");
    if (range->range.step)
        expect_int(s, range->range.step, "a range step");
    expect_int(s, range->range.hi, "a range bound");
}

/* name, name[i], name[i][j]: the indices are checked as integers, the count against the
 * array's dimensions. Inner INDEX nodes of a chain are typed TY_ARRAY. */
static Type check_index(Sema *s, Node *n)
{
    Node *chain[ANS_MAX_DIMS + 2];
    uint32_t count = 0;
    Node *base = n;
    while (base->kind == ND_INDEX) {
        if (count < ANS_MAX_DIMS + 2)
            chain[count] = base;
        count++;
        base = base->index.base;
    }
    for (Node *k = n; k->kind == ND_INDEX; k = k->index.base) {
        expect_int(s, k->index.index, "an index");
        k->type = TY_ARRAY;
    }
    Type bt = base->kind == ND_NAME ? (base->type = check_name(s, base)) : check_expr(s, base);
    if (bt == TY_ERROR)
        return n->type = TY_ERROR;
    Symbol *sym = base->kind == ND_NAME ? base->name.sym : NULL;
    uint32_t dims = 0;
    Type result = TY_ERROR;
    if (sym && (sym->kind == SYM_PARAM || sym->kind == SYM_INPUT) && sym->ndims > 0) {
        dims = sym->ndims;
        result = TY_REAL;
    } else if (sym && sym->kind == SYM_REGISTER && sym->ndims == 1) {
        dims = 1;
        result = TY_QUBIT;
    } else {
        Node *first = count <= ANS_MAX_DIMS + 2 ? chain[count - 1] : n;
        Diag *d = diag_report(s->diags, DIAG_E021, s->src, first->span,
                              "%s%s%s is %s, not an array", sym ? "'" : "",
                              sym ? sym->name : "this expression", sym ? "'" : "", type_text(bt));
        if (sym && sym->span.end > sym->span.start)
            diag_note(s->diags, d, s->src, sym->span, "'%s' is declared here", sym->name);
        return n->type = TY_ERROR;
    }
    if (count != dims) {
        Diag *d = diag_report(s->diags, DIAG_E020, s->src, n->span,
                              "'%s' has %u dimension%s but is indexed %u time%s; index every "
                              "dimension: %s%s",
                              sym->name, dims, dims == 1 ? "" : "s", count, count == 1 ? "" : "s",
                              sym->name, dims == 1 ? "[i]" : dims == 2 ? "[i][j]" : "[i][j]…");
        diag_note(s->diags, d, s->src, sym->span, "'%s' is declared here", sym->name);
        return n->type = TY_ERROR;
    }
    return n->type = result;
}

static Type symbol_type(const Symbol *sym)
{
    switch (sym->kind) {
    case SYM_SIZE:
    case SYM_LET:
    case SYM_LOOP:
        return TY_INT;
    case SYM_CONST:
    case SYM_GATE_ANGLE:
        return TY_REAL;
    case SYM_PARAM:
    case SYM_INPUT:
        return sym->ndims ? TY_ARRAY : TY_REAL;
    case SYM_REGISTER:
        return sym->ndims ? TY_REGISTER : TY_QUBIT;
    case SYM_GATE_QUBIT:
        return TY_QUBIT;
    case SYM_GATE:
        break;
    }
    return TY_ERROR;
}

static Type check_name(Sema *s, Node *n)
{
    bool outside = false;
    Symbol *sym = scope_find(s, n->name.name, &outside);
    if (!sym) {
        if (s->quiet_unknown)
            return TY_ERROR;
        Diag *d = diag_report(s->diags, DIAG_E010, s->src, n->span, "unknown name '%s'",
                              n->name.name);
        const char *hint = suggest_value(s, n->name.name);
        if (hint)
            diag_note(s->diags, d, NULL, (Span){0, 0}, "did you mean '%s'?", hint);
        return TY_ERROR;
    }
    if (outside && s->current_gate &&
        (sym->kind == SYM_REGISTER || sym->kind == SYM_PARAM || sym->kind == SYM_INPUT ||
         sym->kind == SYM_LOOP)) {
        Diag *d = diag_report(s->diags, DIAG_E030, s->src, n->span,
                              "'%s' is a %s outside gate '%s'; a gate body sees only its "
                              "arguments and compile-time integers: pass it as an argument",
                              sym->name, symbol_kind_text(sym->kind), s->current_gate->gatedef.name);
        diag_note(s->diags, d, s->src, sym->span, "'%s' is declared here", sym->name);
        return TY_ERROR;
    }
    n->name.sym = sym;
    return symbol_type(sym);
}

static Type check_unary(Sema *s, Node *n)
{
    Type t = check_expr(s, n->unary.operand);
    if (t == TY_ERROR)
        return TY_ERROR;
    if (n->unary.op == OP_NOT) {
        if (t != TY_INT) {
            diag_report(s->diags, DIAG_E016, s->src, n->unary.operand->span,
                        "the operand of '!' must be an integer, found %s", type_text(t));
            return TY_ERROR;
        }
        return TY_INT;
    }
    if (t == TY_INT || t == TY_REAL || t == TY_PAULI)
        return t;
    diag_report(s->diags, DIAG_E031, s->src, n->unary.operand->span,
                "the operand of '%s' must be a number or a Pauli operator, found %s",
                op_text(n->unary.op), type_text(t));
    return TY_ERROR;
}

static Type check_binary(Sema *s, Node *n)
{
    Type l = check_expr(s, n->binary.lhs), r = check_expr(s, n->binary.rhs);
    if (l == TY_ERROR || r == TY_ERROR)
        return TY_ERROR;
    Op op = n->binary.op;
    const char *text = op_text(op);
    switch (op) {
    case OP_ADD:
    case OP_SUB:
        if (is_number(l) && is_number(r))
            return l == TY_INT && r == TY_INT ? TY_INT : TY_REAL;
        if (l == TY_PAULI && r == TY_PAULI)
            return TY_PAULI;
        if ((l == TY_PAULI && is_number(r)) || (r == TY_PAULI && is_number(l))) {
            diag_report(s->diags, DIAG_E019, s->src, n->binary.op_span,
                        "cannot %s a number and a Pauli operator; a multiple of the identity "
                        "is written with I, as in 'c * I'",
                        op == OP_ADD ? "add" : "subtract");
            return TY_ERROR;
        }
        break;
    case OP_MUL:
        if (is_number(l) && is_number(r))
            return l == TY_INT && r == TY_INT ? TY_INT : TY_REAL;
        if ((l == TY_PAULI || is_number(l)) && (r == TY_PAULI || is_number(r)))
            return TY_PAULI;
        break;
    case OP_DIV:
        if (is_number(l) && is_number(r))
            return l == TY_INT && r == TY_INT ? TY_INT : TY_REAL;
        if (l == TY_PAULI && is_number(r))
            return TY_PAULI;
        if (r == TY_PAULI && (is_number(l) || l == TY_PAULI)) {
            diag_report(s->diags, DIAG_E019, s->src, n->binary.op_span,
                        "cannot divide by a Pauli operator");
            return TY_ERROR;
        }
        break;
    case OP_POW:
        if (is_number(l) && is_number(r))
            return l == TY_INT && r == TY_INT ? TY_INT : TY_REAL;
        if (l == TY_PAULI || r == TY_PAULI) {
            diag_report(s->diags, DIAG_E019, s->src, n->binary.op_span,
                        "'**' is not defined for Pauli operators");
            return TY_ERROR;
        }
        break;
    case OP_MOD:
    case OP_EQ:
    case OP_NE:
    case OP_LT:
    case OP_LE:
    case OP_GT:
    case OP_GE:
    case OP_AND:
    case OP_OR: {
        Node *bad = l != TY_INT ? n->binary.lhs : r != TY_INT ? n->binary.rhs : NULL;
        if (!bad)
            return TY_INT;
        diag_report(s->diags, DIAG_E016, s->src, bad->span,
                    "the operands of '%s' must be integers, found %s", text,
                    type_text(bad->type == TY_NONE ? (bad == n->binary.lhs ? l : r) : bad->type));
        return TY_ERROR;
    }
    default:
        break;
    }
    Node *bad = (l == TY_PAULI || is_number(l)) ? n->binary.rhs : n->binary.lhs;
    Type bt = bad == n->binary.lhs ? l : r;
    diag_report(s->diags, DIAG_E031, s->src, bad->span,
                "the operands of '%s' must be numbers or Pauli operators, found %s", text,
                type_text(bt));
    return TY_ERROR;
}

static Type check_func(Sema *s, Node *n)
{
    static const struct {
        const char *name;
        uint32_t min, max;
    } funcs[] = {{"log2", 1, 1}, {"min", 2, 64}, {"max", 2, 64}, {"abs", 1, 1}};
    uint32_t argc = node_count(n->func.args);
    for (size_t i = 0; i < sizeof funcs / sizeof funcs[0]; i++) {
        if (strcmp(funcs[i].name, n->func.name) != 0)
            continue;
        for (Node *a = n->func.args; a; a = a->next)
            expect_int(s, a, "an argument of a built-in function");
        if (argc < funcs[i].min || argc > funcs[i].max) {
            diag_report(s->diags, DIAG_E028, s->src, n->span,
                        "'%s' takes %s%u argument%s, given %u", n->func.name,
                        funcs[i].min == funcs[i].max ? "" : "at least ", funcs[i].min,
                        funcs[i].min == 1 ? "" : "s", argc);
            return TY_ERROR;
        }
        return TY_INT;
    }
    for (Node *a = n->func.args; a; a = a->next)
        check_expr(s, a);
    diag_report(s->diags, DIAG_E027, s->src, n->func.name_span,
                "unknown function '%s': the built-in functions are log2, min, max and abs on "
                "integers; an angle must be affine in one parameter (c*theta + d)",
                n->func.name);
    return TY_ERROR;
}

static Type check_expr(Sema *s, Node *n)
{
    Type t = TY_ERROR;
    switch (n->kind) {
    case ND_INT:
        t = TY_INT;
        break;
    case ND_REAL:
        t = TY_REAL;
        break;
    case ND_NAME:
        t = check_name(s, n);
        if (t == TY_ARRAY) {
            Diag *d = diag_report(s->diags, DIAG_E020, s->src, n->span,
                                  "'%s' is an array with %u dimension%s; index it",
                                  n->name.name, n->name.sym->ndims,
                                  n->name.sym->ndims == 1 ? "" : "s");
            diag_note(s->diags, d, s->src, n->name.sym->span, "'%s' is declared here",
                      n->name.name);
            t = TY_ERROR;
        }
        break;
    case ND_INDEX:
        return check_index(s, n);
    case ND_UNARY:
        t = check_unary(s, n);
        break;
    case ND_BINARY:
        t = check_binary(s, n);
        break;
    case ND_FUNC:
        t = check_func(s, n);
        break;
    case ND_PAULI: {
        Type q = check_expr(s, n->pauli.qubit);
        if (q == TY_QUBIT) {
            t = TY_PAULI;
        } else {
            if (q != TY_ERROR)
                diag_report(s->diags, DIAG_E017, s->src, n->pauli.qubit->span,
                            "%c(…) takes one qubit, found %s%s", n->pauli.axis, type_text(q),
                            q == TY_REGISTER ? "; index it, or use sum(i in [a:b]) over its qubits"
                                             : "");
            t = TY_ERROR;
        }
        break;
    }
    case ND_IDENTITY:
        t = TY_PAULI;
        break;
    case ND_SUM: {
        check_range(s, n->loop.range);
        scope_push(s, false);
        n->loop.sym = declare(s, SYM_LOOP, n->loop.var, n->loop.var_span, n);
        Type b = check_expr(s, n->loop.body);
        scope_pop(s);
        if (b == TY_PAULI) {
            t = TY_PAULI;
        } else {
            if (b != TY_ERROR)
                diag_report(s->diags, DIAG_E018, s->src, n->loop.body->span,
                            "the term of a sum must be a Pauli operator, found %s", type_text(b));
            t = TY_ERROR;
        }
        break;
    }
    default:
        break;
    }
    return n->type = t;
}

/* ---- statements ------------------------------------------------------------------------ */

static void check_stmts(Sema *s, Node *stmts);

static void check_block(Sema *s, Node *block)
{
    scope_push(s, false);
    s->depth++;
    check_stmts(s, block->block.stmts);
    s->depth--;
    scope_pop(s);
}

/* Top level only: declarations and gate definitions. */
static bool require_top(Sema *s, Node *n, const char *what)
{
    if (s->depth == 0 && !s->current_gate)
        return true;
    diag_report(s->diags, DIAG_E022, s->src, n->span, "%s %s only allowed at the top level",
                what, strchr(what, ' ') ? "are" : "is");
    return false;
}

/* Not in gate bodies: statements about the whole circuit. */
static bool require_circuit(Sema *s, Node *n, const char *what)
{
    if (!s->current_gate)
        return true;
    diag_report(s->diags, DIAG_E022, s->src, n->span,
                "%s is not allowed in a gate body (gate '%s')", what,
                s->current_gate->gatedef.name);
    return false;
}

static void check_operands(Sema *s, Node *operands, const char *what)
{
    for (Node *o = operands; o; o = o->next) {
        Type t = check_expr(s, o);
        if (t != TY_QUBIT && t != TY_REGISTER && t != TY_ERROR)
            diag_report(s->diags, DIAG_E017, s->src, o->span, "%s takes qubits, found %s", what,
                        type_text(t));
    }
}

static void check_header(Sema *s, Node *n, bool first)
{
    if (s->header) {
        Diag *d = diag_report(s->diags, DIAG_E023, s->src, n->span,
                              "a file holds exactly one ansatz header");
        diag_note(s->diags, d, s->src, s->header->span, "the header is here");
        return;
    }
    if (!first || s->depth > 0) {
        diag_report(s->diags, DIAG_E023, s->src, n->span,
                    "the ansatz header must be the first statement of the file");
    }
    s->header = n;
    for (Node *z = n->header.sizes; z; z = z->next) {
        expect_int(s, z->let.value, "the default of a size");
        z->let.sym = declare(s, SYM_SIZE, z->let.name, z->let.name_span, z);
    }
}

static void check_gate_def(Sema *s, Node *n)
{
    if (!require_top(s, n, "gate definitions"))
        return;
    const char *name = n->gatedef.name;
    if (gate_lookup(name) != GATE__COUNT) {
        diag_report(s->diags, DIAG_E011, s->src, n->gatedef.name_span,
                    "'%s' is a standard gate and cannot be redefined", name);
    } else {
        for (size_t i = 0; i < s->gates.len; i++)
            if (strcmp(s->gates.data[i]->gatedef.name, name) == 0) {
                Diag *d = diag_report(s->diags, DIAG_E011, s->src, n->gatedef.name_span,
                                      "gate '%s' is already defined", name);
                diag_note(s->diags, d, s->src, s->gates.data[i]->gatedef.name_span,
                          "the first definition is here");
            }
    }
    scope_push(s, true);
    s->current_gate = n;
    for (Node *p = n->gatedef.params; p; p = p->next) {
        p->name.sym = declare(s, SYM_GATE_ANGLE, p->name.name, p->span, p);
        n->gatedef.nparams++;
    }
    for (Node *q = n->gatedef.qubits; q; q = q->next) {
        q->name.sym = declare(s, SYM_GATE_QUBIT, q->name.name, q->span, q);
        n->gatedef.nqubits++;
    }
    check_stmts(s, n->gatedef.body->block.stmts);
    s->current_gate = NULL;
    scope_pop(s);
    n->gatedef.sym = symbol_new(s, SYM_GATE, name, n->gatedef.name_span, n);
    vec_push(s->arena, &s->gates, n);
}

static void check_call(Sema *s, Node *n)
{
    const char *name = n->call.name;
    uint32_t want_angles = 0, want_qubits = 0;
    n->call.builtin = gate_lookup(name);
    if (n->call.builtin != GATE__COUNT) {
        want_angles = gate_info(n->call.builtin)->angles;
        want_qubits = gate_info(n->call.builtin)->qubits;
    } else if (s->current_gate && strcmp(s->current_gate->gatedef.name, name) == 0) {
        diag_report(s->diags, DIAG_E026, s->src, n->call.name_span,
                    "gate '%s' calls itself; gates cannot be recursive", name);
        return;
    } else {
        for (size_t i = 0; i < s->gates.len; i++)
            if (strcmp(s->gates.data[i]->gatedef.name, name) == 0)
                n->call.gate = s->gates.data[i]->gatedef.sym;
        if (!n->call.gate && s->quiet_unknown)
            return;
        if (!n->call.gate) {
            Diag *d = diag_report(s->diags, DIAG_E013, s->src, n->call.name_span,
                                  "unknown gate '%s'", name);
            const char *best = NULL;
            size_t best_d = 2;
            for (int g = 0; g < GATE__COUNT; g++) {
                size_t dist = edit_distance(name, gate_info((GateKind)g)->name);
                if (g != GATE_EVOLVE && dist < best_d) {
                    best = gate_info((GateKind)g)->name;
                    best_d = dist;
                }
            }
            for (size_t i = 0; i < s->gates.len; i++) {
                size_t dist = edit_distance(name, s->gates.data[i]->gatedef.name);
                if (dist < best_d) {
                    best = s->gates.data[i]->gatedef.name;
                    best_d = dist;
                }
            }
            if (best)
                diag_note(s->diags, d, NULL, (Span){0, 0}, "did you mean '%s'?", best);
            for (Node *a = n->call.args; a; a = a->next)
                check_expr(s, a);
            check_operands(s, n->call.operands, "a gate");
            return;
        }
        want_angles = n->call.gate->decl->gatedef.nparams;
        want_qubits = n->call.gate->decl->gatedef.nqubits;
    }
    uint32_t angles = node_count(n->call.args), qubits = node_count(n->call.operands);
    if (angles != want_angles) {
        Diag *d = diag_report(s->diags, DIAG_E014, s->src, n->call.name_span,
                              "gate '%s' takes %u angle%s, given %u", name, want_angles,
                              want_angles == 1 ? "" : "s", angles);
        if (n->call.gate)
            diag_note(s->diags, d, s->src, n->call.gate->span, "'%s' is defined here", name);
    }
    if (qubits != want_qubits) {
        Diag *d = diag_report(s->diags, DIAG_E015, s->src, n->call.name_span,
                              "gate '%s' acts on %u qubit%s, given %u", name, want_qubits,
                              want_qubits == 1 ? "" : "s", qubits);
        if (n->call.gate)
            diag_note(s->diags, d, s->src, n->call.gate->span, "'%s' is defined here", name);
    }
    for (Node *a = n->call.args; a; a = a->next)
        expect_real(s, a, "an angle");
    check_operands(s, n->call.operands, "a gate");
}

static void check_expect(Sema *s, Node *n)
{
    static const char *numeric[][2] = {{"dla", "dim"}, {"dla", "center"}, {"module", "dim"}};
    static const ExpectFact numeric_fact[] = {FACT_DLA_DIM, FACT_DLA_CENTER, FACT_MODULE_DIM};
    const char *obj = n->expect.object, *field = n->expect.field;
    bool found = false;
    if (field) {
        for (int i = 0; i < 3; i++)
            if (strcmp(obj, numeric[i][0]) == 0 && strcmp(field, numeric[i][1]) == 0) {
                n->expect.fact = numeric_fact[i];
                found = true;
            }
        expect_int(s, n->expect.value, "the value of an expectation");
    } else if (strcmp(obj, "simulable") == 0) {
        n->expect.fact = FACT_SIMULABLE;
        found = true;
    } else if (strcmp(obj, "barren_plateau") == 0) {
        n->expect.fact = FACT_BARREN_PLATEAU;
        found = true;
    }
    if (!found)
        diag_report(s->diags, DIAG_E029, s->src, n->expect.fact_span,
                    "unknown fact '%s%s%s'; expect takes dla.dim, dla.center or module.dim "
                    "compared with an integer, or [!]simulable, [!]barren_plateau",
                    obj, field ? "." : "", field ? field : "");
}

static void check_stmt(Sema *s, Node *n, bool first)
{
    switch (n->kind) {
    case ND_HEADER:
        check_header(s, n, first);
        return;
    case ND_QUBIT_DECL:
        if (n->qubit.size)
            expect_int(s, n->qubit.size, "the size of a register");
        if (require_top(s, n, "qubit declarations"))
            n->qubit.sym = declare(s, SYM_REGISTER, n->qubit.name, n->qubit.name_span, n);
        if (n->qubit.sym)
            n->qubit.sym->ndims = n->qubit.size ? 1 : 0;
        return;
    case ND_VAR_DECL: {
        uint32_t dims = 0;
        for (Node *d = n->var.dims; d; d = d->next, dims++)
            expect_int(s, d, "an array dimension");
        if (dims > ANS_MAX_DIMS)
            diag_report(s->diags, DIAG_E074, s->src, n->span,
                        "'%s' has %u dimensions; the limit is %d", n->var.name, dims,
                        ANS_MAX_DIMS);
        if (require_top(s, n, n->var.input ? "input declarations" : "param declarations")) {
            n->var.sym = declare(s, n->var.input ? SYM_INPUT : SYM_PARAM, n->var.name,
                                 n->var.name_span, n);
            n->var.sym->ndims = dims;
        }
        return;
    }
    case ND_STATE:
        if (!require_top(s, n, "the state"))
            return;
        if (s->state) {
            Diag *d = diag_report(s->diags, DIAG_E025, s->src, n->span,
                                  "the initial state is given twice");
            diag_note(s->diags, d, s->src, s->state->span, "it is first given here");
            return;
        }
        s->state = n;
        return;
    case ND_LET:
        expect_int(s, n->let.value, "the value of 'let'");
        n->let.sym = declare(s, SYM_LET, n->let.name, n->let.name_span, n);
        return;
    case ND_GATE_DEF:
        check_gate_def(s, n);
        return;
    case ND_CALL:
        check_call(s, n);
        return;
    case ND_EVOLVE: {
        expect_real(s, n->evolve.angle, "the angle of evolve");
        Type t = check_expr(s, n->evolve.op);
        if (t != TY_PAULI && t != TY_ERROR)
            diag_report(s->diags, DIAG_E018, s->src, n->evolve.op->span,
                        "evolve needs a Pauli operator as its generator, found %s", type_text(t));
        return;
    }
    case ND_FOR:
        check_range(s, n->loop.range);
        scope_push(s, false);
        n->loop.sym = declare(s, SYM_LOOP, n->loop.var, n->loop.var_span, n);
        check_block(s, n->loop.body);
        scope_pop(s);
        return;
    case ND_IF:
        expect_int(s, n->cond.cond, "a condition");
        check_block(s, n->cond.then);
        if (n->cond.otherwise && n->cond.otherwise->kind == ND_IF)
            check_stmt(s, n->cond.otherwise, false);
        else if (n->cond.otherwise)
            check_block(s, n->cond.otherwise);
        return;
    case ND_BLOCK:
        check_block(s, n);
        return;
    case ND_DISCARD:
        require_circuit(s, n, "discard");
        check_operands(s, n->operands.operands, "discard");
        return;
    case ND_BARRIER:
        check_operands(s, n->operands.operands, "barrier");
        return;
    case ND_OBSERVE: {
        require_circuit(s, n, "observe");
        Type t = check_expr(s, n->observe.op);
        if (t != TY_PAULI && t != TY_ERROR)
            diag_report(s->diags, DIAG_E018, s->src, n->observe.op->span,
                        "an observable must be a Pauli operator, found %s", type_text(t));
        return;
    }
    case ND_EXPECT:
        if (require_circuit(s, n, "expect"))
            check_expect(s, n);
        return;
    case ND_EMPTY:
        return;
    default:
        return;
    }
}

static void check_stmts(Sema *s, Node *stmts)
{
    for (Node *n = stmts; n; n = n->next)
        check_stmt(s, n, false);
}

static void declare_const(Sema *s, const char *name, double value)
{
    Symbol *sym = symbol_new(s, SYM_CONST, name, (Span){0, 0}, NULL);
    sym->value = value;
    vec_push(s->arena, &s->scope->symbols, sym);
}

bool sema_check(Arena *a, DiagSink *diags, const Source *src, Node *program, Define *defines,
                size_t ndefines, bool after_syntax_errors)
{
    size_t errors = diags->errors;
    Sema s = {.arena = a, .diags = diags, .src = src, .defines = defines, .ndefines = ndefines,
              .quiet_unknown = after_syntax_errors};
    scope_push(&s, false);
    s.global = s.scope;
    declare_const(&s, "pi", ANS_PI);
    declare_const(&s, "tau", 2 * ANS_PI);
    Node *first = program->program.stmts;
    while (first && first->kind == ND_EMPTY)
        first = first->next;
    if (!first || first->kind != ND_HEADER)
        diag_report(diags, DIAG_E023, src, (Span){0, 0},
                    "missing ansatz header: a file begins with 'ansatz NAME(SIZE = VALUE, …);'");
    for (Node *n = program->program.stmts; n; n = n->next)
        check_stmt(&s, n, n == first);
    for (size_t i = 0; i < ndefines; i++) {
        bool found = false;
        if (s.header)
            for (Node *z = s.header->header.sizes; z; z = z->next)
                found |= strcmp(z->let.name, defines[i].name) == 0;
        defines[i].used = found;
        if (found)
            continue;
        StrBuf names = {0};
        if (s.header)
            for (Node *z = s.header->header.sizes; z; z = z->next)
                sb_printf(&names, "%s%s", names.len ? ", " : "", z->let.name);
        Span at = s.header ? s.header->header.name_span : (Span){0, 0};
        if (names.len)
            diag_report(diags, DIAG_E024, src, at, "-D %s: the ansatz has no size '%s' (its sizes "
                        "are %s)", defines[i].name, defines[i].name, names.data);
        else
            diag_report(diags, DIAG_E024, src, at, "-D %s: the ansatz has no sizes",
                        defines[i].name);
        sb_free(&names);
    }
    program->program.nslots = s.nslots;
    return diags->errors == errors;
}
