/*
 * variance.c — purities and the predicted variance of a deep circuit.
 *
 * Ragone et al. (Nat. Commun. 15, 2024), in physics.md's conventions: with orthonormal bases
 * (Pauli strings scaled by 2^{-n/2}) P_h(A) = Σ_j Tr(B_j A)², and when O ∈ ig and
 * g = centre ⊕ g_1 ⊕ … ⊕ g_m, Var[<O>] = Σ_j P_{g_j}(ρ) P_{g_j}(O) / dim g_j; the centre adds
 * nothing. Writing O = Σ c_P P and e_P = <P>_ρ, and u_B, for a unit vector B = Σ b_P P/2^{n/2}
 * of coefficients over strings, u_B(c) = Σ b_P c_P: P_h(O) = 2^n Σ_B u_B(c)², P_h(ρ) =
 * 2^{-n} Σ_B u_B(e)², so the 2^n cancel in the variance, which is computed without them
 * (and stays finite at 1,024 qubits).
 *
 * The simple ideals' bases come from one of two methods, and the result is used only when
 * its ideal dimensions agree exactly with the exact decomposition of structure.c:
 *   strings   g is string-spanned and its simple ideals are the connected components of the
 *             anticommutation graph of its non-central strings: each ideal's basis is its
 *             strings, and everything is exact up to the final sums;
 *   spectral  otherwise, for dim g <= VARIANCE_MAX_DENSE: an orthonormal basis of g in
 *             doubles and the quadratic Casimir of the adjoint action in it, a scalar on each
 *             simple ideal and zero on the centre: its eigenvalue clusters are the ideals
 *             (two ideals with one Casimir value stay together, and the exact comparison
 *             then rejects the result).
 * When neither applies, or O is not in the algebra, the variance is NAN with the reason.
 */
#include "analysis.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { VARIANCE_MAX_DENSE = 128 };

/* e_P = <P> for the product state, by factors: <Z>=±1 on |0>,|1>; <X>=±1 on |±>. */
static double state_expectation(const Circuit *c, const uint64_t *p, uint32_t words)
{
    double e = 1;
    for (uint32_t w = 0; w < words; w++) {
        uint64_t m = p[w] | p[words + w];
        while (m) {
            uint32_t q = w * 64 + (uint32_t)__builtin_ctzll(m);
            m &= m - 1;
            int f = pauli_get(p, words, q); /* 1 X, 2 Z, 3 Y */
            Ket k = c->state[q];
            if (f == 2 && (k == KET_0 || k == KET_1))
                e *= k == KET_0 ? 1 : -1;
            else if (f == 1 && (k == KET_PLUS || k == KET_MINUS))
                e *= k == KET_PLUS ? 1 : -1;
            else
                return 0;
        }
    }
    return e;
}

/* Union–find over string ids. */
static uint32_t find(uint32_t *parent, uint32_t a)
{
    while (parent[a] != a)
        a = parent[a] = parent[parent[a]];
    return a;
}

typedef struct Ideals {
    uint32_t count;
    uint32_t *dim;
    double *po, *pr; /* Σ_B u_B(c)², Σ_B u_B(e)² per ideal */
    double go, gr;   /* the same over all of g */
} Ideals;

static int cmp_u32_desc(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x < y) - (x > y);
}

/* Whether the ideal dimensions found (and so the centre's) equal the exact ones of
 * structure.c. */
static bool same_dims(const Ideals *id, const Structure *st, uint32_t dim_g)
{
    uint32_t total = 0;
    for (uint32_t i = 0; i < id->count; i++)
        total += id->dim[i];
    if (id->count != st->ideals.len || dim_g - total != st->center_dim)
        return false;
    uint32_t *d = malloc((id->count + 1) * sizeof *d);
    memcpy(d, id->dim, id->count * sizeof *d);
    qsort(d, id->count, sizeof *d, cmp_u32_desc);
    uint32_t *e = malloc((id->count + 1) * sizeof *e);
    for (uint32_t i = 0; i < id->count; i++)
        e[i] = st->ideals.data[i].dim;
    qsort(e, id->count, sizeof *e, cmp_u32_desc);
    bool same = memcmp(d, e, id->count * sizeof *d) == 0;
    free(d);
    free(e);
    return same;
}

