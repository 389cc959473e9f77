/*
 * lints_effect.c — W033: parameters with no effect on any observable.
 *
 * Split from lints.c, whose design comment describes the lint. A parameter has no effect
 * when every gate it drives passes one of three exact tests: it commutes with everything the
 * observables evolve into after it (the backward light cone, a set of strings grown gate by
 * gate from the observables), the state before it is an eigenstate of its generator (the
 * forward cone), or it commutes with the whole module V_O (decided modulo the closure's
 * primes, as lie.c keeps the module's basis).
 */
#include "analysis.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- arithmetic modulo the closure's primes (lie.c keeps the basis this way) --------- */


/* ---- W033: commutation with a module ------------------------------------------------ */

/* [G, v] = 0 for every basis vector v of a sum-spanned module, modulo both primes. */
static bool lint_sum_module_commutes(const LieSpace *m, const PauliSum *g)
{
    static const uint64_t primes[2] = {LIE_PRIME, LIE_PRIME2};
    uint32_t words = m->words;
    uint64_t *gm = calloc(2u * g->len + 1, sizeof *gm);
    uint64_t *product = calloc(2u * words, sizeof *product);
    if (!gm || !product)
        abort();
    bool usable[2] = {true, true};
    for (int t = 0; t < 2; t++)
        for (uint32_t i = 0; i < g->len; i++)
            if (!lie_real_mod(g->coef[i], primes[t], &gm[(size_t)t * g->len + i]))
                usable[t] = false;
    bool zero = usable[0] || usable[1]; /* undecidable: say it may have an effect */
    uint64_t *acc = NULL;
    size_t cap = 0;
    for (uint32_t b = 0; b < m->dim && zero; b++) {
        const SparseVec *v = &m->basis[b];
        StringSet out;
        stringset_init(&out, words);
        for (uint32_t i = 0; i < g->len; i++)
            for (uint32_t j = 0; j < v->len; j++) {
                const uint64_t *q = stringset_get(&m->set, v->col[j]);
                if (pauli_commutes(psum_string(g, i), q, words))
                    continue;
                /* i[P, Q]/2 = +R when PQ = i^3 R, −R when PQ = i R */
                unsigned k = pauli_product(psum_string(g, i), q, product, words);
                uint32_t id = stringset_add(&out, product, NULL);
                if (2u * (size_t)(id + 1) > cap) {
                    size_t grow = cap ? 2 * cap : 64;
                    while (grow < 2u * (size_t)(id + 1))
                        grow *= 2;
                    acc = realloc(acc, grow * sizeof *acc);
                    if (!acc)
                        abort();
                    memset(acc + cap, 0, (grow - cap) * sizeof *acc);
                    cap = grow;
                }
                for (int t = 0; t < 2; t++) {
                    uint64_t p = primes[t];
                    uint64_t term = lie_mulmod(gm[(size_t)t * g->len + i], t ? v->mod2[j] : v->mod[j], p);
                    if (k == 1 && term)
                        term = p - term;
                    uint64_t s = acc[2u * id + t] + term;
                    acc[2u * id + t] = s >= p ? s - p : s;
                }
            }
        for (uint32_t id = 0; id < out.len && zero; id++)
            for (int t = 0; t < 2; t++)
                if (usable[t] && acc[2u * id + t])
                    zero = false;
        if (cap)
            memset(acc, 0, cap * sizeof *acc);
        stringset_free(&out);
    }
    free(acc);
    free(gm);
    free(product);
    return zero;
}

/* ad_G vanishes on the module. */
static bool lint_module_commutes(const LieSpace *m, const PauliSum *g)
{
    if (g->len == 0 || m->dim == 0)
        return true;
    uint32_t words = m->words;
    uint32_t strings = m->strings ? m->dim : m->set.len;
    bool all = true; /* every string of G commutes with every string that occurs */
    for (uint32_t id = 0; id < strings && all; id++)
        for (uint32_t i = 0; i < g->len && all; i++)
            all = pauli_commutes(psum_string(g, i), stringset_get(&m->set, id), words);
    /* String-spanned: [G, P] = Σ g_i [Q_i, P] has distinct strings Q_i P, so it is zero
     * only when every Q_i commutes with P. */
    if (all || m->strings)
        return all;
    return lint_sum_module_commutes(m, g);
}

