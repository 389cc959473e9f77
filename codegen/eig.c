/*
 * eig.c — eigen-decomposition of a complex Hermitian matrix, for the dla method's
 * generators (compile time only: the emitted code gets the eigenvectors as tables).
 *
 * Input: an n × n Hermitian matrix, complex interleaved, row-major (destroyed). Output:
 * the eigenvalues ascending and a unitary matrix whose columns are the eigenvectors. The
 * upper triangle and the real diagonal are what is read (the lower triangle is taken as
 * their conjugate), so a matrix that is Hermitian only up to rounding is fine.
 *
 * First the matrix splits into the connected components of its nonzero pattern (an exact
 * test: a generator that is one Pauli string acts on a module as disjoint 2 × 2 blocks, so
 * its eigen-decomposition costs O(n²), not O(n³)). Each component of size m > 1 is solved
 * densely in three O(m³) stages, all backward stable, so ‖H V − V Λ‖ and ‖V†V − I‖ are a
 * small multiple of the unit roundoff times ‖H‖:
 *
 *   1. Householder reduction to a Hermitian tridiagonal T = Q† H Q, with reflectors
 *      P = I − β u u† (Hermitian, unitary, β real) that send the column below the diagonal
 *      to −e^{iα}‖x‖ e₁ (e^{iα} the phase of its first entry, so no cancellation);
 *   2. a diagonal unitary D that makes the off-diagonal real: T = D S D†, S real symmetric;
 *   3. the implicit QL iteration with Wilkinson shifts on S (EISPACK's tql2), rotations
 *      accumulated into Z; a block splits off when its coupling falls below ε‖S‖ (an
 *      absolute test: the generators of the dla method have zero diagonals, where the
 *      relative test of tqli would never fire).
 *
 * Then V = Q D Z, the reflectors applied to blocks of eigenvectors at a time so that the
 * vectors stay in cache while the reflectors stream. The matrix is kept as separate real
 * and imaginary arrays and every inner loop is an axpy or a rotation (no reductions), so
 * the compiler can vectorise them. Eigenvectors are stored as rows internally and
 * transposed on output.
 */
#include "codegen.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { EIG_VECTOR_BLOCK = 16, EIG_MAX_ITERATIONS = 60 };

/* Out of memory aborts, as arena_alloc does: the dla budget bounds n. */
static void *eig_alloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size);
    if (!p)
        abort();
    return p;
}

/* ---- stage 1: Householder reduction --------------------------------------------------- */

/*
 * (ar, ai), m × m row-major, becomes tridiagonal: d[k] the diagonal, (er[k], ei[k]) =
 * T[k+1][k]. Reflector k (for k < m − 2) is stored in row k, columns k+1 … m−1, with β in
 * beta[k] (0: no reflection). Only rows and columns k+1 … of the trailing block are
 * updated at step k; row k is free once its column has been read (H[j][k] = conj H[k][j]).
 */
