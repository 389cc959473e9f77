/*
 * test_kernels_sv.c — the state-vector kernels (runtime/kernels_sv.c) against dense algebra.
 *
 * The reference for n ≤ 7 qubits is the full 2^n × 2^n matrix of each Pauli string, built
 * here as the Kronecker product of the hand-written 2×2 matrices I, X, Y = [[0, -i], [i, 0]],
 * Z, qubit n-1 the leftmost (most significant) factor and qubit 0 the rightmost, so that
 * qubit q is bit q of a basis index; every kernel's answer is then a matrix-vector product
 * or an inner product. Larger n (up to 12, where the kernels' tiles, far pairs and per-tile
 * signs all occur) use reference.h's ref_apply_string, which applies P basis state by basis
 * state. ans_herm_exp is checked against a Taylor-series exponential of H = V Λ V† (V a random
 * unitary from Gram–Schmidt), ans_sv_apply against the gate's matrix expanded to all n
 * qubits. Strings are random (any factor, diagonal only, a few factors on high qubits, all
 * Y, the identity); states are random complex unit vectors; xorshift with fixed seeds, so a
 * failure reproduces.
 */
#include "kernels.h"
#include "reference.h"
#include "testing.h"

#include <complex.h>
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef double complex Cplx;

enum { DENSE_QUBITS = 7, REF_QUBITS = 12, STRINGS_PER_N = 60 };
static const double TOL = 1e-12;

static double rng_uniform(uint64_t *state) /* [-1, 1) */
{
    return (double)(test_xorshift_next(state) >> 11) * 0x1p-52 - 1.0;
}

/* ---- random data --------------------------------------------------------------------------- */

/* A random unit vector of 2^n amplitudes, interleaved. */
static double *random_state(uint32_t n, uint64_t *rng)
{
    size_t dim = (size_t)1 << n;
    double *psi = ans_alloc(2 * dim * sizeof *psi), norm = 0;
    cr_assert_not_null(psi);
    for (size_t i = 0; i < 2 * dim; i++) {
        psi[i] = rng_uniform(rng);
        norm += psi[i] * psi[i];
    }
    for (size_t i = 0; i < 2 * dim; i++)
        psi[i] /= sqrt(norm);
    return psi;
}

/* Sets the factor f ∈ "IXYZ" on qubit q. */
static void set_factor(uint64_t *x, uint64_t *z, uint32_t q, char f)
{
    uint64_t bit = (uint64_t)1 << q;
    *x &= ~bit;
    *z &= ~bit;
    if (f == 'X' || f == 'Y')
        *x |= bit;
    if (f == 'Z' || f == 'Y')
        *z |= bit;
}

/* String number i of the family for n qubits: the kinds cycle so that each n sees each. */
static void random_string(uint32_t n, unsigned i, uint64_t *rng, uint64_t *x, uint64_t *z)
{
    static const char FACTORS[] = "IXYZ";
    *x = *z = 0;
    switch (i % 6) {
    case 0: /* any factor anywhere */
    case 1:
        for (uint32_t q = 0; q < n; q++)
            set_factor(x, z, q, FACTORS[test_xorshift_next(rng) % 4]);
        break;
    case 2: /* diagonal */
        for (uint32_t q = 0; q < n; q++)
            set_factor(x, z, q, test_xorshift_next(rng) % 2 ? 'Z' : 'I');
        break;
    case 3: /* one to three factors, on the top qubits half the time */
        for (unsigned j = 0, count = 1 + (unsigned)(test_xorshift_next(rng) % 3); j < count; j++) {
            uint32_t q = (uint32_t)(test_xorshift_next(rng) % n);
            if (test_xorshift_next(rng) % 2)
                q = n - 1 - (uint32_t)(test_xorshift_next(rng) % (n < 3 ? n : 3));
            set_factor(x, z, q, FACTORS[1 + test_xorshift_next(rng) % 3]);
        }
        break;
    case 4: /* all Y: k = n, every phase */
        for (uint32_t q = 0; q < n; q++)
            set_factor(x, z, q, 'Y');
        break;
    default: /* the identity, then single factors on each qubit in turn */
        if (i % 12 != 5)
            set_factor(x, z, (i / 12) % n, FACTORS[1 + (i / 12) % 3]);
        break;
    }
}

