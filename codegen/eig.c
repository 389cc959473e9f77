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
 * vectors stay in cache while the reflectors stream.
 *
 * The dla method's matrices are all H = iA with A real antisymmetric, and that case has a
 * path of its own, about three times faster: real reflectors (P(iA)P = i·PAP), half the
 * matrix kept (PAP stays antisymmetric), and instead of QL on the size-m tridiagonal an
 * SVD of the size-m/2 bidiagonal it hides (eig_antisymmetric_tridiagonal), whose singular
 * vectors give the eigenvectors of +σ, those of −σ being their conjugates. Measured on
 * this project's two-core machine (CPU time, under load from other jobs): m = 200 in
 * 0.02 s, 724 in 0.6 s, 1500 in 6 s; a general complex matrix takes about three times as
 * long. Rotations are logged and applied in column blocks; eigenvectors are stored as rows
 * internally and transposed on output.
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
 * reduction. sub[k] = (PAP)[k+1][k]; reflectors stored as in eig_tridiagonalise. The
 * update of step k and the product of step k+1 share one pass over the trailing rows (each
 * row updated, then read for the next p at once), which halves the memory traffic. */

/* Turns row k's part right of the diagonal (x_j = A[j][k] = −A[k][j]) into the reflector
 * u in place: beta[k], sub[k]. False when x = 0 (no reflection). */
static bool eig_reflector(double *u, uint32_t k, uint32_t m, double *beta, double *sub)
{
    double sigma2 = 0;
    for (uint32_t j = k + 1; j < m; j++) {
        u[j] = -u[j];
        sigma2 += u[j] * u[j];
    }
    if (sigma2 == 0) {
        beta[k] = sub[k] = 0;
        return false;
    }
    double sigma = sqrt(sigma2), sign = u[k + 1] >= 0 ? 1 : -1;
    beta[k] = 1 / (sigma * (sigma + fabs(u[k + 1])));
    u[k + 1] += sign * sigma;
    sub[k] = -sign * sigma;
    return true;
}

/* Row j (its part right of the diagonal) += u_j·p − p_j·u when u != NULL; then, when
 * un != NULL, its contribution to pn = β A un: pn_j += β Σ_{i>j} A_ji un_i and
 * pn_i −= β un_j A_ji. */
static void eig_row_pass(double *row, uint32_t j, uint32_t m, const double *u, const double *p,
                         const double *un, double bn, double *pn)
{
    if (u) {
        double uj = u[j], pj = p[j];
        for (uint32_t i = j + 1; i < m; i++)
            row[i] += uj * p[i] - pj * u[i];
    }
    if (un) {
        double unj = bn * un[j], acc0 = 0, acc1 = 0;
        uint32_t i = j + 1;
        for (; i + 1 < m; i += 2) {
            acc0 += row[i] * un[i];
            acc1 += row[i + 1] * un[i + 1];
            pn[i] -= unj * row[i];
            pn[i + 1] -= unj * row[i + 1];
        }
        for (; i < m; i++) {
            acc0 += row[i] * un[i];
            pn[i] -= unj * row[i];
        }
        pn[j] += bn * (acc0 + acc1);
    }
}

static void eig_tridiagonalise_antisymmetric(double *a, uint32_t m, double *sub, double *beta,
                                             double *work)
{
    double *p = work, *pn = work + m; /* work holds 2m */
    const double *u = NULL;           /* the pending update (u, p), NULL: none */
    for (uint32_t k = 0; k + 2 < m; k++) {
        double *row = a + (size_t)k * m;
        if (u) /* row k first gets the pending update, then becomes the next reflector */
            eig_row_pass(row, k, m, u, p, NULL, 0, NULL);
        const double *un = eig_reflector(row, k, m, beta, sub) ? row : NULL;
        for (uint32_t j = k + 1; j < m; j++)
            pn[j] = 0;
        for (uint32_t j = k + 1; j < m; j++)
            eig_row_pass(a + (size_t)j * m, j, m, u, p, un, beta[k], pn);
        double *swap = p;
        p = pn;
        pn = swap;
        u = un;
    }
    if (m >= 2) {
        double *row = a + (size_t)(m - 2) * m;
        if (u)
            eig_row_pass(row, m - 2, m, u, p, NULL, 0, NULL);
        sub[m - 2] = -row[m - 1];
        beta[m - 2] = 0;
    }
}

