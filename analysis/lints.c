/*
 * lints.c — warnings and notes about the circuit as a trainable model, read off the
 * analysis (docs/diagnostics.md, "Analysis", has each one's trigger, advice and source).
 *
 * Input: an Analysis (read, never changed). Output: diagnostics in the sink. Scratch memory
 * lives in an arena of the lints' own, freed before returning.
 *
 *   W032  a parameter element drives no gate
 *   W033  a parameter has no effect on any observable
 *   W034  a global observable whose module grows exponentially (cost-function BP)
 *   W035  far fewer parameters than dim g (under-parameterised)
 *   W036  two rotations about the same axis merge: one parameter is redundant
 *   W037  g = su(2^k): a deep circuit has an exponentially small loss variance
 *   N031  at least dim g parameters (over-parameterised)
 *   N032  every observable evolves in a module of polynomial dimension (simulable)
 *
 * Every verdict is exact or errs on the quiet side; a lint that cannot decide says nothing.
 * Three decisions shape the file:
 *
 * No effect (W033). ⟨O⟩ does not depend on θ when every gate θ drives contributes nothing:
 * the derivative by gate a is ⟨ψ_a| i[G_a, O_a] |ψ_a⟩, ψ_a the state before it and O_a the
 * observable evolved back through the gates after it. Three exact sufficient tests per
 * gate, on the frame gates: the backward light cone (G_a commutes with every string
 * reached from O's strings by products with the strings of the later generators: a
 * superset of the span of every O_a — the idle rz before a Z readout), the forward light
 * cone (G_a commutes with every string reached in the same way from the stabilisers of the
 * initial product state through the earlier generators, so ψ_a is an eigenstate of G_a —
 * a first rz on |0>), and the module (G_a, or a merged parameter's summed generator,
 * commutes with all of V_O, which holds every O_a — a total charge in a number-conserving
 * circuit, which commutes only as a sum). For a sum-spanned module [G, v] is computed
 * modulo the two primes that hold the basis; zero modulo both counts as zero, the standard
 * that decides dim V_O itself. The cones stop at a budget and then decide nothing.
 *
 * Upper bounds. Fixed non-Clifford gates (N030), split parameters (W030) and inputs make
 * the algebra and the modules upper bounds on what the parameters explore. Lints that read
 * "large" from them (W034, W035, W037) stay quiet then; lints that read "small" or
 * "commutes" (W033, N031, N032) remain sound. One case is worse than a bound: a merged
 * parameter whose gates have non-proportional offsets leaves fixed rotations that no
 * generator accounts for (lint_model_exact); then every lint that reads dim g or V_O is
 * quiet, and W033 keeps only its light cones, which read the gates themselves.
 *
 * Merging (W036) works on the circuit as written: gates B after A with parallel generators
 * (identity dropped), every gate between them that touches A's qubits commuting with A.
 * A parameter is called redundant only when both parameters drive that one gate each (a
 * parameter that also drives other gates keeps an independent role), or when the partner
 * is a fixed gate (it only shifts the parameter).
 */
#include "analysis.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum {
    LINT_LIST_MAX = 6,              /* elements named in one message */
    LINT_MERGE_SCAN = 64,           /* gates looked at past A for a partner */
    LINT_UNDER_MAX_DIM = 10000,     /* W035 only for algebras this small (reachable) */
    LINT_EXPRESSIVE_MIN_QUBITS = 4, /* W037 from su(16) on */
    LINT_SIMULABLE_MIN_QUBITS = 4,  /* N032: n^3 < 4^n - 1 is a real restriction */
};
#define LINT_CONE_MAX_STRINGS (1u << 14)
#define LINT_CONE_MAX_WORK ((uint64_t)1 << 22)

typedef struct Lint {
    DiagSink *diags;
    const Analysis *an;
    const Circuit *c;
    Arena *arena;          /* scratch */
    uint32_t *param_gates; /* per parameter element: the circuit gates it drives */
    uint32_t used_params;
    bool upper_bound;      /* fixed non-Clifford gates, split parameters or inputs */
    bool model_exact;      /* the generators account for every gate (see lint_model_exact) */
    bool *expressive;      /* per observable: W037 reported */
} Lint;