static bool lint_modules_commute(const Lint *l, const PauliSum *g)
{
    for (size_t i = 0; i < l->c->observables.len; i++)
        if (!lint_module_commutes(l->an->observables[i].module, g))
            return false;
    return true;
}

/* ---- W033: the backward light cone -------------------------------------------------- */

/* The strings reached from the observables by products with the strings of the generators
 * of the gates after the current one: a superset of the span of every O_a. */
typedef struct Cone {
    StringSet reach, gens;
    uint32_t closed;      /* reach ids below it are multiplied by every generator string
                             below gens_closed */
    uint32_t gens_closed;
    uint64_t work;
    uint32_t max_strings;
    bool overflow;        /* the budget stopped it: nothing more is known */
    uint64_t *product;
} Cone;

static void cone_multiply(Cone *k, uint32_t r, uint32_t g)
{
    if (++k->work > LINT_CONE_MAX_WORK || k->reach.len >= k->max_strings) {
        k->overflow = true;
        return;
    }
    uint32_t words = k->reach.words;
    const uint64_t *p = stringset_get(&k->reach, r), *q = stringset_get(&k->gens, g);
    if (pauli_commutes(p, q, words))
        return;
    pauli_product(p, q, k->product, words);
    stringset_add(&k->reach, k->product, NULL);
}

/* Adds a gate's generator strings, then closes: new strings × old reach, then the queue. */
static void cone_add(Cone *k, const PauliSum *g)
{
    for (uint32_t i = 0; i < g->len; i++)
        stringset_add(&k->gens, psum_string(g, i), NULL);
    for (uint32_t q = k->gens_closed; q < k->gens.len && !k->overflow; q++)
        for (uint32_t r = 0; r < k->closed && !k->overflow; r++)
            cone_multiply(k, r, q);
    k->gens_closed = k->gens.len;
    while (k->closed < k->reach.len && !k->overflow) {
        uint32_t r = k->closed++;
        for (uint32_t q = 0; q < k->gens_closed && !k->overflow; q++)
            cone_multiply(k, r, q);
    }
}

static bool cone_commutes(const Cone *k, const PauliSum *g)
{
    if (k->overflow)
        return false;
    for (uint32_t r = 0; r < k->reach.len; r++)
        for (uint32_t i = 0; i < g->len; i++)
            if (!pauli_commutes(stringset_get(&k->reach, r), psum_string(g, i), k->reach.words))
                return false;
    return true;
}

/* Why a frame gate contributes nothing to the derivative (the first test that said so). */
typedef enum { IDLE_NO, IDLE_OBSERVABLE, IDLE_STATE, IDLE_MODULE, IDLE_SUM } IdleReason;

/* Marks zero[k] for the parameterised frame gates k whose generator commutes with the cone.
 * Backwards: the cone of the observables through the gates after k (then O_k commutes with
 * G_k). Forwards: the cone of the initial product state's stabilisers (Z for |0>, |1>; X for
 * |+>, |->) through the gates before k; when G_k commutes with every stabiliser of ψ_k it
 * commutes with ρ_k, and ⟨ψ_k|i[G_k, O_k]|ψ_k⟩ = Tr(i[ρ_k, G_k]·O_k) vanishes too. */