static void eig_tridiagonalise(double *ar, double *ai, uint32_t m, double *d, double *er,
                               double *ei, double *beta, double *pr, double *pi)
{
    for (uint32_t k = 0; k + 2 < m; k++) {
        double *ur = ar + (size_t)k * m, *ui = ai + (size_t)k * m;
        /* x_j = H[j][k] = conj H[k][j], j > k: u starts as x */
        double sigma2 = 0;
        for (uint32_t j = k + 1; j < m; j++) {
            ui[j] = -ui[j];
            sigma2 += ur[j] * ur[j] + ui[j] * ui[j];
        }
        if (sigma2 == 0) {
            beta[k] = 0;
            er[k] = ei[k] = 0;
            continue;
        }
        double sigma = sqrt(sigma2), r = hypot(ur[k + 1], ui[k + 1]);
        double phr = r > 0 ? ur[k + 1] / r : 1, phi = r > 0 ? ui[k + 1] / r : 0;
        ur[k + 1] += phr * sigma;
        ui[k + 1] += phi * sigma;
        double b = 1 / (sigma * (sigma + r));
        beta[k] = b;
        er[k] = -phr * sigma;
        ei[k] = -phi * sigma;
        /* p = β H' u = β Σ_j u_j conj(row j) (H' Hermitian): axpys over rows */
        uint32_t lo = k + 1;
        for (uint32_t j = lo; j < m; j++)
            pr[j] = pi[j] = 0;
        for (uint32_t j = lo; j < m; j++) {
            const double *rr = ar + (size_t)j * m, *ri = ai + (size_t)j * m;
            double sr = ur[j] * b, si = ui[j] * b;
            for (uint32_t i = lo; i < m; i++) {
                pr[i] += sr * rr[i] + si * ri[i];
                pi[i] += si * rr[i] - sr * ri[i];
            }
        }
        /* K = (β/2) Re u†p; q = p − K u */
        double kk = 0;
        for (uint32_t j = lo; j < m; j++)
            kk += ur[j] * pr[j] + ui[j] * pi[j];
        kk *= b / 2;
        for (uint32_t j = lo; j < m; j++) {
            pr[j] -= kk * ur[j];
            pi[j] -= kk * ui[j];
        }
        /* H' ← H' − u q† − q u† */
        for (uint32_t i = lo; i < m; i++) {
            double *rr = ar + (size_t)i * m, *ri = ai + (size_t)i * m;
            double uir = ur[i], uii = ui[i], qir = pr[i], qii = pi[i];
            for (uint32_t j = lo; j < m; j++) {
                /* u_i conj(q_j) + q_i conj(u_j) */
                rr[j] -= uir * pr[j] + uii * pi[j] + qir * ur[j] + qii * ui[j];
                ri[j] -= uii * pr[j] - uir * pi[j] + qii * ur[j] - qir * ui[j];
            }
        }
    }
    for (uint32_t k = 0; k < m; k++)
        d[k] = ar[(size_t)k * m + k];
    if (m >= 2) { /* the last coupling needs no reflection */
        er[m - 2] = ar[(size_t)(m - 2) * m + m - 1];
        ei[m - 2] = -ai[(size_t)(m - 2) * m + m - 1];
        beta[m - 2] = 0;
    }
}

/* The real antisymmetric case (H = iA, the dla method's every generator): real
 * reflectors suffice, since P(iA)P = i·PAP; PAP = A + u pᵀ − p uᵀ with p = βAu (uᵀAu = 0),
 * and only the upper triangle is kept (A_ji = −A_ij), which quarters the work of the complex
 * reduction. sub[k] = (PAP)[k+1][k]; reflectors stored as in eig_tridiagonalise. */
static void eig_tridiagonalise_antisymmetric(double *a, uint32_t m, double *sub, double *beta,
                                             double *p)
{
    for (uint32_t k = 0; k + 2 < m; k++) {
        double *u = a + (size_t)k * m;
        double sigma2 = 0;
        for (uint32_t j = k + 1; j < m; j++) { /* x_j = A[j][k] = −A[k][j] */
            u[j] = -u[j];
            sigma2 += u[j] * u[j];
        }
        if (sigma2 == 0) {
            beta[k] = sub[k] = 0;
            continue;
        }
        double sigma = sqrt(sigma2), sign = u[k + 1] >= 0 ? 1 : -1;
        double b = 1 / (sigma * (sigma + fabs(u[k + 1])));
        u[k + 1] += sign * sigma;
        beta[k] = b;
        sub[k] = -sign * sigma;
        uint32_t lo = k + 1;
        for (uint32_t j = lo; j < m; j++)
            p[j] = 0;
        for (uint32_t j = lo; j < m; j++) { /* row j's upper part gives p_j and feeds p_i, i > j */
            const double *row = a + (size_t)j * m;
            double uj = b * u[j], acc0 = 0, acc1 = 0;
            uint32_t i = j + 1;
            for (; i + 1 < m; i += 2) {
                acc0 += row[i] * u[i];
                acc1 += row[i + 1] * u[i + 1];
                p[i] -= uj * row[i];
                p[i + 1] -= uj * row[i + 1];
            }
            for (; i < m; i++) {
                acc0 += row[i] * u[i];
                p[i] -= uj * row[i];
            }
            p[j] += b * (acc0 + acc1);
        }
        for (uint32_t i = lo; i < m; i++) {
            double *row = a + (size_t)i * m;
            double ui = u[i], pi = p[i];
            for (uint32_t j = i + 1; j < m; j++)
                row[j] += ui * p[j] - pi * u[j];
        }
    }
    if (m >= 2) {
        sub[m - 2] = -a[(size_t)(m - 2) * m + m - 1];
        beta[m - 2] = 0;
    }
}

