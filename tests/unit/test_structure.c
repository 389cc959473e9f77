/*
 * test_structure.c — centre, simple ideals, ranks and names (analysis/structure*.c), against
 * the published tables, the same algebras in a rotated frame, and a brute force.
 *
 * The tables are those of physics.md, with the names that follow from them and the
 * coincidences (so(4) = su(2) ⊕ su(2), so(5) = sp(2), so(6) = su(4)). Each string model is
 * also conjugated by the same rational rotation about Y on every qubit (X → 3/5 X + 4/5 Z,
 * Z → 3/5 Z − 4/5 X): an isomorphic algebra that is no longer spanned by strings, so the
 * sum path must find the same structure (the Ising ring's two isomorphic ideals, so(7)
 * against sp(3), so(16) against su(11)).
 *
 * The brute force shares nothing with the code under test but the PauliSum it reads raw
 * bits from: Pauli products come from the 2×2 matrices of dense.h, elements are vectors of
 * the 4^n string coefficients modulo q = 2^31 − 1, the closure is its own, the centre is
 * the null space of the generators' ad matrices, the number of simple ideals is the
 * dimension of the centroid (maps T with T·ad_G = ad_G·T for every generator, solved from a
 * cyclic vector and checked against the direct d²-unknown system when small), their sizes
 * are the traces of the primitive idempotents that powers T^((q−1)/2) of random centroid
 * elements cut out, and their ranks the nullity of ad_X for a random X in each.
 */
#include "analysis/analysis.h"
#include "dense.h"
#include "testing.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* ---- generators ----------------------------------------------------------------------- */

/* Adds c · (each '+'-separated term of `terms`), factor j on qubit qubits[j]. */
static void add_terms(Arena *a, PauliSum *s, const char *terms, const uint32_t *qubits, Real c)
{
    uint64_t *p = arena_alloc(a, 2u * s->words * sizeof *p);
    for (const char *t = terms; *t;) {
        memset(p, 0, 2u * s->words * sizeof *p);
        for (unsigned j = 0; *t && *t != '+'; t++, j++)
            pauli_set(p, s->words, qubits[j], *t);
        psum_add(a, s, p, c);
        if (*t == '+')
            t++;
    }
}

typedef struct Model {
    const char *sites, *bonds; /* space-separated patterns per qubit / per bond; '+' sums */
    bool shared;               /* one generator per pattern, summed over sites or bonds */
    bool ring, all_pairs;
} Model;

static size_t model_generators(Arena *a, const Model *m, uint32_t n, PauliSum **out)
{
    uint32_t pairs[64][2], npairs = 0;
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = i + 1; j < n; j++)
            if (m->all_pairs || j == i + 1)
                pairs[npairs][0] = i, pairs[npairs++][1] = j;
    if (m->ring && !m->all_pairs && n > 2)
        pairs[npairs][0] = n - 1, pairs[npairs++][1] = 0;
    size_t k = 0;
    for (int bonds = 0; bonds < 2; bonds++) {
        const char *l = bonds ? m->bonds : m->sites;
        char word[32];
        while (l && *l) {
            size_t len = 0;
            while (*l == ' ')
                l++;
            while (*l && *l != ' ')
                word[len++] = *l++;
            word[len] = '\0';
            if (!len)
                break;
            if (m->shared)
                out[k++] = psum_new(a, n);
            for (uint32_t i = 0; i < (bonds ? npairs : n); i++) {
                if (!m->shared)
                    out[k++] = psum_new(a, n);
                add_terms(a, out[k - 1], word, bonds ? pairs[i] : &i, real_int(1));
            }
        }
    }
    return k;
}

/* R s R† for R = ⊗ exp(−iθY/2), cos θ = 3/5: X → 3/5 X + 4/5 Z, Z → 3/5 Z − 4/5 X. */
static PauliSum *rotate(Arena *a, const PauliSum *s)
{
    PauliSum *out = psum_new(a, s->nqubits);
    uint32_t w = s->words;
    for (uint32_t t = 0; t < s->len; t++) {
        PauliSum *acc = psum_new(a, s->nqubits);
        uint64_t *p = arena_alloc(a, 2u * w * sizeof *p);
        psum_add(a, acc, p, s->coef[t]);
        for (uint32_t q = 0; q < s->nqubits; q++) {
            char f = dense_raw_factor(psum_string(s, t), w, q);
            if (f == 'I' || f == 'Y') {
                for (uint32_t i = 0; i < acc->len; i++)
                    pauli_set(psum_string(acc, i), w, q, f);
                continue;
            }
            PauliSum *next = psum_new(a, s->nqubits);
            for (uint32_t i = 0; i < acc->len; i++) {
                memcpy(p, psum_string(acc, i), 2u * w * sizeof *p);
                pauli_set(p, w, q, 'X');
                psum_add(a, next, p, real_mul(acc->coef[i], real_rational(f == 'X' ? 3 : -4, 5)));
                pauli_set(p, w, q, 'Z');
                psum_add(a, next, p, real_mul(acc->coef[i], real_rational(f == 'X' ? 4 : 3, 5)));
            }
            acc = next;
        }
        psum_add_sum(a, out, acc, real_int(1));
    }
    return out;
}

/* ---- names ---------------------------------------------------------------------------- */

