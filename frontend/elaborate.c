/*
 * elaborate.c — from a checked tree to the flat Circuit.
 *
 * Input: a tree that sema accepted (every name resolved, every expression typed). Output: a
 * Circuit in the arena, or NULL with diagnostics (E012, E040–E054, E070–E074, W001–W003).
 * The tree is only read: values live in a slot array indexed by the symbols' slots, so
 * loop variables and gate arguments are rebound without touching the tree (a gate body
 * is never active twice at once: gates are defined before use and cannot recurse).
 *
 * Two passes over the top level. The layout pass evaluates the sizes (with -D), top-level
 * lets and qubit registers, so that the qubit count — and with it the width of every
 * Pauli string — is known before the first gate. The main pass then runs the program:
 * loops unrolled, user gates inlined, whole-register operands broadcast, u split into
 * three rotations, every gate given its generator.
 *
 * Angles are evaluated as affine forms k·v + c over one parameter or input element v;
 * anything else is E046/E047 at the operator that leaves the form. Integer arithmetic is
 * checked for overflow. Every statement run and every loop iteration is a step; the step
 * budget and the arena's size stop runaway programs with an error instead of a hang or an
 * out-of-memory. Errors inside loops are reported once (the sink drops repeats).
 */
#include "frontend.h"

#include <math.h>
#include <string.h>

typedef struct Affine {
    Real k; /* coefficient of the variable; zero for a constant */
    AngleSource source;
    uint32_t index;
    Real c;
} Affine;

/* A declaration that failed (its error reported) leaves its slot INVALID; uses of it are
 * then dropped silently instead of cascading. */
#define INVALID UINT32_MAX

typedef union Value {
    int64_t i; /* sizes, lets, loop variables */
    struct {
        uint32_t offset, size;
    } reg;        /* registers */
    uint32_t var; /* param/input arrays: index into the circuit's params or inputs */
    Affine angle; /* gate angle arguments */
    uint32_t qubit; /* gate qubit arguments */
} Value;

/* A gate operand: one qubit, or a whole register (broadcast). */
typedef struct Operand {
    uint32_t first, count;
    bool whole;
    Span span;
} Operand;

typedef struct Elab {
    Arena *arena;
    DiagSink *diags;
    const Source *src;
    Circuit *c;
    Value *slots;
    uint64_t steps;
    uint32_t inline_depth;
    bool fatal; /* a limit was hit: stop everything */
    const Span **discarded; /* per qubit: where it was discarded, or NULL */
    uint32_t unnamed;
    bool observed; /* an observe statement ran (even one with errors): no W003 */
    const Node *state;
    const Node *header;
    const Define *defines;
    size_t ndefines;
} Elab;

#define REPORT(e, code, span, ...) diag_report((e)->diags, DIAG_##code, (e)->src, (span), __VA_ARGS__)

static bool step(Elab *e, Span at)
{
    if (e->fatal)
        return false;
    if (++e->steps > ANS_MAX_STEPS) {
        REPORT(e, E071, at,
               "elaboration takes more than %d steps (statements run and loop iterations); "
               "is a loop bound wrong?",
               ANS_MAX_STEPS);
        e->fatal = true;
        return false;
    }
    if (e->arena->used > ANS_MAX_CIRCUIT_BYTES) {
        REPORT(e, E073, at, "the elaborated circuit needs more than %zu MiB; the limit is %zu MiB",
               ANS_MAX_CIRCUIT_BYTES >> 20, ANS_MAX_CIRCUIT_BYTES >> 20);
        e->fatal = true;
        return false;
    }
    return true;
}

/* ---- integers -------------------------------------------------------------------------- */

static bool eval_int(Elab *e, const Node *n, int64_t *out, bool real_context);