/* ---- stage 3: implicit QL on a real symmetric tridiagonal ------------------------------ */

/* Plane rotations of the rows of a matrix z (width columns), logged: applying each at once
 * would stream all of z through the cache once per QR sweep; applied in batches, column
 * block by column block, a block of z stays in cache for the whole batch. A rotation (a, b,
 * c, s) is z_a ← c·z_a + s·z_b, z_b ← c·z_b − s·z_a. */
typedef struct EigRotation {
    uint32_t a, b;
    double c, s;
} EigRotation;

typedef struct EigRotations {
    EigRotation *log;
    size_t len, cap;
    double *z;
    uint32_t width;
} EigRotations;

enum { EIG_COLUMN_BLOCK = 64 };

static void eig_rotations_init(EigRotations *r, double *z, uint32_t rows, uint32_t width)
{
    r->cap = 16 * (size_t)rows + 16;
    r->log = eig_alloc(r->cap, sizeof *r->log);
    r->len = 0;
    r->z = z;
    r->width = width;
}

static void eig_rotations_flush(EigRotations *r)
{
    uint32_t m = r->width;
    for (uint32_t k0 = 0; k0 < m; k0 += EIG_COLUMN_BLOCK) {
        uint32_t k1 = m - k0 < EIG_COLUMN_BLOCK ? m : k0 + EIG_COLUMN_BLOCK;
        for (size_t t = 0; t < r->len; t++) {
            const EigRotation *g = &r->log[t];
            double *za = r->z + (size_t)g->a * m, *zb = r->z + (size_t)g->b * m;
            double c = g->c, s = g->s;
            for (uint32_t k = k0; k < k1; k++) {
                double x = za[k];
                za[k] = c * x + s * zb[k];
                zb[k] = c * zb[k] - s * x;
            }
        }
    }
    r->len = 0;
}

static void eig_rotate(EigRotations *r, uint32_t a, uint32_t b, double c, double s)
{
    if (r->len == r->cap)
        eig_rotations_flush(r);
    r->log[r->len++] = (EigRotation){a, b, c, s};
}

static void eig_rotations_free(EigRotations *r)
{
    eig_rotations_flush(r);
    free(r->log);
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
    EigRotations rot;
    eig_rotations_init(&rot, zt, m, m);
    for (uint32_t l = 0; l < m; l++) {
        for (int iter = 0; iter < EIG_MAX_ITERATIONS; iter++) {
            uint32_t n = l;
            while (n + 1 < m && fabs(e[n]) > tol)
                n++;
            if (n == l)
                break;
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
                eig_rotate(&rot, i + 1, i, c, s);
            }
            if (underflow)
                continue;
            d[l] -= p;
            e[l] = g;
            e[n] = 0;
        }
    }
    eig_rotations_free(&rot);
}

/* ---- the real antisymmetric case: a bidiagonal SVD of half the size -------------------- */

/*
 * The SVD of the k × k upper bidiagonal B (diagonal w, rv[j] the coupling of j−1 and j,
 * rv[0] = 0) by implicit shifted QR (Golub–Kahan–Reinsch, after EISPACK's svd and Numerical
 * Recipes' svdcmp): on return w ≥ 0 and B = L diag(w) Rᵀ, the rotations of L applied to
 * the rows of left->z and those of R to the rows of right->z. A negligible diagonal entry
 * is chased out first (the superdiagonal next to it cancelled by rotations from the left),
 * so no shift divides by it; "negligible" is below ε·‖B‖, an absolute test again.
 */