/* The strings method: components of the anticommutation graph of non-central strings. */
static bool ideals_from_strings(const LieSpace *g, PauliSum *const *gens, size_t ngens,
                                const double *c, const double *e, Ideals *out)
{
    uint32_t d = g->dim, w = g->words;
    uint32_t *parent = malloc((d + 1) * sizeof *parent);
    bool *central = calloc(d + 1, sizeof *central);
    for (uint32_t i = 0; i < d; i++) {
        parent[i] = i;
        const uint64_t *p = stringset_get(&g->set, i);
        bool commutes = true;
        for (size_t k = 0; k < ngens && commutes; k++)
            for (uint32_t t = 0; t < gens[k]->len && commutes; t++)
                commutes = pauli_commutes(p, psum_string(gens[k], t), w);
        central[i] = commutes;
    }
    /* Two strings of g anticommuting ⇒ their product is in g too; joining each string with
     * the products reached by the generator strings gives the same components as the full
     * graph, since g's strings are reached from the generators by such products. */
    uint64_t *buf = malloc(2u * w * sizeof *buf);
    for (uint32_t i = 0; i < d; i++) {
        if (central[i])
            continue;
        const uint64_t *p = stringset_get(&g->set, i);
        for (size_t k = 0; k < ngens; k++)
            for (uint32_t t = 0; t < gens[k]->len; t++) {
                const uint64_t *q = psum_string(gens[k], t);
                if (pauli_commutes(p, q, w))
                    continue;
                pauli_product(p, q, buf, w);
                int64_t j = stringset_find(&g->set, buf);
                int64_t gq = stringset_find(&g->set, q);
                if (j >= 0 && (uint32_t)j < d)
                    parent[find(parent, (uint32_t)j)] = find(parent, i);
                if (gq >= 0 && (uint32_t)gq < d && !central[gq])
                    parent[find(parent, (uint32_t)gq)] = find(parent, i);
            }
    }
    uint32_t *label = malloc((d + 1) * sizeof *label);
    for (uint32_t i = 0; i < d; i++)
        label[i] = UINT32_MAX;
    out->count = 0;
    out->dim = calloc(d + 1, sizeof *out->dim);
    out->po = calloc(d + 1, sizeof *out->po);
    out->pr = calloc(d + 1, sizeof *out->pr);
    for (uint32_t i = 0; i < d; i++) {
        out->go += c[i] * c[i];
        out->gr += e[i] * e[i];
        if (central[i])
            continue;
        uint32_t r = find(parent, i);
        if (label[r] == UINT32_MAX)
            label[r] = out->count++;
        uint32_t j = label[r];
        out->dim[j]++;
        out->po[j] += c[i] * c[i];
        out->pr[j] += e[i] * e[i];
    }
    free(parent);
    free(central);
    free(buf);
    free(label);
    return true;
}

/* Cyclic Jacobi: the eigenvectors of the symmetric d×d matrix m (destroyed) into v's columns. */
static void jacobi(double *m, double *v, uint32_t d)
{
    for (uint32_t i = 0; i < d; i++)
        for (uint32_t j = 0; j < d; j++)
            v[i * d + j] = i == j;
    for (int sweep = 0; sweep < 60; sweep++) {
        double off = 0, total = 0;
        for (uint32_t i = 0; i < d; i++)
            for (uint32_t j = 0; j < d; j++) {
                total += m[i * d + j] * m[i * d + j];
                if (i != j)
                    off += m[i * d + j] * m[i * d + j];
            }
        if (off <= 1e-30 * (total + 1e-300))
            break;
        for (uint32_t p = 0; p < d; p++)
            for (uint32_t q = p + 1; q < d; q++) {
                double apq = m[p * d + q];
                if (fabs(apq) < 1e-300)
                    continue;
                double theta = (m[q * d + q] - m[p * d + p]) / (2 * apq);
                double t = (theta >= 0 ? 1 : -1) / (fabs(theta) + sqrt(theta * theta + 1));
                double cs = 1 / sqrt(t * t + 1), sn = t * cs;
                for (uint32_t k = 0; k < d; k++) {
                    double mkp = m[k * d + p], mkq = m[k * d + q];
                    m[k * d + p] = cs * mkp - sn * mkq;
                    m[k * d + q] = sn * mkp + cs * mkq;
                }
                for (uint32_t k = 0; k < d; k++) {
                    double mpk = m[p * d + k], mqk = m[q * d + k];
                    m[p * d + k] = cs * mpk - sn * mqk;
                    m[q * d + k] = sn * mpk + cs * mqk;
                }
                for (uint32_t k = 0; k < d; k++) {
                    double vkp = v[k * d + p], vkq = v[k * d + q];
                    v[k * d + p] = cs * vkp - sn * vkq;
                    v[k * d + q] = sn * vkp + cs * vkq;
                }
            }
    }
}

/* i[x, y] for real vectors x, y over g's strings (dense rows of length ns, with their
 * supports), into img (zeroed first). The bracket's overall scale does not matter here. */
