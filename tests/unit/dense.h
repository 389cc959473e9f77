/*
 * dense.h — small dense complex matrices, the independent reference of the unit tests.
 *
 * Everything the tests compare against is computed here from first principles: the four
 * Hermitian Pauli matrices written out by hand, Kronecker products, and the exponential by
 * scaling and squaring of a Taylor series. Nothing here calls the code under test except
 * the plain accessors that say which factor a packed string holds on a qubit (read from
 * the raw x/z bits, so even pauli_factor is not trusted).
 *
 * Qubit order: dense qubit 0 is the most significant bit of a basis index (textbook order,
 * |q0 q1 …>). A matrix is at most 16×16 (four qubits), which covers every standard gate.
 */
#ifndef ANSC_TEST_DENSE_H
#define ANSC_TEST_DENSE_H

#include "core/core.h"

#include <complex.h>
#include <math.h>
#include <string.h>

enum { DENSE_MAX = 16 };

typedef struct Dense {
    unsigned dim;
    double complex a[DENSE_MAX][DENSE_MAX];
} Dense;

static inline void dense_zero(Dense *m, unsigned dim)
{
    memset(m, 0, sizeof *m);
    m->dim = dim;
}

static inline void dense_identity(Dense *m, unsigned dim)
{
    dense_zero(m, dim);
    for (unsigned i = 0; i < dim; i++)
        m->a[i][i] = 1;
}

/* out = a · b; out may alias a or b. */
static inline void dense_mul(Dense *out, const Dense *a, const Dense *b)
{
    Dense r;
    dense_zero(&r, a->dim);
    for (unsigned i = 0; i < a->dim; i++)
        for (unsigned k = 0; k < a->dim; k++)
            if (a->a[i][k] != 0)
                for (unsigned j = 0; j < a->dim; j++)
                    r.a[i][j] += a->a[i][k] * b->a[k][j];
    *out = r;
}

static inline void dense_adjoint(Dense *out, const Dense *a)
{
    Dense r;
    dense_zero(&r, a->dim);
    for (unsigned i = 0; i < a->dim; i++)
        for (unsigned j = 0; j < a->dim; j++)
            r.a[i][j] = conj(a->a[j][i]);
    *out = r;
}

/* out += c · a */
static inline void dense_axpy(Dense *out, double complex c, const Dense *a)
{
    for (unsigned i = 0; i < a->dim; i++)
        for (unsigned j = 0; j < a->dim; j++)
            out->a[i][j] += c * a->a[i][j];
}

static inline void dense_scale(Dense *m, double complex c)
{
    for (unsigned i = 0; i < m->dim; i++)
        for (unsigned j = 0; j < m->dim; j++)
            m->a[i][j] *= c;
}

static inline double dense_max_diff(const Dense *a, const Dense *b)
{
    double d = a->dim == b->dim ? 0 : INFINITY;
    for (unsigned i = 0; i < a->dim && i < b->dim; i++)
        for (unsigned j = 0; j < a->dim; j++)
            d = fmax(d, cabs(a->a[i][j] - b->a[i][j]));
    return d;
}

static inline double dense_norm1(const Dense *a)
{
    double best = 0;
    for (unsigned j = 0; j < a->dim; j++) {
        double s = 0;
        for (unsigned i = 0; i < a->dim; i++)
            s += cabs(a->a[i][j]);
        best = fmax(best, s);
    }
    return best;
}

static inline double complex dense_trace(const Dense *a)
{
    double complex t = 0;
    for (unsigned i = 0; i < a->dim; i++)
        t += a->a[i][i];
    return t;
}

/* The Hermitian Pauli matrices, written out: 'I', 'X', 'Y' = [[0, -i], [i, 0]], 'Z'. */
static inline void dense_pauli1(Dense *m, char f)
{
    dense_zero(m, 2);
    switch (f) {
    case 'X': m->a[0][1] = 1; m->a[1][0] = 1; break;
    case 'Y': m->a[0][1] = -I; m->a[1][0] = I; break;
    case 'Z': m->a[0][0] = 1; m->a[1][1] = -1; break;
    default: m->a[0][0] = 1; m->a[1][1] = 1; break;
    }
}