static bool int_binary(Elab *e, const Node *n, int64_t *out, bool real_context)
{
    Op op = n->binary.op;
    int64_t l, r;
    if (!eval_int(e, n->binary.lhs, &l, real_context))
        return false;
    if (op == OP_AND || op == OP_OR) { /* short-circuit, as in C */
        if ((op == OP_AND && !l) || (op == OP_OR && l)) {
            *out = op == OP_OR;
            return true;
        }
        if (!eval_int(e, n->binary.rhs, &r, real_context))
            return false;
        *out = r != 0;
        return true;
    }
    if (!eval_int(e, n->binary.rhs, &r, real_context))
        return false;
    bool overflow = false;
    switch (op) {
    case OP_ADD:
        overflow = __builtin_add_overflow(l, r, out);
        break;
    case OP_SUB:
        overflow = __builtin_sub_overflow(l, r, out);
        break;
    case OP_MUL:
        overflow = __builtin_mul_overflow(l, r, out);
        break;
    case OP_DIV:
    case OP_MOD:
        if (r == 0) {
            REPORT(e, E040, n->binary.rhs->span, "%s by zero",
                   op == OP_DIV ? "division" : "modulo");
            return false;
        }
        if (l == INT64_MIN && r == -1) {
            overflow = true;
            break;
        }
        *out = op == OP_DIV ? l / r : l % r;
        if (op == OP_DIV && real_context && l % r != 0) {
            Diag *d = REPORT(e, W001, n->binary.op_span,
                             "%lld/%lld divides integers and truncates to %lld in a real "
                             "expression",
                             (long long)l, (long long)r, (long long)*out);
            diag_note(e->diags, d, NULL, (Span){0, 0},
                      "write a real operand, such as %lld.0/%lld, for the real quotient",
                      (long long)l, (long long)r);
        }
        break;
    case OP_POW: {
        if (r < 0) {
            REPORT(e, E054, n->binary.rhs->span,
                   "integer power with the negative exponent %lld; write a real base "
                   "(2.0 ** -1) for a real power",
                   (long long)r);
            return false;
        }
        int64_t acc = 1, base = l;
        for (int64_t k = r; k > 0 && !overflow; k >>= 1) {
            if (k & 1)
                overflow |= __builtin_mul_overflow(acc, base, &acc);
            if (k > 1)
                overflow |= __builtin_mul_overflow(base, base, &base);
        }
        *out = acc;
        break;
    }
    case OP_EQ: *out = l == r; break;
    case OP_NE: *out = l != r; break;
    case OP_LT: *out = l < r; break;
    case OP_LE: *out = l <= r; break;
    case OP_GT: *out = l > r; break;
    case OP_GE: *out = l >= r; break;
    default:
        return false;
    }
    if (overflow) {
        REPORT(e, E041, n->binary.op_span, "integer overflow in %lld %s %lld", (long long)l,
               op_text(op), (long long)r);
        return false;
    }
    return true;
}

static bool int_func(Elab *e, const Node *n, int64_t *out, bool real_context)
{
    int64_t v[64];
    uint32_t argc = 0;
    for (const Node *a = n->func.args; a && argc < 64; a = a->next)
        if (!eval_int(e, a, &v[argc++], real_context))
            return false;
    const char *f = n->func.name;
    if (strcmp(f, "log2") == 0) {
        if (v[0] <= 0 || (v[0] & (v[0] - 1)) != 0) {
            REPORT(e, E042, n->span, "log2(%lld) is not an integer: its argument must be a "
                   "positive power of two", (long long)v[0]);
            return false;
        }
        *out = 63 - __builtin_clzll((unsigned long long)v[0]);
    } else if (strcmp(f, "abs") == 0) {
        if (v[0] == INT64_MIN) {
            REPORT(e, E041, n->span, "integer overflow in abs(%lld)", (long long)v[0]);
            return false;
        }
        *out = v[0] < 0 ? -v[0] : v[0];
    } else {
        bool is_min = strcmp(f, "min") == 0;
        *out = v[0];
        for (uint32_t i = 1; i < argc; i++)
            *out = is_min ? (v[i] < *out ? v[i] : *out) : (v[i] > *out ? v[i] : *out);
    }
    return true;
}

/* real_context: the integer is part of an angle or a coefficient (for W001). */
static bool eval_int(Elab *e, const Node *n, int64_t *out, bool real_context)
{
    switch (n->kind) {
    case ND_INT:
        *out = n->int_lit.value;
        return true;
    case ND_NAME:
        *out = e->slots[n->name.sym->slot].i;
        return true;
    case ND_UNARY: {
        int64_t v;
        if (!eval_int(e, n->unary.operand, &v, real_context))
            return false;
        if (n->unary.op == OP_NEG) {
            if (v == INT64_MIN) {
                REPORT(e, E041, n->span, "integer overflow in -(%lld)", (long long)v);
                return false;
            }
            *out = -v;
        } else {
            *out = n->unary.op == OP_NOT ? !v : v;
        }
        return true;
    }
    case ND_BINARY:
        return int_binary(e, n, out, real_context);
    case ND_FUNC:
        return int_func(e, n, out, real_context);
    default:
        return false;
    }
}

/* ---- angles and coefficients ---------------------------------------------------------- */

static Affine affine_const(Real c) { return (Affine){.k = real_int(0), .source = ANGLE_CONST, .c = c}; }

static bool affine_is_const(const Affine *a) { return a->source == ANGLE_CONST; }

/* Element index of name[i][j]… in the parameter or input vector, with range checks. */
static bool eval_element(Elab *e, const Node *n, const VarArray *arr, uint32_t *element)
{
    const Node *idx[ANS_MAX_DIMS];
    uint32_t k = arr->ndims;
    for (const Node *m = n; m->kind == ND_INDEX && k > 0; m = m->index.base)
        idx[--k] = m;
    uint64_t flat = 0;
    for (uint32_t d = 0; d < arr->ndims; d++) {
        int64_t v;
        if (!eval_int(e, idx[d]->index.index, &v, false))
            return false;
        if (v < 0 || (uint64_t)v >= arr->dims[d]) {
            Diag *diag = REPORT(e, E012, idx[d]->index.index->span,
                                "index %lld is out of range for dimension %u of '%s' (size %u)",
                                (long long)v, d + 1, arr->name, arr->dims[d]);
            diag_note(e->diags, diag, e->src, arr->span, "'%s' is declared here", arr->name);
            return false;
        }
        flat = flat * arr->dims[d] + (uint64_t)v;
    }
    *element = arr->offset + (uint32_t)flat;
    return true;
}

