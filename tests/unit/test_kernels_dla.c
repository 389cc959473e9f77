/*
 * test_kernels_dla.c — the dla method's step and its adjoint (runtime/kernels_dla.c).
 *
 * The reference exponential is independent of the eigenvectors the kernel is given:
 * exp(φA) by scaling and squaring of a Taylor series, applied to random vectors, for random
 * real antisymmetric A (and for the block-diagonal A of a one-string generator, whose
 * spectrum is degenerate); one 2 × 2 case is written out by hand with its eigenvectors, so
 * it does not rely on the eigensolver either. The adjoint is compared with central finite
 * differences of E(φ) = vbar · exp(φA) old, and its new vbar with exp(−φA) vbar. The tables
 * are cg_antisym_eig's positive half of the spectrum (r columns); scratch buffers are
 * exactly 4·r doubles, so an overrun shows under AddressSanitizer.
 */
#include "codegen/codegen.h"
#include "runtime/kernels.h"

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

/* out = a·b for d × d real row-major (out not aliased). */
static void mat_mul(double *out, const double *a, const double *b, uint32_t d)
{
    memset(out, 0, (size_t)d * d * sizeof *out);
    for (uint32_t i = 0; i < d; i++)
        for (uint32_t k = 0; k < d; k++)
            for (uint32_t j = 0; j < d; j++)
                out[(size_t)i * d + j] += a[(size_t)i * d + k] * b[(size_t)k * d + j];
}

/* exp(φA): Taylor series of φA/2^s to 30 terms, then s squarings. */
static double *mat_exp(const double *a, uint32_t d, double phi)
{
    double norm = 0;
    for (size_t k = 0; k < (size_t)d * d; k++)
        norm = fmax(norm, fabs(a[k]) * d);
    int s = 0;
    while (fabs(phi) * norm / (1 << s) > 0.5)
        s++;
    double h = phi / (1 << s);
    size_t n2 = (size_t)d * d;
    double *e = calloc(n2, sizeof *e), *term = calloc(n2, sizeof *term),
           *tmp = calloc(n2, sizeof *tmp), *ha = malloc(n2 * sizeof *ha);
    for (size_t k = 0; k < n2; k++)
        ha[k] = h * a[k];
    for (uint32_t i = 0; i < d; i++)
        e[(size_t)i * d + i] = term[(size_t)i * d + i] = 1;
    for (int k = 1; k <= 30; k++) {
        mat_mul(tmp, term, ha, d);
        for (size_t t = 0; t < n2; t++)
            e[t] += term[t] = tmp[t] / k;
    }
    for (int k = 0; k < s; k++) {
        mat_mul(tmp, e, e, d);
        memcpy(e, tmp, n2 * sizeof *e);
    }
    free(term);
    free(tmp);
    free(ha);
    return e;
}

static void mat_vec(double *y, const double *m, const double *x, uint32_t d, bool transpose)
{
    for (uint32_t i = 0; i < d; i++) {
        y[i] = 0;
        for (uint32_t j = 0; j < d; j++)
            y[i] += (transpose ? m[(size_t)j * d + i] : m[(size_t)i * d + j]) * x[j];
    }
}

/* The generator's tables: the positive half of iA's spectrum (cg_antisym_eig). */
typedef struct Tables {
    double *w, *lambda;
    uint32_t r;
} Tables;

static Tables tables_for(const double *a, uint32_t d)
{
    Tables t = {malloc((2 * (size_t)d * d + 1) * sizeof *t.w), malloc((d + 1) * sizeof *t.lambda), 0};
    t.r = cg_antisym_eig(a, d, t.lambda, t.w);
    return t;
}

static double *random_antisymmetric(uint32_t d, uint64_t *rng)
{
    double *a = calloc((size_t)d * d, sizeof *a);
    for (uint32_t i = 0; i < d; i++)
        for (uint32_t j = i + 1; j < d; j++) {
            a[(size_t)i * d + j] = rng_real(rng);
            a[(size_t)j * d + i] = -a[(size_t)i * d + j];
        }
    return a;
}