/* ---- stage 3: implicit QL on a real symmetric tridiagonal ------------------------------ */

/* One plane rotation of rows i and i+1 of zt, logged: applying each at once would stream
 * all of zt through the cache once per QL sweep; applied in batches, column block by
 * column block, a block of zt stays in cache for the whole batch. */
typedef struct EigRotation {
    uint32_t i;
    double c, s;
} EigRotation;

typedef struct EigRotations {
    EigRotation *log;
    size_t len, cap;
} EigRotations;

enum { EIG_COLUMN_BLOCK = 64 };

static void eig_rotations_flush(EigRotations *r, double *zt, uint32_t m)
{
    for (uint32_t k0 = 0; k0 < m; k0 += EIG_COLUMN_BLOCK) {
        uint32_t k1 = m - k0 < EIG_COLUMN_BLOCK ? m : k0 + EIG_COLUMN_BLOCK;
        for (size_t t = 0; t < r->len; t++) {
            const EigRotation *g = &r->log[t];
            double *z0 = zt + (size_t)g->i * m, *z1 = z0 + m;
            double c = g->c, s = g->s;
            for (uint32_t k = k0; k < k1; k++) {
                double x = z1[k];
                z1[k] = s * z0[k] + c * x;
                z0[k] = c * z0[k] - s * x;
            }
        }
    }
    r->len = 0;
}

/*
 * d (m) the diagonal, e[i] the coupling of i and i+1 (e[m−1] = 0). On return d holds the
 * eigenvalues and row j of zt (m × m, the identity on entry) the eigenvector of d[j].
 */
static void eig_tridiagonal_ql(double *d, double *e, uint32_t m, double *zt)
{
    double norm = 0;
    for (uint32_t i = 0; i < m; i++)
        norm = fmax(norm, fabs(d[i]) + fabs(e[i]) + (i ? fabs(e[i - 1]) : 0));
    double tol = DBL_EPSILON * norm;
    EigRotations rot = {.cap = 16 * (size_t)m + 16};
    rot.log = eig_alloc(rot.cap, sizeof *rot.log);
    for (uint32_t l = 0; l < m; l++) {
        for (int iter = 0; iter < EIG_MAX_ITERATIONS; iter++) {
            uint32_t n = l;
            while (n + 1 < m && fabs(e[n]) > tol)
                n++;
            if (n == l)
                break;
            if (rot.len + n - l > rot.cap)
                eig_rotations_flush(&rot, zt, m);
            /* Wilkinson shift from the leading 2 × 2 block, then chase the bulge up from n */
            double g = (d[l + 1] - d[l]) / (2 * e[l]);
            double r = hypot(g, 1.0);
            g = d[n] - d[l] + e[l] / (g + copysign(r, g));
            double s = 1, c = 1, p = 0;
            bool underflow = false;
            for (uint32_t i = n; i-- > l;) {
                double f = s * e[i], b = c * e[i];
                r = hypot(f, g);
                e[i + 1] = r;
                if (r == 0) { /* recover from underflow: deflate here */
                    d[i + 1] -= p;
                    e[n] = 0;
                    underflow = true;
                    break;
                }
                s = f / r;
                c = g / r;
                g = d[i + 1] - p;
                r = (d[i] - g) * s + 2 * c * b;
                p = s * r;
                d[i + 1] = g + p;
                g = c * r - b;
                rot.log[rot.len++] = (EigRotation){i, c, s};
            }
            if (underflow)
                continue;
            d[l] -= p;
            e[l] = g;
            e[n] = 0;
        }
    }
    eig_rotations_flush(&rot, zt, m);
    free(rot.log);
}