static bool eval_affine(Elab *e, const Node *n, Affine *out);

static bool affine_binary(Elab *e, const Node *n, Affine *out)
{
    Affine l, r;
    if (!eval_affine(e, n->binary.lhs, &l) || !eval_affine(e, n->binary.rhs, &r))
        return false;
    switch (n->binary.op) {
    case OP_SUB:
        r.k = real_neg(r.k);
        r.c = real_neg(r.c);
        /* fall through */
    case OP_ADD:
        if (!affine_is_const(&l) && !affine_is_const(&r) &&
            (l.source != r.source || l.index != r.index)) {
            StrBuf a = {0}, b = {0};
            sb_put_var_element(&a, e->c, l.source, l.index);
            sb_put_var_element(&b, e->c, r.source, r.index);
            REPORT(e, E047, n->span,
                   "this angle depends on both '%s' and '%s'; an angle is affine in at most one "
                   "parameter or input (use two gates)",
                   a.data, b.data);
            sb_free(&a);
            sb_free(&b);
            return false;
        }
        *out = affine_is_const(&l) ? r : l;
        out->k = real_add(l.k, r.k);
        out->c = real_add(l.c, r.c);
        if (real_is_zero(out->k) && real_is_exact(out->k)) /* theta - theta */
            *out = affine_const(out->c);
        return true;
    case OP_MUL:
        if (!affine_is_const(&l) && !affine_is_const(&r)) {
            REPORT(e, E046, n->binary.op_span,
                   "a product of two parameter-dependent values is not affine; an angle is "
                   "c*theta + d with constants c and d");
            return false;
        }
        if (affine_is_const(&r)) {
            *out = l;
            out->k = real_mul(l.k, r.c);
            out->c = real_mul(l.c, r.c);
        } else {
            *out = r;
            out->k = real_mul(r.k, l.c);
            out->c = real_mul(r.c, l.c);
        }
        if (real_is_zero(out->k))
            *out = affine_const(out->c);
        return true;
    case OP_DIV:
        if (!affine_is_const(&r)) {
            REPORT(e, E046, n->binary.op_span,
                   "dividing by a parameter-dependent value is not affine; an angle is "
                   "c*theta + d with constants c and d");
            return false;
        }
        if (real_is_zero(r.c)) {
            REPORT(e, E040, n->binary.rhs->span, "division by zero");
            return false;
        }
        *out = l;
        out->k = real_div(l.k, r.c);
        out->c = real_div(l.c, r.c);
        return true;
    case OP_POW:
        if (!affine_is_const(&l) || !affine_is_const(&r)) {
            REPORT(e, E046, n->binary.op_span,
                   "a power of a parameter-dependent value is not affine; an angle is "
                   "c*theta + d with constants c and d");
            return false;
        }
        if (real_is_exact(l.c) && real_is_exact(r.c) && r.c.den == 1 && r.c.num >= -64 &&
            r.c.num <= 64 && !(real_is_zero(l.c) && r.c.num < 0)) {
            Real acc = real_int(1);
            for (int64_t k = 0; k < (r.c.num < 0 ? -r.c.num : r.c.num); k++)
                acc = real_mul(acc, l.c);
            *out = affine_const(r.c.num < 0 ? real_div(real_int(1), acc) : acc);
        } else {
            *out = affine_const(real_approx(pow(l.c.value, r.c.value)));
        }
        if (!isfinite(out->c.value)) {
            REPORT(e, E040, n->span, "this power is not a finite number");
            return false;
        }
        return true;
    default:
        return false;
    }
}

