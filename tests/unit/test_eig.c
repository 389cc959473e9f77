/*
 * test_eig.c — the Hermitian eigensolver (codegen/eig.c).
 *
 * A decomposition is right when the columns of V are orthonormal (‖V†V − I‖ small), each
 * is an eigenvector (‖HV − VΛ‖ small relative to ‖H‖) and λ ascends; those three facts
 * are checked on every matrix, by plain matrix products written here. Where the spectrum is
 * known independently it is compared too: H = V₀ diag(λ₀) V₀† for a random unitary V₀
 * (Gram–Schmidt of a random complex matrix) with chosen, often repeated, eigenvalues;
 * diagonal matrices; the 2 × 2 blocks of a one-string generator; iA for real
 * antisymmetric A, whose spectrum is symmetric about 0. Random matrices come from a
 * fixed-seed xorshift, so a failure reproduces.
 */
#include "codegen/codegen.h"

#include <complex.h>
#include "testing.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Uniform in [-1, 1) from the shared xorshift64. */
static double rng_real(uint64_t *s)
{
    return (double)(test_xorshift_next(s) >> 11) * 0x1p-52 - 1.0;
}

typedef double complex cplx;

static cplx at(const double *m, uint32_t n, uint32_t i, uint32_t j)
{
    return m[2 * ((size_t)i * n + j)] + I * m[2 * ((size_t)i * n + j) + 1];
}

static void put(double *m, uint32_t n, uint32_t i, uint32_t j, cplx v)
{
    m[2 * ((size_t)i * n + j)] = creal(v);
    m[2 * ((size_t)i * n + j) + 1] = cimag(v);
}

/* Max |entry| of H. */
static double max_abs(const double *h, uint32_t n)
{
    double r = 0;
    for (size_t k = 0; k < (size_t)n * n; k++)
        r = fmax(r, cabs(h[2 * k] + I * h[2 * k + 1]));
    return r;
}

/* Decomposes a copy of h and checks the three facts; returns lambda (malloc'd) and, if
 * asked, the vectors. */
static double *check_decomposition(const double *h, uint32_t n, double tol, double **vecs_out)
{
    double *a = malloc(2 * (size_t)n * n * sizeof *a);
    double *v = malloc(2 * (size_t)n * n * sizeof *v);
    double *lambda = malloc((n ? n : 1) * sizeof *lambda);
    memcpy(a, h, 2 * (size_t)n * n * sizeof *a);
    cg_herm_eig(a, n, lambda, v);
    double scale = fmax(max_abs(h, n), 1e-300);
    double worst_res = 0, worst_orth = 0;
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < n; j++) {
            cplx hv = 0, vv = 0;
            for (uint32_t k = 0; k < n; k++) {
                hv += at(h, n, i, k) * at(v, n, k, j);
                vv += conj(at(v, n, k, i)) * at(v, n, k, j);
            }
            worst_res = fmax(worst_res, cabs(hv - at(v, n, i, j) * lambda[j]) / scale);
            worst_orth = fmax(worst_orth, cabs(vv - (i == j ? 1 : 0)));
        }
    cr_expect_leq(worst_res, tol, "n = %u: ‖HV − VΛ‖/‖H‖ = %g", n, worst_res);
    cr_expect_leq(worst_orth, tol, "n = %u: ‖V†V − I‖ = %g", n, worst_orth);
    for (uint32_t j = 1; j < n; j++)
        cr_expect_leq(lambda[j - 1], lambda[j], "n = %u: λ not ascending at %u", n, j);
    free(a);
    if (vecs_out)
        *vecs_out = v;
    else
        free(v);
    return lambda;
}

static double *random_hermitian(uint32_t n, uint64_t *rng)
{
    double *h = calloc(2 * (size_t)n * n + 2, sizeof *h);
    for (uint32_t i = 0; i < n; i++) {
        put(h, n, i, i, rng_real(rng));
        for (uint32_t j = i + 1; j < n; j++) {
            cplx z = rng_real(rng) + I * rng_real(rng);
            put(h, n, i, j, z);
            put(h, n, j, i, conj(z));
        }
    }
    return h;
}

