/*
 * plan_dla.c — Circuit + Frame -> DlaProgram: g-sim, the Heisenberg evolution of one
 * observable in an orthonormal basis of its module, and its runner.
 *
 * Input: the elaborated circuit, the analysis' Clifford frame of it (frame_build) and an
 * observable's index. Output: a DlaProgram in the arena, or NULL with the reason. Reads
 * everything, changes nothing.
 *
 * The picture. The circuit is F·V with F the fixed Cliffords and V = U_m ⋯ U_1 the frame
 * gates U_k = exp(−iθ_k G_k) (generators already conjugated into the frame), so
 *     <O> = <ψ0| V† O' V |ψ0>,   O' = F†OF.
 * O' minus its identity part (a constant, Tr ρ = 1) lies in the module M: the smallest
 * space that holds it and is closed under D_G(X) = i[G, X] for every generator; lie.c finds
 * it exactly. Since U†XU = exp(θ D_G) X, each gate, last first, is a rotation exp(φA) of
 * the coordinates in an orthonormal basis of M, A the matrix of D_G (real antisymmetric:
 * D_G is antisymmetric for the inner product Σ_P X_P Y_P of string coordinates). The code
 * generator diagonalises iA once per distinct generator (eig.c) and the run time applies
 * ans_dla_step. At the end <ψ0|X|ψ0> = Σ_P X_P Tr(ρP) is linear in the coordinates: the
 * reduction.
 *
 * Steps and generators. A run of consecutive frame gates driven by the same parameter or
 * input element, with zero offsets and generators that commute with the run's sum, is one
 * step exp(−i x Σ c_k G_k) (the sharing rule of generators.c for adjacent gates: rzz edges
 * of a QAOA layer, the rxx–ryy pair of a hopping term); every other gate is its own step.
 * Generators equal up to a real factor λ (psum_parallel) share one eigen-decomposition, the
 * step's angle scaled by λ: StepAngle {k = λ·coef, b = λ·offset}. Gates rotating by the
 * constant 0 and generators that are only an identity (a phase) are left out.
 *
 * The basis. A string-spanned module has its strings as an orthonormal basis and each A
 * exactly. Otherwise the basis is built again numerically, by a Krylov closure from O'
 * with classical Gram–Schmidt twice, stopped by the exact dimension the analysis found
 * (lie.c's own vectors in doubles are raw brackets, which can be nearly dependent where
 * cancellation made them inaccurate — QAOA's cut module has distances of 1e-5 among them;
 * they decide nothing here, only their strings are used).
 *
 * Cost. The closure is O(generators · dim² · strings) (less where the basis is sparse),
 * each eigen-decomposition O(dim³) (eig.c), the tables 16·dim² bytes per distinct
 * generator, and a step O(dim²) at run time. Measured (two cores shared with other jobs):
 * QAOA cut, n = 6, dim 380: 0.4 s; Heisenberg per bond, n = 7, dim 426 over 4,095 strings,
 * 6 generators: 1.8 s; TFIM chain, n = 30, dim 900: 3.9 s; n = 40, dim 1,600: 32 s.
 */
#include "codegen.h"
#include "runtime/ansc_sim.h"
#include "runtime/kernels.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- steps ------------------------------------------------------------------------------ */

typedef struct DlaRun {
    PauliSum *op;     /* the step's generator */
    StepAngle angle;  /* before the λ of the shared generator */
    uint32_t gate;    /* the first gate */
    bool merged;      /* more than one gate: op = Σ coef_k G_k, angle = x */
    Real coef;        /* the single gate's coefficient, for merging */
} DlaRun;

typedef VEC(DlaRun) DlaRuns;