static bool eval_affine(Elab *e, const Node *n, Affine *out)
{
    if (n->type == TY_INT) {
        int64_t v;
        if (!eval_int(e, n, &v, true))
            return false;
        *out = affine_const(real_int(v));
        return true;
    }
    switch (n->kind) {
    case ND_REAL:
        *out = affine_const(n->real_lit.value);
        return true;
    case ND_NAME: {
        const Symbol *sym = n->name.sym;
        switch (sym->kind) {
        case SYM_CONST:
            *out = affine_const(real_approx(sym->value));
            return true;
        case SYM_GATE_ANGLE:
            *out = e->slots[sym->slot].angle;
            return true;
        case SYM_PARAM:
        case SYM_INPUT: {
            if (e->slots[sym->slot].var == INVALID)
                return false;
            const VarArray *arr = sym->kind == SYM_PARAM ? &e->c->params.data[e->slots[sym->slot].var]
                                                         : &e->c->inputs.data[e->slots[sym->slot].var];
            *out = (Affine){.k = real_int(1),
                            .source = sym->kind == SYM_PARAM ? ANGLE_PARAM : ANGLE_INPUT,
                            .index = arr->offset,
                            .c = real_int(0)};
            return true;
        }
        default:
            return false;
        }
    }
    case ND_INDEX: {
        const Node *base = n;
        while (base->kind == ND_INDEX)
            base = base->index.base;
        const Symbol *sym = base->name.sym;
        if (e->slots[sym->slot].var == INVALID)
            return false;
        bool param = sym->kind == SYM_PARAM;
        const VarArray *arr = param ? &e->c->params.data[e->slots[sym->slot].var]
                                    : &e->c->inputs.data[e->slots[sym->slot].var];
        uint32_t element;
        if (!eval_element(e, n, arr, &element))
            return false;
        *out = (Affine){.k = real_int(1),
                        .source = param ? ANGLE_PARAM : ANGLE_INPUT,
                        .index = element,
                        .c = real_int(0)};
        return true;
    }
    case ND_UNARY:
        if (!eval_affine(e, n->unary.operand, out))
            return false;
        if (n->unary.op == OP_NEG) {
            out->k = real_neg(out->k);
            out->c = real_neg(out->c);
        }
        return true;
    case ND_BINARY:
        return affine_binary(e, n, out);
    default:
        return false;
    }
}

/* A constant real (a Pauli coefficient). */
static bool eval_coefficient(Elab *e, const Node *n, Real *out)
{
    Affine a;
    if (!eval_affine(e, n, &a))
        return false;
    if (!affine_is_const(&a)) {
        REPORT(e, E046, n->span,
               "a Pauli coefficient must be a constant; a parameter belongs in the angle, as in "
               "evolve(theta) H");
        return false;
    }
    *out = a.c;
    return true;
}

/* ---- qubits -------------------------------------------------------------------------- */

static bool eval_operand(Elab *e, const Node *n, Operand *out)
{
    out->span = n->span;
    out->whole = false;
    out->count = 1;
    if (n->kind == ND_NAME) {
        const Symbol *sym = n->name.sym;
        if (sym->kind == SYM_GATE_QUBIT) {
            out->first = e->slots[sym->slot].qubit;
            return true;
        }
        out->first = e->slots[sym->slot].reg.offset;
        out->count = e->slots[sym->slot].reg.size;
        out->whole = sym->ndims == 1;
        return out->first != INVALID;
    }
    const Symbol *sym = n->index.base->name.sym;
    if (e->slots[sym->slot].reg.offset == INVALID)
        return false;
    int64_t i;
    if (!eval_int(e, n->index.index, &i, false))
        return false;
    uint32_t size = e->slots[sym->slot].reg.size;
    if (i < 0 || (uint64_t)i >= size) {
        Diag *d = REPORT(e, E012, n->index.index->span,
                         "qubit index %lld is out of range for '%s' (size %u)", (long long)i,
                         sym->name, size);
        diag_note(e->diags, d, e->src, sym->span, "'%s' is declared here", sym->name);
        return false;
    }
    out->first = e->slots[sym->slot].reg.offset + (uint32_t)i;
    return true;
}

static bool check_not_discarded(Elab *e, uint32_t q, Span at, const char *use)
{
    if (!e->discarded[q])
        return true;
    StrBuf name = {0};
    sb_put_qubit(&name, e->c, q);
    Diag *d = REPORT(e, E045, at, "%s uses qubit %s after it was discarded", use, name.data);
    diag_note(e->diags, d, e->src, *e->discarded[q], "%s is discarded here", name.data);
    sb_free(&name);
    return false;
}

/* ---- Pauli operators ------------------------------------------------------------------ */

static PauliSum *eval_pauli(Elab *e, const Node *n);

static PauliSum *pauli_single(Elab *e, uint32_t qubit, char axis)
{
    PauliSum *s = psum_new(e->arena, e->c->nqubits);
    uint64_t *p = arena_alloc(e->arena, 2u * s->words * sizeof *p);
    if (axis != 'I')
        pauli_set(p, s->words, qubit, axis);
    psum_add(e->arena, s, p, real_int(1));
    return s;
}

static bool for_range(Elab *e, const Node *range, int64_t *lo, int64_t *st, int64_t *hi)
{
    *st = 1;
    if (!eval_int(e, range->range.lo, lo, false) || !eval_int(e, range->range.hi, hi, false))
        return false;
    if (range->range.step && !eval_int(e, range->range.step, st, false))
        return false;
    if (*st == 0) {
        REPORT(e, E050, range->range.step->span, "the step of a range cannot be zero");
        return false;
    }
    return true;
}

/* Next value of a loop variable; false when the range is done (or would overflow). */
static bool range_next(int64_t *v, int64_t st, int64_t hi)
{
    if (__builtin_add_overflow(*v, st, v))
        return false;
    return st > 0 ? *v <= hi : *v >= hi;
}