/* A random unitary: modified Gram–Schmidt (twice) on the columns of a random matrix. */
static cplx *random_unitary(uint32_t n, uint64_t *rng)
{
    cplx *u = malloc((size_t)n * n * sizeof *u);
    for (size_t k = 0; k < (size_t)n * n; k++)
        u[k] = rng_real(rng) + I * rng_real(rng);
    for (uint32_t j = 0; j < n; j++)
        for (int pass = 0; pass < 2; pass++) {
            for (uint32_t p = 0; p < j; p++) {
                cplx d = 0;
                for (uint32_t i = 0; i < n; i++)
                    d += conj(u[(size_t)i * n + p]) * u[(size_t)i * n + j];
                for (uint32_t i = 0; i < n; i++)
                    u[(size_t)i * n + j] -= d * u[(size_t)i * n + p];
            }
            double norm = 0;
            for (uint32_t i = 0; i < n; i++)
                norm += creal(u[(size_t)i * n + j] * conj(u[(size_t)i * n + j]));
            for (uint32_t i = 0; i < n; i++)
                u[(size_t)i * n + j] /= sqrt(norm);
        }
    return u;
}

/* H = V₀ diag(λ₀) V₀† for a random unitary V₀. */
static double *with_spectrum(const double *lambda0, uint32_t n, uint64_t *rng)
{
    cplx *u = random_unitary(n, rng);
    double *h = calloc(2 * (size_t)n * n, sizeof *h);
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < n; j++) {
            cplx s = 0;
            for (uint32_t k = 0; k < n; k++)
                s += u[(size_t)i * n + k] * lambda0[k] * conj(u[(size_t)j * n + k]);
            put(h, n, i, j, s);
        }
    free(u);
    return h;
}

static int compare_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static void expect_spectrum(const double *lambda, const double *expected, uint32_t n, double tol)
{
    double *sorted = malloc(n * sizeof *sorted);
    memcpy(sorted, expected, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, compare_double);
    for (uint32_t j = 0; j < n; j++)
        cr_expect(fabs(lambda[j] - sorted[j]) <= tol, "λ[%u] = %.17g, expected %.17g", j,
                  lambda[j], sorted[j]);
    free(sorted);
}

Test(eig, random_hermitian_matrices)
{
    uint64_t rng = 0x9E3779B97F4A7C15ull;
    const uint32_t sizes[] = {2, 3, 4, 5, 8, 17, 33, 64, 101};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        double *h = random_hermitian(sizes[s], &rng);
        double *lambda = check_decomposition(h, sizes[s], 1e-13 * sizes[s], NULL);
        /* the trace is the sum of the eigenvalues, the Frobenius norm their 2-norm */
        double tr = 0, sum = 0, fro = 0, sq = 0;
        for (uint32_t i = 0; i < sizes[s]; i++) {
            tr += creal(at(h, sizes[s], i, i));
            sum += lambda[i];
            sq += lambda[i] * lambda[i];
            for (uint32_t j = 0; j < sizes[s]; j++)
                fro += pow(cabs(at(h, sizes[s], i, j)), 2);
        }
        cr_expect(fabs(tr - sum) < 1e-12 * sizes[s]);
        cr_expect(fabs(fro - sq) < 1e-11 * fro);
        free(lambda);
        free(h);
    }
}

Test(eig, known_spectra_with_repeated_eigenvalues)
{
    uint64_t rng = 12345;
    const uint32_t sizes[] = {3, 6, 20, 57};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        uint32_t n = sizes[s];
        double *lambda0 = malloc(n * sizeof *lambda0);
        for (uint32_t k = 0; k < n; k++) /* values −2 … 2 in steps of 1/2, each repeated */
            lambda0[k] = (double)((int)(k % 9) - 4) / 2;
        double *h = with_spectrum(lambda0, n, &rng);
        double *lambda = check_decomposition(h, n, 1e-13 * n, NULL);
        expect_spectrum(lambda, lambda0, n, 1e-13 * n);
        free(lambda);
        free(h);
        free(lambda0);
    }
}

Test(eig, distinct_known_spectrum_eigenvectors_match)
{
    /* distinct eigenvalues: each column is V₀'s column up to a phase */
    uint64_t rng = 777;
    uint32_t n = 12;
    double lambda0[12];
    for (uint32_t k = 0; k < n; k++)
        lambda0[k] = 3.0 - 0.5 * k + 0.01 * k * k; /* descending, distinct */
    uint64_t copy = rng;
    cplx *u = random_unitary(n, &copy);
    double *h = with_spectrum(lambda0, n, &rng);
    double *v;
    double *lambda = check_decomposition(h, n, 1e-13 * n, &v);
    expect_spectrum(lambda, lambda0, n, 1e-13);
    for (uint32_t j = 0; j < n; j++) {
        uint32_t k = n - 1 - j; /* λ₀ descends */
        cplx overlap = 0;
        for (uint32_t i = 0; i < n; i++)
            overlap += conj(u[(size_t)i * n + k]) * at(v, n, i, j);
        cr_expect(fabs(cabs(overlap) - 1) < 1e-12, "column %u: |<v0, v>| = %.17g", j,
                  cabs(overlap));
    }
    free(u);
    free(v);
    free(lambda);
    free(h);
}