/* The steps in circuit order: each non-trivial frame gate, runs merged. */
static void dla_runs(Arena *a, Arena *scratch, const Circuit *c, const Frame *f, DlaRuns *runs)
{
    for (size_t k = 0; k < f->gates.len; k++) {
        const FrameGate *fg = &f->gates.data[k];
        const Angle *an = &c->gates.data[fg->gate].angle;
        if (fg->generator->len == 0 || (an->source == ANGLE_CONST && an->offset == 0))
            continue;
        DlaRun *last = runs->len ? &runs->data[runs->len - 1] : NULL;
        if (last && an->source != ANGLE_CONST && last->angle.source == an->source &&
            last->angle.index == an->index && an->offset == 0 && last->angle.b == 0 &&
            !real_is_zero(an->coef) && !real_is_zero(last->coef) &&
            psum_commute(scratch, last->op, fg->generator)) {
            if (!last->merged) {
                PauliSum *sum = psum_new(a, c->nqubits);
                psum_add_sum(a, sum, last->op, last->coef);
                last->op = sum;
                last->merged = true;
                last->angle.k = 1;
            }
            psum_add_sum(a, last->op, fg->generator, an->coef);
            psum_compact(a, last->op);
            continue;
        }
        DlaRun r = {.op = fg->generator, .gate = fg->gate, .coef = an->coef};
        r.angle = (StepAngle){.source = an->source, .index = an->index, .b = an->offset,
                              .k = an->source == ANGLE_CONST ? 0 : an->coef.value};
        vec_push(a, runs, r);
    }
}

/* ---- the basis -------------------------------------------------------------------------- */

/* Smallest residual (relative to ‖D_G‖ ≤ 2 Σ|g_t|) of a new direction in the numeric
 * closure: rounding leaves about 1e-14, genuine directions are far above. */
#define DLA_ACCEPT 1e-9
/* Largest relative residual of the checks: antisymmetry, nothing outside the module. */
#define DLA_TOLERANCE 1e-8
/* The same for candidates met once every direction is known, measured as ‖c‖² − ‖h‖²
 * (one product instead of four, and exact to about √ε). */
#define DLA_COMPLETE_TOLERANCE 1e-6

static void *dla_alloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size);
    if (!p)
        abort();
    return p;
}

typedef struct DlaBasis {
    uint32_t dim, nstrings; /* the module's strings: ids [0, nstrings) of `strings` */
    StringSet strings;      /* then every other string met */
    double *q;              /* dim × nstrings, orthonormal rows; NULL: q_j = string j */
    double **a;             /* per generator, dim × dim: A_ij = <q_i, D_G q_j> */
    uint32_t ngens;
} DlaBasis;

static void dla_basis_free(DlaBasis *b)
{
    for (uint32_t g = 0; b->a && g < b->ngens; g++)
        free(b->a[g]);
    free(b->a);
    free(b->q);
    if (b->strings.words)
        stringset_free(&b->strings);
}

/* D_G on the module's strings, as a sparse matrix by source: D_G(P_s) = Σ_e coef[e] P_to[e]
 * for e in [start[s], start[s+1]). For anticommuting strings g·P = i^k R and i[g, P] =
 * 2i·i^k R = ±2R (+ for k = 3). Targets outside the module get ids from nstrings on. */
typedef struct DlaAction {
    uint32_t *start, *to;
    double *coef;
} DlaAction;

static void dla_action_build(DlaBasis *b, const PauliSum *g, DlaAction *m)
{
    uint32_t words = b->strings.words, n = b->nstrings;
    uint64_t *s = dla_alloc(4 * (size_t)words, sizeof *s), *r = s + 2 * words;
    size_t len = 0, cap = 2 * (size_t)n + 16;
    m->start = dla_alloc(n + 1, sizeof *m->start);
    m->to = dla_alloc(cap, sizeof *m->to);
    m->coef = dla_alloc(cap, sizeof *m->coef);
    for (uint32_t p = 0; p < n; p++) {
        m->start[p] = (uint32_t)len;
        /* a copy: adding a string may move the set's storage */
        memcpy(s, stringset_get(&b->strings, p), 2 * words * sizeof *s);
        for (uint32_t t = 0; t < g->len; t++) {
            const uint64_t *gt = psum_string(g, t);
            if (pauli_commutes(gt, s, words))
                continue;
            unsigned k = pauli_product(gt, s, r, words);
            if (len == cap) {
                cap *= 2;
                m->to = realloc(m->to, cap * sizeof *m->to);
                m->coef = realloc(m->coef, cap * sizeof *m->coef);
                if (!m->to || !m->coef)
                    abort();
            }
            m->to[len] = stringset_add(&b->strings, r, NULL);
            m->coef[len++] = (k == 3 ? 2 : -2) * g->coef[t].value;
        }
    }
    m->start[n] = (uint32_t)len;
    free(s);
}

/* Fills the NaN entries of A from antisymmetry and makes it exactly antisymmetric; the
 * largest |A_ij + A_ji| of the pairs known both ways. */