static PauliSum *pauli_sum_loop(Elab *e, const Node *n)
{
    int64_t lo, st, hi;
    if (!for_range(e, n->loop.range, &lo, &st, &hi))
        return NULL;
    PauliSum *acc = psum_new(e->arena, e->c->nqubits);
    Value *slot = &e->slots[n->loop.sym->slot];
    if (st > 0 ? lo > hi : lo < hi)
        return acc;
    int64_t v = lo;
    do {
        if (!step(e, n->span))
            return NULL;
        slot->i = v;
        PauliSum *term = eval_pauli(e, n->loop.body);
        if (!term)
            return NULL;
        psum_add_sum(e->arena, acc, term, real_int(1));
    } while (range_next(&v, st, hi));
    return acc;
}

static PauliSum *eval_pauli(Elab *e, const Node *n)
{
    switch (n->kind) {
    case ND_PAULI: {
        Operand q;
        if (!eval_operand(e, n->pauli.qubit, &q))
            return NULL;
        return pauli_single(e, q.first, n->pauli.axis);
    }
    case ND_IDENTITY:
        return pauli_single(e, 0, 'I');
    case ND_UNARY: {
        PauliSum *s = eval_pauli(e, n->unary.operand);
        if (s && n->unary.op == OP_NEG)
            psum_scale(s, real_int(-1));
        return s;
    }
    case ND_SUM:
        return pauli_sum_loop(e, n);
    case ND_BINARY:
        break;
    default:
        return NULL;
    }
    const Node *l = n->binary.lhs, *r = n->binary.rhs;
    Op op = n->binary.op;
    if (op == OP_ADD || op == OP_SUB) {
        PauliSum *a = eval_pauli(e, l), *b = a ? eval_pauli(e, r) : NULL;
        if (!b)
            return NULL;
        psum_add_sum(e->arena, a, b, real_int(op == OP_ADD ? 1 : -1));
        return a;
    }
    if (op == OP_MUL && l->type == TY_PAULI && r->type == TY_PAULI) {
        PauliSum *a = eval_pauli(e, l), *b = a ? eval_pauli(e, r) : NULL;
        if (!b)
            return NULL;
        uint32_t clash;
        PauliSum *p = psum_mul_disjoint(e->arena, a, b, &clash);
        if (!p) {
            StrBuf name = {0};
            sb_put_qubit(&name, e->c, clash);
            REPORT(e, E048, n->binary.op_span,
                   "both factors act on qubit %s; a product of Pauli operators must act on "
                   "distinct qubits",
                   name.data);
            sb_free(&name);
        }
        return p;
    }
    /* number * operator, operator * number, operator / number */
    const Node *num = l->type == TY_PAULI ? r : l, *opnd = l->type == TY_PAULI ? l : r;
    Real c;
    if (!eval_coefficient(e, num, &c))
        return NULL;
    if (op == OP_DIV) {
        if (real_is_zero(c)) {
            REPORT(e, E040, num->span, "division by zero");
            return NULL;
        }
        c = real_div(real_int(1), c);
    }
    PauliSum *s = eval_pauli(e, opnd);
    if (s)
        psum_scale(s, c);
    return s;
}

/* ---- gates ------------------------------------------------------------------------------ */

static Angle angle_of(const Affine *a)
{
    return (Angle){.source = a->source, .index = a->index, .coef = a->k, .offset = a->c.value};
}

static void emit(Elab *e, GateKind kind, const uint32_t *qubits, uint32_t nq, const Affine *angle,
                 PauliSum *generator, Span span)
{
    Gate g = {.kind = kind, .nqubits = nq, .span = span};
    g.qubits = arena_alloc(e->arena, (nq ? nq : 1) * sizeof *g.qubits);
    memcpy(g.qubits, qubits, nq * sizeof *qubits);
    if (generator) {
        g.generator = generator;
        g.angle = angle_of(angle);
    } else {
        double fixed = 0;
        g.generator = gate_generator(e->arena, kind, qubits, e->c->nqubits, &fixed);
        if (gate_info(kind)->cls == GATE_ROTATION)
            g.angle = angle_of(angle);
        else
            g.angle = (Angle){.source = ANGLE_CONST, .coef = real_int(0), .offset = fixed};
    }
    vec_push(e->arena, &e->c->gates, g);
}

static void exec_stmts(Elab *e, const Node *stmts);