/* ---- back-transformation -------------------------------------------------------------- */

/* Row vectors y (rows of (yr, yi), count of them, length m) ← P_0 ⋯ P_{m−3} y for the
 * complex reflectors in the rows of (ar, ai); blocks of vectors keep them in cache. */
static void eig_reflect_complex(const double *ar, const double *ai, const double *beta,
                                uint32_t m, double *yr_all, double *yi_all, uint32_t count)
{
    double sr[EIG_VECTOR_BLOCK], si[EIG_VECTOR_BLOCK];
    for (uint32_t j0 = 0; j0 < count; j0 += EIG_VECTOR_BLOCK) {
        uint32_t nb = count - j0 < EIG_VECTOR_BLOCK ? count - j0 : EIG_VECTOR_BLOCK;
        for (uint32_t k = m >= 3 ? m - 2 : 0; k-- > 0;) {
            if (beta[k] == 0)
                continue;
            const double *ur = ar + (size_t)k * m, *ui = ai + (size_t)k * m;
            for (uint32_t t = 0; t < nb; t++) {
                const double *yr = yr_all + (size_t)(j0 + t) * m;
                const double *yi = yi_all + (size_t)(j0 + t) * m;
                /* s = u† y, two partial sums for instruction-level parallelism */
                double a0 = 0, a1 = 0, b0 = 0, b1 = 0;
                uint32_t i = k + 1;
                for (; i + 1 < m; i += 2) {
                    a0 += ur[i] * yr[i] + ui[i] * yi[i];
                    b0 += ur[i] * yi[i] - ui[i] * yr[i];
                    a1 += ur[i + 1] * yr[i + 1] + ui[i + 1] * yi[i + 1];
                    b1 += ur[i + 1] * yi[i + 1] - ui[i + 1] * yr[i + 1];
                }
                for (; i < m; i++) {
                    a0 += ur[i] * yr[i] + ui[i] * yi[i];
                    b0 += ur[i] * yi[i] - ui[i] * yr[i];
                }
                sr[t] = beta[k] * (a0 + a1);
                si[t] = beta[k] * (b0 + b1);
            }
            for (uint32_t t = 0; t < nb; t++) {
                double *yr = yr_all + (size_t)(j0 + t) * m, *yi = yi_all + (size_t)(j0 + t) * m;
                double cr = sr[t], ci = si[t];
                for (uint32_t i = k + 1; i < m; i++) { /* y −= (β u†y) u */
                    yr[i] -= cr * ur[i] - ci * ui[i];
                    yi[i] -= cr * ui[i] + ci * ur[i];
                }
            }
        }
    }
}

/* The same for real reflectors (rows of a) on real row vectors y (count × m). */
static void eig_reflect_real(const double *a, const double *beta, uint32_t m, double *y_all,
                             uint32_t count)
{
    double sv[EIG_VECTOR_BLOCK];
    for (uint32_t j0 = 0; j0 < count; j0 += EIG_VECTOR_BLOCK) {
        uint32_t nb = count - j0 < EIG_VECTOR_BLOCK ? count - j0 : EIG_VECTOR_BLOCK;
        for (uint32_t k = m >= 3 ? m - 2 : 0; k-- > 0;) {
            if (beta[k] == 0)
                continue;
            const double *u = a + (size_t)k * m;
            for (uint32_t t = 0; t < nb; t++) {
                const double *y = y_all + (size_t)(j0 + t) * m;
                double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
                uint32_t i = k + 1;
                for (; i + 3 < m; i += 4) {
                    a0 += u[i] * y[i];
                    a1 += u[i + 1] * y[i + 1];
                    a2 += u[i + 2] * y[i + 2];
                    a3 += u[i + 3] * y[i + 3];
                }
                for (; i < m; i++)
                    a0 += u[i] * y[i];
                sv[t] = beta[k] * ((a0 + a1) + (a2 + a3));
            }
            for (uint32_t t = 0; t < nb; t++) {
                double *y = y_all + (size_t)(j0 + t) * m, c = sv[t];
                for (uint32_t i = k + 1; i < m; i++)
                    y[i] -= c * u[i];
            }
        }
    }
}