/* ---- the references ------------------------------------------------------------------------- */

/* The 2^n × 2^n matrix of the string, row-major: P_{n-1} ⊗ … ⊗ P_0 of hand-written 2×2's. */
static Cplx *pauli_matrix(uint32_t n, uint64_t x, uint64_t z)
{
    size_t dim = (size_t)1 << n;
    Cplx *m = calloc(dim * dim, sizeof *m), *next = calloc(dim * dim, sizeof *next);
    cr_assert(m && next);
    m[0] = 1;
    size_t d = 1;
    for (uint32_t qq = n; qq-- > 0;) {
        int xb = (int)((x >> qq) & 1u), zb = (int)((z >> qq) & 1u);
        Cplx f[2][2];
        if (xb && zb) { /* Y */
            f[0][0] = 0, f[0][1] = -I, f[1][0] = I, f[1][1] = 0;
        } else if (xb) { /* X */
            f[0][0] = 0, f[0][1] = 1, f[1][0] = 1, f[1][1] = 0;
        } else if (zb) { /* Z */
            f[0][0] = 1, f[0][1] = 0, f[1][0] = 0, f[1][1] = -1;
        } else { /* I */
            f[0][0] = 1, f[0][1] = 0, f[1][0] = 0, f[1][1] = 1;
        }
        /* next = m ⊗ f: m the more significant factor */
        for (size_t i = 0; i < d; i++)
            for (size_t j = 0; j < d; j++)
                for (int k = 0; k < 2; k++)
                    for (int l = 0; l < 2; l++)
                        next[(2 * i + (size_t)k) * (2 * d) + 2 * j + (size_t)l] = m[i * d + j] * f[k][l];
        d *= 2;
        Cplx *t = m;
        m = next;
        next = t;
    }
    free(next);
    return m;
}

/* P·psi as complex numbers: by the dense matrix for n ≤ DENSE_QUBITS, else basis state by
 * basis state (ref_apply_string). */
static Cplx *apply_reference(uint32_t n, uint64_t x, uint64_t z, const double *psi)
{
    size_t dim = (size_t)1 << n;
    Cplx *out = calloc(dim, sizeof *out);
    cr_assert_not_null(out);
    if (n <= DENSE_QUBITS) {
        Cplx *m = pauli_matrix(n, x, z);
        for (size_t r = 0; r < dim; r++)
            for (size_t c = 0; c < dim; c++)
                out[r] += m[r * dim + c] * (psi[2 * c] + I * psi[2 * c + 1]);
        free(m);
        return out;
    }
    RefState in = ref_state_new(n), res = ref_state_new(n);
    for (size_t b = 0; b < dim; b++)
        in.a[b] = psi[2 * b] + I * psi[2 * b + 1];
    ref_apply_string(&in, &res, x, z);
    memcpy(out, res.a, dim * sizeof *out);
    ref_state_free(&in);
    ref_state_free(&res);
    return out;
}

static Cplx amp(const double *v, size_t b) { return v[2 * b] + I * v[2 * b + 1]; }

/* ---- memory --------------------------------------------------------------------------------- */

Test(kernels_sv, alloc_is_aligned_and_zeroed)
{
    static const size_t SIZES[] = {0, 1, 8, 63, 64, 65, 1000, 4096, 1u << 20, 3u << 20};
    for (size_t i = 0; i < sizeof SIZES / sizeof *SIZES; i++) {
        unsigned char *p = ans_alloc(SIZES[i]);
        cr_assert_not_null(p, "ans_alloc(%zu)", SIZES[i]);
        cr_assert_eq((uintptr_t)p % 64, 0, "ans_alloc(%zu) is not 64-byte aligned", SIZES[i]);
        for (size_t b = 0; b < SIZES[i]; b++)
            cr_assert_eq(p[b], 0, "ans_alloc(%zu): byte %zu is %u", SIZES[i], b, p[b]);
        memset(p, 0xa5, SIZES[i]); /* the whole size is writable (ASan checks) */
        ans_free(p);
    }
    ans_free(NULL);
    cr_assert_null(ans_alloc(SIZE_MAX), "an impossible size gives NULL");
}