/* ---- small helpers ------------------------------------------------------------------ */

/* "'a[1]', 'a[3]'", at most LINT_LIST_MAX names, then "and K more". */
static void lint_put_elements(StrBuf *sb, const Circuit *c, const uint32_t *list, uint32_t n)
{
    for (uint32_t i = 0; i < n && i < LINT_LIST_MAX; i++) {
        sb_puts(sb, i == 0 ? "'" : ", '");
        sb_put_var_element(sb, c, ANGLE_PARAM, list[i]);
        sb_putc(sb, '\'');
    }
    if (n > LINT_LIST_MAX)
        sb_printf(sb, " and %u more", n - LINT_LIST_MAX);
}

/* The elements list[0..n) of arr as a message's subject: "'b'", "'x[1]', 'x[3]' (2 of 4
 * elements)" or "all 4 elements of 'x'"; true when plural. */
static bool lint_subject(StrBuf *sb, const Circuit *c, const VarArray *arr, const uint32_t *list,
                         uint32_t n)
{
    if (n == arr->count && n > 1) {
        sb_printf(sb, "all %u elements of '%s'", n, arr->name);
        return true;
    }
    lint_put_elements(sb, c, list, n);
    if (n > 1)
        sb_printf(sb, " (%u of %u elements)", n, arr->count);
    return n > 1;
}

/* Whether x and y commute: every pair of strings does, or else the exact bracket is 0. */
static bool lint_commute(Arena *a, const PauliSum *x, const PauliSum *y)
{
    bool all = true;
    for (uint32_t i = 0; i < x->len && all; i++)
        for (uint32_t j = 0; j < y->len && all; j++)
            all = pauli_commutes(psum_string(x, i), psum_string(y, j), x->words);
    return all || psum_bracket(a, x, y)->len == 0;
}

static PauliSum *lint_without_identity(Arena *a, const PauliSum *s)
{
    PauliSum *r = psum_new(a, s->nqubits);
    for (uint32_t i = 0; i < s->len; i++)
        if (!pauli_is_identity(psum_string(s, i), s->words) && !real_is_zero(s->coef[i]))
            psum_add(a, r, psum_string(s, i), s->coef[i]);
    return r;
}

/* y = c·x for a real c != 0, whatever the order of the terms. */
static bool lint_parallel(const PauliSum *x, const PauliSum *y)
{
    if (x->len != y->len || x->len == 0)
        return false;
    if (psum_parallel(x, y))
        return true;
    if (x->len > 64) /* only the same order is tried on long sums */
        return false;
    Real ratio = real_int(0);
    for (uint32_t i = 0; i < x->len; i++) {
        uint32_t j = 0;
        while (j < y->len && !pauli_equal(psum_string(x, i), psum_string(y, j), x->words))
            j++;
        if (j == y->len)
            return false;
        Real r = real_div(y->coef[j], x->coef[i]);
        if (i == 0)
            ratio = r;
        else if (!real_eq(ratio, r))
            return false;
    }
    return true;
}

static bool lint_is_identity_gate(const Gate *g)
{
    return g->angle.source == ANGLE_CONST && g->angle.offset == 0 &&
           gate_info(g->kind)->cls == GATE_ROTATION;
}

/* ---- arithmetic modulo the closure's primes (lie.c keeps the basis this way) --------- */

static uint64_t lint_mulmod(uint64_t a, uint64_t b, uint64_t p)
{
    return (uint64_t)(((ModpWide)a * b) % p);
}

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
                    uint64_t term = lint_mulmod(gm[(size_t)t * g->len + i], t ? v->mod2[j] : v->mod[j], p);
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
            if (!lint_commute(l->arena, f->gates.data[members[a]].generator,
                              f->gates.data[members[b]].generator))
                return false;
    uint32_t next = 0;
    for (uint32_t k = members[0]; k <= members[m - 1]; k++) {
        if (next < m && members[next] == k) {
            next++;
            continue;
        }
        for (uint32_t a = 0; a < m; a++)
            if (!lint_commute(l->arena, f->gates.data[k].generator,
                              f->gates.data[members[a]].generator))
                return false;
    }
    return true;
}