/* ---- one dense component ------------------------------------------------------------- */

/*
 * The eigenpairs of the m × m Hermitian (ar, ai) (destroyed): lambda[j] and the
 * eigenvector as row j of (vr, vi), the two halves of v (2 · m × m). A purely imaginary matrix (zero real part,
 * so ai is real antisymmetric) takes the real path.
 */
static void eig_dense(double *ar, double *ai, uint32_t m, double *lambda, double *v)
{
    double *vr = v, *vi = v + (size_t)m * m;
    bool imaginary = true;
    for (size_t k = 0; k < (size_t)m * m && imaginary; k++)
        imaginary = ar[k] == 0;
    double *d = lambda;
    double *er = eig_alloc(6 * (size_t)m, sizeof *er);
    double *ei = er + m, *beta = ei + m, *e = beta + m, *pr = e + m, *pi = pr + m;
    if (imaginary) { /* T = i·PAP: diagonal 0, T[k+1][k] = i·sub[k] */
        eig_tridiagonalise_antisymmetric(ai, m, ei, beta, pr);
        for (uint32_t k = 0; k < m; k++)
            d[k] = er[k] = 0;
    } else {
        eig_tridiagonalise(ar, ai, m, d, er, ei, beta, pr, pi);
    }

    /* stage 2: T = D S D†, D = diag(δ), δ_0 = 1, δ_{k+1} = δ_k · t_k/|t_k| */
    double *dr = pr, *di = pi;
    dr[0] = 1;
    di[0] = 0;
    for (uint32_t k = 0; k + 1 < m; k++) {
        double a = hypot(er[k], ei[k]);
        double cr = a > 0 ? er[k] / a : 1, ci = a > 0 ? ei[k] / a : 0;
        dr[k + 1] = dr[k] * cr - di[k] * ci;
        di[k + 1] = dr[k] * ci + di[k] * cr;
        e[k] = a;
    }
    e[m - 1] = 0;

    /* stage 3 in vr (as zt), then each eigenvector y = D z */
    memset(vr, 0, (size_t)m * m * sizeof *vr);
    for (uint32_t i = 0; i < m; i++)
        vr[(size_t)i * m + i] = 1;
    eig_tridiagonal_ql(d, e, m, vr);
    for (uint32_t j = 0; j < m; j++) {
        double *yr = vr + (size_t)j * m, *yi = vi + (size_t)j * m;
        for (uint32_t i = 0; i < m; i++) {
            double z = yr[i];
            yr[i] = dr[i] * z;
            yi[i] = di[i] * z;
        }
    }
    /* V = Q D Z, Q = P_0 ⋯ P_{m−3}: real reflectors act on the real and imaginary parts
     * alike (the 2m real rows of v) */
    if (imaginary)
        eig_reflect_real(ai, beta, m, vr, 2 * m);
    else
        eig_reflect_complex(ar, ai, beta, m, vr, vi, m);
    free(er);
}

/* ---- components of the nonzero pattern ------------------------------------------------ */

static uint32_t eig_find(uint32_t *parent, uint32_t i)
{
    while (parent[i] != i)
        i = parent[i] = parent[parent[i]];
    return i;
}

typedef struct EigPair {
    double lambda;
    uint32_t index; /* position in the solved order, a tie-break that keeps the sort stable */
} EigPair;