/* ---- product states ------------------------------------------------------------------------- */

Test(kernels_sv, init_is_the_kronecker_product_of_the_kets)
{
    const double r = 1 / sqrt(2.0);
    const Cplx KET[4][2] = {{1, 0}, {0, 1}, {r, r}, {r, -r}};
    uint64_t rng = 0x1234567;
    for (uint32_t n = 0; n <= 6; n++)
        for (int trial = 0; trial < 20; trial++) {
            uint8_t kets[6] = {0};
            for (uint32_t q = 0; q < n; q++)
                kets[q] = (uint8_t)(test_xorshift_next(&rng) % 4);
            size_t dim = (size_t)1 << n;
            double *psi = ans_alloc(2 * dim * sizeof *psi);
            for (size_t i = 0; i < 2 * dim; i++)
                psi[i] = 7; /* init must overwrite everything */
            ans_sv_init(psi, n, kets);
            for (size_t b = 0; b < dim; b++) {
                Cplx want = 1;
                for (uint32_t q = 0; q < n; q++)
                    want *= KET[kets[q]][(b >> q) & 1u];
                cr_assert(cabs(amp(psi, b) - want) < TOL, "n=%u b=%zu: %g%+gi, want %g%+gi", n,
                          b, psi[2 * b], psi[2 * b + 1], creal(want), cimag(want));
            }
            ans_free(psi);
        }
}

/* ---- Pauli kernels -------------------------------------------------------------------------- */

/* Checks rotate, expect, im_inner and add_pauli for one string on random states. */
static void check_string(uint32_t n, uint64_t x, uint64_t z, uint64_t *rng)
{
    size_t dim = (size_t)1 << n;
    double *psi = random_state(n, rng), *lam = random_state(n, rng);
    Cplx *ppsi = apply_reference(n, x, z, psi);

    /* rotate: (c − i s P) psi */
    double phi = 3.0 * rng_uniform(rng), c = cos(phi), s = sin(phi);
    double *rot = ans_alloc(2 * dim * sizeof *rot);
    memcpy(rot, psi, 2 * dim * sizeof *rot);
    ans_sv_rotate(rot, n, x, z, c, s);
    for (size_t b = 0; b < dim; b++) {
        Cplx want = c * amp(psi, b) - I * s * ppsi[b];
        cr_assert(cabs(amp(rot, b) - want) < TOL,
                  "rotate n=%u x=%#llx z=%#llx b=%zu: %g%+gi, want %g%+gi", n,
                  (unsigned long long)x, (unsigned long long)z, b, rot[2 * b], rot[2 * b + 1],
                  creal(want), cimag(want));
    }

    /* expect and im_inner */
    Cplx e = 0, li = 0;
    for (size_t b = 0; b < dim; b++) {
        e += conj(amp(psi, b)) * ppsi[b];
        li += conj(amp(lam, b)) * ppsi[b];
    }
    cr_assert(fabs(cimag(e)) < TOL, "the reference <P> is not real");
    double got = ans_sv_expect(psi, n, x, z);
    cr_assert(fabs(got - creal(e)) < TOL, "expect n=%u x=%#llx z=%#llx: %.15g, want %.15g", n,
              (unsigned long long)x, (unsigned long long)z, got, creal(e));
    got = ans_sv_im_inner(lam, psi, n, x, z);
    cr_assert(fabs(got - cimag(li)) < TOL, "im_inner n=%u x=%#llx z=%#llx: %.15g, want %.15g",
              n, (unsigned long long)x, (unsigned long long)z, got, cimag(li));

    /* add_pauli onto a nonzero vector */
    double coef = 2 * rng_uniform(rng);
    double *out = random_state(n, rng), *out0 = ans_alloc(2 * dim * sizeof *out0);
    memcpy(out0, out, 2 * dim * sizeof *out0);
    ans_sv_add_pauli(out, psi, n, x, z, coef);
    for (size_t b = 0; b < dim; b++) {
        Cplx want = amp(out0, b) + coef * ppsi[b];
        cr_assert(cabs(amp(out, b) - want) < TOL,
                  "add_pauli n=%u x=%#llx z=%#llx b=%zu: %g%+gi, want %g%+gi", n,
                  (unsigned long long)x, (unsigned long long)z, b, out[2 * b], out[2 * b + 1],
                  creal(want), cimag(want));
    }

    ans_free(out0);
    ans_free(out);
    ans_free(rot);
    free(ppsi);
    ans_free(lam);
    ans_free(psi);
}

