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


/* ---- small helpers ------------------------------------------------------------------ */

/* "'a[1]', 'a[3]'", at most LINT_LIST_MAX names, then "and K more". */
void lint_put_elements(StrBuf *sb, const Circuit *c, const uint32_t *list, uint32_t n)
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
bool lint_subject(StrBuf *sb, const Circuit *c, const VarArray *arr, const uint32_t *list,
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
bool lint_is_identity_gate(const Gate *g)
{
    return g->angle.source == ANGLE_CONST && g->angle.offset == 0 &&
           gate_info(g->kind)->cls == GATE_ROTATION;
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
            axis[i] = psum_without_identity(l->arena, a->generator);
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
                axis[next] = psum_without_identity(l->arena, b->generator);
            if (psum_parallel(axis[i], axis[next])) {
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
            if (!psum_commute(&scratch, a->generator, b->generator))
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