static void eig_bidiagonal_svd(double *w, double *rv, uint32_t k, EigRotations *left,
                               EigRotations *right)
{
    double norm = 0;
    for (uint32_t j = 0; j < k; j++)
        norm = fmax(norm, fabs(w[j]) + fabs(rv[j]));
    double tol = DBL_EPSILON * norm;
    uint8_t *flip = eig_alloc(k, sizeof *flip);
    for (uint32_t kk = k; kk-- > 0;) {
        for (int its = 0; its < 2 * EIG_MAX_ITERATIONS; its++) {
            bool cancel = true;
            uint32_t l = kk;
            for (;; l--) { /* the unreduced block [l, kk] */
                if (l == 0 || fabs(rv[l]) <= tol) {
                    cancel = false;
                    break;
                }
                if (fabs(w[l - 1]) <= tol)
                    break;
            }
            if (cancel) { /* w[l−1] ≈ 0: rotate row l−1 against rows l … kk */
                double c = 0, s = 1;
                for (uint32_t i = l; i <= kk; i++) {
                    double f = s * rv[i];
                    rv[i] = c * rv[i];
                    if (fabs(f) <= tol)
                        break;
                    double g = w[i], h = hypot(f, g);
                    w[i] = h;
                    c = g / h;
                    s = -f / h;
                    eig_rotate(left, l - 1, i, c, s);
                }
            }
            double z = w[kk];
            if (l == kk) { /* converged: w[kk] ≥ 0 */
                if (z < 0) {
                    w[kk] = -z;
                    flip[kk] = 1; /* row kk of right is not rotated again */
                }
                break;
            }
            /* shift from the trailing 2 × 2 block, then one QR sweep over [l, kk] */
            double x = w[l], y = w[kk - 1], g = rv[kk - 1], h = rv[kk];
            double f = ((y - z) * (y + z) + (g - h) * (g + h)) / (2 * h * y);
            g = hypot(f, 1.0);
            f = ((x - z) * (x + z) + h * ((y / (f + copysign(g, f))) - h)) / x;
            double c = 1, s = 1;
            for (uint32_t j = l; j < kk; j++) {
                uint32_t i = j + 1;
                g = rv[i];
                y = w[i];
                h = s * g;
                g = c * g;
                z = hypot(f, h);
                rv[j] = z;
                c = f / z;
                s = h / z;
                f = x * c + g * s;
                g = g * c - x * s;
                h = y * s;
                y *= c;
                eig_rotate(right, j, i, c, s);
                z = hypot(f, h);
                w[j] = z;
                if (z != 0) {
                    c = f / z;
                    s = h / z;
                }
                f = c * g + s * y;
                x = c * y - s * g;
                eig_rotate(left, j, i, c, s);
            }
            rv[l] = 0;
            rv[kk] = f;
            w[kk] = x;
        }
    }
    eig_rotations_flush(right);
    for (uint32_t j = 0; j < k; j++)
        if (flip[j])
            for (uint32_t t = 0; t < right->width; t++)
                right->z[(size_t)j * right->width + t] *= -1;
    free(flip);
}

/*
 * The eigenpairs of H = iA from T = QᵀAQ, T antisymmetric tridiagonal with T[p+1][p] =
 * sub[p]. T couples even indices only to odd ones: with C = T[even][odd] (C[i][i] =
 * −sub[2i], C[i][i−1] = sub[2i−1]), for each singular triple C v = σu, Cᵀu = σv,
 *     T (u, ∓i v) = ∓iσ (u, ∓i v),   so   H·Q(u, −iv)/√2 = +σ·Q(u, −iv)/√2
 * and its complex conjugate has −σ; for odd m, Cᵀ's null vector u0 gives Q(u0, 0) with 0.
 * Cᵀ is upper bidiagonal (k × ⌈m/2⌉, k = ⌊m/2⌋; for odd m its extra column is rotated
 * away first), so this is an SVD of size m/2 — a quarter of the QL work of the size-m
 * tridiagonal — and only m real vectors go through the reflectors, not 2m. Writes
 * lambda[t] and rows (yr[t], yi[t]) in T's coordinates, t < m: +σ_j at t = j, −σ_j at
 * t = k + j, 0 at t = 2k.
 */