Test(eig, one_by_one_and_empty)
{
    double h[2] = {-2.5, 0.0}, lambda[1], v[2];
    cg_herm_eig(h, 1, lambda, v);
    cr_expect_eq(lambda[0], -2.5);
    cr_expect_eq(v[0], 1.0);
    cr_expect_eq(v[1], 0.0);
    cg_herm_eig(NULL, 0, NULL, NULL); /* nothing to do, nothing touched */
}

Test(eig, diagonal_matrix_gives_a_permutation)
{
    uint32_t n = 7;
    const double diag[] = {3, -1, 0, 2, -1, 5, 0.25};
    double *h = calloc(2 * (size_t)n * n, sizeof *h);
    for (uint32_t i = 0; i < n; i++)
        put(h, n, i, i, diag[i]);
    double *v;
    double *lambda = check_decomposition(h, n, 1e-15, &v);
    expect_spectrum(lambda, diag, n, 0);
    for (uint32_t j = 0; j < n; j++) { /* each column is a unit vector at a matching entry */
        uint32_t nonzero = 0;
        for (uint32_t i = 0; i < n; i++)
            if (cabs(at(v, n, i, j)) != 0) {
                nonzero++;
                cr_expect_eq(diag[i], lambda[j]);
                cr_expect_eq(cabs(at(v, n, i, j)), 1.0);
            }
        cr_expect_eq(nonzero, 1);
    }
    free(v);
    free(lambda);
    free(h);
}

Test(eig, imaginary_antisymmetric_matrices)
{
    /* H = iA, A real antisymmetric: the spectrum is symmetric about 0, and zero for odd n */
    uint64_t rng = 4242;
    const uint32_t sizes[] = {2, 3, 6, 15, 40, 81};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        uint32_t n = sizes[s];
        double *h = calloc(2 * (size_t)n * n, sizeof *h);
        for (uint32_t i = 0; i < n; i++)
            for (uint32_t j = i + 1; j < n; j++) {
                double x = rng_real(&rng);
                put(h, n, i, j, I * x);
                put(h, n, j, i, -I * x);
            }
        double *lambda = check_decomposition(h, n, 1e-13 * n, NULL);
        for (uint32_t j = 0; j < n; j++)
            cr_expect(fabs(lambda[j] + lambda[n - 1 - j]) < 1e-12 * n,
                      "n = %u: λ[%u] = %g, λ[%u] = %g", n, j, lambda[j], n - 1 - j,
                      lambda[n - 1 - j]);
        if (n % 2)
            cr_expect(fabs(lambda[n / 2]) < 1e-12 * n);
        free(lambda);
        free(h);
    }
}

Test(eig, imaginary_tridiagonal_with_zero_diagonal)
{
    /* i times the path graph's antisymmetric adjacency: eigenvalues 2cos(πk/(n+1)), the
     * case where a relative deflation test never fires */
    for (uint32_t n = 2; n <= 30; n += 7) {
        double *h = calloc(2 * (size_t)n * n, sizeof *h);
        double *expected = malloc(n * sizeof *expected);
        for (uint32_t i = 0; i + 1 < n; i++) {
            put(h, n, i, i + 1, I);
            put(h, n, i + 1, i, -I);
        }
        for (uint32_t k = 1; k <= n; k++)
            expected[k - 1] = 2 * cos(ANS_PI * k / (n + 1));
        double *lambda = check_decomposition(h, n, 1e-14 * n, NULL);
        expect_spectrum(lambda, expected, n, 1e-14 * n);
        free(expected);
        free(lambda);
        free(h);
    }
}