static void lint_cone_sweep(const Lint *l, bool forward, uint8_t *zero)
{
    const Circuit *c = l->c;
    const Frame *f = l->an->frame;
    uint32_t nf = (uint32_t)f->gates.len;
    Cone cone = {.max_strings = l->an->max_dim < LINT_CONE_MAX_STRINGS ? l->an->max_dim
                                                                       : LINT_CONE_MAX_STRINGS};
    uint32_t words = pauli_words(c->nqubits ? c->nqubits : 1);
    stringset_init(&cone.reach, words);
    stringset_init(&cone.gens, words);
    cone.product = arena_alloc(l->arena, 2u * words * sizeof *cone.product);
    if (forward) {
        uint64_t *s = arena_alloc(l->arena, 2u * words * sizeof *s);
        for (uint32_t q = 0; q < c->nqubits; q++) {
            memset(s, 0, 2u * words * sizeof *s);
            pauli_set(s, words, q, c->state[q] == KET_0 || c->state[q] == KET_1 ? 'Z' : 'X');
            stringset_add(&cone.reach, s, NULL);
        }
    } else {
        for (size_t i = 0; i < c->observables.len; i++) {
            const PauliSum *o = l->an->observables[i].op;
            for (uint32_t t = 0; t < o->len; t++)
                stringset_add(&cone.reach, psum_string(o, t), NULL);
        }
    }
    for (uint32_t j = 0; j < nf && !cone.overflow; j++) {
        uint32_t k = forward ? j : nf - 1 - j;
        const FrameGate *fg = &f->gates.data[k];
        const Gate *g = &c->gates.data[fg->gate];
        if (lint_is_identity_gate(g))
            continue;
        if (g->angle.source == ANGLE_PARAM && !zero[k] && cone_commutes(&cone, fg->generator))
            zero[k] = forward ? IDLE_STATE : IDLE_OBSERVABLE;
        cone_add(&cone, fg->generator);
    }
    stringset_free(&cone.reach);
    stringset_free(&cone.gens);
}

/* The sharing rule of generators.c: the frame gates of one parameter commute pairwise and
 * with every frame gate between the first and the last. */
static bool lint_merged(const Lint *l, const uint32_t *members, uint32_t m)
{
    const Frame *f = l->an->frame;
    for (uint32_t a = 0; a < m; a++)
        for (uint32_t b = a + 1; b < m; b++)
            if (!psum_commute(l->arena, f->gates.data[members[a]].generator,
                              f->gates.data[members[b]].generator))
                return false;
    uint32_t next = 0;
    for (uint32_t k = members[0]; k <= members[m - 1]; k++) {
        if (next < m && members[next] == k) {
            next++;
            continue;
        }
        for (uint32_t a = 0; a < m; a++)
            if (!psum_commute(l->arena, f->gates.data[k].generator,
                              f->gates.data[members[a]].generator))
                return false;
    }
    return true;
}

