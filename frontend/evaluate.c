/*
 * evaluate.c — the elaborator's expressions: integers, angles, Pauli operators, qubits.
 *
 * Integers are int64 with overflow checks (E041), C's truncating / and %, and the exact
 * builtins. Angles are evaluated as affine forms k·v + c over one parameter or input
 * element v; anything else is E046/E047 at the operator that leaves the form. Pauli
 * expressions become Pauli sums, products checked for a repeated qubit (E048). Every loop
 * iteration (here: `sum`) is a step against the elaboration budget, as in elaborate.c.
 */
#include "frontend.h"

#include <math.h>
#include <string.h>

bool elab_step(Elab *e, Span at)
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

static bool int_binary(Elab *e, const Node *n, int64_t *out, bool real_context)
{
    Op op = n->binary.op;
    int64_t l, r;
    if (!elab_int(e, n->binary.lhs, &l, real_context))
        return false;
    if (op == OP_AND || op == OP_OR) { /* short-circuit, as in C */
        if ((op == OP_AND && !l) || (op == OP_OR && l)) {
            *out = op == OP_OR;
            return true;
        }
        if (!elab_int(e, n->binary.rhs, &r, real_context))
            return false;
        *out = r != 0;
        return true;
    }
    if (!elab_int(e, n->binary.rhs, &r, real_context))
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
        if (!elab_int(e, a, &v[argc++], real_context))
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
bool elab_int(Elab *e, const Node *n, int64_t *out, bool real_context)
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
        if (!elab_int(e, n->unary.operand, &v, real_context))
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
        if (!elab_int(e, idx[d]->index.index, &v, false))
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

static bool affine_binary(Elab *e, const Node *n, Affine *out)
{
    Affine l, r;
    if (!elab_affine(e, n->binary.lhs, &l) || !elab_affine(e, n->binary.rhs, &r))
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

bool elab_affine(Elab *e, const Node *n, Affine *out)
{
    if (n->type == TY_INT) {
        int64_t v;
        if (!elab_int(e, n, &v, true))
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
        if (!elab_affine(e, n->unary.operand, out))
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
    if (!elab_affine(e, n, &a))
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

bool elab_operand(Elab *e, const Node *n, Operand *out)
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
    if (!elab_int(e, n->index.index, &i, false))
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

bool elab_check_live(Elab *e, uint32_t q, Span at, const char *use)
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

static PauliSum *pauli_single(Elab *e, uint32_t qubit, char axis)
{
    PauliSum *s = psum_new(e->arena, e->c->nqubits);
    uint64_t *p = arena_alloc(e->arena, 2u * s->words * sizeof *p);
    if (axis != 'I')
        pauli_set(p, s->words, qubit, axis);
    psum_add(e->arena, s, p, real_int(1));
    return s;
}

bool elab_range(Elab *e, const Node *range, int64_t *lo, int64_t *st, int64_t *hi)
{
    *st = 1;
    if (!elab_int(e, range->range.lo, lo, false) || !elab_int(e, range->range.hi, hi, false))
        return false;
    if (range->range.step && !elab_int(e, range->range.step, st, false))
        return false;
    if (*st == 0) {
        REPORT(e, E050, range->range.step->span, "the step of a range cannot be zero");
        return false;
    }
    return true;
}

/* Next value of a loop variable; false when the range is done (or would overflow). */
bool elab_range_next(int64_t *v, int64_t st, int64_t hi)
{
    if (__builtin_add_overflow(*v, st, v))
        return false;
    return st > 0 ? *v <= hi : *v >= hi;
}

static PauliSum *pauli_sum_loop(Elab *e, const Node *n)
{
    int64_t lo, st, hi;
    if (!elab_range(e, n->loop.range, &lo, &st, &hi))
        return NULL;
    PauliSum *acc = psum_new(e->arena, e->c->nqubits);
    Value *slot = &e->slots[n->loop.sym->slot];
    if (st > 0 ? lo > hi : lo < hi)
        return acc;
    int64_t v = lo;
    do {
        if (!elab_step(e, n->span))
            return NULL;
        slot->i = v;
        PauliSum *term = elab_pauli(e, n->loop.body);
        if (!term)
            return NULL;
        psum_add_sum(e->arena, acc, term, real_int(1));
    } while (elab_range_next(&v, st, hi));
    return acc;
}

PauliSum *elab_pauli(Elab *e, const Node *n)
{
    switch (n->kind) {
    case ND_PAULI: {
        Operand q;
        if (!elab_operand(e, n->pauli.qubit, &q))
            return NULL;
        return pauli_single(e, q.first, n->pauli.axis);
    }
    case ND_IDENTITY:
        return pauli_single(e, 0, 'I');
    case ND_UNARY: {
        PauliSum *s = elab_pauli(e, n->unary.operand);
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
        PauliSum *a = elab_pauli(e, l), *b = a ? elab_pauli(e, r) : NULL;
        if (!b)
            return NULL;
        psum_add_sum(e->arena, a, b, real_int(op == OP_ADD ? 1 : -1));
        return a;
    }
    if (op == OP_MUL && l->type == TY_PAULI && r->type == TY_PAULI) {
        PauliSum *a = elab_pauli(e, l), *b = a ? elab_pauli(e, r) : NULL;
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
    PauliSum *s = elab_pauli(e, opnd);
    if (s)
        psum_scale(s, c);
    return s;
}