Test(kernels_sv, dense_matrices_follow_the_stated_convention)
{
    /* The reference itself: Y = iXZ on one qubit, and qubit q is bit q (X on qubit 1 of two
     * maps |00> to |10>, index 0 to index 2). */
    Cplx *y = pauli_matrix(1, 1, 1);
    cr_assert(cabs(y[1] + I) < 1e-15 && cabs(y[2] - I) < 1e-15 && y[0] == 0 && y[3] == 0);
    free(y);
    Cplx *x1 = pauli_matrix(2, 2, 0);
    cr_assert(x1[2 * 4 + 0] == 1 && x1[0 * 4 + 2] == 1 && x1[1 * 4 + 3] == 1 && x1[0] == 0);
    free(x1);
    /* The two references agree where both apply. */
    uint64_t rng = 99;
    for (unsigned i = 0; i < 40; i++) {
        uint64_t x, z;
        random_string(5, i, &rng, &x, &z);
        double *psi = random_state(5, &rng);
        Cplx *dense = apply_reference(5, x, z, psi);
        RefState in = ref_state_new(5), res = ref_state_new(5);
        for (size_t b = 0; b < 32; b++)
            in.a[b] = amp(psi, b);
        ref_apply_string(&in, &res, x, z);
        for (size_t b = 0; b < 32; b++)
            cr_assert(cabs(res.a[b] - dense[b]) < TOL);
        ref_state_free(&in);
        ref_state_free(&res);
        free(dense);
        ans_free(psi);
    }
}

Test(kernels_sv, pauli_kernels_match_dense_matrices)
{
    uint64_t rng = 0x9e3779b97f4a7c15u;
    for (uint32_t n = 1; n <= DENSE_QUBITS; n++)
        for (unsigned i = 0; i < STRINGS_PER_N; i++) {
            uint64_t x, z;
            random_string(n, i, &rng, &x, &z);
            check_string(n, x, z, &rng);
        }
}

Test(kernels_sv, pauli_kernels_match_the_reference_on_many_tiles)
{
    /* n > the tile size: far pairs with and without low x bits, per-tile signs. */
    uint64_t rng = 0xdeadbeefcafeu;
    for (uint32_t n = 8; n <= REF_QUBITS; n++)
        for (unsigned i = 0; i < STRINGS_PER_N / (n - 6); i++) {
            uint64_t x, z;
            random_string(n, i, &rng, &x, &z);
            check_string(n, x, z, &rng);
        }
    /* Hand-picked: X on the top qubit with Z's below and above the tile boundary; a string
     * whose x has bits on both sides of it; Y on qubit 0 with Z on the top. */
    const uint64_t PICKED[][2] = {{1u << 11, 0x0c5}, {(1u << 11) | 0x21, 0x8a3},
                                  {1, (1u << 11) | 1}, {(1u << 6) | (1u << 5), 1u << 6},
                                  {0, 0xfff}, {0xfff, 0}, {0xfff, 0xfff}};
    for (size_t i = 0; i < sizeof PICKED / sizeof *PICKED; i++)
        check_string(12, PICKED[i][0], PICKED[i][1], &rng);
}

