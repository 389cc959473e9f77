/*
 * testing.h — small helpers the unit tests share: seeded random numbers, a random state,
 * raw Pauli bits, reading and compiling the examples.
 *
 * Two generators, because the tests were written against both and some of them count on
 * the exact sequence they draw (a failure names a seed, a mutant or a random circuit that
 * must come back the same): splitmix64 (test_random_*), which mixes any seed, 0 included,
 * and Marsaglia's xorshift64 (test_xorshift_*), whose state must not be 0. Both are the
 * same on every machine. Everything here is static inline so that a test includes only
 * what it uses; failures go through Criterion's asserts, in the calling test.
 */
#ifndef ANSC_TEST_TESTING_H
#define ANSC_TEST_TESTING_H

#include "analysis/analysis.h"
#include "compile.h"
#include "reference.h"

#include <complex.h>
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef ANSC_SOURCE_DIR
#error "tests/CMakeLists.txt defines ANSC_SOURCE_DIR"
#endif

/* ---- random numbers ------------------------------------------------------------------ */

/* splitmix64: the next 64 random bits; *state advances by the golden-ratio step. */
static inline uint64_t test_random_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [0, 1) on the grid of 2^-53, from one test_random_next. */
static inline double test_random_uniform(uint64_t *state)
{
    return (double)(test_random_next(state) >> 11) * 0x1p-53;
}

/* In [0, n) for n > 0 (modulo bias below 2^-32: irrelevant here). */
static inline uint32_t test_random_below(uint64_t *state, uint32_t n)
{
    return (uint32_t)(test_random_next(state) % n);
}

/* xorshift64 (Marsaglia 2003, shifts 13, 7, 17): the next state, which is also the value. */
static inline uint64_t test_xorshift_next(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *state = x;
}

/* In [0, n) from one test_xorshift_next; 0 without drawing when n is 0. */
static inline uint64_t test_xorshift_below(uint64_t *state, uint64_t n)
{
    return n ? test_xorshift_next(state) % n : 0;
}

/* v[0..n) uniform in [-π, π) (parameter and input vectors). */
static inline void test_random_angles(double *v, uint32_t n, uint64_t *state)
{
    for (uint32_t i = 0; i < n; i++)
        v[i] = (2 * test_random_uniform(state) - 1) * ANS_PI;
}

/* A random normalised n-qubit state (malloc'd, 2^n amplitudes; entangled with probability
 * one): real and imaginary parts uniform in [-1/2, 1/2), then scaled to norm 1. */
static inline double complex *test_random_state(uint32_t n, uint64_t *state)
{
    size_t dim = (size_t)1 << n;
    double complex *psi = malloc(dim * sizeof *psi);
    cr_assert_not_null(psi);
    double norm = 0;
    for (size_t b = 0; b < dim; b++) {
        psi[b] = (test_random_uniform(state) - 0.5) + I * (test_random_uniform(state) - 0.5);
        norm += creal(psi[b] * conj(psi[b]));
    }
    for (size_t b = 0; b < dim; b++)
        psi[b] /= sqrt(norm);
    return psi;
}

/* ---- Pauli strings ------------------------------------------------------------------- */

/* ORs factor f ('I', 'X', 'Y', 'Z') of qubit q into the packed string s (x words, then z
 * words) in the raw bits of dense.h's convention (Y: x and z both set), without going
 * through pauli_set. The caller zeroes s first: a qubit set twice keeps the OR. */
static inline void test_set_raw_factor(uint64_t *s, uint32_t words, uint32_t q, char f)
{
    uint64_t bit = (uint64_t)1 << (q % 64);
    if (f == 'X' || f == 'Y')
        s[q / 64] |= bit;
    if (f == 'Z' || f == 'Y')
        s[words + q / 64] |= bit;
}

/* ---- files and examples ---------------------------------------------------------------- */

/* The whole file, NUL-terminated (free it); the test fails when it cannot be read. */
static inline char *test_read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    cr_assert_geq(len, 0, "cannot size %s", path);
    char *text = calloc((size_t)len + 1, 1);
    cr_assert_eq(fread(text, 1, (size_t)len, f), (size_t)len, "cannot read %s", path);
    fclose(f);
    return text;
}

/* examples/<name>.ans of the source tree (free it). */
static inline char *test_read_example(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/examples/%s.ans", ANSC_SOURCE_DIR, name);
    return test_read_file(path);
}

/* Runs the front end to the elaborated circuit; on failure the diagnostics go to stderr and
 * the test fails, naming `what`. */
static inline Compiled *test_compile_text(const char *text, Define *defines, size_t ndefines,
                                          const char *what)
{
    Compiled *c = compile_with(text, defines, ndefines, STAGE_ELABORATE);
    if (!c->result.ok)
        diag_render(stderr, &c->diags, DIAG_FORMAT_TEXT, false);
    cr_assert(c->result.ok && c->diags.errors == 0, "%s does not compile", what);
    return c;
}

/* examples/<name>.ans compiled with -D n=<n> (compiled_free it). */
static inline Compiled *test_compile_example(const char *name, int64_t n)
{
    char *text = test_read_example(name);
    char what[600];
    snprintf(what, sizeof what, "%s.ans -D n=%lld", name, (long long)n);
    Define d = {.name = "n", .value = n};
    Compiled *c = test_compile_text(text, &d, 1, what);
    free(text);
    return c;
}


/* ---- random circuits and states for the planners' tests ------------------------------- */

/* An angle for a random source: a parameter th[<nparams] or input x[<2], affine, or a
 * constant. */