static double dla_antisymmetrise(double *am, uint32_t d)
{
    double skew = 0;
    for (uint32_t i = 0; i < d; i++)
        for (uint32_t j = 0; j <= i; j++) {
            double *x = &am[(size_t)i * d + j], *y = &am[(size_t)j * d + i];
            if (isnan(*x))
                *x = -*y;
            if (isnan(*y))
                *y = -*x;
            skew = fmax(skew, fabs(*x + *y));
            double v = (*x - *y) / 2;
            *x = i == j ? 0 : v;
            *y = i == j ? 0 : -v;
        }
    return skew;
}

/* String-spanned module: q_j = string j, A exact. False when D_G leaves the module. */
static bool dla_string_matrices(Arena *a, DlaBasis *b, const DlaAction *act, const double *gnorm,
                                const char **why)
{
    uint32_t d = b->dim;
    for (uint32_t g = 0; g < b->ngens; g++) {
        double *am = b->a[g] = dla_alloc((size_t)d * d, sizeof *am);
        for (uint32_t j = 0; j < d; j++)
            for (uint32_t e = act[g].start[j]; e < act[g].start[j + 1]; e++) {
                if (act[g].to[e] >= d) {
                    *why = arena_printf(a, "internal error: generator %u leads out of the "
                                           "observable's module", g);
                    return false;
                }
                am[(size_t)act[g].to[e] * d + j] += act[g].coef[e];
            }
        if (dla_antisymmetrise(am, d) > DLA_TOLERANCE * gnorm[g]) {
            *why = arena_printf(a, "internal error: generator %u is not antisymmetric on the "
                                   "module", g);
            return false;
        }
    }
    return true;
}

/*
 * Sum-spanned module: a Krylov closure. q_0 = O'/‖O'‖; then for each q_i in turn and each
 * generator, c = D_G q_i is orthogonalised against the q's so far (classical Gram–Schmidt,
 * twice); a residual above DLA_ACCEPT·‖D_G‖ is the next q. The projections are column i of
 * A (A_ki = <q_k, D q_i> for the q_k then known, and the new q's coefficient is the
 * residual); the entries for q's found later follow from antisymmetry, and each pair
 * computed both ways is a check. Exactly dim directions must be found, and nothing may
 * lie outside the module's strings.
 *
 * The q's are dense over the strings (dim × strings doubles, more than any cache), so the
 * candidates are taken in blocks (every generator on a few q_i at once, as many as fit
 * DLA_BLOCK doubles): the Gram–Schmidt passes against the q's known when the block starts
 * stream them once for the whole block, and only the q's the block itself adds are done
 * candidate by candidate.
 */
#define DLA_BLOCK (1u << 20)

typedef struct DlaClosure {
    DlaBasis *b;
    const DlaAction *act;
    const double *gnorm;
    uint32_t d, n, total, count;
    double *ct;      /* the block's candidates, transposed: n × ncand */
    double *outside; /* scratch over the ids beyond the module's strings */
    double *h;       /* base × ncand projections */
    double *acc, *c; /* ncand; one candidate (n) */
    double worst_outside;
    double worst_complete; /* the largest residual once the basis was complete */
    /* each q_k's nonzero entries (the q's are often sparse: a few strings each in u(n)
     * modules, a quarter of them in Heisenberg ones): nz[nz_start[k] …] */
    uint32_t *nz;
    size_t *nz_start, nz_cap;
} DlaClosure;

/* Records the nonzero entries of q_k, the newest q. */
static void dla_note_support(DlaClosure *cl, uint32_t k)
{
    const double *qk = cl->b->q + (size_t)k * cl->n;
    size_t at = cl->nz_start[k];
    for (uint32_t p = 0; p < cl->n; p++) {
        if (qk[p] == 0)
            continue;
        if (at == cl->nz_cap) {
            cl->nz_cap *= 2;
            cl->nz = realloc(cl->nz, cl->nz_cap * sizeof *cl->nz);
            if (!cl->nz)
                abort();
        }
        cl->nz[at++] = p;
    }
    cl->nz_start[k + 1] = at;
}