Test(kernels_sv, rotate_on_zero_qubits_is_a_phase)
{
    double psi[2] = {0.6, 0.8};
    ans_sv_rotate(psi, 0, 0, 0, cos(0.3), sin(0.3));
    Cplx want = cexp(-0.3 * I) * (0.6 + 0.8 * I);
    cr_assert(cabs(psi[0] + I * psi[1] - want) < TOL);
    cr_assert(fabs(ans_sv_expect(psi, 0, 0, 0) - 1) < TOL);
}

Test(kernels_sv, rotations_compose_and_keep_the_norm)
{
    /* exp(-iaP) exp(-ibP) = exp(-i(a+b)P), and the norm stays 1, at n = 14 (many tiles). */
    uint64_t rng = 4242;
    uint32_t n = 14;
    size_t dim = (size_t)1 << n;
    for (unsigned i = 0; i < 12; i++) {
        uint64_t x, z;
        random_string(n, i, &rng, &x, &z);
        double *psi = random_state(n, &rng), *two = ans_alloc(2 * dim * sizeof *two);
        memcpy(two, psi, 2 * dim * sizeof *two);
        ans_sv_rotate(two, n, x, z, cos(0.4), sin(0.4));
        ans_sv_rotate(two, n, x, z, cos(0.7), sin(0.7));
        ans_sv_rotate(psi, n, x, z, cos(1.1), sin(1.1));
        double diff = 0, norm = 0;
        for (size_t b = 0; b < 2 * dim; b++) {
            diff = fmax(diff, fabs(two[b] - psi[b]));
            norm += two[b] * two[b];
        }
        cr_assert(diff < TOL, "x=%#llx z=%#llx: composition off by %g", (unsigned long long)x,
                  (unsigned long long)z, diff);
        cr_assert(fabs(norm - 1) < TOL, "norm %.15g", norm);
        ans_free(two);
        ans_free(psi);
    }
}

/* ---- dense gates ---------------------------------------------------------------------------- */

/* The full 2^n × 2^n matrix of u acting on qubits[0..k) (local bit j = qubits[j]), applied
 * to psi: entry (r, c) is u[loc(r), loc(c)] when r and c agree off the targets, else 0. */
static Cplx *apply_expanded(uint32_t n, const uint32_t *qubits, uint32_t k, const double *u,
                            const double *psi)
{
    size_t dim = (size_t)1 << n, kd = (size_t)1 << k, mask = 0;
    for (uint32_t j = 0; j < k; j++)
        mask |= (size_t)1 << qubits[j];
    Cplx *out = calloc(dim, sizeof *out);
    for (size_t r = 0; r < dim; r++)
        for (size_t c = 0; c < dim; c++) {
            if ((r & ~mask) != (c & ~mask))
                continue;
            size_t lr = 0, lc = 0;
            for (uint32_t j = 0; j < k; j++) {
                lr |= ((r >> qubits[j]) & 1u) << j;
                lc |= ((c >> qubits[j]) & 1u) << j;
            }
            Cplx entry = u[2 * (lr * kd + lc)] + I * u[2 * (lr * kd + lc) + 1];
            out[r] += entry * amp(psi, c);
        }
    return out;
}

static void check_apply(uint32_t n, uint32_t k, uint64_t *rng)
{
    uint32_t qubits[10], order[16];
    for (uint32_t q = 0; q < n; q++)
        order[q] = q;
    for (uint32_t q = n; q-- > 1;) { /* Fisher–Yates: a random order of distinct qubits */
        uint32_t j = (uint32_t)(test_xorshift_next(rng) % (q + 1)), t = order[q];
        order[q] = order[j];
        order[j] = t;
    }
    memcpy(qubits, order, k * sizeof *qubits);
    size_t kd = (size_t)1 << k, dim = (size_t)1 << n;
    double *u = malloc(2 * kd * kd * sizeof *u), *psi = random_state(n, rng);
    for (size_t i = 0; i < 2 * kd * kd; i++) /* any matrix: the kernel does not need unitarity */
        u[i] = rng_uniform(rng);
    Cplx *want = apply_expanded(n, qubits, k, u, psi);
    ans_sv_apply(psi, n, qubits, k, u);
    for (size_t b = 0; b < dim; b++)
        cr_assert(cabs(amp(psi, b) - want[b]) < 1e-11 * (1 + cabs(want[b])),
                  "apply n=%u k=%u b=%zu: %g%+gi, want %g%+gi", n, k, b, psi[2 * b],
                  psi[2 * b + 1], creal(want[b]), cimag(want[b]));
    free(want);
    free(u);
    ans_free(psi);
}