static inline void test_random_angle_text(StrBuf *sb, uint64_t *seed, uint32_t nparams)
{
    switch (test_random_below(seed, 6)) {
    case 0: sb_printf(sb, "th[%u]", test_random_below(seed, nparams)); break;
    case 1: sb_printf(sb, "0.5 * th[%u] + 0.3", test_random_below(seed, nparams)); break;
    case 2: sb_printf(sb, "-2 * th[%u]", test_random_below(seed, nparams)); break;
    case 3: sb_printf(sb, "x[%u]", test_random_below(seed, 2)); break;
    case 4: sb_printf(sb, "1.5 * x[%u] - 0.2", test_random_below(seed, 2)); break;
    default: sb_printf(sb, "%.3f", 4 * test_random_uniform(seed) - 2); break;
    }
}

/* Three distinct qubits below n (n >= 3). */
static inline void test_random_qubits(uint64_t *seed, uint32_t n, uint32_t q[3])
{
    q[0] = test_random_below(seed, n);
    do
        q[1] = test_random_below(seed, n);
    while (q[1] == q[0]);
    do
        q[2] = test_random_below(seed, n);
    while (q[2] == q[0] || q[2] == q[1]);
}

/* Tr(ρP) = <psi|P|psi> for each string of a planner's state set (malloc'd). */
static inline double *test_state_values(const StringSet *ss, const double complex *psi, uint32_t n)
{
    double *v = calloc(ss->len + 1u, sizeof *v);
    RefState st = {.n = n, .a = (double complex *)psi};
    for (uint32_t i = 0; i < ss->len; i++) {
        const uint64_t *p = stringset_get(ss, i);
        v[i] = ref_pauli_expectation(&st, p[0], p[ss->words]);
    }
    return v;
}


/* The start of a random source: n qubits, th[nparams], x[2], a random product state. */
static inline void test_random_source_header(StrBuf *sb, uint64_t *seed, uint32_t n, uint32_t nparams)
{
    sb_printf(sb, "ansatz random(n = %u);\nqubit[n] q;\nparam th[%u];\ninput x[2];\nstate |", n, nparams);
    for (uint32_t i = 0; i < n; i++)
        sb_putc(sb, "01+-"[test_random_below(seed, 4)]);
    sb_puts(sb, ">;\n");
}

enum { TEST_STANDARD_GATE_KINDS = 18 };

/* One standard gate on the distinct qubits q, chosen by kind < TEST_STANDARD_GATE_KINDS:
 * one- and two-qubit Cliffords, t/tdg, ccx, one- and two-qubit rotations, u. */
static inline void test_random_standard_gate(StrBuf *sb, uint64_t *seed, const uint32_t q[3], uint32_t nparams,
                                             uint32_t kind)
{
    static const char *const clifford1[] = {"x", "y", "z", "h", "s", "sdg", "sx", "sxdg", "id"};
    static const char *const clifford2[] = {"cx", "cy", "cz", "swap", "iswap"};
    static const char *const rot1[] = {"rx", "ry", "rz", "p"};
    static const char *const rot2[] = {"rxx", "ryy", "rzz", "rzx", "crx", "cry", "crz", "cp"};
    if (kind < 5)
        sb_printf(sb, "%s q[%u];\n", clifford1[test_random_below(seed, 9)], q[0]);
    else if (kind < 9)
        sb_printf(sb, "%s q[%u], q[%u];\n", clifford2[test_random_below(seed, 5)], q[0], q[1]);
    else if (kind < 10)
        sb_printf(sb, "%s q[%u];\n", test_random_below(seed, 2) ? "t" : "tdg", q[0]);
    else if (kind < 11)
        sb_printf(sb, "ccx q[%u], q[%u], q[%u];\n", q[0], q[1], q[2]);
    else if (kind < 14) {
        sb_printf(sb, "%s(", rot1[test_random_below(seed, 4)]);
        test_random_angle_text(sb, seed, nparams);
        sb_printf(sb, ") q[%u];\n", q[0]);
    } else if (kind < 17) {
        sb_printf(sb, "%s(", rot2[test_random_below(seed, 8)]);
        test_random_angle_text(sb, seed, nparams);
        sb_printf(sb, ") q[%u], q[%u];\n", q[0], q[1]);
    } else {
        sb_puts(sb, "u(");
        for (int i = 0; i < 3; i++) {
            test_random_angle_text(sb, seed, nparams);
            sb_puts(sb, i < 2 ? ", " : "");
        }
        sb_printf(sb, ") q[%u];\n", q[0]);
    }
}

/* Two random observables: sums of one to three weighted strings of weight one to three,
 * sometimes with an identity term. */
static inline void test_random_observables(StrBuf *sb, uint64_t *seed, uint32_t n)
{
    for (int o = 0; o < 2; o++) {
        sb_puts(sb, "observe ");
        uint32_t terms = 1 + test_random_below(seed, 3);
        for (uint32_t t = 0; t < terms; t++) {
            uint32_t q[3], weight = 1 + test_random_below(seed, 3);
            test_random_qubits(seed, n, q);
            sb_printf(sb, "%s%.3f * ", t ? " + " : "", 2 * test_random_uniform(seed) - 1);
            for (uint32_t i = 0; i < weight; i++)
                sb_printf(sb, "%s%c(q[%u])", i ? " * " : "", "XYZ"[test_random_below(seed, 3)], q[i]);
        }
        if (test_random_below(seed, 2))
            sb_puts(sb, " - 0.25 * I");
        sb_puts(sb, ";\n");
    }
}

#endif