/* out = a ⊗ b (a on the more significant qubits). */
static inline void dense_kron(Dense *out, const Dense *a, const Dense *b)
{
    Dense r;
    dense_zero(&r, a->dim * b->dim);
    for (unsigned i = 0; i < a->dim; i++)
        for (unsigned j = 0; j < a->dim; j++)
            for (unsigned k = 0; k < b->dim; k++)
                for (unsigned l = 0; l < b->dim; l++)
                    r.a[i * b->dim + k][j * b->dim + l] = a->a[i][j] * b->a[k][l];
    *out = r;
}

/* The tensor product of factors[0] ⊗ … ⊗ factors[n-1] ("XIZ"). */
static inline void dense_from_factors(Dense *out, const char *factors, unsigned n)
{
    dense_identity(out, 1);
    for (unsigned j = 0; j < n; j++) {
        Dense f;
        dense_pauli1(&f, factors[j]);
        dense_kron(out, out, &f);
    }
}

/* The factor a packed string holds on qubit q, read from the raw bits with the physics
 * convention (x, z) = (0,0) I, (1,0) X, (0,1) Z, (1,1) Y. */
static inline char dense_raw_factor(const uint64_t *s, uint32_t words, uint32_t q)
{
    int x = (int)((s[q / 64] >> (q % 64)) & 1u), z = (int)((s[words + q / 64] >> (q % 64)) & 1u);
    return x ? (z ? 'Y' : 'X') : (z ? 'Z' : 'I');
}

/* Number of qubits outside `qubits` (n of them) on which s acts. */
static inline uint32_t dense_outside(const uint64_t *s, uint32_t words, const uint32_t *qubits,
                                     unsigned n)
{
    uint32_t count = 0;
    for (uint32_t q = 0; q < 64 * words; q++) {
        if (dense_raw_factor(s, words, q) == 'I')
            continue;
        bool inside = false;
        for (unsigned j = 0; j < n; j++)
            inside = inside || qubits[j] == q;
        count += !inside;
    }
    return count;
}

/* The matrix of the string on the global qubits qubits[0..n) (qubits[0] most significant). */
static inline void dense_from_string(Dense *out, const uint64_t *s, uint32_t words,
                                     const uint32_t *qubits, unsigned n)
{
    char f[8];
    for (unsigned j = 0; j < n; j++)
        f[j] = dense_raw_factor(s, words, qubits[j]);
    dense_from_factors(out, f, n);
}

/* Σ coef · string over the global qubits qubits[0..n); returns the number of terms that act
 * outside those qubits (which the caller expects to be 0). */
static inline uint32_t dense_from_psum(Dense *out, const PauliSum *sum, const uint32_t *qubits,
                                       unsigned n)
{
    uint32_t outside = 0;
    dense_zero(out, 1u << n);
    for (uint32_t i = 0; i < sum->len; i++) {
        const uint64_t *s = psum_string(sum, i);
        outside += dense_outside(s, sum->words, qubits, n) != 0;
        Dense p;
        dense_from_string(&p, s, sum->words, qubits, n);
        dense_axpy(out, sum->coef[i].value, &p);
    }
    return outside;
}

/* exp(a) by scaling and squaring: a / 2^s has norm below 1/4, where 24 Taylor terms are
 * exact to well below double rounding; then square s times. */
static inline void dense_expm(Dense *out, const Dense *a)
{
    int s = 0;
    double norm = dense_norm1(a);
    while (norm > 0.25) {
        norm /= 2;
        s++;
    }
    Dense x = *a, term, sum;
    dense_scale(&x, ldexp(1.0, -s));
    dense_identity(&sum, a->dim);
    dense_identity(&term, a->dim);
    for (int k = 1; k <= 24; k++) {
        dense_mul(&term, &term, &x);
        dense_scale(&term, 1.0 / k);
        dense_axpy(&sum, 1, &term);
    }
    for (int k = 0; k < s; k++)
        dense_mul(&sum, &sum, &sum);
    *out = sum;
}

#endif