Test(kernels_sv, apply_matches_the_expanded_matrix)
{
    uint64_t rng = 777;
    for (uint32_t n = 1; n <= 7; n++)
        for (uint32_t k = 0; k <= n && k <= 4; k++)
            for (int trial = 0; trial < 4; trial++)
                check_apply(n, k, &rng);
    check_apply(7, 7, &rng);
    check_apply(11, 10, &rng); /* the largest gate */
}

/* ---- ans_herm_exp --------------------------------------------------------------------------- */

/* A random dim × dim unitary (row-major, columns orthonormal) by Gram–Schmidt. */
static Cplx *random_unitary(uint32_t dim, uint64_t *rng)
{
    Cplx *v = malloc((size_t)dim * dim * sizeof *v);
    for (uint32_t j = 0; j < dim; j++) {
        for (uint32_t r = 0; r < dim; r++)
            v[r * dim + j] = rng_uniform(rng) + I * rng_uniform(rng);
        for (int pass = 0; pass < 2; pass++) /* twice, for orthogonality to rounding */
            for (uint32_t i = 0; i < j; i++) {
                Cplx dot = 0;
                for (uint32_t r = 0; r < dim; r++)
                    dot += conj(v[r * dim + i]) * v[r * dim + j];
                for (uint32_t r = 0; r < dim; r++)
                    v[r * dim + j] -= dot * v[r * dim + i];
            }
        double norm = 0;
        for (uint32_t r = 0; r < dim; r++)
            norm += creal(conj(v[r * dim + j]) * v[r * dim + j]);
        for (uint32_t r = 0; r < dim; r++)
            v[r * dim + j] /= sqrt(norm);
    }
    return v;
}

static void matmul(Cplx *out, const Cplx *a, const Cplx *b, uint32_t d)
{
    for (uint32_t i = 0; i < d; i++)
        for (uint32_t j = 0; j < d; j++) {
            Cplx s = 0;
            for (uint32_t l = 0; l < d; l++)
                s += a[i * d + l] * b[l * d + j];
            out[i * d + j] = s;
        }
}

/* exp(a) by scaling and squaring of a 30-term Taylor series. */
static void expm(Cplx *out, const Cplx *a, uint32_t d)
{
    size_t dd = (size_t)d * d;
    double norm = 0;
    for (size_t i = 0; i < dd; i++)
        norm = fmax(norm, cabs(a[i]));
    norm *= d;
    int squarings = 0;
    while (norm / ldexp(1, squarings) > 0.5)
        squarings++;
    Cplx *as = malloc(dd * sizeof *as), *term = malloc(dd * sizeof *term),
         *tmp = malloc(dd * sizeof *tmp);
    for (size_t i = 0; i < dd; i++)
        as[i] = a[i] / ldexp(1, squarings);
    for (size_t i = 0; i < dd; i++)
        out[i] = term[i] = i % (d + 1) == 0 ? 1 : 0;
    for (int k = 1; k <= 30; k++) {
        matmul(tmp, term, as, d);
        for (size_t i = 0; i < dd; i++) {
            term[i] = tmp[i] / k;
            out[i] += term[i];
        }
    }
    for (int s = 0; s < squarings; s++) {
        matmul(tmp, out, out, d);
        memcpy(out, tmp, dd * sizeof *out);
    }
    free(as);
    free(term);
    free(tmp);
}

static double *interleave(const Cplx *m, size_t count)
{
    double *d = malloc(2 * count * sizeof *d);
    for (size_t i = 0; i < count; i++) {
        d[2 * i] = creal(m[i]);
        d[2 * i + 1] = cimag(m[i]);
    }
    return d;
}

