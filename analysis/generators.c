/*
 * generators.c — the effective generators of a circuit, after the Clifford frame.
 *
 * Input: the circuit and its frame. Output: Generators (allocated in the arena), W030 and
 * N030 in the sink. Reads both, changes neither.
 *
 * A parameter θ may drive several gates exp(-i(c_a θ + d_a) G_a). When the G_a commute
 * pairwise and every gate standing between the first and the last of them commutes with
 * all of them, the gates can be brought together and merged into exp(-iθ Σ c_a G_a) ·
 * Π exp(-i d_a G_a): the parameter has one generator, Σ c_a G_a (the QAOA/HVA convention;
 * `evolve(g) Σ ZZ` and a loop of rzz(2g) give the same one). The constant part lies in that
 * one-parameter group only when every d_a/c_a is the same ratio r (it is then
 * exp(-i r Σ c_a G_a)); otherwise each gate whose offset departs from r·c_a leaves a fixed
 * rotation, whose generator joins the algebra like any fixed non-Clifford gate (N030). Otherwise the gates are kept apart, each with its own generator — an
 * upper bound on the algebra the parameter really explores — and W030 says so. Inputs are
 * treated like parameters, element by element; every fixed non-Clifford gate (t, ccx, a
 * rotation by a constant angle) is a generator of its own (N030: an upper bound again).
 *
 * Commutation is decided exactly: [A, B] is computed with the sums' exact coefficients.
 */
#include "analysis.h"

#include <string.h>

PauliSum *psum_bracket(Arena *a, const PauliSum *x, const PauliSum *y)
{
    PauliSum *r = psum_new(a, x->nqubits);
    uint64_t *buf = arena_alloc(a, 2u * x->words * sizeof *buf);
    for (uint32_t i = 0; i < x->len; i++)
        for (uint32_t j = 0; j < y->len; j++) {
            const uint64_t *p = psum_string(x, i), *q = psum_string(y, j);
            if (pauli_commutes(p, q, x->words))
                continue;
            /* i[P, Q]/2 = i·PQ = i·i^k R with k odd: +R when k = 3, −R when k = 1. */
            unsigned k = pauli_product(p, q, buf, x->words);
            Real c = real_mul(x->coef[i], y->coef[j]);
            psum_add(a, r, buf, k == 3 ? c : real_neg(c));
        }
    psum_compact(a, r);
    return r;
}

bool psum_parallel(const PauliSum *x, const PauliSum *y)
{
    if (x->len != y->len || x->len == 0)
        return false;
    Real first, c;
    if (!psum_lookup(y, psum_string(x, 0), &first))
        return false;
    Real ratio = real_div(first, x->coef[0]);
    for (uint32_t i = 0; i < x->len; i++)
        if (!psum_lookup(y, psum_string(x, i), &c) || !real_eq(real_mul(ratio, x->coef[i]), c))
            return false;
    return true;
}

bool psum_commute(Arena *scratch, const PauliSum *x, const PauliSum *y)
{
    /* Quick exact test first: all pairs of strings commute. */
    bool all = true;
    for (uint32_t i = 0; i < x->len && all; i++)
        for (uint32_t j = 0; j < y->len && all; j++)
            all = pauli_commutes(psum_string(x, i), psum_string(y, j), x->words);
    return all || psum_bracket(scratch, x, y)->len == 0;
}

/* The frame gates that a variable (source, index) drives, as indices into f->gates. */
typedef struct Group {
    AngleSource source;
    uint32_t index;
    VEC(uint32_t) members;
} Group;

static bool mergeable(Arena *scratch, const Frame *f, const Group *g)
{
    size_t m = g->members.len;
    for (size_t a = 0; a < m; a++)
        for (size_t b = a + 1; b < m; b++)
            if (!psum_commute(scratch, f->gates.data[g->members.data[a]].generator,
                         f->gates.data[g->members.data[b]].generator))
                return false;
    uint32_t first = g->members.data[0], last = g->members.data[m - 1];
    size_t next = 0;
    for (uint32_t k = first; k <= last; k++) {
        if (next < m && g->members.data[next] == k) {
            next++;
            continue;
        }
        for (size_t a = 0; a < m; a++)
            if (!psum_commute(scratch, f->gates.data[k].generator,
                         f->gates.data[g->members.data[a]].generator))
                return false;
    }
    return true;
}

static void add_generator(Arena *a, Generators *gens, EffectiveGenerator e)
{
    if (e.op->len == 0)
        return;
    for (size_t i = 0; i < gens->list.len; i++)
        if (psum_parallel(gens->list.data[i].op, e.op))
            return;
    vec_push(a, &gens->list, e);
}

