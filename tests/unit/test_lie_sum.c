/*
 * test_lie_sum.c — the sum path's contract (analysis/lie_sum.c), checked against a
 * reference written here from scratch.
 *
 * The reference closure: dense vectors over all 4^n strings modulo 2^61 − 1, the bracket of
 * two sums term by term from the product rule P·Q = i^k R (i[P, Q]/2 = −R for k = 1, +R for
 * k = 3), and a plain Gaussian elimination. It offers the seeds, then i[G_g, b_q]/2 for
 * q = 0, 1, … and g = 0 … ngens − 1 in that order, keeping what is independent. The sum
 * path must return exactly that sequence: each basis vector equal, coefficient by
 * coefficient, to the bracket the reference kept — whatever the symmetry reduction, the
 * column order and the batched rejections do inside.
 *
 * The primes: inputs built so that one prime is truly unlucky (a coefficient 1 + p, which is
 * 1 mod p but not over Q) must still give the rational answer, with primes_disagree set.
 */
#include "analysis/analysis.h"
#include "testing.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

static void set_factor(uint64_t *s, uint32_t q, char f)
{
    if (f == 'X' || f == 'Y')
        s[0] |= (uint64_t)1 << q;
    if (f == 'Z' || f == 'Y')
        s[1] |= (uint64_t)1 << q;
}

/* Σ over i in [from, to) step `step` of each '+'-separated term on qubits i, i+1, … mod n. */
static PauliSum *chain_sum(Arena *a, uint32_t n, const char *terms, uint32_t from, uint32_t to,
                           uint32_t step, Real c)
{
    PauliSum *s = psum_new(a, n);
    for (uint32_t i = from; i < to; i += step)
        for (const char *t = terms; *t;) {
            uint64_t p[2] = {0, 0};
            for (unsigned j = 0; *t && *t != '+'; t++, j++)
                set_factor(p, (i + j) % n, *t);
            psum_add(a, s, p, c);
            if (*t == '+')
                t++;
        }
    return s;
}

/* ---- the reference closure ------------------------------------------------------------ */

static const uint64_t P = LIE_PRIME;

static uint64_t mulmod(uint64_t a, uint64_t b) { return (uint64_t)((unsigned __int128)a * b % P); }
static uint64_t addmod(uint64_t a, uint64_t b) { return (a + b) % P; }
static uint64_t powmod(uint64_t a, uint64_t e)
{
    uint64_t r = 1;
    for (; e; e >>= 1, a = mulmod(a, a))
        if (e & 1)
            r = mulmod(r, a);
    return r;
}

typedef struct Ref {
    uint32_t n, strings, dim;
    uint64_t *rows;   /* dim × strings, reduced: row r is 1 at piv[r], 0 at the other pivots */
    uint32_t *piv;
    uint64_t *kept;   /* dim × strings: the vectors kept, as they were offered */
} Ref;

/* The dense index of a one-word string: x | z << n. */
static uint32_t ref_index(const uint64_t *p, uint32_t n) { return (uint32_t)(p[0] | p[1] << n); }

/* v (dense mod P) as exact coefficients of a sum. */
static void ref_load(const Ref *r, const PauliSum *s, uint64_t *v)
{
    memset(v, 0, r->strings * sizeof *v);
    for (uint32_t i = 0; i < s->len; i++) {
        const uint64_t *p = psum_string(s, i);
        if (!p[0] && !p[1])
            continue;
        uint64_t m;
        cr_assert(lie_real_mod(s->coef[i], P, &m));
        v[ref_index(p, r->n)] = addmod(v[ref_index(p, r->n)], m);
    }
}

/* out = i[G, x]/2 for G a sum and x dense. */
static void ref_bracket(const Ref *r, const PauliSum *g, const uint64_t *x, uint64_t *out)
{
    memset(out, 0, r->strings * sizeof *out);
    uint32_t n = r->n, mask = (1u << n) - 1;
    for (uint32_t i = 0; i < g->len; i++) {
        const uint64_t *gp = psum_string(g, i);
        uint64_t gm;
        cr_assert(lie_real_mod(g->coef[i], P, &gm));
        for (uint32_t t = 1; t < r->strings; t++) {
            if (!x[t])
                continue;
            uint64_t q[2] = {t & mask, t >> n}, prod[2];
            unsigned k = pauli_product(gp, q, prod, 1);
            if (!(k & 1))
                continue; /* commuting: no bracket */
            uint64_t c = mulmod(gm, x[t]);
            uint32_t j = ref_index(prod, n);
            out[j] = addmod(out[j], k == 3 ? c : (P - c) % P);
        }
    }
}