/* Column j of ct = D_G q_i (the part on the module's strings); the rest only measured. */
static void dla_candidate(DlaClosure *cl, uint32_t i, uint32_t g, uint32_t j, uint32_t ncand)
{
    const double *qi = cl->b->q + (size_t)i * cl->n;
    const DlaAction *m = &cl->act[g];
    uint32_t n = cl->n;
    double out = 0;
    const uint32_t *nz = cl->nz + cl->nz_start[i];
    size_t len = cl->nz_start[i + 1] - cl->nz_start[i];
    for (uint32_t p = 0; p < n; p++)
        cl->ct[(size_t)p * ncand + j] = 0;
    for (size_t t = 0; t < len; t++)
        for (uint32_t p = nz[t], e = m->start[p]; e < m->start[p + 1]; e++) {
            uint32_t to = m->to[e];
            double v = m->coef[e] * qi[p];
            if (to < n)
                cl->ct[(size_t)to * ncand + j] += v;
            else
                cl->outside[to - n] += v;
        }
    for (size_t t = 0; t < len; t++)
        for (uint32_t p = nz[t], e = m->start[p]; e < m->start[p + 1]; e++)
            if (m->to[e] >= n) { /* read once, then clear */
                double *o = &cl->outside[m->to[e] - n];
                out += *o * *o;
                *o = 0;
            }
    cl->worst_outside = fmax(cl->worst_outside, sqrt(out) / cl->gnorm[g]);
}

/* Below this share of nonzero entries in the q's, products skip the zeros. */
#define DLA_SPARSE 0.35

/* h (base × ncand) = the projections of the block on q_0 … q_{base−1}, removed from ct;
 * twice. Each pass is two matrix products, S = Q·CT and CT −= Qᵀ·S: dense (cg_gemm), or
 * over the q's nonzero entries when they are few. Once the basis is complete (`only_h`),
 * the projections alone: one product. */
static void dla_block_orthogonalise(DlaClosure *cl, uint32_t base, uint32_t ncand, bool only_h)
{
    uint32_t n = cl->n;
    double *step = cl->h + (size_t)base * ncand; /* base × ncand more, after h */
    bool sparse = (double)cl->nz_start[base] < DLA_SPARSE * base * (double)n;
    memset(cl->h, 0, (size_t)base * ncand * sizeof *cl->h);
    for (int pass = 0; pass < 2; pass++) {
        memset(step, 0, (size_t)base * ncand * sizeof *step);
        if (only_h) {
            if (sparse)
                for (uint32_t k = 0; k < base; k++) {
                    const double *qk = cl->b->q + (size_t)k * n;
                    double *hk = cl->h + (size_t)k * ncand;
                    for (size_t t = cl->nz_start[k]; t < cl->nz_start[k + 1]; t++) {
                        const double *row = cl->ct + (size_t)cl->nz[t] * ncand;
                        double x = qk[cl->nz[t]];
                        for (uint32_t j = 0; j < ncand; j++)
                            hk[j] += x * row[j];
                    }
                }
            else
                cg_gemm(base, ncand, n, 1, cl->b->q, n, 1, cl->ct, ncand, 1, cl->h, ncand, 1);
            return;
        }
        if (!sparse) {
            cg_gemm(base, ncand, n, 1, cl->b->q, n, 1, cl->ct, ncand, 1, step, ncand, 1);
            cg_gemm(n, ncand, base, -1, cl->b->q, 1, n, step, ncand, 1, cl->ct, ncand, 1);
        } else {
            for (uint32_t k = 0; k < base; k++) {
                const double *qk = cl->b->q + (size_t)k * n;
                double *sk = step + (size_t)k * ncand;
                for (size_t t = cl->nz_start[k]; t < cl->nz_start[k + 1]; t++) {
                    uint32_t p = cl->nz[t];
                    const double *row = cl->ct + (size_t)p * ncand;
                    double x = qk[p];
                    for (uint32_t j = 0; j < ncand; j++)
                        sk[j] += x * row[j];
                }
            }
            for (uint32_t k = 0; k < base; k++) {
                const double *qk = cl->b->q + (size_t)k * n, *sk = step + (size_t)k * ncand;
                for (size_t t = cl->nz_start[k]; t < cl->nz_start[k + 1]; t++) {
                    uint32_t p = cl->nz[t];
                    double *row = cl->ct + (size_t)p * ncand;
                    double x = qk[p];
                    for (uint32_t j = 0; j < ncand; j++)
                        row[j] -= x * sk[j];
                }
            }
        }
        for (size_t t = 0; t < (size_t)base * ncand; t++)
            cl->h[t] += step[t];
    }
}