static void apply(Elab *e, const Node *call, const Affine *args, const uint32_t *qubits, uint32_t nq)
{
    for (uint32_t i = 0; i < nq; i++) {
        if (!check_not_discarded(e, qubits[i], call->span, "this gate"))
            return;
        for (uint32_t j = 0; j < i; j++)
            if (qubits[i] == qubits[j]) {
                StrBuf name = {0};
                sb_put_qubit(&name, e->c, qubits[i]);
                REPORT(e, E044, call->span, "'%s' is given qubit %s twice; the qubits of a gate "
                       "must be distinct", call->call.name, name.data);
                sb_free(&name);
                return;
            }
    }
    GateKind kind = call->call.builtin;
    if (kind == GATE_U) { /* u(θ, φ, λ) = rz(φ) · ry(θ) · rz(λ): rz(λ) acts first */
        emit(e, GATE_RZ, qubits, 1, &args[2], NULL, call->span);
        emit(e, GATE_RY, qubits, 1, &args[0], NULL, call->span);
        emit(e, GATE_RZ, qubits, 1, &args[1], NULL, call->span);
        return;
    }
    if (kind != GATE__COUNT) {
        emit(e, kind, qubits, nq, args, NULL, call->span);
        return;
    }
    const Node *def = call->call.gate->decl;
    if (e->inline_depth >= ANS_MAX_INLINE_DEPTH) {
        REPORT(e, E072, call->span, "gate calls are nested more than %d deep",
               ANS_MAX_INLINE_DEPTH);
        e->fatal = true;
        return;
    }
    uint32_t i = 0;
    for (const Node *p = def->gatedef.params; p; p = p->next)
        e->slots[p->name.sym->slot].angle = args[i++];
    i = 0;
    for (const Node *q = def->gatedef.qubits; q; q = q->next)
        e->slots[q->name.sym->slot].qubit = qubits[i++];
    e->inline_depth++;
    exec_stmts(e, def->gatedef.body->block.stmts);
    e->inline_depth--;
}

/* gate(args) operands; — whole registers broadcast, single qubits repeat. */
static void exec_call(Elab *e, const Node *n)
{
    uint32_t nargs = node_count(n->call.args), nops = node_count(n->call.operands);
    Affine *args = arena_alloc(e->arena, (nargs ? nargs : 1) * sizeof *args);
    Operand *ops = arena_alloc(e->arena, (nops ? nops : 1) * sizeof *ops);
    uint32_t i = 0;
    for (const Node *a = n->call.args; a; a = a->next)
        if (!eval_affine(e, a, &args[i++]))
            return;
    i = 0;
    const Operand *whole = NULL;
    for (const Node *o = n->call.operands; o; o = o->next, i++) {
        if (!eval_operand(e, o, &ops[i]))
            return;
        if (ops[i].whole && whole && whole->count != ops[i].count) {
            REPORT(e, E051, o->span, "broadcasting over registers of different sizes (%u and %u)",
                   whole->count, ops[i].count);
            return;
        }
        if (ops[i].whole && !whole)
            whole = &ops[i];
    }
    uint32_t reps = whole ? whole->count : 1;
    uint32_t *qubits = arena_alloc(e->arena, (nops ? nops : 1) * sizeof *qubits);
    for (uint32_t r = 0; r < reps && !e->fatal; r++) {
        if (r > 0 && !step(e, n->span))
            return;
        for (uint32_t k = 0; k < nops; k++)
            qubits[k] = ops[k].first + (ops[k].whole ? r : 0);
        apply(e, n, args, qubits, nops);
    }
}

static void exec_evolve(Elab *e, const Node *n)
{
    Affine angle;
    if (!eval_affine(e, n->evolve.angle, &angle))
        return;
    PauliSum *h = eval_pauli(e, n->evolve.op);
    if (!h)
        return;
    psum_compact(e->arena, h);
    if (h->len == 0) {
        REPORT(e, E049, n->evolve.op->span, "the generator of evolve is zero");
        return;
    }
    uint32_t *support = arena_alloc(e->arena, e->c->nqubits * sizeof *support + 4);
    uint32_t nq = psum_support(h, support);
    for (uint32_t i = 0; i < nq; i++)
        if (!check_not_discarded(e, support[i], n->evolve.op->span, "this generator"))
            return;
    if (nq == 0)
        REPORT(e, W002, n->evolve.op->span,
               "this generator is a multiple of the identity: the gate is a global phase");
    emit(e, GATE_EVOLVE, support, nq, &angle, h, n->span);
}

static void exec_discard(Elab *e, const Node *n)
{
    for (const Node *o = n->operands.operands; o; o = o->next) {
        Operand q;
        if (!eval_operand(e, o, &q))
            continue;
        for (uint32_t k = 0; k < q.count; k++) {
            uint32_t qubit = q.first + k;
            if (!check_not_discarded(e, qubit, o->span, "discard"))
                continue;
            Span *at = arena_alloc(e->arena, sizeof *at);
            *at = o->span;
            e->discarded[qubit] = at;
            Discard d = {.qubit = qubit, .before = (uint32_t)e->c->gates.len, .span = o->span};
            vec_push(e->arena, &e->c->discards, d);
        }
    }
}