static void bracket_rows(const LieSpace *g, const double *x, const uint32_t *sx, uint32_t nx,
                         const double *y, const uint32_t *sy, uint32_t ny, double *img,
                         uint64_t *buf)
{
    memset(img, 0, g->set.len * sizeof *img);
    for (uint32_t i = 0; i < nx; i++) {
        const uint64_t *p = stringset_get(&g->set, sx[i]);
        for (uint32_t j = 0; j < ny; j++) {
            const uint64_t *q = stringset_get(&g->set, sy[j]);
            if (pauli_commutes(p, q, g->words))
                continue;
            unsigned ph = pauli_product(p, q, buf, g->words);
            int64_t r = stringset_find(&g->set, buf);
            if (r >= 0)
                img[r] += (ph == 3 ? 1 : -1) * x[sx[i]] * y[sy[j]];
        }
    }
}

/* The spectral method (see the file comment): the quadratic Casimir C = Σ_a F_aᵀF_a of the
 * adjoint action, F_a = ad(e_a) in an orthonormal basis e of g, is a scalar on each simple
 * ideal and zero on the centre; its eigenvalue clusters are the ideals. False when g is too
 * large for dense d×d work. */
static bool ideals_spectral(const LieSpace *g, PauliSum *const *gens, size_t ngens,
                            const double *c_str, const double *e_str, Ideals *out)
{
    (void)gens;
    (void)ngens;
    uint32_t d = g->dim, ns = g->set.len;
    if (d == 0 || d > VARIANCE_MAX_DENSE)
        return false;
    /* Orthonormal basis rows over the strings (Gram–Schmidt, twice for stability). */
    double *b = calloc((size_t)d * ns, sizeof *b);
    for (uint32_t i = 0; i < d; i++) {
        double *r = b + (size_t)i * ns;
        if (g->strings)
            r[i] = 1;
        else
            for (uint32_t t = 0; t < g->basis[i].len; t++)
                r[g->basis[i].col[t]] = g->basis[i].value[t];
        for (int pass = 0; pass < 2; pass++)
            for (uint32_t j = 0; j < i; j++) {
                double dot = 0;
                const double *s2 = b + (size_t)j * ns;
                for (uint32_t k = 0; k < ns; k++)
                    dot += r[k] * s2[k];
                for (uint32_t k = 0; k < ns; k++)
                    r[k] -= dot * s2[k];
            }
        double norm = 0;
        for (uint32_t k = 0; k < ns; k++)
            norm += r[k] * r[k];
        norm = sqrt(norm);
        for (uint32_t k = 0; k < ns; k++)
            r[k] /= norm > 0 ? norm : 1;
    }
    uint32_t *support = malloc((size_t)d * ns * sizeof *support), *nsupp = calloc(d, sizeof *nsupp);
    for (uint32_t i = 0; i < d; i++)
        for (uint32_t k = 0; k < ns; k++)
            if (fabs(b[(size_t)i * ns + k]) > 1e-14)
                support[(size_t)i * ns + nsupp[i]++] = k;
    double *F = calloc((size_t)d * d, sizeof *F), *C = calloc((size_t)d * d, sizeof *C);
    double *V = calloc((size_t)d * d, sizeof *V), *img = calloc(ns, sizeof *img);
    uint64_t *buf = malloc(2u * g->words * sizeof *buf);
    for (uint32_t a = 0; a < d; a++) {
        const double *ea = b + (size_t)a * ns;
        for (uint32_t j = 0; j < d; j++) {
            bracket_rows(g, ea, support + (size_t)a * ns, nsupp[a], b + (size_t)j * ns,
                         support + (size_t)j * ns, nsupp[j], img, buf);
            for (uint32_t c2 = 0; c2 < d; c2++) {
                double dot = 0;
                const double *bc = b + (size_t)c2 * ns;
                for (uint32_t k = 0; k < nsupp[c2]; k++)
                    dot += bc[support[(size_t)c2 * ns + k]] * img[support[(size_t)c2 * ns + k]];
                F[(size_t)c2 * d + j] = dot;
            }
        }
        for (uint32_t i = 0; i < d; i++)
            for (uint32_t j = 0; j < d; j++) {
                double s2 = 0;
                for (uint32_t k = 0; k < d; k++)
                    s2 += F[(size_t)k * d + i] * F[(size_t)k * d + j];
                C[(size_t)i * d + j] += s2;
            }
    }
    double scale = 0;
    for (uint32_t i = 0; i < d; i++)
        scale = fmax(scale, fabs(C[(size_t)i * d + i]));
    jacobi(C, V, d);
    /* Cluster the eigenvalues: equal to 1e-8 of the largest; the zero cluster is the centre. */
    double *lambda = malloc(d * sizeof *lambda);
    for (uint32_t i = 0; i < d; i++)
        lambda[i] = C[(size_t)i * d + i];
    uint32_t *label = malloc(d * sizeof *label);
    double *centers = malloc(d * sizeof *centers);
    uint32_t nclusters = 0;
    out->count = 0;
    out->dim = calloc(d + 1, sizeof *out->dim);
    out->po = calloc(d + 1, sizeof *out->po);
    out->pr = calloc(d + 1, sizeof *out->pr);
    for (uint32_t i = 0; i < d; i++) {
        if (fabs(lambda[i]) <= 1e-8 * (scale + 1e-300)) {
            label[i] = UINT32_MAX; /* central */
            continue;
        }
        uint32_t k = 0;
        while (k < nclusters && fabs(centers[k] - lambda[i]) > 1e-8 * scale)
            k++;
        if (k == nclusters)
            centers[nclusters++] = lambda[i];
        label[i] = k;
    }
    out->count = nclusters;
    for (uint32_t i = 0; i < d; i++) {
        double uc = 0, ue = 0;
        for (uint32_t a = 0; a < d; a++) {
            double ba_c = 0, ba_e = 0;
            const double *ba = b + (size_t)a * ns;
            for (uint32_t k = 0; k < nsupp[a]; k++) {
                uint32_t s2 = support[(size_t)a * ns + k];
                ba_c += ba[s2] * c_str[s2];
                ba_e += ba[s2] * e_str[s2];
            }
            uc += V[(size_t)a * d + i] * ba_c;
            ue += V[(size_t)a * d + i] * ba_e;
        }
        out->go += uc * uc;
        out->gr += ue * ue;
        if (label[i] == UINT32_MAX)
            continue;
        out->dim[label[i]]++;
        out->po[label[i]] += uc * uc;
        out->pr[label[i]] += ue * ue;
    }
    free(b);
    free(support);
    free(nsupp);
    free(F);
    free(C);
    free(V);
    free(img);
    free(buf);
    free(lambda);
    free(label);
    free(centers);
    return true;
}