static bool dla_closure(Arena *a, DlaBasis *b, const DlaAction *act, const double *gnorm,
                        const PauliSum *seed, double *init, const char **why)
{
    uint32_t d = b->dim, n = b->nstrings, m = b->ngens;
    DlaClosure cl = {.b = b, .act = act, .gnorm = gnorm, .d = d, .n = n,
                     .total = b->strings.len};
    double *q = b->q = dla_alloc((size_t)d * n, sizeof *q);
    double norm = 0;
    for (uint32_t t = 0; t < seed->len; t++) {
        int64_t id = stringset_find(&b->strings, psum_string(seed, t));
        if (id < 0 || id >= n) {
            *why = "internal error: the observable is not in its module";
            return false;
        }
        q[id] = seed->coef[t].value;
        norm += q[id] * q[id];
    }
    norm = sqrt(norm);
    for (uint32_t p = 0; p < n; p++)
        q[p] /= norm;
    init[0] = norm;
    for (uint32_t g = 0; g < m; g++) {
        b->a[g] = dla_alloc((size_t)d * d, sizeof *b->a[g]);
        for (size_t k = 0; k < (size_t)d * d; k++)
            b->a[g][k] = NAN;
    }
    uint32_t per_block = DLA_BLOCK / n / (m ? m : 1); /* q_i's per block */
    per_block = per_block < 1 ? 1 : per_block > d ? d : per_block;
    uint32_t max_cand = per_block * m;
    cl.ct = dla_alloc((size_t)n * max_cand, sizeof *cl.ct);
    cl.outside = dla_alloc(cl.total - n + 1, sizeof *cl.outside);
    cl.h = dla_alloc(2 * (size_t)d * max_cand, sizeof *cl.h);
    cl.c = dla_alloc(n, sizeof *cl.c);
    cl.nz_cap = 4 * (size_t)n + 16;
    cl.nz = dla_alloc(cl.nz_cap, sizeof *cl.nz);
    cl.nz_start = dla_alloc(d + 1, sizeof *cl.nz_start);
    dla_note_support(&cl, 0);
    cl.count = 1;
    bool ok = true;
    for (uint32_t i0 = 0; ok && i0 < cl.count;) {
        uint32_t i1 = cl.count - i0 < per_block ? cl.count : i0 + per_block;
        uint32_t ncand = (i1 - i0) * m, base = cl.count;
        for (uint32_t i = i0; i < i1; i++)
            for (uint32_t g = 0; g < m; g++)
                dla_candidate(&cl, i, g, (i - i0) * m + g, ncand);
        bool complete = base == d;
        dla_block_orthogonalise(&cl, base, ncand, complete);
        for (uint32_t j = 0; ok && j < ncand; j++) {
            uint32_t i = i0 + j / m, g = j % m;
            double *am = b->a[g], *c = cl.c;
            for (uint32_t k = 0; k < base; k++)
                am[(size_t)k * d + i] = cl.h[(size_t)k * ncand + j];
            if (complete) { /* the residual² as ‖c‖² − ‖h‖²: good to about √ε·‖c‖ */
                double r2 = 0;
                for (uint32_t p = 0; p < n; p++)
                    r2 += cl.ct[(size_t)p * ncand + j] * cl.ct[(size_t)p * ncand + j];
                for (uint32_t k = 0; k < base; k++)
                    r2 -= cl.h[(size_t)k * ncand + j] * cl.h[(size_t)k * ncand + j];
                cl.worst_complete = fmax(cl.worst_complete, sqrt(fmax(r2, 0)) / gnorm[g]);
                continue;
            }
            for (uint32_t p = 0; p < n; p++)
                c[p] = cl.ct[(size_t)p * ncand + j];
            /* the q's this block added, one by one, twice */
            for (uint32_t k = base; k < cl.count; k++)
                am[(size_t)k * d + i] = 0;
            for (int pass = 0; pass < 2; pass++)
                for (uint32_t k = base; k < cl.count; k++) {
                    const double *qk = q + (size_t)k * n;
                    const uint32_t *nz = cl.nz + cl.nz_start[k];
                    size_t len = cl.nz_start[k + 1] - cl.nz_start[k];
                    double s = 0;
                    for (size_t t = 0; t < len; t++)
                        s += qk[nz[t]] * c[nz[t]];
                    for (size_t t = 0; t < len; t++)
                        c[nz[t]] -= s * qk[nz[t]];
                    am[(size_t)k * d + i] += s;
                }
            double r = 0;
            for (uint32_t p = 0; p < n; p++)
                r += c[p] * c[p];
            r = sqrt(r);
            if (r <= DLA_ACCEPT * gnorm[g])
                continue;
            if (cl.count == d) {
                *why = arena_printf(a, "internal error: the module has more than the %u "
                                       "dimensions the closure found", d);
                ok = false;
                break;
            }
            double *qn = q + (size_t)cl.count * n;
            for (uint32_t p = 0; p < n; p++)
                qn[p] = c[p] / r;
            am[(size_t)cl.count * d + i] = r;
            dla_note_support(&cl, cl.count);
            cl.count++;
        }
        i0 = i1;
    }
    free(cl.ct);
    free(cl.outside);
    free(cl.h);
    free(cl.c);
    free(cl.nz);
    free(cl.nz_start);
    if (ok && cl.count < d) {
        *why = arena_printf(a, "the module's basis cannot be told from rounding in double "
                               "precision (%u of %u directions found)", cl.count, d);
        ok = false;
    }
    if (ok && cl.worst_complete > DLA_COMPLETE_TOLERANCE) {
        *why = arena_printf(a, "internal error: the module has more than the %u dimensions "
                               "the closure found (residual %g)", d, cl.worst_complete);
        ok = false;
    }
    if (ok && cl.worst_outside > DLA_TOLERANCE) {
        *why = arena_printf(a, "internal error: the generators lead out of the observable's "
                               "module (residual %g)", cl.worst_outside);
        ok = false;
    }
    for (uint32_t g = 0; ok && g < m; g++)
        if (dla_antisymmetrise(b->a[g], d) > DLA_TOLERANCE * gnorm[g]) {
            *why = arena_printf(a, "internal error: generator %u is not antisymmetric on the "
                                   "module", g);
            ok = false;
        }
    return ok;
}