/* Keeps v when it is independent of the rows; true then. */
static bool ref_offer(Ref *r, const uint64_t *v)
{
    uint64_t *w = calloc(r->strings, sizeof *w);
    memcpy(w, v, r->strings * sizeof *w);
    for (uint32_t k = 0; k < r->dim; k++) {
        uint64_t f = w[r->piv[k]];
        if (f)
            for (uint32_t j = 0; j < r->strings; j++)
                w[j] = (w[j] + P - mulmod(f, r->rows[(size_t)k * r->strings + j])) % P;
    }
    uint32_t c = 0;
    while (c < r->strings && !w[c])
        c++;
    bool independent = c < r->strings;
    if (independent) {
        uint64_t inv = powmod(w[c], P - 2);
        for (uint32_t j = 0; j < r->strings; j++)
            w[j] = mulmod(w[j], inv);
        for (uint32_t k = 0; k < r->dim; k++) { /* keep the rows reduced */
            uint64_t *row = r->rows + (size_t)k * r->strings, f = row[c];
            if (f)
                for (uint32_t j = 0; j < r->strings; j++)
                    row[j] = (row[j] + P - mulmod(f, w[j])) % P;
        }
        r->rows = realloc(r->rows, (size_t)(r->dim + 1) * r->strings * sizeof *r->rows);
        r->kept = realloc(r->kept, (size_t)(r->dim + 1) * r->strings * sizeof *r->kept);
        r->piv = realloc(r->piv, (r->dim + 1) * sizeof *r->piv);
        memcpy(r->rows + (size_t)r->dim * r->strings, w, r->strings * sizeof *w);
        memcpy(r->kept + (size_t)r->dim * r->strings, v, r->strings * sizeof *v);
        r->piv[r->dim++] = c;
    }
    free(w);
    return independent;
}

/* The reference closure of the sums (identity terms dropped, zero sums skipped). */
static Ref ref_close(uint32_t n, PauliSum *const *gens, size_t ngens, PauliSum *const *seeds,
                     size_t nseeds)
{
    Ref r = {.n = n, .strings = 1u << 2 * n};
    uint64_t *v = calloc(r.strings, sizeof *v);
    for (size_t s = 0; s < nseeds; s++) {
        ref_load(&r, seeds[s], v);
        ref_offer(&r, v);
    }
    for (uint32_t q = 0; q < r.dim; q++)
        for (size_t g = 0; g < ngens; g++) {
            ref_bracket(&r, gens[g], r.kept + (size_t)q * r.strings, v);
            ref_offer(&r, v);
        }
    free(v);
    return r;
}

static void ref_free(Ref *r) { free(r->rows), free(r->kept), free(r->piv); }

/* The sum path's basis against the reference's kept vectors, one by one. */
static void check_sequence(uint32_t n, PauliSum *const *gens, size_t ngens,
                           PauliSum *const *seeds, size_t nseeds, unsigned flags, const char *what)
{
    LieSpace *s = lie_close_flags(n, gens, ngens, seeds, nseeds, 1u << 20, LIE_DEFAULT_WORK, flags);
    Ref r = ref_close(n, gens, ngens, seeds, nseeds);
    cr_assert_eq(s->dim, r.dim, "%s: dim %u, reference %u", what, s->dim, r.dim);
    cr_assert(s->complete && !s->primes_disagree);
    if (!s->strings) /* (string form keeps only the strings: nothing to compare one by one) */
        for (uint32_t i = 0; i < s->dim; i++) {
            const SparseVec *b = &s->basis[i];
            const uint64_t *k = r.kept + (size_t)i * r.strings;
            uint32_t nonzero = 0;
            for (uint32_t t = 0; t < r.strings; t++)
                nonzero += k[t] != 0;
            cr_assert_eq(b->len, nonzero, "%s: basis vector %u has %u strings, reference %u",
                         what, i, b->len, nonzero);
            for (uint32_t j = 0; j < b->len; j++) {
                uint32_t t = ref_index(stringset_get(&s->set, b->col[j]), n);
                cr_assert_eq(b->mod[j], k[t], "%s: basis vector %u differs", what, i);
            }
        }
    ref_free(&r);
    lie_space_free(s);
}