Test(kernels_sv, herm_exp_matches_the_taylor_series)
{
    uint64_t rng = 31337;
    static const uint32_t DIMS[] = {1, 2, 3, 4, 8, 16, 32};
    for (size_t di = 0; di < sizeof DIMS / sizeof *DIMS; di++) {
        uint32_t d = DIMS[di];
        size_t dd = (size_t)d * d;
        Cplx *v = random_unitary(d, &rng), *h = calloc(dd, sizeof *h);
        double *lambda = malloc(d * sizeof *lambda);
        for (uint32_t j = 0; j < d; j++)
            lambda[j] = 3 * rng_uniform(&rng);
        for (uint32_t r = 0; r < d; r++) /* H = V Λ V† */
            for (uint32_t c = 0; c < d; c++)
                for (uint32_t j = 0; j < d; j++)
                    h[r * d + c] += v[r * d + j] * lambda[j] * conj(v[c * d + j]);
        double phi = 2 * rng_uniform(&rng);
        Cplx *minus_i_phi_h = malloc(dd * sizeof *minus_i_phi_h), *want = malloc(dd * sizeof *want);
        for (size_t i = 0; i < dd; i++)
            minus_i_phi_h[i] = -I * phi * h[i];
        expm(want, minus_i_phi_h, d);
        double *vecs = interleave(v, dd), *u = malloc(2 * dd * sizeof *u);
        ans_herm_exp(vecs, lambda, d, phi, u);
        for (size_t i = 0; i < dd; i++)
            cr_assert(cabs(u[2 * i] + I * u[2 * i + 1] - want[i]) < 1e-11,
                      "dim %u entry %zu: %g%+gi, want %g%+gi", d, i, u[2 * i], u[2 * i + 1],
                      creal(want[i]), cimag(want[i]));
        free(vecs);
        free(u);
        free(want);
        free(minus_i_phi_h);
        free(lambda);
        free(h);
        free(v);
    }
}

Test(kernels_sv, herm_exp_beyond_one_chunk_of_eigenvalues)
{
    /* dim 300: u must be unitary and map each eigenvector v_j to e^{-iφλ_j} v_j. */
    uint64_t rng = 2718;
    uint32_t d = 300;
    size_t dd = (size_t)d * d;
    Cplx *v = random_unitary(d, &rng);
    double *lambda = malloc(d * sizeof *lambda), phi = 0.8;
    for (uint32_t j = 0; j < d; j++)
        lambda[j] = 4 * rng_uniform(&rng);
    double *vecs = interleave(v, dd), *u = malloc(2 * dd * sizeof *u);
    ans_herm_exp(vecs, lambda, d, phi, u);
    for (uint32_t j = 0; j < d; j += 7) {
        Cplx e = cexp(-I * phi * lambda[j]);
        for (uint32_t r = 0; r < d; r++) {
            Cplx s = 0;
            for (uint32_t c = 0; c < d; c++)
                s += (u[2 * ((size_t)r * d + c)] + I * u[2 * ((size_t)r * d + c) + 1]) * v[c * d + j];
            cr_assert(cabs(s - e * v[r * d + j]) < 1e-11, "eigenvector %u, row %u", j, r);
        }
    }
    for (uint32_t r = 0; r < d; r += 37)
        for (uint32_t r2 = 0; r2 < d; r2 += 11) {
            Cplx s = 0;
            for (uint32_t c = 0; c < d; c++)
                s += (u[2 * ((size_t)r * d + c)] + I * u[2 * ((size_t)r * d + c) + 1]) *
                     conj(u[2 * ((size_t)r2 * d + c)] + I * u[2 * ((size_t)r2 * d + c) + 1]);
            cr_assert(cabs(s - (r == r2 ? 1 : 0)) < 1e-11, "rows %u, %u of u u†", r, r2);
        }
    free(vecs);
    free(u);
    free(lambda);
    free(v);
}