/* The basis of the closure `space` of seed under gens, the generators' matrices, and the
 * seed's coordinates in init (dim entries, zeroed). False with *why on failure. */
static bool dla_basis_build(Arena *a, DlaBasis *b, const LieSpace *space, const PauliSum *seed,
                            PauliSum *const *gens, uint32_t ngens, double *init, const char **why)
{
    b->dim = space->dim;
    b->ngens = ngens;
    b->a = dla_alloc(ngens + 1, sizeof *b->a);
    stringset_init(&b->strings, space->words);
    if (space->strings)
        for (uint32_t k = 0; k < space->dim; k++)
            stringset_add(&b->strings, stringset_get(&space->set, k), NULL);
    else
        for (uint32_t k = 0; k < space->dim; k++)
            for (uint32_t e = 0; e < space->basis[k].len; e++) {
                const uint64_t *p = stringset_get(&space->set, space->basis[k].col[e]);
                stringset_add(&b->strings, p, NULL);
            }
    b->nstrings = b->strings.len;
    DlaAction *act = dla_alloc(ngens + 1, sizeof *act);
    double *gnorm = dla_alloc(ngens + 1, sizeof *gnorm);
    for (uint32_t g = 0; g < ngens; g++) {
        dla_action_build(b, gens[g], &act[g]);
        for (uint32_t t = 0; t < gens[g]->len; t++)
            gnorm[g] += 2 * fabs(gens[g]->coef[t].value); /* ‖D_G‖ <= 2 Σ |g_t| */
    }
    bool ok;
    if (space->strings) {
        ok = dla_string_matrices(a, b, act, gnorm, why);
        for (uint32_t t = 0; ok && t < seed->len; t++) {
            int64_t id = stringset_find(&b->strings, psum_string(seed, t));
            if (id < 0 || id >= b->dim) {
                *why = "internal error: the observable is not in its module";
                ok = false;
            } else {
                init[id] = seed->coef[t].value;
            }
        }
    } else {
        ok = dla_closure(a, b, act, gnorm, seed, init, why);
    }
    for (uint32_t g = 0; g < ngens; g++) {
        free(act[g].start);
        free(act[g].to);
        free(act[g].coef);
    }
    free(act);
    free(gnorm);
    return ok;
}