static int eig_pair_compare(const void *x, const void *y)
{
    const EigPair *a = x, *b = y;
    if (a->lambda != b->lambda)
        return a->lambda < b->lambda ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

void cg_herm_eig(double *a, uint32_t n, double *lambda, double *vecs)
{
    if (n == 0)
        return;
    uint32_t *parent = eig_alloc(3 * (size_t)n, sizeof *parent);
    uint32_t *order = parent + n, *start = order + n; /* members grouped by component */
    for (uint32_t i = 0; i < n; i++)
        parent[i] = i;
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = i + 1; j < n; j++) {
            const double *h = a + 2 * ((size_t)i * n + j);
            if (h[0] != 0 || h[1] != 0) {
                uint32_t ri = eig_find(parent, i), rj = eig_find(parent, j);
                if (ri != rj)
                    parent[ri < rj ? rj : ri] = ri < rj ? ri : rj;
            }
        }
    /* every node points at its root (the smallest member); then a counting sort by root */
    memset(start, 0, n * sizeof *start);
    for (uint32_t i = 0; i < n; i++)
        start[parent[i] = eig_find(parent, i)]++;
    uint32_t total = 0;
    for (uint32_t r = 0; r < n; r++) {
        uint32_t c = start[r];
        start[r] = total;
        total += c;
    }
    for (uint32_t i = 0; i < n; i++)
        order[start[parent[i]]++] = i;

    /* solve each component; its eigenvectors go to the output columns of its positions in
     * `order` (the solved order), to be sorted by eigenvalue at the end */
    double *values = eig_alloc(n, sizeof *values);
    EigPair *pairs = eig_alloc(n, sizeof *pairs);
    memset(vecs, 0, 2 * (size_t)n * n * sizeof *vecs);
    for (uint32_t first = 0; first < n;) {
        uint32_t root = parent[order[first]], m = 1;
        while (first + m < n && parent[order[first + m]] == root)
            m++;
        const uint32_t *idx = order + first;
        if (m == 1) {
            values[first] = a[2 * ((size_t)idx[0] * n + idx[0])];
            pairs[first] = (EigPair){values[first], first};
            vecs[2 * ((size_t)idx[0] * n + first)] = 1;
            first++;
            continue;
        }
        double *br = eig_alloc(4 * (size_t)m * m, sizeof *br);
        double *bi = br + (size_t)m * m, *vr = bi + (size_t)m * m, *vi = vr + (size_t)m * m;
        for (uint32_t i = 0; i < m; i++)
            for (uint32_t j = 0; j < m; j++) {
                /* the upper triangle, mirrored: exactly Hermitian whatever the lower holds */
                uint32_t r = i <= j ? idx[i] : idx[j], c = i <= j ? idx[j] : idx[i];
                const double *h = a + 2 * ((size_t)r * n + c);
                br[(size_t)i * m + j] = h[0];
                bi[(size_t)i * m + j] = i == j ? 0 : i < j ? h[1] : -h[1];
            }
        eig_dense(br, bi, m, values + first, vr);
        /* park the vectors in the output's columns first .. first+m−1 for now */
        for (uint32_t t = 0; t < m; t++) {
            pairs[first + t] = (EigPair){values[first + t], first + t};
            for (uint32_t i = 0; i < m; i++) {
                double *out = vecs + 2 * ((size_t)idx[i] * n + first + t);
                out[0] = vr[(size_t)t * m + i];
                out[1] = vi[(size_t)t * m + i];
            }
        }
        free(br);
        first += m;
    }
    /* the ascending order: permute the columns */
    qsort(pairs, n, sizeof *pairs, eig_pair_compare);
    double *row = eig_alloc(2 * (size_t)n, sizeof *row);
    for (uint32_t i = 0; i < n; i++) {
        double *v = vecs + 2 * (size_t)i * n;
        for (uint32_t j = 0; j < n; j++) {
            row[2 * j] = v[2 * pairs[j].index];
            row[2 * j + 1] = v[2 * pairs[j].index + 1];
        }
        memcpy(v, row, 2 * (size_t)n * sizeof *v);
    }
    for (uint32_t j = 0; j < n; j++)
        lambda[j] = pairs[j].lambda;
    free(row);
    free(values);
    free(pairs);
    free(parent);
}