static void exec_observe(Elab *e, const Node *n)
{
    e->observed = true;
    const char *name = n->observe.name;
    Span at = n->observe.name ? n->observe.name_span : n->span;
    if (!name)
        name = arena_printf(e->arena, "obs%u", e->unnamed++);
    for (size_t i = 0; i < e->c->observables.len; i++)
        if (strcmp(e->c->observables.data[i].name, name) == 0) {
            if (e->c->observables.data[i].span.start == at.start) {
                REPORT(e, E052, at, "observable '%s' is defined again on each pass of a loop; "
                       "leave it unnamed (obs0, obs1, …) or move it out of the loop", name);
                return;
            }
            Diag *d = REPORT(e, E052, at, "observable '%s' is defined twice", name);
            diag_note(e->diags, d, e->src, e->c->observables.data[i].span,
                      "'%s' is first defined here", name);
            return;
        }
    PauliSum *op = eval_pauli(e, n->observe.op);
    if (!op)
        return;
    psum_compact(e->arena, op);
    if (op->len == 0) {
        REPORT(e, E049, n->observe.op->span, "observable '%s' is zero", name);
        return;
    }
    Observable o = {.name = name, .op = op, .span = at};
    vec_push(e->arena, &e->c->observables, o);
}

static void exec_var_decl(Elab *e, const Node *n)
{
    VarArray arr = {.name = n->var.name, .span = n->var.name_span};
    e->slots[n->var.sym->slot].var = INVALID;
    uint64_t count = 1;
    for (const Node *d = n->var.dims; d; d = d->next) {
        int64_t v;
        if (!eval_int(e, d, &v, false))
            return;
        if (v < 0) {
            REPORT(e, E043, d->span, "array dimension %lld is negative", (long long)v);
            return;
        }
        if (v > ANS_MAX_VECTOR || (count *= (uint64_t)v) > ANS_MAX_VECTOR) {
            REPORT(e, E074, n->span, "'%s' would have more than %d elements", n->var.name,
                   ANS_MAX_VECTOR);
            return;
        }
        arr.dims[arr.ndims++] = (uint32_t)v;
    }
    uint32_t *total = n->var.input ? &e->c->ninputs : &e->c->nparams;
    if (*total + count > ANS_MAX_VECTOR) {
        REPORT(e, E074, n->span, "the %s vector would have more than %d elements",
               n->var.input ? "input" : "parameter", ANS_MAX_VECTOR);
        e->fatal = true;
        return;
    }
    arr.offset = *total;
    arr.count = (uint32_t)count;
    *total += (uint32_t)count;
    if (n->var.input) {
        e->slots[n->var.sym->slot].var = (uint32_t)e->c->inputs.len;
        vec_push(e->arena, &e->c->inputs, arr);
    } else {
        e->slots[n->var.sym->slot].var = (uint32_t)e->c->params.len;
        vec_push(e->arena, &e->c->params, arr);
    }
}

static void exec_expect(Elab *e, const Node *n)
{
    Expect x = {.fact = n->expect.fact, .op = n->expect.cmp, .negated = n->expect.negated,
                .span = n->span};
    if (n->expect.value && !eval_int(e, n->expect.value, &x.value, false))
        return;
    vec_push(e->arena, &e->c->expects, x);
}

static void exec_stmt(Elab *e, const Node *n)
{
    if (!step(e, n->span))
        return;
    switch (n->kind) {
    case ND_VAR_DECL:
        exec_var_decl(e, n);
        break;
    case ND_STATE:
        e->state = n;
        break;
    case ND_LET: {
        int64_t v;
        if (eval_int(e, n->let.value, &v, false))
            e->slots[n->let.sym->slot].i = v;
        break;
    }
    case ND_CALL:
        exec_call(e, n);
        break;
    case ND_EVOLVE:
        exec_evolve(e, n);
        break;
    case ND_FOR: {
        int64_t lo, st, hi;
        if (!for_range(e, n->loop.range, &lo, &st, &hi) || (st > 0 ? lo > hi : lo < hi))
            break;
        int64_t v = lo;
        do {
            if (!step(e, n->span))
                return;
            e->slots[n->loop.sym->slot].i = v;
            exec_stmts(e, n->loop.body->block.stmts);
        } while (!e->fatal && range_next(&v, st, hi));
        break;
    }
    case ND_IF: {
        int64_t v;
        if (!eval_int(e, n->cond.cond, &v, false))
            break;
        const Node *branch = v ? n->cond.then : n->cond.otherwise;
        if (branch && branch->kind == ND_IF)
            exec_stmt(e, branch);
        else if (branch)
            exec_stmts(e, branch->block.stmts);
        break;
    }
    case ND_BLOCK:
        exec_stmts(e, n->block.stmts);
        break;
    case ND_DISCARD:
        exec_discard(e, n);
        break;
    case ND_BARRIER: /* ignored, but its operands must still be valid */
        for (const Node *o = n->operands.operands; o; o = o->next) {
            Operand q;
            eval_operand(e, o, &q);
        }
        break;
    case ND_OBSERVE:
        exec_observe(e, n);
        break;
    case ND_EXPECT:
        exec_expect(e, n);
        break;
    default: /* header, qubits: the layout pass; gate definitions: inlined at calls */
        break;
    }
}

static void exec_stmts(Elab *e, const Node *stmts)
{
    for (const Node *n = stmts; n && !e->fatal; n = n->next)
        exec_stmt(e, n);
}