/* ---- the reduction ---------------------------------------------------------------------- */

/* q_jP: the basis vector j's coefficient at the module string P. */
static double dla_coefficient(const DlaBasis *b, uint32_t j, uint32_t p)
{
    return b->q ? b->q[(size_t)j * b->nstrings + p] : j == p;
}

/* Product state: weight_j = Σ_P q_jP Tr(ρP), zeros left out. State input: one entry per
 * nonzero q_jP, with P's index among the state strings. */
static void dla_reduction(Arena *a, const DlaBasis *b, const Circuit *c, StringSet *state_strings,
                          Reduction *r)
{
    uint32_t d = b->dim;
    if (!state_strings) {
        double *t = arena_alloc(a, (d + 1) * sizeof *t);
        for (uint32_t p = 0; p < b->nstrings; p++) {
            double e = plan_product_expectation(c, stringset_get(&b->strings, p),
                                                b->strings.words);
            for (uint32_t j = 0; e != 0 && j < d; j++)
                t[j] += dla_coefficient(b, j, p) * e;
        }
        r->slot = arena_alloc(a, (d + 1) * sizeof *r->slot);
        r->weight = t;
        for (uint32_t j = 0; j < d; j++)
            if (t[j] != 0) {
                r->slot[r->n] = j;
                r->weight[r->n++] = t[j];
            }
        return;
    }
    VEC(uint32_t) slots = {0};
    VEC(double) weights = {0};
    VEC(uint32_t) index = {0};
    for (uint32_t p = 0; p < b->nstrings; p++) {
        uint32_t id = UINT32_MAX;
        for (uint32_t j = 0; j < d; j++) {
            double v = dla_coefficient(b, j, p);
            if (v == 0)
                continue;
            if (id == UINT32_MAX)
                id = stringset_add(state_strings, stringset_get(&b->strings, p), NULL);
            vec_push(a, &slots, j);
            vec_push(a, &weights, v);
            vec_push(a, &index, id);
        }
    }
    r->n = (uint32_t)slots.len;
    r->slot = slots.data;
    r->weight = weights.data;
    r->state_index = r->n ? index.data : arena_alloc(a, sizeof *r->state_index);
}

/* ---- plan_dla --------------------------------------------------------------------------- */