static void lint_no_effect(Lint *l)
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
            [IDLE_STATE] = "the state before it is an eigenstate of its generator, whatever the "
                           "parameters",
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

/* ---- W032: parameters that drive no gate --------------------------------------------- */

static void lint_unused_params(Lint *l)
{
    const Circuit *c = l->c;
    uint32_t *list = arena_alloc(l->arena, (c->nparams + 1) * sizeof *list);
    for (size_t i = 0; i < c->params.len; i++) {
        const VarArray *arr = &c->params.data[i];
        uint32_t n = 0;
        for (uint32_t e = arr->offset; e < arr->offset + arr->count; e++)
            if (l->param_gates[e] == 0)
                list[n++] = e;
        if (n == 0)
            continue;
        StrBuf sb = {0};
        bool many = lint_subject(&sb, c, arr, list, n);
        diag_report(l->diags, DIAG_W032, c->src, arr->span,
                    "%s %s no gate: the loss does not depend on %s; remove %s or use %s in %s",
                    sb.data, many ? "drive" : "drives", many ? "them" : "it",
                    many ? "them" : "it", many ? "them" : "it", many ? "gates" : "a gate");
        sb_free(&sb);
    }
}

/* ---- W036: rotations that merge ------------------------------------------------------ */

typedef struct MergePair {
    uint32_t first, second; /* circuit gate indices, first < second */
} MergePair;

/* A gate that can be one side of a redundant pair: a parameter driving only this gate, or
 * a fixed gate (a constant angle that is not 0). */
typedef enum { MERGE_NONE, MERGE_PARAM, MERGE_FIXED } MergeRole;

static MergeRole lint_merge_role(const Lint *l, const Gate *g)
{
    if (g->angle.source == ANGLE_PARAM)
        return l->param_gates[g->angle.index] == 1 ? MERGE_PARAM : MERGE_NONE;
    if (g->angle.source == ANGLE_CONST && !lint_is_identity_gate(g))
        return MERGE_FIXED;
    return MERGE_NONE;
}

static void lint_report_merge(Lint *l, const MergePair *p, size_t like)
{
    const Circuit *c = l->c;
    const Gate *a = &c->gates.data[p->first], *b = &c->gates.data[p->second];
    StrBuf na = {0}, nb = {0};
    if (a->angle.source == ANGLE_PARAM)
        sb_put_var_element(&na, c, ANGLE_PARAM, a->angle.index);
    if (b->angle.source == ANGLE_PARAM)
        sb_put_var_element(&nb, c, ANGLE_PARAM, b->angle.index);
    StrBuf more = {0};
    if (like > 1)
        sb_printf(&more, " (%zu pairs like this one)", like);
    Diag *d;
    if (a->angle.source == ANGLE_PARAM && b->angle.source == ANGLE_PARAM)
        d = diag_report(l->diags, DIAG_W036, c->src, b->span,
                        "this rotation by '%s' merges with the rotation by '%s' before it (the "
                        "same generator, and every gate between them commutes with it): the pair "
                        "is one rotation, so '%s' is redundant; remove one of them%s",
                        nb.data, na.data, nb.data, more.data ? more.data : "");
    else if (b->angle.source == ANGLE_PARAM)
        d = diag_report(l->diags, DIAG_W036, c->src, b->span,
                        "this rotation by '%s' merges with the fixed gate before it (the same "
                        "generator, and every gate between them commutes with it): the fixed "
                        "gate only shifts '%s'; remove it%s",
                        nb.data, nb.data, more.data ? more.data : "");
    else
        d = diag_report(l->diags, DIAG_W036, c->src, b->span,
                        "this fixed gate merges with the rotation by '%s' before it (the same "
                        "generator, and every gate between them commutes with it): it only shifts "
                        "'%s'; remove it%s",
                        na.data, na.data, more.data ? more.data : "");
    if (a->angle.source == ANGLE_PARAM)
        diag_note(l->diags, d, c->src, a->span, "the rotation by '%s'", na.data);
    else
        diag_note(l->diags, d, c->src, a->span, "the fixed gate");
    sb_free(&na);
    sb_free(&nb);
    sb_free(&more);
}