Test(eig, imaginary_ring_with_a_symmetric_spectrum)
{
    /* i(P − Pᵀ) for the cyclic shift P: eigenvalues −2 sin(2πk/m), mostly in pairs, and a
     * tridiagonal form that splits (the ring's reflection symmetry) */
    for (uint32_t m = 3; m <= 14; m++) {
        double *h = calloc(2 * (size_t)m * m, sizeof *h);
        double *expected = malloc(m * sizeof *expected);
        for (uint32_t i = 0; i < m; i++) {
            put(h, m, i, (i + 1) % m, I);
            put(h, m, (i + 1) % m, i, -I);
            expected[i] = -2 * sin(2 * ANS_PI * i / m);
        }
        double *lambda = check_decomposition(h, m, 1e-14 * m, NULL);
        expect_spectrum(lambda, expected, m, 1e-14 * m);
        free(expected);
        free(lambda);
        free(h);
    }
}

Test(eig, imaginary_low_rank_has_a_large_null_space)
{
    /* A = B − Bᵀ with B of rank 2: rank(A) <= 4, so at least n − 4 zero eigenvalues */
    uint64_t rng = 31;
    const uint32_t sizes[] = {5, 8, 13, 30};
    for (size_t t = 0; t < sizeof sizes / sizeof *sizes; t++) {
        uint32_t n = sizes[t];
        double x[2][30], y[2][30];
        for (int r = 0; r < 2; r++)
            for (uint32_t i = 0; i < n; i++) {
                x[r][i] = rng_real(&rng);
                y[r][i] = rng_real(&rng);
            }
        double *h = calloc(2 * (size_t)n * n, sizeof *h);
        for (uint32_t i = 0; i < n; i++)
            for (uint32_t j = 0; j < n; j++) {
                double b = 0;
                for (int r = 0; r < 2; r++)
                    b += x[r][i] * y[r][j] - x[r][j] * y[r][i];
                put(h, n, i, j, I * b);
            }
        double *lambda = check_decomposition(h, n, 1e-13 * n, NULL);
        uint32_t zeros = 0;
        for (uint32_t j = 0; j < n; j++)
            zeros += fabs(lambda[j]) < 1e-12 * n;
        cr_expect_geq(zeros, n - 4, "n = %u: %u zero eigenvalues", n, zeros);
        free(lambda);
        free(h);
    }
}

Test(eig, disjoint_blocks_of_a_one_string_generator)
{
    /* pairs (i, π(i)) coupled by ±2i, some rows left alone: eigenvalues ±2 and 0, and each
     * eigenvector stays on its block */
    uint32_t n = 11;
    const uint32_t pa[] = {0, 3, 5, 9}, pb[] = {7, 4, 10, 1};
    double *h = calloc(2 * (size_t)n * n, sizeof *h);
    double expected[11] = {0};
    for (uint32_t k = 0; k < 4; k++) {
        double sign = k % 2 ? -1 : 1;
        put(h, n, pa[k], pb[k], 2 * I * sign);
        put(h, n, pb[k], pa[k], -2 * I * sign);
        expected[2 * k] = 2;
        expected[2 * k + 1] = -2;
    }
    double *v;
    double *lambda = check_decomposition(h, n, 1e-15, &v);
    expect_spectrum(lambda, expected, n, 1e-15);
    for (uint32_t j = 0; j < n; j++) {
        uint32_t support = 0;
        for (uint32_t i = 0; i < n; i++)
            support += cabs(at(v, n, i, j)) != 0;
        cr_expect(support == (lambda[j] == 0 ? 1u : 2u), "column %u has %u entries", j, support);
    }
    free(v);
    free(lambda);
    free(h);
}

Test(eig, zero_and_scalar_matrices)
{
    uint32_t n = 5;
    double *h = calloc(2 * (size_t)n * n, sizeof *h);
    double *lambda = check_decomposition(h, n, 0, NULL);
    for (uint32_t j = 0; j < n; j++)
        cr_expect_eq(lambda[j], 0.0);
    free(lambda);
    /* c·I + a rank-one term: n − 1 eigenvalues c, one c + ‖x‖² */
    uint64_t rng = 99;
    cplx x[5];
    double norm2 = 0;
    for (uint32_t i = 0; i < n; i++) {
        x[i] = rng_real(&rng) + I * rng_real(&rng);
        norm2 += creal(x[i] * conj(x[i]));
    }
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < n; j++)
            put(h, n, i, j, (i == j ? 1.5 : 0) + x[i] * conj(x[j]));
    double expected[5] = {1.5, 1.5, 1.5, 1.5, 1.5 + norm2};
    lambda = check_decomposition(h, n, 1e-14, NULL);
    expect_spectrum(lambda, expected, n, 1e-14);
    free(lambda);
    free(h);
}