static void eig_antisymmetric_tridiagonal(const double *sub, uint32_t m, double *lambda, double *y)
{
    uint32_t k = m / 2, ne = m - k;
    double *w = eig_alloc(2 * (size_t)ne, sizeof *w), *rv = w + ne;
    for (uint32_t j = 0; j < k; j++) {
        w[j] = -sub[2 * j];
        rv[j] = j ? sub[2 * j - 1] : 0;
    }
    double *left = eig_alloc((size_t)k * k + 1, sizeof *left);    /* odd-index vectors */
    double *right = eig_alloc((size_t)ne * ne, sizeof *right);    /* even-index vectors */
    for (uint32_t j = 0; j < k; j++)
        left[(size_t)j * k + j] = 1;
    for (uint32_t j = 0; j < ne; j++)
        right[(size_t)j * ne + j] = 1;
    EigRotations lr, rr;
    eig_rotations_init(&lr, left, k, k);
    eig_rotations_init(&rr, right, ne, ne);
    if (ne > k && k > 0) { /* rotate column k (entry sub[2k−1] in row k−1) into the others */
        double b = sub[2 * k - 1];
        for (uint32_t j = k; j-- > 0 && b != 0;) {
            double r = hypot(w[j], b), c = w[j] / r, s = b / r;
            w[j] = r;
            b = -s * rv[j]; /* rv[0] = 0 ends it */
            rv[j] *= c;
            eig_rotate(&rr, j, k, c, s);
        }
    }
    eig_bidiagonal_svd(w, rv, k, &lr, &rr);
    eig_rotations_free(&lr);
    eig_rotations_free(&rr);
    /* y rows: Re then Im parts in T's coordinates (scaled by 1/√2 at the end) */
    memset(y, 0, (size_t)m * m * sizeof *y);
    for (uint32_t j = 0; j < k; j++) {
        double *re = y + (size_t)j * m, *im = y + (size_t)(k + j) * m;
        for (uint32_t p = 0; p < ne; p++)
            re[2 * p] = right[(size_t)j * ne + p];
        for (uint32_t p = 0; p < k; p++)
            im[2 * p + 1] = -left[(size_t)j * k + p];
        lambda[j] = w[j];
        lambda[k + j] = -w[j];
    }
    if (ne > k) {
        for (uint32_t p = 0; p < ne; p++)
            y[(size_t)(2 * k) * m + 2 * p] = right[(size_t)k * ne + p];
        lambda[2 * k] = 0;
    }
    free(left);
    free(right);
    free(w);
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

/* The same for real reflectors (rows of a) on real row vectors y (count × m), a block of
 * EIG_REFLECTOR_BLOCK reflectors at a time: P_k0 ⋯ P_k1−1 = I − U T Uᵀ (LAPACK's compact
 * WY form, T upper triangular), so that each block is two matrix products,
 * Y ← Y − ((Y U) Tᵀ) Uᵀ, instead of a dot product and an axpy per vector and reflector. */
enum { EIG_REFLECTOR_BLOCK = 32 };

static void eig_reflect_real(const double *a, const double *beta, uint32_t m, double *y,
                             uint32_t count)
{
    if (m < 3 || count == 0)
        return;
    uint32_t nref = m - 2, nb = EIG_REFLECTOR_BLOCK;
    double *ut = eig_alloc((size_t)nb * m, sizeof *ut), *t = eig_alloc((size_t)nb * nb, sizeof *t);
    double *w = eig_alloc(2 * (size_t)count * nb, sizeof *w), *w2 = w + (size_t)count * nb;
    double v[EIG_REFLECTOR_BLOCK];
    for (uint32_t k0 = (nref - 1) / nb * nb;; k0 -= nb) { /* the last block first */
        uint32_t k1 = nref - k0 < nb ? nref : k0 + nb, nbk = k1 - k0, len = m - k0 - 1;
        for (uint32_t j = 0; j < nbk; j++) { /* U's columns over indices k0+1 …, as rows */
            uint32_t kk = k0 + j;
            double *row = ut + (size_t)j * len;
            for (uint32_t i = 0; i < len; i++)
                row[i] = k0 + 1 + i > kk && beta[kk] != 0 ? a[(size_t)kk * m + k0 + 1 + i] : 0;
        }
        for (uint32_t i = 0; i < nbk; i++) { /* T, column by column (dlarft, forward) */
            double tau = beta[k0 + i];
            const double *ui = ut + (size_t)i * len;
            for (uint32_t j = 0; j < i; j++) {
                const double *uj = ut + (size_t)j * len;
                double s = 0;
                for (uint32_t p = 0; p < len; p++)
                    s += uj[p] * ui[p];
                v[j] = -tau * s;
            }
            for (uint32_t r = 0; r < i; r++) {
                double s = 0;
                for (uint32_t j = r; j < i; j++)
                    s += t[(size_t)r * nb + j] * v[j];
                t[(size_t)r * nb + i] = s;
            }
            t[(size_t)i * nb + i] = tau;
            for (uint32_t r = i + 1; r < nbk; r++)
                t[(size_t)r * nb + i] = 0;
        }
        memset(w, 0, (size_t)count * nbk * sizeof *w);
        cg_gemm(count, nbk, len, 1, y + k0 + 1, m, 1, ut, 1, len, w, nbk, 1); /* W = Y U */
        for (uint32_t r = 0; r < count; r++) /* W2 = W Tᵀ */
            for (uint32_t i = 0; i < nbk; i++) {
                double s = 0;
                for (uint32_t j = i; j < nbk; j++)
                    s += w[(size_t)r * nbk + j] * t[(size_t)i * nb + j];
                w2[(size_t)r * nbk + i] = s;
            }
        cg_gemm(count, len, nbk, -1, w2, nbk, 1, ut, len, 1, y + k0 + 1, m, 1); /* Y −= W2 Uᵀ */
        if (k0 == 0)
            break;
    }
    free(ut);
    free(t);
    free(w);
}

/* ---- one dense component ------------------------------------------------------------- */

/*
 * The eigenpairs of the m × m Hermitian (ar, ai) (destroyed): lambda[j] and the
 * eigenvector as row j of (vr, vi), the two halves of v (2 · m × m). A purely imaginary
 * matrix (zero real part, so ai is real antisymmetric) takes the real path.
 */
static void eig_dense(double *ar, double *ai, uint32_t m, double *lambda, double *v)
{
    double *vr = v, *vi = v + (size_t)m * m;
    bool imaginary = true;
    for (size_t k = 0; k < (size_t)m * m && imaginary; k++)
        imaginary = ar[k] == 0;
    double *er = eig_alloc(7 * (size_t)m, sizeof *er);
    double *ei = er + m, *beta = ei + m, *e = beta + m, *pr = e + m, *pi = pr + m;
    if (imaginary) {
        /* T = PAP, the rows of y (in vr) its vectors' real and imaginary parts, then Q·y */
        eig_tridiagonalise_antisymmetric(ai, m, ei, beta, pr);
        eig_antisymmetric_tridiagonal(ei, m, lambda, vr);
        eig_reflect_real(ai, beta, m, vr, m);
        uint32_t k = m / 2;
        for (uint32_t j = 0; j < k; j++) { /* +σ: (re + i·im)/√2; −σ: its conjugate */
            double *re = vr + (size_t)j * m, *im = vr + (size_t)(k + j) * m;
            double *ip = vi + (size_t)j * m, *in = vi + (size_t)(k + j) * m;
            for (uint32_t p = 0; p < m; p++) {
                double x = re[p] * ANS_SQRT1_2, z = im[p] * ANS_SQRT1_2;
                re[p] = im[p] = x;
                ip[p] = z;
                in[p] = -z;
            }
        }
        if (m % 2)
            memset(vi + (size_t)(2 * k) * m, 0, m * sizeof *vi);
        free(er);
        return;
    }
    double *d = lambda;
    eig_tridiagonalise(ar, ai, m, d, er, ei, beta, pr, pi);

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

    /* stage 3 in vr (as zt), then each eigenvector y = D z, then V = Q y */
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

uint32_t cg_antisym_eig(const double *a, uint32_t n, double *lambda, double *w)
{
    if (n == 0)
        return 0;
    double *h = eig_alloc(2 * (size_t)n * n, sizeof *h);
    for (size_t k = 0; k < (size_t)n * n; k++) { /* H = iA */
        h[2 * k] = 0;
        h[2 * k + 1] = a[k];
    }
    cg_herm_eig(h, n, lambda, w);
    free(h);
    double top = fmax(fabs(lambda[0]), fabs(lambda[n - 1]));
    uint32_t first = n;
    while (first > 0 && lambda[first - 1] > 1e-12 * top)
        first--;
    uint32_t r = n - first;
    memmove(lambda, lambda + first, r * sizeof *lambda);
    /* the last r columns, row by row to the front: row i moves to 2·i·r <= 2·(i·n + first) */
    for (uint32_t i = 0; i < n; i++)
        memmove(w + 2 * (size_t)i * r, w + 2 * ((size_t)i * n + first), 2 * (size_t)r * sizeof *w);
    return r;
}