static void lint_merging_rotations(Lint *l)
{
    const Circuit *c = l->c;
    uint32_t ng = (uint32_t)c->gates.len, nq = c->nqubits;
    if (ng < 2)
        return;
    /* The gates on each qubit, in order (CSR). */
    uint32_t *start = arena_alloc(l->arena, ((size_t)nq + 1) * sizeof *start);
    size_t total = 0;
    for (uint32_t i = 0; i < ng; i++) {
        const Gate *g = &c->gates.data[i];
        for (uint32_t j = 0; j < g->nqubits; j++)
            start[g->qubits[j] + 1]++;
        total += g->nqubits;
    }
    for (uint32_t q = 0; q < nq; q++)
        start[q + 1] += start[q];
    uint32_t *on = arena_alloc(l->arena, (total + 1) * sizeof *on);
    uint32_t *fill = arena_alloc(l->arena, ((size_t)nq + 1) * sizeof *fill);
    memcpy(fill, start, nq * sizeof *fill);
    for (uint32_t i = 0; i < ng; i++) {
        const Gate *g = &c->gates.data[i];
        for (uint32_t j = 0; j < g->nqubits; j++)
            on[fill[g->qubits[j]]++] = i;
    }
    PauliSum **axis = arena_alloc(l->arena, (size_t)ng * sizeof *axis); /* lazily */
    uint32_t *cursor = NULL;
    size_t cursor_cap = 0;
    VEC(MergePair) pairs = {0};
    Arena scratch; /* brackets, freed after each gate's scan */
    arena_init(&scratch);

    for (uint32_t i = 0; i < ng; i++) {
        arena_free(&scratch);
        const Gate *a = &c->gates.data[i];
        MergeRole ra = lint_merge_role(l, a);
        if (ra == MERGE_NONE || a->nqubits == 0)
            continue;
        if (!axis[i])
            axis[i] = lint_without_identity(l->arena, a->generator);
        if (axis[i]->len == 0)
            continue;
        if (a->nqubits > cursor_cap) {
            cursor_cap = a->nqubits;
            cursor = arena_alloc(l->arena, cursor_cap * sizeof *cursor);
        }
        for (uint32_t j = 0; j < a->nqubits; j++) { /* just past gate i on each qubit */
            uint32_t q = a->qubits[j], lo = start[q], hi = start[q + 1];
            while (lo < hi) {
                uint32_t mid = lo + (hi - lo) / 2;
                if (on[mid] <= i)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            cursor[j] = lo;
        }
        for (int steps = 0; steps < LINT_MERGE_SCAN; steps++) {
            uint32_t next = UINT32_MAX;
            for (uint32_t j = 0; j < a->nqubits; j++) {
                uint32_t q = a->qubits[j];
                if (cursor[j] < start[q + 1] && on[cursor[j]] < next)
                    next = on[cursor[j]];
            }
            if (next == UINT32_MAX)
                break;
            for (uint32_t j = 0; j < a->nqubits; j++)
                if (cursor[j] < start[a->qubits[j] + 1] && on[cursor[j]] == next)
                    cursor[j]++;
            const Gate *b = &c->gates.data[next];
            if (lint_is_identity_gate(b))
                continue;
            if (!axis[next])
                axis[next] = lint_without_identity(l->arena, b->generator);
            if (lint_parallel(axis[i], axis[next])) {
                MergeRole rb = lint_merge_role(l, b);
                bool params = ra == MERGE_PARAM && rb == MERGE_PARAM &&
                              a->angle.index != b->angle.index;
                bool fixed = (ra == MERGE_PARAM && rb == MERGE_FIXED) ||
                             (ra == MERGE_FIXED && rb == MERGE_PARAM);
                if (params || fixed) {
                    MergePair p = {i, next};
                    vec_push(l->arena, &pairs, p);
                    break;
                }
                continue; /* parallel generators commute */
            }
            if (!lint_commute(&scratch, a->generator, b->generator))
                break;
        }
    }
    arena_free(&scratch);
    /* One report per place of the second gate (a loop in a gate body repeats a span). */
    bool *done = arena_alloc(l->arena, (pairs.len + 1) * sizeof *done);
    for (size_t i = 0; i < pairs.len; i++) {
        if (done[i])
            continue;
        const Span s = c->gates.data[pairs.data[i].second].span;
        size_t like = 0;
        for (size_t j = i; j < pairs.len; j++) {
            const Span t = c->gates.data[pairs.data[j].second].span;
            if (!done[j] && t.start == s.start && t.end == s.end) {
                done[j] = true;
                like++;
            }
        }
        lint_report_merge(l, &pairs.data[i], like);
    }
}

/* ---- W037: g = su(2^k) ---------------------------------------------------------------- */

/* k with 4^k − 1 = dim, or 0. */
static uint32_t lint_su_qubits(uint32_t dim)
{
    for (uint32_t k = 1; k < 16; k++)
        if (((uint64_t)1 << (2 * k)) - 1 == dim)
            return k;
    return 0;
}

/* Haar on SU(2^k), ρ pure on those qubits, O = Σ c_P P traceless there:
 * Var = Tr(O²)/2^k · (1 − 2^−k) · 2^k / (4^k − 1) = Σ c_P² / (2^k + 1). */
static void lint_put_variance(StrBuf *sb, const ObservableFacts *of, uint32_t k)
{
    double norm = 0;
    for (uint32_t t = 0; t < of->op->len; t++)
        norm += of->op->coef[t].value * of->op->coef[t].value;
    double variance = norm / (ldexp(1.0, (int)k) + 1);
    if (fabs(norm - 1) < 1e-12)
        sb_printf(sb, "1/(2^%u + 1) = %.3g", k, variance);
    else
        sb_printf(sb, "%.4g/(2^%u + 1) = %.3g (%.4g: the sum of its squared Pauli "
                  "coefficients)", norm, k, variance, norm);
}

static void lint_expressive(Lint *l)
{
    const Analysis *an = l->an;
    const Circuit *c = l->c;
    if (!an->structure || !an->structure->full || l->upper_bound || !an->dla->complete ||
        !l->model_exact)
        return;
    uint32_t k = lint_su_qubits(an->dla->dim);
    if (k < LINT_EXPRESSIVE_MIN_QUBITS)
        return;
    Diag *d = NULL;
    for (size_t i = 0; i < c->observables.len; i++) {
        const ObservableFacts *of = &an->observables[i];
        if (!of->in_dla || of->op->len == 0)
            continue;
        StrBuf v = {0};
        lint_put_variance(&v, of, k);
        if (!d)
            d = diag_report(l->diags, DIAG_W037, c->src, c->observables.data[i].span,
                            "the algebra is all of su(2^%u) on %u qubits, so a deep circuit is a "
                            "2-design there and '%s' has loss variance %s%s, exponentially small "
                            "in the qubit count (barren plateau); restrict the generators (a "
                            "symmetry, a smaller algebra) or keep the circuit shallow with a local "
                            "cost",
                            k, k, of->name, c->state_input ? "at most " : "", v.data);
        else
            diag_note(l->diags, d, c->src, c->observables.data[i].span,
                      "'%s' too: loss variance %s%s", of->name, c->state_input ? "at most " : "",
                      v.data);
        sb_free(&v);
        l->expressive[i] = true;
    }
}

/* ---- W034: a global observable ------------------------------------------------------- */

static void lint_global_observables(Lint *l)
{
    const Analysis *an = l->an;
    const Circuit *c = l->c;
    uint32_t n = c->nqubits;
    if (l->upper_bound || !l->model_exact)
        return;
    size_t ngens = an->generators->list.len;
    PauliSum **gens = arena_alloc(l->arena, (ngens + 1) * sizeof *gens);
    for (size_t i = 0; i < ngens; i++)
        gens[i] = an->generators->list.data[i].op;
    for (size_t i = 0; i < c->observables.len; i++) {
        if (l->expressive[i])
            continue;
        const PauliSum *src = c->observables.data[i].op, *framed = an->frame->observables[i];
        if (src->len != framed->len)
            continue;
        uint32_t w = 0, at = 0;
        for (uint32_t t = 0; t < src->len; t++) {
            uint32_t wt = pauli_weight(psum_string(src, t), src->words);
            if (wt > w && !real_is_zero(src->coef[t]))
                w = wt, at = t;
        }
        if (w < 3 || 2 * w <= n || w >= 32 || ((uint64_t)1 << w) > an->max_dim)
            continue;
        /* The term's module, closed only as far as 2^w elements: reaching that is enough. */
        PauliSum *seed = psum_new(l->arena, n);
        psum_add(l->arena, seed, psum_string(framed, at), real_int(1));
        uint32_t want = (uint32_t)1 << w;
        LieSpace *m = lie_close_budget(n, gens, ngens, &seed, 1, want, an->max_work);
        bool large = m->dim >= want;
        uint32_t dim = m->dim;
        lie_space_free(m);
        if (!large)
            continue;
        diag_report(l->diags, DIAG_W034, c->src, c->observables.data[i].span,
                    "'%s' has a term on %u of the %u qubits (a global cost) whose module has "
                    "dimension at least 2^%u = %u: its gradients vanish exponentially in the "
                    "qubit count even for a shallow circuit (cost-function-dependent barren "
                    "plateau); use a local cost, a sum of few-qubit terms",
                    an->observables[i].name, w, n, w, dim);
    }
}

/* ---- W035 / N031: parameters against dim g ------------------------------------------ */

static void lint_parameter_count(Lint *l)
{
    const Analysis *an = l->an;
    const Circuit *c = l->c;
    uint32_t p = l->used_params, d = an->dla->dim;
    if (!an->dla->complete || !l->model_exact || p == 0 || d == 0 || c->params.len == 0)
        return;
    Span at = c->params.data[0].span;
    if (p > d) {
        diag_report(l->diags, DIAG_N031, c->src, at,
                    "%u parameters for an algebra of dimension %u: over-parameterised (the "
                    "quantum Fisher information has rank at most dim g), so at every point at "
                    "least %u parameter directions leave the state unchanged; such circuits "
                    "train well, and fewer parameters reach the same states",
                    p, d, p - d);
        return;
    }
    if (!l->upper_bound && d <= LINT_UNDER_MAX_DIM && (uint64_t)p * 10 < d)
        diag_report(l->diags, DIAG_W035, c->src, at,
                    "%u parameters for an algebra of dimension %u: under-parameterised (about "
                    "dim g parameters are needed to reach the over-parameterised regime, where "
                    "spurious local minima disappear); add layers or use a smaller algebra",
                    p, d);
}

/* ---- N032: small modules ------------------------------------------------------------ */

static void lint_simulable(Lint *l)
{
    const Analysis *an = l->an;
    const Circuit *c = l->c;
    uint64_t n = c->nqubits;
    if (n < LINT_SIMULABLE_MIN_QUBITS || c->observables.len == 0 || an->dla->dim == 0 ||
        !l->model_exact)
        return; /* with no algebra there is nothing to simulate */
    uint32_t largest = 0;
    for (size_t i = 0; i < c->observables.len; i++) {
        if (!an->observables[i].module_complete)
            return;
        if (an->observables[i].module_dim > largest)
            largest = an->observables[i].module_dim;
    }
    if (largest > n * n * n)
        return;
    StrBuf g = {0};
    if (an->dla->complete)
        sb_printf(&g, "the algebra has dimension %u", an->dla->dim);
    else
        sb_printf(&g, "the algebra is larger than the budget");
    if (c->observables.len == 1)
        diag_report(l->diags, DIAG_N032, c->src, c->observables.data[0].span,
                    "'%s' evolves in a module of dimension %u <= n^3 = %llu (%s): the circuit "
                    "can be simulated classically in that space, in time polynomial in its "
                    "dimension (g-sim)",
                    an->observables[0].name, largest, (unsigned long long)(n * n * n), g.data);
    else
        diag_report(l->diags, DIAG_N032, c->src, c->observables.data[0].span,
                    "every observable evolves in a module of dimension at most %u <= n^3 = %llu "
                    "(%s): the circuit can be simulated classically in those spaces, in time "
                    "polynomial in their dimension (g-sim)",
                    largest, (unsigned long long)(n * n * n), g.data);
    sb_free(&g);
}

/* ---- entry ---------------------------------------------------------------------------- */

/* Whether the algebra's model of the circuit holds: a variable whose gates are merged into
 * one generator Σ c_a G_a leaves fixed rotations exp(−i d_a G_a) behind, which lie in that
 * generator's group only when the offsets are proportional (d_a = t·c_a). Otherwise a
 * fixed rotation is missing from the generators, V_O may not hold every O_a and dim g may
 * be too small: the lints that read the modules or dim g as bounds then stay quiet. */
static bool lint_model_exact(const Circuit *c)
{
    size_t nvars = (size_t)c->nparams + c->ninputs;
    double *ratio = calloc(nvars + 1, sizeof *ratio);
    bool *seen = calloc(nvars + 1, sizeof *seen);
    if (!ratio || !seen)
        abort();
    bool exact = true;
    for (size_t i = 0; i < c->gates.len && exact; i++) {
        const Angle *a = &c->gates.data[i].angle;
        if (a->source == ANGLE_CONST || a->coef.value == 0)
            continue;
        size_t v = a->source == ANGLE_PARAM ? a->index : (size_t)c->nparams + a->index;
        double r = a->offset / a->coef.value;
        if (seen[v] && fabs(r - ratio[v]) > 1e-12 * (1 + fabs(r)))
            exact = false;
        seen[v] = true;
        ratio[v] = r;
    }
    free(ratio);
    free(seen);
    return exact;
}

void analysis_lints(DiagSink *diags, const Analysis *an)
{
    if (!an || !an->circuit)
        return;
    Arena arena;
    arena_init(&arena);
    const Circuit *c = an->circuit;
    Lint l = {.diags = diags, .an = an, .c = c, .arena = &arena};
    l.param_gates = arena_alloc(&arena, (c->nparams + 1) * sizeof *l.param_gates);
    l.expressive = arena_alloc(&arena, (c->observables.len + 1) * sizeof *l.expressive);
    bool inputs = false;
    for (size_t i = 0; i < c->gates.len; i++) {
        const Angle *a = &c->gates.data[i].angle;
        if (a->source == ANGLE_PARAM)
            l.param_gates[a->index]++;
        inputs = inputs || a->source == ANGLE_INPUT;
    }
    for (uint32_t p = 0; p < c->nparams; p++)
        l.used_params += l.param_gates[p] > 0;
    bool split = false;
    for (size_t i = 0; i < an->generators->list.len; i++)
        split = split || an->generators->list.data[i].split;
    l.upper_bound = an->generators->fixed > 0 || split || inputs;
    l.model_exact = lint_model_exact(c);

    lint_unused_params(&l);
    lint_no_effect(&l);
    lint_expressive(&l);
    lint_global_observables(&l);
    lint_parameter_count(&l);
    lint_merging_rotations(&l);
    lint_simulable(&l);
    arena_free(&arena);
}