/* A one-string generator on a module: pairs (i, j) rotated by ±2, the rest fixed. */
static double *block_antisymmetric(uint32_t d)
{
    double *a = calloc((size_t)d * d, sizeof *a);
    for (uint32_t i = 0; i + 3 < d; i += 3) {
        a[(size_t)i * d + i + 2] = 2;
        a[(size_t)(i + 2) * d + i] = -2;
    }
    return a;
}

static void check_step(const double *a, uint32_t d, uint64_t *rng, double phi)
{
    Tables t = tables_for(a, d);
    double *v = malloc(d * sizeof *v), *expected = malloc(d * sizeof *expected);
    double *scratch = malloc((4 * (size_t)t.r + 1) * sizeof *scratch);
    for (uint32_t i = 0; i < d; i++)
        v[i] = rng_real(rng);
    double *e = mat_exp(a, d, phi);
    mat_vec(expected, e, v, d, false);
    ans_dla_step(v, d, t.r, t.w, t.lambda, phi, scratch);
    for (uint32_t i = 0; i < d; i++)
        cr_expect(fabs(v[i] - expected[i]) < 1e-12 * (1 + fabs(phi)) * d,
                  "d = %u, φ = %g: v[%u] = %.17g, expected %.17g", d, phi, i, v[i], expected[i]);
    free(e);
    free(v);
    free(expected);
    free(scratch);
    free(t.w);
    free(t.lambda);
}

Test(kernels_dla, step_is_the_exponential)
{
    uint64_t rng = 31337;
    const uint32_t sizes[] = {1, 2, 3, 5, 12, 30};
    const double phis[] = {0.0, 0.3, -1.7, 4.0};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++)
        for (size_t p = 0; p < sizeof phis / sizeof *phis; p++) {
            double *a = random_antisymmetric(sizes[s], &rng);
            check_step(a, sizes[s], &rng, phis[p]);
            free(a);
        }
}

Test(kernels_dla, step_with_a_degenerate_spectrum)
{
    uint64_t rng = 5;
    for (uint32_t d = 4; d <= 13; d += 3) {
        double *a = block_antisymmetric(d);
        /* the blocks are A's whole range: one kept eigenvalue, 2, for each */
        Tables t = tables_for(a, d);
        cr_expect_eq(t.r, (d - 1) / 3, "d = %u: rank 2·%u, expected 2·%u", d, t.r, (d - 1) / 3);
        for (uint32_t j = 0; j < t.r; j++)
            cr_expect(fabs(t.lambda[j] - 2) < 1e-14, "λ = %.17g", t.lambda[j]);
        free(t.w);
        free(t.lambda);
        check_step(a, d, &rng, 0.7);
        check_step(a, d, &rng, -2.2);
        free(a);
    }
}

Test(kernels_dla, two_by_two_by_hand)
{
    /* A = [[0, −a], [a, 0]] rotates by φa; iA = [[0, −ia], [ia, 0]] has the eigenvalue ±a
     * on (1, ±i)/√2: iA (1, x) = (−iax, ia) = a (1, x) gives x = i. Only +a is kept. */
    double a = 1.3, r = ANS_SQRT1_2;
    double w[4] = {r, 0,  /* row 0: W_00 = 1/√2 */
                   0, r}; /* row 1: W_10 = i/√2 */
    double lambda[1] = {a};
    double v[2] = {0.6, -0.2}, scratch[8];
    double phi = 0.45, c = cos(phi * a), s = sin(phi * a);
    ans_dla_step(v, 2, 1, w, lambda, phi, scratch);
    cr_expect(fabs(v[0] - (c * 0.6 - s * -0.2)) < 1e-15);
    cr_expect(fabs(v[1] - (s * 0.6 + c * -0.2)) < 1e-15);
    /* adjoint: E = vbar · R(φa) old, dE/dφ = a · vbar · R'(φa) old */
    double old[2] = {0.6, -0.2}, vbar[2] = {0.25, 0.9};
    double expected =
        a * (vbar[0] * (-s * old[0] - c * old[1]) + vbar[1] * (c * old[0] - s * old[1]));
    double g = ans_dla_step_adjoint(vbar, 2, 1, w, lambda, phi, old, scratch);
    cr_expect(fabs(g - expected) < 1e-15, "dE/dφ = %.17g, expected %.17g", g, expected);
    cr_expect(fabs(vbar[0] - (c * 0.25 + s * 0.9)) < 1e-15);
    cr_expect(fabs(vbar[1] - (-s * 0.25 + c * 0.9)) < 1e-15);
}