static void ideals_free(Ideals *id)
{
    free(id->dim);
    free(id->po);
    free(id->pr);
}

void analysis_variance(Arena *a, Analysis *an, PauliSum *const *gens, size_t ngens)
{
    const Circuit *c = an->circuit;
    const LieSpace *g = an->dla;
    for (size_t i = 0; i < c->observables.len; i++) {
        ObservableFacts *o = &an->observables[i];
        o->purity = o->state_purity = o->variance = NAN;
        if (!an->structure) {
            o->variance_reason = "the algebra is not known completely (closure budget)";
            continue;
        }
        if (!o->in_dla) {
            o->variance_reason = "O is not in ig: the formula of Ragone et al. needs O ∈ ig or "
                                 "ρ ∈ ig; the simulator's --sample estimates it";
            continue;
        }
        /* Coefficients of O and the expectations of ρ over g's strings. */
        uint32_t ns = g->set.len;
        double *cv = calloc(ns + 1, sizeof *cv), *ev = calloc(ns + 1, sizeof *ev);
        for (uint32_t t = 0; t < o->op->len; t++) {
            int64_t s = stringset_find(&g->set, psum_string(o->op, t));
            if (s >= 0)
                cv[s] = o->op->coef[t].value;
        }
        bool state_known = !c->state_input;
        for (uint32_t s = 0; s < ns && state_known; s++)
            ev[s] = state_expectation(c, stringset_get(&g->set, s), g->words);
        Ideals id = {0};
        bool ok = false;
        const char *method = NULL;
        if (g->strings) {
            ideals_from_strings(g, gens, ngens, cv, ev, &id);
            ok = same_dims(&id, an->structure, g->dim);
            method = "string ideals";
            if (!ok) {
                ideals_free(&id);
                memset(&id, 0, sizeof id);
            }
        }
        if (!ok && ideals_spectral(g, gens, ngens, cv, ev, &id)) {
            ok = same_dims(&id, an->structure, g->dim);
            method = "spectral ideals, confirmed by the exact decomposition";
            if (!ok)
                ideals_free(&id);
        }
        if (ok) {
            o->purity = ldexp(id.go, (int)c->nqubits);
            if (!isfinite(o->purity))
                o->purity = NAN;
            if (state_known) {
                o->state_purity = ldexp(id.gr, -(int)c->nqubits);
                double v = 0;
                for (uint32_t j = 0; j < id.count; j++)
                    v += id.po[j] * id.pr[j] / id.dim[j];
                o->variance = v;
                o->variance_reason = arena_printf(a, "O ∈ ig; Σ_j P_j(ρ)P_j(O)/dim g_j over %u "
                                                  "simple ideal%s (%s)",
                                                  id.count, id.count == 1 ? "" : "s", method);
            } else {
                o->variance_reason = "state input: P_g(ρ) depends on the data";
            }
            ideals_free(&id);
        } else {
            o->variance_reason = "the simple ideals' bases could not be found at this size";
        }
        free(cv);
        free(ev);
    }
}