Test(structure, simple_names_follow_dimension_rank_and_root_lengths)
{
    Arena a;
    arena_init(&a);
    const uint32_t U = LIE_ROOTS_UNKNOWN;
    struct {
        uint32_t dim, rank, short_roots;
        const char *name;
    } cases[] = {
        {1, 1, U, "u(1)"},     {3, 1, U, "su(2)"},    {8, 2, U, "su(3)"},    {15, 3, U, "su(4)"},
        {10, 2, U, "sp(2)"},   {6, 2, U, NULL},       {28, 4, U, "so(8)"},   {45, 5, U, "so(10)"},
        {21, 3, U, NULL},      {21, 3, 6, "so(7)"},   {21, 3, 12, "sp(3)"},  {36, 4, 24, "sp(4)"},
        {36, 4, 8, "so(9)"},   {120, 8, U, "so(16)"}, {120, 10, U, "su(11)"}, {14, 2, U, NULL},
        {52, 4, U, NULL},      {78, 6, 0, NULL},      {78, 6, 12, "so(13)"}, {78, 6, 60, "sp(6)"},
        {248, 8, U, NULL},     {133, 7, U, NULL},     {28, 4, 3, NULL},      {255, 15, U, "su(16)"},
        {130816, 256, U, "so(512)"}, {15, 3, 4, NULL}, {4, 2, U, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *got = lie_simple_name(&a, cases[i].dim, cases[i].rank, cases[i].short_roots);
        if (cases[i].name)
            cr_expect(got && strcmp(got, cases[i].name) == 0, "(%u, %u): %s, expected %s",
                      cases[i].dim, cases[i].rank, got ? got : "NULL", cases[i].name);
        else
            cr_expect_null(got, "(%u, %u): %s, expected none", cases[i].dim, cases[i].rank, got);
    }
    arena_free(&a);
}

/* ---- the tables ----------------------------------------------------------------------- */

/* Closes gens (rotated first when asked) and returns the structure, with g in *dim. */
static Structure *structure_of(Arena *a, uint32_t n, PauliSum **gens, size_t k, bool rotated,
                               uint32_t *dim)
{
    if (rotated)
        for (size_t j = 0; j < k; j++)
            gens[j] = rotate(a, gens[j]);
    LieSpace *g = lie_close(n, gens, k, gens, k, 1u << 22);
    Structure *st = lie_structure(a, g, gens, k);
    *dim = g->dim;
    lie_space_free(g);
    return st;
}

typedef struct Expected {
    uint32_t n, dim, center;
    const char *name;
} Expected;

static void check_table(const char *what, const Model *m, const Expected *e, size_t count,
                        bool rotated)
{
    for (size_t i = 0; i < count; i++) {
        Arena a;
        arena_init(&a);
        PauliSum *gens[256];
        size_t k = model_generators(&a, m, e[i].n, gens);
        uint32_t dim;
        Structure *st = structure_of(&a, e[i].n, gens, k, rotated, &dim);
        cr_assert_not_null(st, "%s, n = %u%s: no structure", what, e[i].n,
                           rotated ? " rotated" : "");
        cr_expect_eq(dim, e[i].dim, "%s, n = %u: dim %u", what, e[i].n, dim);
        cr_expect_eq(st->center_dim, e[i].center, "%s, n = %u%s: centre %u, expected %u", what,
                     e[i].n, rotated ? " rotated" : "", st->center_dim, e[i].center);
        cr_expect(st->name && strcmp(st->name, e[i].name) == 0, "%s, n = %u%s: %s, expected %s",
                  what, e[i].n, rotated ? " rotated" : "", st->name ? st->name : "NULL", e[i].name);
        cr_expect(st->decomposed);
        uint32_t total = st->center_dim;
        for (size_t j = 0; j < st->ideals.len; j++)
            total += st->ideals.data[j].dim;
        cr_expect_eq(total, dim, "%s, n = %u: centre and ideals add up to %u", what, e[i].n, total);
        arena_free(&a);
    }
}

#define CHECK(what, model, rotated, ...)                                                     \
    do {                                                                                      \
        const Expected e_[] = {__VA_ARGS__};                                                  \
        check_table(what, &(model), e_, sizeof e_ / sizeof *e_, rotated);                     \
    } while (0)

static const Model ISING = {.sites = "X", .bonds = "ZZ"}, ISING_RING = {"X", "ZZ", .ring = true};
static const Model SU = {.sites = "X Y", .bonds = "ZZ"}, XX_YY = {.bonds = "XX YY"};
static const Model XX_XZ = {.bonds = "XX XZ"};
static const Model XY_XZ = {.bonds = "XY XZ"}, XY_YX_YZ = {.bonds = "XY YX YZ"};
static const Model SUMMED_ISING = {"X", "ZZ", .shared = true};
static const Model SUMMED_RING = {"X", "ZZ", .shared = true, .ring = true};
static const Model PARTICLES = {.sites = "Z", .bonds = "XX+YY"};

Test(structure, per_term_tables_give_the_published_algebras)
{
    for (int rotated = 0; rotated < 2; rotated++) {
        CHECK("Ising", ISING, rotated, {2, 6, 0, "su(2)^2"}, {3, 15, 0, "su(4)"},
              {4, 28, 0, "so(8)"}, {5, 45, 0, "so(10)"});
        CHECK("Ising ring", ISING_RING, rotated, {3, 30, 0, "su(4)^2"}, {4, 56, 0, "so(8)^2"},
              {5, 90, 0, "so(10)^2"});
        CHECK("XX, YY", XX_YY, rotated, {2, 2, 2, "u(1)^2"}, {3, 6, 0, "su(2)^2"},
              {4, 12, 0, "su(2)^4"}, {5, 20, 0, "sp(2)^2"}, {6, 30, 0, "su(4)^2"});
        CHECK("XX, XZ", XX_XZ, rotated, {3, 10, 0, "sp(2)"}, {4, 21, 0, "so(7)"},
              {5, 36, 0, "so(9)"});
        CHECK("XY, XZ", XY_XZ, rotated, {3, 10, 0, "sp(2)"}, {4, 36, 0, "sp(4)"});
        CHECK("X, Y, ZZ", SU, rotated, {2, 15, 0, "su(4)"}, {3, 63, 0, "su(8)"});
        CHECK("XY, YX, YZ", XY_YX_YZ, rotated, {4, 120, 0, "so(16)"});
    }
    CHECK("Ising", ISING, false, {6, 66, 0, "so(12)"});
    CHECK("Ising ring", ISING_RING, false, {6, 132, 0, "so(12)^2"});
    CHECK("XX, XZ", XX_XZ, false, {6, 55, 0, "so(11)"});
    CHECK("XY, XZ", XY_XZ, false, {5, 136, 0, "sp(8)"}, {6, 528, 0, "sp(16)"});
    CHECK("X, Y, ZZ", SU, false, {4, 255, 0, "su(16)"}, {5, 1023, 0, "su(32)"},
          {6, 4095, 0, "su(64)"});
    CHECK("XY, YX, YZ", XY_YX_YZ, false, {5, 496, 0, "so(32)"}, {6, 2016, 0, "so(64)"});
}

Test(structure, shared_tables_give_the_published_algebras)
{
    CHECK("ΣZZ; ΣX", SUMMED_ISING, false, {3, 9, 1, "u(1) ⊕ su(3)"}, {4, 16, 1, "u(1) ⊕ su(4)"},
          {5, 25, 1, "u(1) ⊕ su(5)"}, {6, 36, 1, "u(1) ⊕ su(6)"});
    /* 3n − 1 with a two-dimensional centre; the ideals (n − 1 copies of su(2), some of them
     * Galois conjugates that p = 2^61 − 1 does not separate) are checked by brute force. */
    CHECK("ΣZZ; ΣX ring", SUMMED_RING, false, {3, 8, 2, "u(1)^2 ⊕ su(2)^2"},
          {4, 11, 2, "u(1)^2 ⊕ su(2)^3"}, {5, 14, 2, "u(1)^2 ⊕ su(2)^4"},
          {6, 17, 2, "u(1)^2 ⊕ su(2)^5"});
    CHECK("XX+YY; Z", PARTICLES, false, {3, 9, 1, "u(1) ⊕ su(3)"}, {4, 16, 1, "u(1) ⊕ su(4)"},
          {5, 25, 1, "u(1) ⊕ su(5)"}, {6, 36, 1, "u(1) ⊕ su(6)"});
}

Test(structure, ranks_follow_from_dimensions_where_only_one_algebra_fits)
{
    cr_expect_eq(lie_rank_from_dimension(3), 1);
    cr_expect_eq(lie_rank_from_dimension(15), 3);  /* su(4) = so(6) */
    cr_expect_eq(lie_rank_from_dimension(21), 3);  /* so(7) and sp(3): one rank */
    cr_expect_eq(lie_rank_from_dimension(28), 4);
    cr_expect_eq(lie_rank_from_dimension(120), 0); /* su(11) or so(16) */
    cr_expect_eq(lie_rank_from_dimension(78), 6);  /* so(13), sp(6), E6 */
    cr_expect_eq(lie_rank_from_dimension(6), 0);   /* so(4) is not simple */
    cr_expect_eq(lie_rank_from_dimension(7), 0);
}

/* so(512) = dim 130,816 from XY, YX, YZ on 9 qubits (physics.md: so(2^n) from n = 4). The
 * bound is loose (a sanitizer build is slow); a quadratic step would take minutes. */
Test(structure, so_512_is_found_in_well_under_a_second_per_pass, .timeout = 60)
{
    Arena a;
    arena_init(&a);
    PauliSum *gens[64];
    size_t k = model_generators(&a, &XY_YX_YZ, 9, gens);
    LieSpace *g = lie_close(9, gens, k, gens, k, 1u << 20);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    Structure *st = lie_structure(&a, g, gens, k);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    cr_expect_eq(g->dim, 130816);
    cr_assert_not_null(st);
    cr_expect_str_eq(st->name, "so(512)");
    cr_expect_eq(st->ideals.data[0].rank, 256);
    cr_expect(seconds < 10, "lie_structure took %.2f s", seconds);
    lie_space_free(g);
    arena_free(&a);
}

Test(structure, full_means_all_of_su_on_the_touched_qubits)
{
    Arena a;
    arena_init(&a);
    PauliSum *gens[64];
    uint32_t dim;
    size_t k = model_generators(&a, &SU, 3, gens);
    cr_expect(structure_of(&a, 3, gens, k, false, &dim)->full);
    /* su(8) on qubits 0..2 of a 5-qubit register is still full. */
    PauliSum *wide[64];
    for (size_t j = 0; j < k; j++) {
        wide[j] = psum_new(&a, 5);
        psum_add_sum(&a, wide[j], gens[j], real_int(1));
    }
    cr_expect(structure_of(&a, 5, wide, k, false, &dim)->full);
    k = model_generators(&a, &ISING, 4, gens);
    cr_expect(!structure_of(&a, 4, gens, k, false, &dim)->full);
    arena_free(&a);
}

Test(structure, string_spanned_algebra_from_summed_generators)
{
    /* X0 + X1 and Z0 close on X0, Y0, Z0, X1: string-spanned although a generator is a
     * sum; X1 is central. */
    Arena a;
    arena_init(&a);
    PauliSum *gens[2] = {psum_new(&a, 2), psum_new(&a, 2)};
    uint32_t q01[2] = {0, 1};
    add_terms(&a, gens[0], "X", &q01[0], real_int(1));
    add_terms(&a, gens[0], "X", &q01[1], real_int(1));
    add_terms(&a, gens[1], "Z", &q01[0], real_int(1));
    LieSpace *g = lie_close(2, gens, 2, gens, 2, 1000);
    cr_expect(g->strings);
    Structure *st = lie_structure(&a, g, gens, 2);
    cr_assert_not_null(st);
    cr_expect_eq(st->center_dim, 1);
    cr_expect_str_eq(st->name, "u(1) ⊕ su(2)");
    lie_space_free(g);
    arena_free(&a);
}

Test(structure, an_incomplete_closure_has_no_structure)
{
    Arena a;
    arena_init(&a);
    PauliSum *gens[64];
    size_t k = model_generators(&a, &SU, 3, gens);
    LieSpace *g = lie_close(3, gens, k, gens, k, 20);
    cr_expect(!g->complete);
    cr_expect_null(lie_structure(&a, g, gens, k));
    lie_space_free(g);
    arena_free(&a);
}

/* ---- brute force ---------------------------------------------------------------------- */

/* Primes below 2^31 (products fit in 64 bits). The first whose centroid splits into
 * scalars is used: Galois-conjugate ideals (the ring's, over Q(√3) or Q(√5)) are one
 * simple module over F_q unless q splits their field. */
static const uint64_t PRIMES[] = {2147483647, 2147483629, 2147483579, 2147483549, 2147483543,
                                  2147483489, 2147483423, 2147483399, 2147483353, 2147483269};

static uint64_t bmul(uint64_t a, uint64_t b, uint64_t q) { return a * b % q; }
static uint64_t badd(uint64_t a, uint64_t b, uint64_t q) { return (a + b) % q; }
static uint64_t bsub(uint64_t a, uint64_t b, uint64_t q) { return (a + q - b) % q; }
static uint64_t bpow(uint64_t a, uint64_t e, uint64_t q)
{
    uint64_t r = 1;
    for (; e; e >>= 1, a = bmul(a, a, q))
        if (e & 1)
            r = bmul(r, a, q);
    return r;
}
static uint64_t binv(uint64_t a, uint64_t q) { return bpow(a, q - 2, q); }
#define BMUL(a, b) bmul(a, b, q)
#define BADD(a, b) badd(a, b, q)
#define BSUB(a, b) bsub(a, b, q)
#define BINV(a) binv(a, q)

/* Strings are base-4 numbers, digit q the factor on qubit q: 0 I, 1 X, 2 Y, 3 Z. */
typedef struct Brute {
    uint64_t q;
    uint32_t n, N;
    int factor[4][4], phase[4][4]; /* σ_a σ_b = i^phase σ_factor, read off 2×2 matrices */
} Brute;

static void brute_init(Brute *b, uint32_t n, uint64_t q)
{
    b->q = q;
    const char names[4] = {'I', 'X', 'Y', 'Z'};
    const double complex ipow[4] = {1, I, -1, -I};
    b->n = n;
    b->N = 1u << 2 * n;
    for (int x = 0; x < 4; x++)
        for (int y = 0; y < 4; y++) {
            Dense A, B, C, R;
            dense_pauli1(&A, names[x]);
            dense_pauli1(&B, names[y]);
            dense_mul(&C, &A, &B);
            b->factor[x][y] = -1;
            for (int z = 0; z < 4; z++)
                for (int k = 0; k < 4; k++) {
                    dense_pauli1(&R, names[z]);
                    dense_scale(&R, ipow[k]);
                    if (dense_max_diff(&R, &C) < 1e-12)
                        b->factor[x][y] = z, b->phase[x][y] = k;
                }
            cr_assert(b->factor[x][y] >= 0);
        }
}

/* i[P, Q] = c·R with c ∈ {0, ±2}; returns c, R in *r. */
static int brute_bracket1(const Brute *b, uint32_t p, uint32_t q, uint32_t *r)
{
    int k1 = 0, k2 = 0;
    *r = 0;
    for (uint32_t j = 0, scale = 1; j < b->n; j++, scale *= 4) {
        int x = (int)(p / scale % 4), y = (int)(q / scale % 4);
        *r += (uint32_t)b->factor[x][y] * scale;
        k1 += b->phase[x][y];
        k2 += b->phase[y][x];
    }
    /* i(i^k1 − i^k2): real part of i^{k+1} is 0, −1, 0, 1 for k = 0, 1, 2, 3 */
    const int re[4] = {0, -1, 0, 1};
    return re[k1 % 4] - re[k2 % 4];
}

static uint64_t real_to_q(Real r, uint64_t q)
{
    cr_assert(r.den != 0);
    uint64_t num = (uint64_t)(r.num < 0 ? -r.num : r.num) % q;
    uint64_t v = BMUL(num, BINV((uint64_t)r.den % q));
    return r.num < 0 ? BSUB(0, v) : v;
}

/* A Pauli sum as a coefficient vector (N entries). */
static void brute_vector(const Brute *b, const PauliSum *s, uint64_t *v)
{
    uint64_t q = b->q;
    memset(v, 0, b->N * sizeof *v);
    for (uint32_t t = 0; t < s->len; t++) {
        uint32_t idx = 0;
        for (uint32_t q = 0, scale = 1; q < b->n; q++, scale *= 4) {
            char f = dense_raw_factor(psum_string(s, t), s->words, q);
            idx += (uint32_t)(f == 'X' ? 1 : f == 'Y' ? 2 : f == 'Z' ? 3 : 0) * scale;
        }
        if (idx)
            v[idx] = BADD(v[idx], real_to_q(s->coef[t], q));
    }
}

/* out = i[x, y] (dense vectors of N entries). */
static void brute_bracket(const Brute *b, const uint64_t *x, const uint64_t *y, uint64_t *out)
{
    uint64_t q = b->q;
    memset(out, 0, b->N * sizeof *out);
    for (uint32_t p = 1; p < b->N; p++) {
        if (!x[p])
            continue;
        for (uint32_t t = 1; t < b->N; t++) {
            uint32_t r;
            int c;
            if (!y[t] || !(c = brute_bracket1(b, p, t, &r)))
                continue;
            uint64_t m = BMUL(BMUL(x[p], y[t]), 2);
            out[r] = c > 0 ? BADD(out[r], m) : BSUB(out[r], m);
        }
    }
}

/* Rows in reduced row echelon form over `cols` columns. */
typedef struct Rows {
    uint64_t q;
    uint32_t len, cols;
    uint64_t *row; /* capacity cols rows */
    uint32_t *piv;
} Rows;

static Rows rows_new(uint64_t q, uint32_t cols, uint32_t cap)
{
    Rows r = {q, 0, cols, calloc((size_t)cap * cols + 1, 8), calloc(cap + 1, 4)};
    return r;
}
static void rows_free(Rows *r) { free(r->row), free(r->piv); }

/* Adds v (reduced in place) when independent. */
static bool rows_add(Rows *r, uint64_t *v)
{
    uint64_t q = r->q;
    uint32_t n = r->cols;
    for (uint32_t i = 0; i < r->len; i++) {
        uint64_t f = v[r->piv[i]];
        if (f)
            for (uint32_t j = 0; j < n; j++)
                v[j] = BSUB(v[j], BMUL(f, r->row[(size_t)i * n + j]));
    }
    uint32_t c = 0;
    while (c < n && !v[c])
        c++;
    if (c == n)
        return false;
    uint64_t inv = BINV(v[c]);
    for (uint32_t j = 0; j < n; j++)
        v[j] = BMUL(v[j], inv);
    for (uint32_t i = 0; i < r->len; i++) {
        uint64_t *R = r->row + (size_t)i * n, f = R[c];
        if (f)
            for (uint32_t j = 0; j < n; j++)
                R[j] = BSUB(R[j], BMUL(f, v[j]));
    }
    memcpy(r->row + (size_t)r->len * n, v, n * sizeof *v);
    r->piv[r->len++] = c;
    return true;
}

/* Null space dimension of m (rows × cols, copied). */
static uint32_t nullity(uint64_t q, const uint64_t *m, uint32_t rows, uint32_t cols)
{
    Rows r = rows_new(q, cols, cols);
    uint64_t *v = malloc(cols * 8);
    for (uint32_t i = 0; i < rows && r.len < cols; i++) {
        memcpy(v, m + (size_t)i * cols, cols * 8);
        rows_add(&r, v);
    }
    uint32_t k = cols - r.len;
    free(v);
    rows_free(&r);
    return k;
}

static void bmatmul(uint64_t q, uint64_t *c, const uint64_t *a, const uint64_t *b, uint32_t n)
{
    __extension__ typedef unsigned __int128 wide;
    wide *acc = calloc(n + 1, sizeof *acc);
    for (uint32_t i = 0; i < n; i++) {
        memset(acc, 0, n * sizeof *acc);
        for (uint32_t k = 0; k < n; k++) {
            uint64_t x = a[(size_t)i * n + k];
            for (uint32_t j = 0; x && j < n; j++)
                acc[j] += (wide)x * b[(size_t)k * n + j];
        }
        for (uint32_t j = 0; j < n; j++)
            c[(size_t)i * n + j] = (uint64_t)(acc[j] % q);
    }
    free(acc);
}

/* The brute-force structure: centre and sorted (dim, rank) pairs. */
typedef struct BruteResult {
    bool split; /* the centroid split into scalars modulo this prime */
    uint32_t dim, center, count, ideal[64][2];
} BruteResult;

static int pair_order(const void *x, const void *y)
{
    const uint32_t *a = x, *b = y;
    return a[0] != b[0] ? (a[0] > b[0] ? -1 : 1) : a[1] != b[1] ? (a[1] > b[1] ? -1 : 1) : 0;
}

static BruteResult brute_structure(uint32_t n, PauliSum **gens, size_t k, uint64_t *rng, uint64_t q)
{
    Brute b;
    brute_init(&b, n, q);
    uint32_t N = b.N;
    BruteResult res = {0};
    /* Closure: the basis is the rows of an RREF, so coordinates are the pivot entries. */
    uint64_t *G = calloc(k * N, 8), *v = calloc(N, 8), *w = calloc(N, 8);
    uint64_t *queue = calloc((size_t)N * N, 8);
    Rows basis = rows_new(q, N, N);
    uint32_t len = 0;
    for (size_t j = 0; j < k; j++) {
        brute_vector(&b, gens[j], G + j * N);
        memcpy(v, G + j * N, N * 8);
        if (rows_add(&basis, v))
            memcpy(queue + (size_t)len++ * N, G + j * N, N * 8);
    }
    for (uint32_t q = 0; q < len; q++)
        for (size_t j = 0; j < k; j++) {
            brute_bracket(&b, G + j * N, queue + (size_t)q * N, v);
            memcpy(w, v, N * 8);
            if (rows_add(&basis, v))
                memcpy(queue + (size_t)len++ * N, w, N * 8);
        }
    uint32_t d = res.dim = basis.len;
    /* ad matrices: column a = coordinates of i[G_j, e_a]. */
    uint64_t *A = calloc(k * d * d + 1, 8);
    for (size_t j = 0; j < k; j++)
        for (uint32_t a = 0; a < d; a++) {
            brute_bracket(&b, G + j * N, basis.row + (size_t)a * N, v);
            for (uint32_t i = 0; i < d; i++)
                A[j * d * d + (size_t)i * d + a] = v[basis.piv[i]];
        }
    res.center = nullity(q, A, (uint32_t)k * d, d);
    /* s = [g, g] = Σ_j im A_j, and the A_j restricted to it. */
    Rows s = rows_new(q, d, d);
    for (size_t j = 0; j < k; j++)
        for (uint32_t a = 0; a < d; a++) {
            for (uint32_t i = 0; i < d; i++)
                v[i] = A[j * d * d + (size_t)i * d + a];
            rows_add(&s, v);
        }
    uint32_t m = s.len;
    cr_assert_eq(m + res.center, d, "[g, g] ⊕ centre does not fill g");
    uint64_t *As = calloc(k * m * m + 1, 8);
    for (size_t j = 0; j < k; j++)
        for (uint32_t c = 0; c < m; c++) {
            for (uint32_t i = 0; i < d; i++) {
                uint64_t acc = 0;
                for (uint32_t l = 0; l < d; l++)
                    acc = (acc + A[j * d * d + (size_t)i * d + l] * s.row[(size_t)c * d + l]) % q;
                w[i] = acc;
            }
            for (uint32_t r = 0; r < m; r++)
                As[j * m * m + (size_t)r * m + c] = w[s.piv[r]];
        }
    /* The centroid from a cyclic vector: spin basis b_t = W_t v0, T fixed by u = T v0, and
     * the relations A_j b_t = Σ c_l b_l give (A_j W_t − Σ c_l W_l) u = 0. */
    uint64_t *spin = calloc((size_t)m * m + 1, 8), *W = calloc((size_t)m * m * m + 1, 8);
    uint32_t *word = calloc(m + 1, 4), *from = calloc(m + 1, 4), got = 0;
    Rows span = rows_new(q, m, m);
    for (uint32_t i = 0; i < m; i++)
        spin[i] = test_xorshift_next(rng) % q;
    memcpy(v, spin, m * 8);
    got = rows_add(&span, v);
    for (uint32_t t = 0; t < got; t++)
        for (size_t j = 0; j < k && got < m; j++) {
            uint64_t *nb = spin + (size_t)got * m;
            for (uint32_t i = 0; i < m; i++) {
                uint64_t acc = 0;
                for (uint32_t l = 0; l < m; l++)
                    acc = (acc + As[j * m * m + (size_t)i * m + l] * spin[(size_t)t * m + l]) % q;
                nb[i] = acc;
            }
            memcpy(v, nb, m * 8);
            if (rows_add(&span, v))
                word[got] = (uint32_t)j, from[got++] = t;
        }
    cr_assert_eq(got, m, "the random vector is not cyclic");
    /* Coordinates in the spin basis: solve against the matrix of columns b_t. */
    uint64_t *Bm = calloc((size_t)m * 2 * m + 1, 8);
    for (uint32_t i = 0; i < m; i++) {
        for (uint32_t t = 0; t < m; t++)
            Bm[(size_t)i * 2 * m + t] = spin[(size_t)t * m + i];
        Bm[(size_t)i * 2 * m + m + i] = 1;
    }
    Rows inv = rows_new(q, 2 * m, m);
    for (uint32_t i = 0; i < m; i++) {
        uint64_t *row = calloc(2 * m, 8);
        memcpy(row, Bm + (size_t)i * 2 * m, 2 * m * 8);
        rows_add(&inv, row);
        free(row);
    }
    uint64_t *Binv = calloc((size_t)m * m + 1, 8);
    for (uint32_t r = 0; r < m; r++)
        for (uint32_t c = 0; c < m; c++)
            Binv[(size_t)inv.piv[r] * m + c] = inv.row[(size_t)r * 2 * m + m + c];
    for (uint32_t i = 0; i < m; i++)
        W[(size_t)i * m + i] = 1;
    for (uint32_t t = 1; t < m; t++)
        bmatmul(q, W + (size_t)t * m * m, As + (size_t)word[t] * m * m,
                W + (size_t)from[t] * m * m, m);
    Rows cond = rows_new(q, m, m);
    uint64_t *C = calloc((size_t)m * m + 1, 8), *c = calloc(m + 1, 8), *y = calloc(m + 1, 8);
    for (uint32_t t = 0; t < m; t++)
        for (size_t j = 0; j < k; j++) {
            bool grew = false;
            for (uint32_t u = 1; u < m; u++)
                grew |= from[u] == t && word[u] == j;
            if (grew)
                continue;
            for (uint32_t i = 0; i < m; i++) {
                uint64_t acc = 0;
                for (uint32_t l = 0; l < m; l++)
                    acc = (acc + As[j * m * m + (size_t)i * m + l] * spin[(size_t)t * m + l]) % q;
                y[i] = acc;
            }
            for (uint32_t i = 0; i < m; i++) {
                uint64_t acc = 0;
                for (uint32_t l = 0; l < m; l++)
                    acc = (acc + Binv[(size_t)i * m + l] * y[l]) % q;
                c[i] = acc;
            }
            bmatmul(q, C, As + j * m * m, W + (size_t)t * m * m, m);
            for (uint32_t l = 0; l < m; l++)
                for (size_t e = 0; c[l] && e < (size_t)m * m; e++)
                    C[e] = BSUB(C[e], BMUL(c[l], W[(size_t)l * m * m + e]));
            for (uint32_t r = 0; r < m; r++)
                rows_add(&cond, C + (size_t)r * m);
        }
    uint32_t dimc = m - cond.len;
    /* Centroid elements as matrices: T = U·Binv, column t of U = W_t u. */
    uint64_t *T = calloc((size_t)dimc * m * m + 1, 8), *U = calloc((size_t)m * m + 1, 8);
    bool *ispiv = calloc(m + 1, 1);
    for (uint32_t r = 0; r < cond.len; r++)
        ispiv[cond.piv[r]] = true;
    for (uint32_t f = 0, e = 0; f < m; f++) {
        if (ispiv[f])
            continue;
        memset(c, 0, m * 8);
        c[f] = 1;
        for (uint32_t r = 0; r < cond.len; r++)
            c[cond.piv[r]] = BSUB(0, cond.row[(size_t)r * m + f]);
        for (uint32_t t = 0; t < m; t++)
            for (uint32_t i = 0; i < m; i++) {
                uint64_t acc = 0;
                for (uint32_t l = 0; l < m; l++)
                    acc = (acc + W[(size_t)t * m * m + (size_t)i * m + l] * c[l]) % q;
                U[(size_t)i * m + t] = acc;
            }
        bmatmul(q, T + (size_t)e++ * m * m, U, Binv, m);
    }
    /* Small cases: the direct system T·A_j = A_j·T in m² unknowns must agree. */
    if (m && m <= 14) {
        uint32_t unknowns = m * m;
        uint64_t *sys = calloc((size_t)k * unknowns * unknowns + 1, 8);
        for (size_t j = 0; j < k; j++)
            for (uint32_t r = 0; r < m; r++)
                for (uint32_t cc = 0; cc < m; cc++) {
                    uint64_t *eq = sys + ((size_t)j * unknowns + r * m + cc) * unknowns;
                    for (uint32_t l = 0; l < m; l++) { /* (T A)_{r,cc} − (A T)_{r,cc} */
                        eq[r * m + l] = BADD(eq[r * m + l], As[j * m * m + (size_t)l * m + cc]);
                        eq[l * m + cc] = BSUB(eq[l * m + cc], As[j * m * m + (size_t)r * m + l]);
                    }
                }
        cr_expect_eq(nullity(q, sys, (uint32_t)k * unknowns, unknowns), dimc,
                     "the two centroid computations disagree");
        free(sys);
    }
    /* Primitive idempotents: split by (1 ± T^((q−1)/2))/2 for random centroid elements T. */
    uint64_t *atoms = calloc((size_t)64 * m * m + 1, 8), *E = calloc((size_t)m * m + 1, 8);
    uint64_t *P = calloc((size_t)m * m + 1, 8), *tmp = calloc((size_t)m * m + 1, 8);
    uint32_t natoms = m ? 1 : 0;
    for (uint32_t i = 0; i < m; i++)
        atoms[(size_t)i * m + i] = 1;
    uint64_t half = BINV(2);
    for (int trial = 0; trial < 16 && m; trial++) {
        memset(P, 0, (size_t)m * m * 8);
        for (uint32_t e = 0; e < dimc; e++) {
            uint64_t r = test_xorshift_next(rng) % q;
            for (size_t i = 0; i < (size_t)m * m; i++)
                P[i] = BADD(P[i], BMUL(r, T[(size_t)e * m * m + i]));
        }
        memset(E, 0, (size_t)m * m * 8);
        for (uint32_t i = 0; i < m; i++)
            E[(size_t)i * m + i] = 1;
        for (uint64_t ex = (q - 1) / 2; ex; ex >>= 1) {
            if (ex & 1) {
                bmatmul(q, tmp, E, P, m);
                memcpy(E, tmp, (size_t)m * m * 8);
            }
            bmatmul(q, tmp, P, P, m);
            memcpy(P, tmp, (size_t)m * m * 8);
        }
        uint32_t next = 0;
        uint64_t *fresh = calloc((size_t)64 * m * m, 8);
        for (uint32_t at = 0; at < natoms; at++)
            for (int sign = 0; sign < 2; sign++) {
                for (uint32_t i = 0; i < m; i++)
                    for (uint32_t j = 0; j < m; j++) {
                        uint64_t e = E[(size_t)i * m + j];
                        P[(size_t)i * m + j] = BMUL(half, BADD(i == j, sign ? BSUB(0, e) : e));
                    }
                bmatmul(q, tmp, atoms + (size_t)at * m * m, P, m);
                bool zero = true;
                for (size_t i = 0; i < (size_t)m * m && zero; i++)
                    zero = !tmp[i];
                if (!zero && next < 64) /* more than 64 means not idempotents: no split */
                    memcpy(fresh + (size_t)next++ * m * m, tmp, (size_t)m * m * 8);
                else if (!zero)
                    next = 65;
            }
        natoms = next > 64 ? 0 : next;
        memcpy(atoms, fresh, (size_t)natoms * m * m * 8);
        free(fresh);
        if (!natoms)
            break;
    }
    res.split = natoms == dimc;
    res.count = natoms;
    /* Each atom: idempotent, its trace the ideal's dimension, and the rank from a random X
     * in its image. */
    uint64_t *adX = calloc((size_t)d * d + 1, 8), *xs = calloc(m + 1, 8), *xd = calloc(d + 1, 8);
    uint64_t *xN = calloc(N, 8), *img = calloc((size_t)m * d + 1, 8);
    for (uint32_t at = 0; at < natoms; at++) {
        const uint64_t *pi = atoms + (size_t)at * m * m;
        bmatmul(q, tmp, pi, pi, m);
        res.split &= memcmp(tmp, pi, (size_t)m * m * 8) == 0;
        uint64_t trace = 0;
        for (uint32_t i = 0; i < m; i++)
            trace = BADD(trace, pi[(size_t)i * m + i]);
        for (uint32_t i = 0; i < m; i++)
            y[i] = test_xorshift_next(rng) % q;
        for (uint32_t i = 0; i < m; i++) {
            uint64_t acc = 0;
            for (uint32_t l = 0; l < m; l++)
                acc = (acc + pi[(size_t)i * m + l] * y[l]) % q;
            xs[i] = acc;
        }
        memset(xd, 0, d * 8);
        for (uint32_t r = 0; r < m; r++)
            for (uint32_t l = 0; l < d; l++)
                xd[l] = BADD(xd[l], BMUL(xs[r], s.row[(size_t)r * d + l]));
        memset(xN, 0, N * 8);
        for (uint32_t a = 0; a < d; a++)
            for (uint32_t l = 0; l < N; l++)
                if (xd[a] && basis.row[(size_t)a * N + l])
                    xN[l] = BADD(xN[l], BMUL(xd[a], basis.row[(size_t)a * N + l]));
        for (uint32_t a = 0; a < d; a++) {
            brute_bracket(&b, xN, basis.row + (size_t)a * N, v);
            for (uint32_t i = 0; i < d; i++)
                adX[(size_t)i * d + a] = v[basis.piv[i]];
        }
        /* The image of the atom in g's coordinates, and ad_X on it. */
        uint32_t nimg = 0;
        for (uint32_t col = 0; col < m; col++) {
            memset(xd, 0, d * 8);
            for (uint32_t r = 0; r < m; r++)
                for (uint32_t l = 0; l < d; l++)
                    xd[l] = BADD(xd[l], BMUL(pi[(size_t)r * m + col], s.row[(size_t)r * d + l]));
            for (uint32_t i = 0; i < d; i++) {
                uint64_t acc = 0;
                for (uint32_t l = 0; l < d; l++)
                    acc = (acc + adX[(size_t)i * d + l] * xd[l]) % q;
                img[(size_t)nimg * d + i] = acc;
            }
            nimg++;
        }
        uint32_t image_rank = m - nullity(q, pi, m, m);
        res.split &= trace == image_rank;
        res.ideal[at][0] = image_rank;
        /* rank = dim of the centraliser of X in the ideal = dim image − rank of ad_X on it */
        res.ideal[at][1] = image_rank - (d - nullity(q, img, nimg, d));
    }
    qsort(res.ideal, res.count, sizeof *res.ideal, pair_order);
    free(G), free(v), free(w), free(queue), free(A), free(As), free(spin), free(W), free(word);
    free(from), free(Bm), free(Binv), free(C), free(c), free(y), free(T), free(U), free(ispiv);
    free(atoms), free(E), free(P), free(tmp), free(adX), free(xs), free(xd), free(xN), free(img);
    rows_free(&basis), rows_free(&s), rows_free(&span), rows_free(&inv), rows_free(&cond);
    return res;
}

/* lie_structure against the brute force on the same generators. */
static void check_brute(const char *what, uint32_t n, PauliSum **gens, size_t k, uint64_t *rng)
{
    Arena a;
    arena_init(&a);
    LieSpace *g = lie_close(n, gens, k, gens, k, 1u << 20);
    Structure *st = lie_structure(&a, g, gens, k);
    BruteResult b = {0};
    for (size_t p = 0; p < sizeof PRIMES / sizeof *PRIMES && !b.split; p++)
        b = brute_structure(n, gens, k, rng, PRIMES[p]);
    cr_assert(b.split, "%s: no prime splits the centroid", what);
    cr_assert_not_null(st, "%s: no structure", what);
    cr_expect_eq(g->dim, b.dim, "%s: dim %u, brute force %u", what, g->dim, b.dim);
    cr_expect_eq(st->center_dim, b.center, "%s: centre %u, brute force %u", what, st->center_dim,
                 b.center);
    cr_expect_eq(st->ideals.len, b.count, "%s (%s): %zu ideals, brute force %u", what,
                 st->name ? st->name : "unnamed", st->ideals.len, b.count);
    uint32_t mine[64][2];
    for (size_t i = 0; i < st->ideals.len && i < 64; i++)
        mine[i][0] = st->ideals.data[i].dim, mine[i][1] = st->ideals.data[i].rank;
    qsort(mine, st->ideals.len < 64 ? st->ideals.len : 64, sizeof *mine, pair_order);
    for (size_t i = 0; i < st->ideals.len && i < b.count; i++)
        cr_expect(mine[i][0] == b.ideal[i][0] && mine[i][1] == b.ideal[i][1],
                  "%s (%s): ideal %zu is (%u, %u), brute force (%u, %u)", what,
                  st->name ? st->name : "unnamed", i, mine[i][0], mine[i][1], b.ideal[i][0],
                  b.ideal[i][1]);
    lie_space_free(g);
    arena_free(&a);
}

static void check_brute_model(const char *what, const Model *m, uint32_t n, bool rotated,
                              uint64_t *rng)
{
    Arena a;
    arena_init(&a);
    PauliSum *gens[128];
    size_t k = model_generators(&a, m, n, gens);
    for (size_t j = 0; rotated && j < k; j++)
        gens[j] = rotate(&a, gens[j]);
    char label[96];
    snprintf(label, sizeof label, "%s, n = %u%s", what, n, rotated ? ", rotated" : "");
    check_brute(label, n, gens, k, rng);
    arena_free(&a);
}

Test(structure, the_ising_ring_splits_into_two_isomorphic_ideals_by_brute_force)
{
    uint64_t rng = 0x1234567;
    {   /* the rotated frame is the sum path: no string basis */
        Arena a;
        arena_init(&a);
        PauliSum *gens[16];
        size_t k = model_generators(&a, &ISING_RING, 4, gens);
        for (size_t j = 0; j < k; j++)
            gens[j] = rotate(&a, gens[j]);
        LieSpace *g = lie_close(4, gens, k, gens, k, 1000);
        cr_expect(!g->strings && g->dim == 56);
        lie_space_free(g);
        arena_free(&a);
    }
    for (uint32_t n = 3; n <= 4; n++)
        for (int rotated = 0; rotated < 2; rotated++)
            check_brute_model("Ising ring", &ISING_RING, n, rotated, &rng);
}

Test(structure, table_models_agree_with_the_brute_force)
{
    uint64_t rng = 0xC0FFEE;
    static const Model XX_YY_ZZ = {.bonds = "XX YY ZZ"}, HEISENBERG = {.bonds = "XX+YY+ZZ"};
    static const Model EQUIVARIANT = {"X Y", "ZZ", .shared = true, .all_pairs = true};
    check_brute_model("XX, YY, ZZ", &XX_YY_ZZ, 3, false, &rng);
    check_brute_model("XX, YY, ZZ", &XX_YY_ZZ, 4, false, &rng);
    check_brute_model("XX+YY+ZZ", &HEISENBERG, 3, false, &rng);
    check_brute_model("XX+YY+ZZ", &HEISENBERG, 4, false, &rng);
    check_brute_model("XY, YX, YZ", &XY_YX_YZ, 3, false, &rng);
    check_brute_model("XX, YY", &XX_YY, 4, false, &rng);
    check_brute_model("XX, XZ", &XX_XZ, 4, true, &rng);
    check_brute_model("ΣX; ΣY; Σ ZZ", &EQUIVARIANT, 3, false, &rng);
    check_brute_model("ΣX; ΣY; Σ ZZ", &EQUIVARIANT, 4, false, &rng);
    for (uint32_t n = 3; n <= 6; n++)
        check_brute_model("ΣZZ; ΣX ring", &SUMMED_RING, n, false, &rng);
    for (uint32_t n = 3; n <= 4; n++) {
        check_brute_model("ΣZZ; ΣX", &SUMMED_ISING, n, false, &rng);
        check_brute_model("XX+YY; Z", &PARTICLES, n, false, &rng);
    }
}

/* Random generator sets on two and three qubits: single strings, or sums of up to three
 * strings with coefficients ±1, ±2. */
Test(structure, random_generator_sets_agree_with_the_brute_force)
{
    uint64_t rng = 0x9E3779B97F4A7C15ull;
    int checked = 0;
    for (int trial = 0; trial < 300; trial++) {
        Arena a;
        arena_init(&a);
        uint32_t n = 2 + (uint32_t)(test_xorshift_next(&rng) % 2);
        size_t k = 2 + (size_t)(test_xorshift_next(&rng) % 2);
        bool sums = trial % 2;
        PauliSum *gens[4];
        for (size_t j = 0; j < k; j++) {
            gens[j] = psum_new(&a, n);
            unsigned terms = sums ? 1 + (unsigned)(test_xorshift_next(&rng) % 3) : 1;
            for (unsigned t = 0; t < terms; t++) {
                uint64_t p[2] = {0, 0};
                while (pauli_is_identity(p, 1))
                    for (uint32_t q = 0; q < n; q++)
                        pauli_set(p, 1, q, "IXYZ"[test_xorshift_next(&rng) % 4]);
                int64_t c = (int64_t)(test_xorshift_next(&rng) % 2 + 1) *
                    (test_xorshift_next(&rng) % 2 ? 1 : -1);
                psum_add(&a, gens[j], p, real_int(c));
            }
        }
        char label[64];
        snprintf(label, sizeof label, "random set %d (n = %u, %zu generators)", trial, n, k);
        check_brute(label, n, gens, k, &rng);
        checked++;
        arena_free(&a);
    }
    cr_expect_eq(checked, 300);
}