Test(kernels_dla, adjoint_against_finite_differences_and_the_inverse)
{
    uint64_t rng = 2718;
    const uint32_t sizes[] = {1, 2, 4, 9, 25};
    for (size_t t = 0; t < sizeof sizes / sizeof *sizes; t++) {
        uint32_t d = sizes[t];
        double *a = t % 2 ? block_antisymmetric(d) : random_antisymmetric(d, &rng);
        Tables tab = tables_for(a, d);
        double *old = malloc(d * sizeof *old), *vbar = malloc(d * sizeof *vbar);
        double *v = malloc(d * sizeof *v), *expected = malloc(d * sizeof *expected);
        double *scratch = malloc((4 * (size_t)tab.r + 1) * sizeof *scratch);
        for (uint32_t i = 0; i < d; i++) {
            old[i] = rng_real(&rng);
            vbar[i] = rng_real(&rng);
        }
        double phi = 0.9 * rng_real(&rng) + 0.1, h = 1e-5;
        double ep = 0, em = 0;
        for (int sign = -1; sign <= 1; sign += 2) {
            memcpy(v, old, d * sizeof *v);
            ans_dla_step(v, d, tab.r, tab.w, tab.lambda, phi + sign * h, scratch);
            double e = 0;
            for (uint32_t i = 0; i < d; i++)
                e += vbar[i] * v[i];
            *(sign < 0 ? &em : &ep) = e;
        }
        double fd = (ep - em) / (2 * h);
        double *inverse = mat_exp(a, d, -phi);
        mat_vec(expected, inverse, vbar, d, false);
        double g = ans_dla_step_adjoint(vbar, d, tab.r, tab.w, tab.lambda, phi, old, scratch);
        cr_expect(fabs(g - fd) < 1e-8 * (1 + fabs(fd)), "d = %u: dE/dφ = %.12g, fd %.12g", d, g,
                  fd);
        for (uint32_t i = 0; i < d; i++)
            cr_expect(fabs(vbar[i] - expected[i]) < 1e-12 * d,
                      "d = %u: vbar[%u] = %.17g, expected %.17g", d, i, vbar[i], expected[i]);
        /* and dE/dφ = vbar · A · new exactly as the contract states */
        double *nv = malloc(d * sizeof *nv), *anv = malloc(d * sizeof *anv);
        double *fwd = mat_exp(a, d, phi);
        mat_vec(nv, fwd, old, d, false);
        mat_vec(anv, a, nv, d, false);
        /* vbar now holds exp(−φA)·vbar: the original is exp(φA) times it */
        double *orig = malloc(d * sizeof *orig);
        mat_vec(orig, fwd, vbar, d, false);
        double contract = 0;
        for (uint32_t i = 0; i < d; i++)
            contract += orig[i] * anv[i];
        cr_expect(fabs(g - contract) < 1e-12 * d * (1 + fabs(contract)));
        free(orig);
        free(fwd);
        free(nv);
        free(anv);
        free(inverse);
        free(old);
        free(vbar);
        free(v);
        free(expected);
        free(scratch);
        free(tab.w);
        free(tab.lambda);
        free(a);
    }
}