/* ---- layout: sizes, top-level lets, registers ------------------------------------------- */

static void layout(Elab *e, const Node *program)
{
    for (const Node *n = program->program.stmts; n && !e->fatal; n = n->next) {
        if (n->kind == ND_HEADER && !e->header) {
            e->header = n;
            e->c->name = n->header.name;
            for (const Node *z = n->header.sizes; z; z = z->next) {
                int64_t v = 0;
                bool given = false;
                for (size_t i = 0; i < e->ndefines; i++)
                    if (strcmp(e->defines[i].name, z->let.name) == 0) {
                        v = e->defines[i].value;
                        given = true;
                    }
                if (!given && !eval_int(e, z->let.value, &v, false))
                    v = 0;
                e->slots[z->let.sym->slot].i = v;
                SizeValue sv = {.name = z->let.name, .value = v};
                vec_push(e->arena, &e->c->sizes, sv);
            }
        } else if (n->kind == ND_LET) {
            int64_t v;
            if (eval_int(e, n->let.value, &v, false))
                e->slots[n->let.sym->slot].i = v;
        } else if (n->kind == ND_QUBIT_DECL) {
            int64_t size = 1;
            e->slots[n->qubit.sym->slot].reg.offset = INVALID;
            if (n->qubit.size && !eval_int(e, n->qubit.size, &size, false))
                continue;
            if (size < 1) {
                REPORT(e, E043, n->qubit.size->span,
                       "register '%s' has %lld qubits; a register needs at least one",
                       n->qubit.name, (long long)size);
                continue;
            }
            if (size > ANS_MAX_QUBITS || e->c->nqubits + (uint64_t)size > ANS_MAX_QUBITS) {
                REPORT(e, E070, n->qubit.size ? n->qubit.size->span : n->span,
                       "register '%s' of %lld qubits brings the circuit to %llu qubits; the "
                       "limit is %d",
                       n->qubit.name, (long long)size,
                       (unsigned long long)(e->c->nqubits + (uint64_t)size), ANS_MAX_QUBITS);
                e->fatal = true;
                continue;
            }
            Register r = {.name = n->qubit.name, .offset = e->c->nqubits, .size = (uint32_t)size,
                          .scalar = n->qubit.size == NULL, .span = n->qubit.name_span};
            e->slots[n->qubit.sym->slot].reg.offset = r.offset;
            e->slots[n->qubit.sym->slot].reg.size = r.size;
            e->c->nqubits += r.size;
            vec_push(e->arena, &e->c->registers, r);
        }
    }
}

static void finish(Elab *e)
{
    Circuit *c = e->c;
    c->state = arena_alloc(e->arena, (c->nqubits ? c->nqubits : 1) * sizeof *c->state);
    if (e->state && e->state->state.input) {
        c->state_input = true;
    } else if (e->state) {
        const char *ket = e->state->state.ket;
        size_t symbols = strlen(ket) - 2;
        if (symbols != 1 && symbols != c->nqubits) {
            REPORT(e, E053, e->state->span,
                   "the state gives %zu kets for %u qubits; give one ket for all, or one per "
                   "qubit",
                   symbols, c->nqubits);
        } else {
            for (uint32_t q = 0; q < c->nqubits; q++) {
                char k = ket[1 + (symbols == 1 ? 0 : q)];
                c->state[q] = k == '0' ? KET_0 : k == '1' ? KET_1 : k == '+' ? KET_PLUS : KET_MINUS;
            }
        }
    }
    uint32_t *support = arena_alloc(e->arena, (c->nqubits ? c->nqubits : 1) * sizeof *support);
    for (size_t i = 0; i < c->observables.len; i++) {
        uint32_t n = psum_support(c->observables.data[i].op, support);
        for (uint32_t k = 0; k < n; k++)
            if (!check_not_discarded(e, support[k], c->observables.data[i].span, "this observable"))
                break;
    }
    if (!e->observed && e->header)
        REPORT(e, W003, e->header->header.name_span,
               "ansatz '%s' has no observable; add 'observe NAME = …;' to analyse or simulate it",
               c->name);
}

Circuit *elaborate(Arena *a, DiagSink *diags, const Source *src, const Node *program,
                   const Define *defines, size_t ndefines)
{
    size_t errors = diags->errors;
    Circuit *c = arena_alloc(a, sizeof *c);
    c->src = src;
    c->name = "";
    Elab e = {.arena = a, .diags = diags, .src = src, .c = c, .defines = defines,
              .ndefines = ndefines};
    e.slots = arena_alloc(a, (program->program.nslots + 1) * sizeof *e.slots);
    layout(&e, program);
    if (!e.fatal) {
        e.discarded = arena_alloc(a, (c->nqubits + 1) * sizeof *e.discarded);
        exec_stmts(&e, program->program.stmts);
    }
    if (!e.fatal)
        finish(&e);
    return diags->errors == errors ? c : NULL;
}