void lint_no_effect(Lint *l)
{
    const Circuit *c = l->c;
    const Frame *f = l->an->frame;
    if (c->observables.len == 0 || c->nparams == 0)
        return;
    uint32_t nf = (uint32_t)f->gates.len;

    /* The frame gates of each parameter, in order (CSR). */
    uint32_t *start = arena_alloc(l->arena, (c->nparams + 1) * sizeof *start);
    uint32_t *members = arena_alloc(l->arena, (nf + 1) * sizeof *members);
    for (uint32_t k = 0; k < nf; k++) {
        const Gate *g = &c->gates.data[f->gates.data[k].gate];
        if (g->angle.source == ANGLE_PARAM)
            start[g->angle.index + 1]++;
    }
    for (uint32_t p = 0; p < c->nparams; p++)
        start[p + 1] += start[p];
    uint32_t *fill = arena_alloc(l->arena, (c->nparams + 1) * sizeof *fill);
    memcpy(fill, start, c->nparams * sizeof *fill);
    for (uint32_t k = 0; k < nf; k++) {
        const Gate *g = &c->gates.data[f->gates.data[k].gate];
        if (g->angle.source == ANGLE_PARAM)
            members[fill[g->angle.index]++] = k;
    }

    /* The light cones: backwards from the observables, forwards from the initial state. */
    uint8_t *cone_zero = arena_alloc(l->arena, (nf + 1) * sizeof *cone_zero);
    lint_cone_sweep(l, false, cone_zero);
    if (!c->state_input)
        lint_cone_sweep(l, true, cone_zero);

    bool modules = l->model_exact;
    for (size_t i = 0; i < c->observables.len; i++)
        modules = modules && l->an->observables[i].module_complete;

    uint8_t *idle = arena_alloc(l->arena, (c->nparams + 1) * sizeof *idle); /* IdleReason */
    for (uint32_t p = 0; p < c->nparams; p++) {
        uint32_t m = start[p + 1] - start[p];
        const uint32_t *mine = members + start[p];
        bool phase_only = true; /* every gate a global phase: W002's business */
        for (uint32_t a = 0; a < m; a++)
            phase_only = phase_only && f->gates.data[mine[a]].generator->len == 0;
        if (m == 0 || phase_only)
            continue;
        bool zero = true;
        for (uint32_t a = 0; a < m && zero; a++) {
            if (!cone_zero[mine[a]] && modules &&
                lint_modules_commute(l, f->gates.data[mine[a]].generator))
                cone_zero[mine[a]] = IDLE_MODULE;
            zero = cone_zero[mine[a]] != IDLE_NO;
        }
        uint8_t reason = zero ? cone_zero[mine[0]] : IDLE_NO;
        if (!zero && modules && m > 1 && lint_merged(l, mine, m)) {
            PauliSum *sum = psum_new(l->arena, c->nqubits);
            for (uint32_t a = 0; a < m; a++) {
                const FrameGate *fg = &f->gates.data[mine[a]];
                psum_add_sum(l->arena, sum, fg->generator, c->gates.data[fg->gate].angle.coef);
            }
            psum_compact(l->arena, sum);
            zero = lint_modules_commute(l, sum);
            reason = zero ? IDLE_SUM : IDLE_NO;
        }
        idle[p] = reason;
    }

    /* One warning per parameter array, at its declaration. */
    uint32_t *list = arena_alloc(l->arena, (c->nparams + 1) * sizeof *list);
    for (size_t i = 0; i < c->params.len; i++) {
        const VarArray *arr = &c->params.data[i];
        uint32_t n = 0;
        for (uint32_t e = arr->offset; e < arr->offset + arr->count; e++)
            if (idle[e] != IDLE_NO)
                list[n++] = e;
        if (n == 0)
            continue;
        StrBuf sb = {0};
        bool many = lint_subject(&sb, c, arr, list, n);
        Diag *d = diag_report(l->diags, DIAG_W033, c->src, arr->span,
                              "%s %s no effect on any observable: every gate %s commutes with "
                              "all that the observables evolve into, or only adds a phase to the "
                              "state it meets, so the loss does not depend on %s; remove %s",
                              sb.data, many ? "have" : "has", many ? "they drive" : "it drives",
                              many ? "them" : "it", many ? "them" : "it");
        sb_free(&sb);
        static const char *const why[] = {
            [IDLE_NO] = "",
            [IDLE_OBSERVABLE] = "it commutes with everything the observables evolve into after it",
            [IDLE_STATE] = ("the state before it is an eigenstate of its generator, whatever "
                            "the parameters"),
            [IDLE_MODULE] = "it commutes with the observables' whole modules",
            [IDLE_SUM] = "the sum of its gates' generators commutes with the observables' modules",
        };
        bool told[IDLE_SUM + 1] = {false};
        for (uint32_t e = 0; e < n; e++) { /* the first element idle for each reason */
            uint8_t r = idle[list[e]];
            if (told[r])
                continue;
            told[r] = true;
            StrBuf name = {0};
            sb_put_var_element(&name, c, ANGLE_PARAM, list[e]);
            const FrameGate *first = &f->gates.data[members[start[list[e]]]];
            diag_note(l->diags, d, c->src, c->gates.data[first->gate].span,
                      "'%s' drives this gate: %s", name.data, why[r]);
            sb_free(&name);
        }
    }
}