Test(eig, large_matrices_stay_accurate)
{
    uint64_t rng = 2024;
    for (uint32_t n = 199; n <= 200; n++) { /* odd and even: the real path's two shapes */
        double *h = random_hermitian(n, &rng);
        double *lambda = check_decomposition(h, n, 1e-13 * 20, NULL);
        free(lambda);
        for (uint32_t i = 0; i < n; i++) /* the imaginary part alone: iA */
            for (uint32_t j = 0; j < n; j++)
                h[2 * ((size_t)i * n + j)] = 0;
        lambda = check_decomposition(h, n, 1e-13 * 20, NULL);
        for (uint32_t j = 0; j < n; j++)
            cr_expect(fabs(lambda[j] + lambda[n - 1 - j]) < 1e-12 * n);
        free(lambda);
        free(h);
    }
}

/* cg_antisym_eig on A = Σ_{r<k} (x_r y_rᵀ − y_r x_rᵀ) of rank 2k: exactly k positive
 * eigenvalues kept, orthonormal columns, and A rebuilt as 2 Re Σ_j (−iλ_j) w_j w_j†. */
Test(eig, antisymmetric_positive_half_rebuilds_the_matrix)
{
    uint64_t rng = 4242;
    const uint32_t sizes[] = {1, 2, 6, 11, 40};
    for (size_t t = 0; t < sizeof sizes / sizeof *sizes; t++)
        for (uint32_t k = 0; 2 * k <= sizes[t]; k += 1 + sizes[t] / 7) {
            uint32_t n = sizes[t];
            double *x = malloc(2 * (size_t)k * n * sizeof *x + 1), *y = x + (size_t)k * n;
            for (size_t i = 0; i < 2 * (size_t)k * n; i++)
                x[i] = rng_real(&rng);
            double *a = calloc((size_t)n * n, sizeof *a);
            for (uint32_t i = 0; i < n; i++)
                for (uint32_t j = 0; j < n; j++)
                    for (uint32_t r = 0; r < k; r++)
                        a[(size_t)i * n + j] += x[r * n + i] * y[r * n + j] - y[r * n + i] * x[r * n + j];
            double *w = malloc((2 * (size_t)n * n + 1) * sizeof *w), *lambda = malloc(n * sizeof *lambda);
            uint32_t kept = cg_antisym_eig(a, n, lambda, w);
            cr_expect_eq(kept, k, "n = %u: %u kept, rank 2·%u", n, kept, k);
            for (uint32_t j = 0; j < kept; j++)
                cr_expect(lambda[j] > 0 && (j == 0 || lambda[j] >= lambda[j - 1]), "n = %u: λ%u = %g", n, j,
                          lambda[j]);
            double worst = 0, scale = 1e-300;
            for (size_t i = 0; i < (size_t)n * n; i++)
                scale = fmax(scale, fabs(a[i]));
            for (uint32_t i = 0; i < n; i++)
                for (uint32_t j = 0; j < n; j++) {
                    cplx s = 0;
                    for (uint32_t c = 0; c < kept; c++) {
                        cplx wi = w[2 * ((size_t)i * kept + c)] + I * w[2 * ((size_t)i * kept + c) + 1];
                        cplx wj = w[2 * ((size_t)j * kept + c)] + I * w[2 * ((size_t)j * kept + c) + 1];
                        s += -I * lambda[c] * wi * conj(wj);
                    }
                    worst = fmax(worst, fabs(2 * creal(s) - a[(size_t)i * n + j]));
                }
            cr_expect(worst < 1e-12 * n * scale, "n = %u, rank 2·%u: ‖rebuilt − A‖ = %g", n, k, worst);
            for (uint32_t c = 0; c < kept; c++)
                for (uint32_t e = 0; e < kept; e++) {
                    cplx s = 0;
                    for (uint32_t i = 0; i < n; i++)
                        s += conj(w[2 * ((size_t)i * kept + c)] + I * w[2 * ((size_t)i * kept + c) + 1]) *
                             (w[2 * ((size_t)i * kept + e)] + I * w[2 * ((size_t)i * kept + e) + 1]);
                    cr_expect(cabs(s - (c == e)) < 1e-12 * n, "n = %u: (W†W)%u%u = %g%+gi", n, c, e, creal(s),
                              cimag(s));
                }
            free(x);
            free(a);
            free(w);
            free(lambda);
        }
}