Generators *generators_build(Arena *a, DiagSink *diags, const Circuit *c, const Frame *f)
{
    Generators *gens = arena_alloc(a, sizeof *gens);
    /* Groups by variable, in order of first appearance: a table from variable to group. */
    uint32_t *param_group = arena_alloc(a, (c->nparams + 1) * sizeof *param_group);
    uint32_t *input_group = arena_alloc(a, (c->ninputs + 1) * sizeof *input_group);
    VEC(Group) groups = {0};
    const Gate *first_fixed = NULL;
    uint32_t fixed = 0;
    for (uint32_t k = 0; k < f->gates.len; k++) {
        const Gate *gate = &c->gates.data[f->gates.data[k].gate];
        if (gate->angle.source == ANGLE_CONST && gate->angle.offset == 0)
            continue; /* a rotation by the constant 0 is the identity */
        if (gate->angle.source == ANGLE_CONST) {
            fixed++;
            if (!first_fixed)
                first_fixed = gate;
            continue;
        }
        uint32_t *slot = gate->angle.source == ANGLE_PARAM ? &param_group[gate->angle.index]
                                                           : &input_group[gate->angle.index];
        if (*slot == 0) {
            Group g = {.source = gate->angle.source, .index = gate->angle.index};
            vec_push(a, &groups, g);
            *slot = (uint32_t)groups.len;
        }
        vec_push(a, &groups.data[*slot - 1].members, k);
    }

    /* Generators in circuit order of each variable's first gate; fixed gates in place. */
    size_t next_group = 0;
    Arena scratch;
    arena_init(&scratch);
    for (uint32_t k = 0; k < f->gates.len; k++) {
        const FrameGate *fg = &f->gates.data[k];
        const Gate *gate = &c->gates.data[fg->gate];
        if (gate->angle.source == ANGLE_CONST && gate->angle.offset == 0)
            continue;
        if (gate->angle.source == ANGLE_CONST) {
            EffectiveGenerator e = {.op = fg->generator, .source = ANGLE_CONST, .gate = fg->gate};
            add_generator(a, gens, e);
            continue;
        }
        if (next_group >= groups.len || groups.data[next_group].members.data[0] != k)
            continue;
        const Group *g = &groups.data[next_group++];
        bool merge = mergeable(&scratch, f, g);
        arena_free(&scratch);
        if (merge) {
            PauliSum *sum = psum_new(a, c->nqubits);
            const Angle *first = &c->gates.data[f->gates.data[g->members.data[0]].gate].angle;
            for (size_t i = 0; i < g->members.len; i++) {
                const FrameGate *m = &f->gates.data[g->members.data[i]];
                const Angle *ang = &c->gates.data[m->gate].angle;
                psum_add_sum(a, sum, m->generator, ang->coef);
                /* d_a/c_a against the first gate's ratio (cross-multiplied) */
                if (ang->offset * first->coef.value != first->offset * ang->coef.value) {
                    EffectiveGenerator e = {.op = m->generator, .source = ANGLE_CONST,
                                            .gate = m->gate};
                    add_generator(a, gens, e);
                    fixed++;
                    if (!first_fixed)
                        first_fixed = &c->gates.data[m->gate];
                }
            }
            psum_compact(a, sum);
            EffectiveGenerator e = {.op = sum, .source = g->source, .index = g->index,
                                    .gate = fg->gate};
            add_generator(a, gens, e);
            continue;
        }
        StrBuf name = {0};
        sb_put_var_element(&name, c, g->source, g->index);
        Diag *d = diag_report(diags, DIAG_W030, c->src, gate->span,
                              "'%s' drives %zu gates whose generators do not commute (with each "
                              "other or with a gate between them); each counts as a separate "
                              "generator, so the algebra is an upper bound",
                              name.data, g->members.len);
        sb_free(&name);
        for (size_t i = 1; i < g->members.len && i < 3; i++)
            diag_note(diags, d, c->src, c->gates.data[f->gates.data[g->members.data[i]].gate].span,
                      "it also drives this gate");
        for (size_t i = 0; i < g->members.len; i++) {
            const FrameGate *m = &f->gates.data[g->members.data[i]];
            PauliSum *op = psum_copy(a, m->generator);
            psum_scale(op, c->gates.data[m->gate].angle.coef);
            EffectiveGenerator e = {.op = op, .source = g->source, .index = g->index,
                                    .gate = m->gate, .split = true};
            add_generator(a, gens, e);
        }
    }
    arena_free(&scratch);
    gens->fixed = fixed;
    if (first_fixed)
        diag_report(diags, DIAG_N030, c->src, first_fixed->span,
                    "%u fixed non-Clifford gate%s (like this one) count%s as generator%s of the "
                    "algebra: its dimension is an upper bound",
                    fixed, fixed == 1 ? "" : "s", fixed == 1 ? "s" : "", fixed == 1 ? "" : "s");
    for (uint32_t p = 0; p < c->nparams; p++)
        gens->unused_params += param_group[p] == 0;
    return gens;
}