DlaProgram *plan_dla(Arena *a, const Circuit *c, const Frame *f, uint32_t observable,
                     uint32_t max_dim, StringSet *state_strings, const char **why)
{
    if (observable >= c->observables.len) {
        *why = "no such observable";
        return NULL;
    }
    if (c->state_input && !state_strings) {
        *why = "this ansatz reads its state as data: the plan needs the set of state strings";
        return NULL;
    }
    Arena scratch;
    arena_init(&scratch);
    DlaProgram *prog = arena_alloc(a, sizeof *prog);
    *why = NULL;

    /* the observable: identity part to the constant (Tr ρ = 1), the rest the seed */
    const PauliSum *o = f->observables[observable];
    for (uint32_t t = 0; t < o->len; t++)
        if (pauli_is_identity(psum_string(o, t), o->words))
            prog->reduction.constant += o->coef[t].value;
    PauliSum *seed = psum_without_identity(&scratch, o);
    if (state_strings) /* a state-input reduction, even when empty */
        prog->reduction.state_index = arena_alloc(a, sizeof *prog->reduction.state_index);
    if (psum_is_zero(seed)) {
        arena_free(&scratch);
        return prog; /* dim 0: <O> is the constant */
    }

    /* the steps, last gate first, and their distinct generators */
    DlaRuns runs = {0};
    dla_runs(&scratch, &scratch, c, f, &runs);
    PauliSum **gens = arena_alloc(&scratch, (runs.len + 1) * sizeof *gens);
    uint32_t ngens = 0;
    for (size_t k = runs.len; k-- > 0;) {
        DlaRun *r = &runs.data[k];
        if (r->op->len == 0)
            continue; /* a merged run that cancelled */
        uint32_t g = 0;
        while (g < ngens && !psum_parallel(gens[g], r->op))
            g++;
        double lambda = 1;
        if (g == ngens) {
            gens[ngens++] = r->op;
        } else {
            Real y;
            psum_lookup(r->op, psum_string(gens[g], 0), &y);
            lambda = real_div(y, gens[g]->coef[0]).value;
        }
        DlaStep st = {.angle = r->angle, .generator = g, .gate = r->gate};
        st.angle.k *= lambda;
        st.angle.b *= lambda;
        vec_push(a, &prog->steps, st);
    }

    /* the module, its basis, the generators' matrices and their eigen-decompositions */
    LieSpace *space = lie_close(c->nqubits, gens, ngens, &seed, 1, max_dim);
    DlaBasis basis = {0};
    bool ok = space->complete;
    if (!ok)
        *why = space->dim >= max_dim
                   ? arena_printf(a, "the observable's module exceeds %u dimensions", max_dim)
                   : arena_printf(a, "the closure of the observable's module stopped at its "
                                     "work budget, at %u dimensions", space->dim);
    if (ok) {
        prog->dim = space->dim;
        prog->init = arena_alloc(a, (size_t)prog->dim * sizeof *prog->init);
        ok = dla_basis_build(a, &basis, space, seed, gens, ngens, prog->init, why);
    }
    lie_space_free(space);
    if (ok) {
        uint32_t d = prog->dim;
        prog->ngenerators = ngens;
        prog->generators = arena_alloc(a, (ngens + 1) * sizeof *prog->generators);
        double *w = malloc((2 * (size_t)d * d + d) * sizeof *w), *lambda = w + 2 * (size_t)d * d;
        if (!w)
            abort();
        for (uint32_t g = 0; g < ngens; g++) { /* only the positive half of iA's spectrum */
            DlaGenerator *dg = &prog->generators[g];
            dg->rank = cg_antisym_eig(basis.a[g], d, lambda, w);
            dg->w = arena_alloc(a, (2 * (size_t)d * dg->rank + 1) * sizeof *dg->w);
            dg->lambda = arena_alloc(a, ((size_t)dg->rank + 1) * sizeof *dg->lambda);
            memcpy(dg->w, w, 2 * (size_t)d * dg->rank * sizeof *w);
            memcpy(dg->lambda, lambda, dg->rank * sizeof *lambda);
        }
        free(w);
        dla_reduction(a, &basis, c, state_strings, &prog->reduction);
    }
    dla_basis_free(&basis);
    arena_free(&scratch);
    return ok ? prog : NULL;
}

/* ---- dla_run ---------------------------------------------------------------------------- */

int dla_run(const DlaProgram *p, const double *params, const double *inputs, const double *state,
            double *value, double *grad)
{
    const Reduction *r = &p->reduction;
    uint32_t d = p->dim;
    if (d == 0) {
        *value = r->constant;
        return ANS_OK;
    }
    size_t nsteps = p->steps.len;
    double *v = malloc(6 * (size_t)d * sizeof *v);
    double *tape = grad ? malloc(((size_t)d * nsteps + 1) * sizeof *tape) : NULL;
    if (!v || (grad && !tape)) {
        free(v);
        free(tape);
        return ANS_ERR_MEMORY;
    }
    double *vbar = v + d, *scratch = v + 2 * (size_t)d;
    memcpy(v, p->init, d * sizeof *v);
    for (size_t k = 0; k < nsteps; k++) {
        const DlaStep *st = &p->steps.data[k];
        const DlaGenerator *g = &p->generators[st->generator];
        if (tape)
            memcpy(tape + k * d, v, d * sizeof *v);
        ans_dla_step(v, d, g->rank, g->w, g->lambda, step_angle(&st->angle, params, inputs), scratch);
    }
    *value = r->constant + ans_reduce(v, r->slot, r->weight, r->state_index, state, r->n);
    if (grad) {
        memset(vbar, 0, d * sizeof *vbar);
        ans_reduce_adjoint(vbar, r->slot, r->weight, r->state_index, state, r->n, 1.0);
        for (size_t k = nsteps; k-- > 0;) {
            const DlaStep *st = &p->steps.data[k];
            const DlaGenerator *g = &p->generators[st->generator];
            double dphi = ans_dla_step_adjoint(vbar, d, g->rank, g->w, g->lambda,
                                               step_angle(&st->angle, params, inputs),
                                               tape + k * d, scratch);
            if (st->angle.source == ANGLE_PARAM)
                grad[st->angle.index] += st->angle.k * dphi;
        }
    }
    free(v);
    free(tape);
    return ANS_OK;
}