Test(lie_sum, basis_is_the_one_by_one_sequence_of_brackets, .timeout = 120)
{
    Arena a;
    arena_init(&a);
    for (uint32_t n = 3; n <= 6; n++) { /* symmetric: 24 or 48 */
        PauliSum *heis[2] = {chain_sum(&a, n, "XX+YY+ZZ", 0, n - 1, 2, real_int(1)),
                             chain_sum(&a, n, "XX+YY+ZZ", 1, n - 1, 2, real_int(1))};
        check_sequence(n, heis, 2, heis, 2, 0, "heisenberg even/odd");
        check_sequence(n, heis, 2, heis, 2, LIE_NO_SYMMETRY, "heisenberg even/odd, unreduced");
        PauliSum *tfim[2] = {chain_sum(&a, n, "ZZ", 0, n, 1, real_int(1)),
                             chain_sum(&a, n, "X", 0, n, 1, real_rational(1, 3))};
        PauliSum *o = chain_sum(&a, n, "Z", 0, n, 1, real_int(1));
        check_sequence(n, tfim, 2, tfim, 2, 0, "tfim ring");
        check_sequence(n, tfim, 2, &o, 1, 0, "tfim ring, module of ΣZ");
    }
    uint64_t rng = 0x51DE5EEDull; /* random sums: mostly no symmetry */
    for (int i = 0; i < 150; i++) {
        uint32_t n = 2 + test_xorshift_below(&rng, 3);
        PauliSum *gens[3];
        size_t ngens = 1 + test_xorshift_below(&rng, 3);
        for (size_t g = 0; g < ngens; g++) {
            gens[g] = psum_new(&a, n);
            for (unsigned t = 0, terms = 1 + test_xorshift_below(&rng, 3); t < terms; t++) {
                uint64_t p[2] = {test_xorshift_next(&rng) & ((1u << n) - 1),
                                 test_xorshift_next(&rng) & ((1u << n) - 1)};
                psum_add(&a, gens[g], p, real_int((int)test_xorshift_below(&rng, 5) - 2));
            }
        }
        char what[48];
        snprintf(what, sizeof what, "random case %d", i);
        bool sums = false;
        for (size_t g = 0; g < ngens; g++)
            sums |= gens[g]->len > 1;
        if (sums)
            check_sequence(n, gens, ngens, gens, ngens, 0, what);
    }
    arena_free(&a);
}

/* The module of Z0 + Z1 under X0 + c·X1 is 2-dimensional when c = 1 and 4-dimensional
 * otherwise. With c = 1 + p, the prime p sees c = 1. */
static LieSpace *two_qubit_module(Arena *a, Real c)
{
    PauliSum *g = chain_sum(a, 2, "X", 0, 1, 1, real_int(1));
    psum_add_sum(a, g, chain_sum(a, 2, "X", 1, 2, 1, c), real_int(1));
    PauliSum *o = chain_sum(a, 2, "Z", 0, 2, 1, real_int(1));
    return lie_close(2, &g, 1, &o, 1, 100);
}

Test(lie_sum, an_unlucky_prime_is_outvoted)
{
    Arena a;
    arena_init(&a);
    const struct {
        int64_t c;
        uint32_t dim;
        bool disagree;
    } cases[] = {
        {1, 2, false},
        {3, 4, false},
        {(int64_t)LIE_PRIME + 1, 4, true},  /* the first prime rejects what the second sees */
        {(int64_t)LIE_PRIME2 + 1, 4, true}, /* the second prime finds an element dependent */
    };
    PauliSum *y0 = chain_sum(&a, 2, "Y", 0, 1, 1, real_int(1));
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        LieSpace *m = two_qubit_module(&a, real_int(cases[i].c));
        cr_expect_eq(m->dim, cases[i].dim, "c = %lld: dim %u", (long long)cases[i].c, m->dim);
        cr_expect_eq(m->primes_disagree, cases[i].disagree, "c = %lld", (long long)cases[i].c);
        cr_expect(m->complete);
        cr_expect_eq(lie_contains(m, y0), cases[i].dim == 4, "c = %lld: Y0", (long long)cases[i].c);
        lie_space_free(m);
    }
    arena_free(&a);
}

Test(lie_sum, budgets_give_lower_bounds)
{
    Arena a;
    arena_init(&a);
    const uint32_t n = 7;
    PauliSum *gens[2] = {chain_sum(&a, n, "XX+YY+ZZ", 0, n - 1, 2, real_int(1)),
                         chain_sum(&a, n, "XX+YY+ZZ", 1, n - 1, 2, real_int(1))};
    const uint64_t works[] = {1u << 10, 1u << 16, 1u << 20, 1u << 23};
    uint32_t last = 0;
    for (size_t i = 0; i < sizeof works / sizeof *works; i++) {
        LieSpace *g = lie_close_budget(n, gens, 2, gens, 2, 1u << 20, works[i]);
        cr_assert(!g->complete, "work %llu", (unsigned long long)works[i]);
        cr_assert(g->dim <= 400 && g->dim >= last);
        last = g->dim;
        lie_space_free(g);
    }
    for (uint32_t max_dim = 0; max_dim <= 400; max_dim += 100) {
        LieSpace *g = lie_close(n, gens, 2, gens, 2, max_dim);
        cr_assert_eq(g->dim, max_dim);
        cr_assert_eq(g->complete, max_dim == 400);
        lie_space_free(g);
    }
    arena_free(&a);
}
