/*
 * test_pauli.c — Pauli strings and sums (core/pauli.c) against dense matrices.
 *
 * The reference is dense.h: strings become Kronecker products of the Hermitian I, X, Y, Z
 * matrices written out by hand, and products and commutators are matrix products. Strings
 * too long for a dense matrix (1,024 qubits) are checked qubit by qubit against 2×2
 * products, which is the same algebra since tensor factors multiply independently. Random
 * strings come from a fixed-seed xorshift so that a failure reproduces.
 */
#include "dense.h"
#include "testing.h"

#include <criterion/criterion.h>
#include <stdlib.h>

static const char FACTORS[] = "IXYZ";

/* A packed string (2·words words, zeroed by the caller) from factors on qubits 0..n-1. */
static void pack(uint64_t *s, uint32_t words, const char *factors, unsigned n)
{
    for (unsigned q = 0; q < n; q++)
        pauli_set(s, words, q, factors[q]);
}

static const double complex PHASE[4] = {1, I, -1, -I};

/* k and f with a·b = i^k f for single-qubit factors, found by trying all 16 candidates
 * against the 2×2 product. */
static unsigned single_product(char a, char b, char *f)
{
    Dense ma, mb, ab, c;
    dense_pauli1(&ma, a);
    dense_pauli1(&mb, b);
    dense_mul(&ab, &ma, &mb);
    for (unsigned k = 0; k < 4; k++)
        for (int j = 0; j < 4; j++) {
            dense_pauli1(&c, FACTORS[j]);
            dense_scale(&c, PHASE[k]);
            if (dense_max_diff(&c, &ab) < 1e-15) {
                *f = FACTORS[j];
                return k;
            }
        }
    cr_assert_fail("%c·%c is not a phase times a Pauli", a, b);
    return 0;
}

/* Checks product, commutation and weight of the two n-qubit strings given as factors. */
static void check_pair_dense(const char *fa, const char *fb, unsigned n)
{
    uint64_t a[2] = {0}, b[2] = {0}, out[2] = {0};
    pack(a, 1, fa, n);
    pack(b, 1, fb, n);
    unsigned k = pauli_product(a, b, out, 1);
    cr_assert_lt(k, 4u);
    uint32_t qubits[4] = {0, 1, 2, 3};
    Dense da, db, dout, ab, ba;
    dense_from_factors(&da, fa, n);
    dense_from_factors(&db, fb, n);
    dense_from_string(&dout, out, 1, qubits, n);
    dense_mul(&ab, &da, &db);
    dense_mul(&ba, &db, &da);
    dense_scale(&dout, PHASE[k]);
    cr_assert_lt(dense_max_diff(&ab, &dout), 1e-12, "%.*s · %.*s: phase i^%u or string wrong",
                 (int)n, fa, (int)n, fb, k);
    bool commute = dense_max_diff(&ab, &ba) < 1e-12;
    cr_assert_eq(pauli_commutes(a, b, 1), commute, "%.*s, %.*s: commutes should be %d", (int)n,
                 fa, (int)n, fb, commute);
    unsigned weight = 0;
    for (unsigned q = 0; q < n; q++)
        weight += fa[q] != 'I';
    cr_assert_eq(pauli_weight(a, 1), weight);
}

Test(pauli, y_times_z_is_i_x)
{
    uint64_t y[2] = {0}, z[2] = {0}, out[2] = {0};
    pauli_set(y, 1, 0, 'Y');
    pauli_set(z, 1, 0, 'Z');
    cr_assert_eq(pauli_product(y, z, out, 1), 1u); /* i^1 */
    cr_assert_eq(pauli_factor(out, 1, 0), 'X');
    cr_assert_eq(pauli_product(z, y, out, 1), 3u); /* Z·Y = -iX */
    check_pair_dense("Y", "Z", 1);
}

Test(pauli, all_single_qubit_pairs)
{
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            char a = FACTORS[i], b = FACTORS[j];
            check_pair_dense(&a, &b, 1);
        }
}

Test(pauli, all_two_qubit_pairs)
{
    for (int i = 0; i < 16; i++)
        for (int j = 0; j < 16; j++) {
            char a[2] = {FACTORS[i / 4], FACTORS[i % 4]}, b[2] = {FACTORS[j / 4], FACTORS[j % 4]};
            check_pair_dense(a, b, 2);
        }
}

Test(pauli, random_strings_up_to_four_qubits)
{
    uint64_t rng = 0x243F6A8885A308D3ull;
    for (unsigned n = 1; n <= 4; n++)
        for (int t = 0; t < 300; t++) {
            char a[4], b[4];
            for (unsigned q = 0; q < n; q++) {
                a[q] = FACTORS[test_xorshift_next(&rng) % 4];
                b[q] = FACTORS[test_xorshift_next(&rng) % 4];
            }
            check_pair_dense(a, b, n);
        }
}

Test(pauli, set_get_factor_and_convention)
{
    uint64_t s[4] = {0};
    /* pauli_get's code is x | z << 1: I 0, X 1, Z 2, Y 3. */
    const struct { char f; int code; } table[] = {{'I', 0}, {'X', 1}, {'Z', 2}, {'Y', 3}};
    for (int i = 0; i < 4; i++)
        for (uint32_t q = 0; q < 128; q += 37) {
            pauli_set(s, 2, q, table[i].f);
            cr_assert_eq(pauli_get(s, 2, q), table[i].code);
            cr_assert_eq(pauli_factor(s, 2, q), table[i].f);
            cr_assert_eq(dense_raw_factor(s, 2, q), table[i].f);
        }
    /* Setting overwrites: Y then X leaves no z bit; then I clears the qubit. */
    memset(s, 0, sizeof s);
    pauli_set(s, 2, 70, 'Y');
    pauli_set(s, 2, 70, 'X');
    cr_assert_eq(s[1], (uint64_t)1 << 6);
    cr_assert_eq(s[3], 0u);
    pauli_set(s, 2, 70, 'I');
    cr_assert(pauli_is_identity(s, 2));
    /* Neighbours are untouched. */
    pauli_set(s, 2, 63, 'Z');
    pauli_set(s, 2, 64, 'X');
    cr_assert_eq(pauli_factor(s, 2, 63), 'Z');
    cr_assert_eq(pauli_factor(s, 2, 64), 'X');
    cr_assert_eq(pauli_factor(s, 2, 62), 'I');
    cr_assert_eq(pauli_factor(s, 2, 65), 'I');
    cr_assert_eq(pauli_weight(s, 2), 2u);
}

Test(pauli, equal_identity_hash)
{
    uint64_t a[4] = {0}, b[4] = {0};
    cr_assert(pauli_is_identity(a, 2));
    cr_assert(pauli_equal(a, b, 2));
    pauli_set(a, 2, 100, 'Z');
    cr_assert_not(pauli_is_identity(a, 2));
    cr_assert_not(pauli_equal(a, b, 2));
    pauli_set(b, 2, 100, 'Z');
    cr_assert(pauli_equal(a, b, 2));
    cr_assert_eq(pauli_hash(a, 2), pauli_hash(b, 2));
}

/* ---- strings of 1,024 qubits (16 words) ---------------------------------------------- */

enum { BIG_N = 1024, BIG_W = 16 };

/* A random sparse string over 1,024 qubits whose support favours word boundaries. */
static void random_big(uint64_t *rng, uint64_t *s, char *factors)
{
    static const uint32_t hot[] = {0, 1, 62, 63, 64, 65, 127, 128, 511, 512, 1022, 1023};
    memset(s, 0, 2 * BIG_W * sizeof *s);
    memset(factors, 'I', BIG_N);
    for (int i = 0; i < 12; i++) {
        uint32_t q =
            i % 2 ? hot[test_xorshift_next(rng) % 12] : (uint32_t)(test_xorshift_next(rng) % BIG_N);
        char f = FACTORS[test_xorshift_next(rng) % 4];
        factors[q] = f;
        pauli_set(s, BIG_W, q, f);
    }
}

Test(pauli, thousand_qubit_strings_qubit_by_qubit)
{
    uint64_t rng = 0x13198A2E03707344ull;
    uint64_t a[2 * BIG_W], b[2 * BIG_W], out[2 * BIG_W];
    char fa[BIG_N], fb[BIG_N];
    for (int t = 0; t < 400; t++) {
        random_big(&rng, a, fa);
        random_big(&rng, b, fb);
        unsigned k = 0, anti = 0, weight = 0;
        bool disjoint = true;
        unsigned got = pauli_product(a, b, out, BIG_W);
        for (uint32_t q = 0; q < BIG_N; q++) {
            char f;
            k += single_product(fa[q], fb[q], &f);
            cr_assert_eq(dense_raw_factor(out, BIG_W, q), f, "qubit %u", q);
            anti += fa[q] != 'I' && fb[q] != 'I' && fa[q] != fb[q];
            weight += fa[q] != 'I';
            disjoint = disjoint && (fa[q] == 'I' || fb[q] == 'I');
        }
        cr_assert_eq(got, k % 4);
        cr_assert_eq(pauli_commutes(a, b, BIG_W), anti % 2 == 0);
        cr_assert_eq(pauli_weight(a, BIG_W), weight);
        cr_assert_eq(pauli_disjoint(a, b, BIG_W), disjoint);
    }
}

Test(pauli, word_boundary_qubits)
{
    static const uint32_t qs[] = {63, 64, 127, 1023};
    uint64_t a[2 * BIG_W], b[2 * BIG_W], out[2 * BIG_W];
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            memset(a, 0, sizeof a);
            memset(b, 0, sizeof b);
            pauli_set(a, BIG_W, qs[i], 'X');
            pauli_set(b, BIG_W, qs[j], 'Z');
            bool same = i == j;
            cr_assert_eq(pauli_commutes(a, b, BIG_W), !same, "X%u, Z%u", qs[i], qs[j]);
            cr_assert_eq(pauli_disjoint(a, b, BIG_W), !same);
            /* X·Z = -iY on one qubit; on two qubits the plain tensor product. */
            unsigned k = pauli_product(a, b, out, BIG_W);
            cr_assert_eq(k, same ? 3u : 0u, "X%u · Z%u", qs[i], qs[j]);
            cr_assert_eq(pauli_weight(out, BIG_W), same ? 1u : 2u);
            cr_assert_eq(pauli_factor(out, BIG_W, qs[i]), same ? 'Y' : 'X');
            cr_assert_eq(pauli_factor(out, BIG_W, qs[j]), same ? 'Y' : 'Z');
        }
    /* Y on all four: weight 4, commutes with itself, Y·Y = I with phase 1. */
    memset(a, 0, sizeof a);
    for (int i = 0; i < 4; i++)
        pauli_set(a, BIG_W, qs[i], 'Y');
    cr_assert_eq(pauli_weight(a, BIG_W), 4u);
    cr_assert(pauli_commutes(a, a, BIG_W));
    cr_assert_eq(pauli_product(a, a, out, BIG_W), 0u);
    cr_assert(pauli_is_identity(out, BIG_W));
    StrBuf sb = {0};
    sb_put_pauli(&sb, a, BIG_W, BIG_N);
    cr_assert_str_eq(sb.data, "Y63 Y64 Y127 Y1023");
    sb_free(&sb);
}

/* ---- text form ------------------------------------------------------------------------ */

Test(pauli, print_parse_round_trip)
{
    uint64_t rng = 0xA4093822299F31D0ull;
    uint64_t s[2 * BIG_W], back[2 * BIG_W];
    char f[BIG_N];
    for (int t = 0; t < 300; t++) {
        random_big(&rng, s, f);
        StrBuf sb = {0};
        sb_put_pauli(&sb, s, BIG_W, BIG_N);
        /* The text lists the non-identity factors in ascending qubit order. */
        StrBuf want = {0};
        for (uint32_t q = 0; q < BIG_N; q++)
            if (f[q] != 'I')
                sb_printf(&want, "%s%c%u", want.len ? " " : "", f[q], q);
        if (!want.len)
            sb_putc(&want, 'I');
        cr_assert_str_eq(sb.data, want.data);
        memset(back, 0xAB, sizeof back);
        cr_assert(pauli_parse(sb.data, back, BIG_W, BIG_N), "parse \"%s\"", sb.data);
        cr_assert(pauli_equal(s, back, BIG_W), "\"%s\" does not read back", sb.data);
        sb_free(&sb);
        sb_free(&want);
    }
}

Test(pauli, parse_accepts)
{
    uint64_t s[4];
    cr_assert(pauli_parse("I", s, 2, 100));
    cr_assert(pauli_is_identity(s, 2));
    cr_assert(pauli_parse("  X0 Y99  Z64 ", s, 2, 100));
    cr_assert_eq(pauli_factor(s, 2, 0), 'X');
    cr_assert_eq(pauli_factor(s, 2, 99), 'Y');
    cr_assert_eq(pauli_factor(s, 2, 64), 'Z');
    cr_assert_eq(pauli_weight(s, 2), 3u);
}

Test(pauli, parse_rejects)
{
    static const struct { const char *text; uint32_t n; } bad[] = {
        {"X", 4},       {"X1 X1", 4},   {"Q3", 4},      {"X1024", 1024}, {"I X0", 4},
        {"", 4},        {"  ", 4},      {"X0Z1", 4},    {"x0", 4},       {"X0 I", 4},
        {"X4", 4},      {"X-1", 4},     {"X0,Z1", 4},   {"II", 4},       {"X1 Z1", 4},
        {"X99999999999999999999999", 1024},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        uint64_t s[2 * BIG_W];
        cr_assert_not(pauli_parse(bad[i].text, s, pauli_words(bad[i].n), bad[i].n),
                      "\"%s\" (n=%u) should be rejected", bad[i].text, bad[i].n);
    }
}

/* ---- sums ------------------------------------------------------------------------------ */

static PauliSum *sum_of(Arena *a, uint32_t n, const char *const *terms, const Real *coefs,
                        int count)
{
    PauliSum *s = psum_new(a, n);
    uint64_t *p = arena_alloc(a, 2 * s->words * sizeof *p);
    for (int i = 0; i < count; i++) {
        cr_assert(pauli_parse(terms[i], p, s->words, n), "%s", terms[i]);
        psum_add(a, s, p, coefs[i]);
    }
    return s;
}

static char *psum_text(const PauliSum *s)
{
    StrBuf sb = {0};
    sb_put_psum(&sb, s);
    return sb.data;
}

Test(psum, merge_equal_strings_and_format)
{
    Arena a;
    arena_init(&a);
    const char *t[] = {"Z0 Z1", "X0", "I", "X0", "Z0 Z1"};
    Real c[] = {real_int(1), real_rational(1, 4), real_rational(-1, 4), real_rational(1, 4),
                real_int(0)};
    PauliSum *s = sum_of(&a, 2, t, c, 5);
    cr_assert_eq(s->len, 3u);
    cr_assert(real_eq(s->coef[1], real_rational(1, 2)));
    char *text = psum_text(s);
    cr_assert_str_eq(text, "Z0 Z1 + 1/2 X0 - 1/4 I");
    free(text);
    arena_free(&a);
}

Test(psum, format_signs_and_empty)
{
    Arena a;
    arena_init(&a);
    PauliSum *empty = psum_new(&a, 3);
    char *text = psum_text(empty);
    cr_assert_str_eq(text, "0");
    free(text);
    const char *t[] = {"X0", "Z2", "Y1", "I"};
    Real c[] = {real_int(-1), real_int(0), real_approx(0.1), real_rational(-3, 2)};
    PauliSum *s = sum_of(&a, 3, t, c, 4);
    text = psum_text(s);
    cr_assert_str_eq(text, "-X0 + 0.1 Y1 - 3/2 I");
    free(text);
    arena_free(&a);
}

Test(psum, cancellation_and_compact_keep_order)
{
    Arena a;
    arena_init(&a);
    const char *t[] = {"X0", "Y1", "Z2", "X0 X1", "Y1", "Z3"};
    Real c[] = {real_int(2), real_int(1), real_int(3), real_int(4), real_int(-1), real_int(5)};
    PauliSum *s = sum_of(&a, 4, t, c, 6);
    cr_assert_eq(s->len, 5u);
    cr_assert(real_is_zero(s->coef[1]));
    cr_assert_not(psum_is_zero(s));
    char *text = psum_text(s);
    cr_assert_str_eq(text, "2 X0 + 3 Z2 + 4 X0 X1 + 5 Z3");
    free(text);
    psum_compact(&a, s);
    cr_assert_eq(s->len, 4u);
    const char *order[] = {"X0", "Z2", "X0 X1", "Z3"};
    for (uint32_t i = 0; i < 4; i++) {
        StrBuf sb = {0};
        sb_put_pauli(&sb, psum_string(s, i), s->words, s->nqubits);
        cr_assert_str_eq(sb.data, order[i]);
        sb_free(&sb);
    }
    /* Still merging after compaction. */
    uint64_t p[2];
    pauli_parse("Z3", p, 1, 4);
    psum_add(&a, s, p, real_int(-5));
    cr_assert_eq(s->len, 4u);
    cr_assert(real_is_zero(s->coef[3]));
    /* Everything cancels: a zero sum, printed as 0, compacted to nothing. */
    PauliSum *neg = psum_copy(&a, s);
    psum_scale(neg, real_int(-1));
    psum_add_sum(&a, s, neg, real_int(1));
    cr_assert(psum_is_zero(s));
    text = psum_text(s);
    cr_assert_str_eq(text, "0");
    free(text);
    psum_compact(&a, s);
    cr_assert_eq(s->len, 0u);
    arena_free(&a);
}

/* 1,000 random strings on 100 qubits, each added twice (c, then 2c), then half of them
 * cancelled and compacted: every step checked against a linear search in the test. */
Test(psum, hash_index_many_terms)
{
    Arena a;
    arena_init(&a);
    enum { N = 1000, Q = 100 };
    uint32_t words = pauli_words(Q);
    uint64_t *strings = arena_alloc(&a, (size_t)N * 2 * words * sizeof *strings);
    uint64_t rng = 0x082EFA98EC4E6C89ull;
    int distinct = 0;
    for (int i = 0; i < N; i++) {
        uint64_t *p = strings + (size_t)distinct * 2 * words;
        for (int k = 0; k < 3; k++)
            pauli_set(p, words, (uint32_t)(test_xorshift_next(&rng) % Q),
                      FACTORS[1 + test_xorshift_next(&rng) % 3]);
        bool seen = false;
        for (int j = 0; j < distinct && !seen; j++)
            seen = pauli_equal(strings + (size_t)j * 2 * words, p, words);
        if (seen)
            memset(p, 0, 2 * words * sizeof *p);
        else
            distinct++;
    }
    cr_assert_gt(distinct, 900);
    PauliSum *s = psum_new(&a, Q);
    for (int round = 1; round <= 2; round++)
        for (int i = 0; i < distinct; i++)
            psum_add(&a, s, strings + (size_t)i * 2 * words, real_int(round * (i + 1)));
    cr_assert_eq(s->len, (uint32_t)distinct);
    cr_assert_not_null(s->index, "a sum of more than 16 terms should be indexed");
    for (int i = 0; i < distinct; i++) {
        cr_assert(pauli_equal(psum_string(s, (uint32_t)i), strings + (size_t)i * 2 * words, words),
                  "term %d out of insertion order", i);
        cr_assert(real_eq(s->coef[i], real_int(3 * (i + 1))), "term %d", i);
    }
    /* Cancel the even terms, compact, and check the index still finds the odd ones. */
    for (int i = 0; i < distinct; i += 2)
        psum_add(&a, s, strings + (size_t)i * 2 * words, real_int(-3 * (i + 1)));
    cr_assert_eq(s->len, (uint32_t)distinct);
    psum_compact(&a, s);
    cr_assert_eq(s->len, (uint32_t)distinct / 2);
    cr_assert_not_null(s->index, "compaction should rebuild the index");
    for (int i = 1; i < distinct; i += 2)
        psum_add(&a, s, strings + (size_t)i * 2 * words, real_int(1));
    for (int i = 0; i < distinct; i += 2)
        psum_add(&a, s, strings + (size_t)i * 2 * words, real_int(7));
    cr_assert_eq(s->len, (uint32_t)(distinct / 2 + (distinct + 1) / 2));
    for (uint32_t t = 0; t < (uint32_t)distinct / 2; t++) {
        int i = 2 * (int)t + 1;
        cr_assert(pauli_equal(psum_string(s, t), strings + (size_t)i * 2 * words, words));
        cr_assert(real_eq(s->coef[t], real_int(3 * (i + 1) + 1)), "term %u", t);
    }
    for (uint32_t t = (uint32_t)distinct / 2; t < s->len; t++)
        cr_assert(real_eq(s->coef[t], real_int(7)));
    arena_free(&a);
}

Test(psum, mul_disjoint_matches_dense)
{
    Arena a;
    arena_init(&a);
    const char *tx[] = {"X0", "Z0 Y1", "I"};
    Real cx[] = {real_rational(1, 2), real_int(-2), real_rational(1, 3)};
    const char *ty[] = {"Z2", "X2 Y3", "Y3"};
    Real cy[] = {real_int(3), real_rational(1, 4), real_int(-1)};
    PauliSum *x = sum_of(&a, 4, tx, cx, 3), *y = sum_of(&a, 4, ty, cy, 3);
    uint32_t clash = 12345;
    PauliSum *r = psum_mul_disjoint(&a, x, y, &clash);
    cr_assert_not_null(r);
    cr_assert_eq(r->len, 9u);
    uint32_t qubits[4] = {0, 1, 2, 3};
    Dense dx, dy, dr, prod;
    cr_assert_eq(dense_from_psum(&dx, x, qubits, 4), 0u);
    cr_assert_eq(dense_from_psum(&dy, y, qubits, 4), 0u);
    cr_assert_eq(dense_from_psum(&dr, r, qubits, 4), 0u);
    dense_mul(&prod, &dx, &dy);
    cr_assert_lt(dense_max_diff(&prod, &dr), 1e-12);
    for (uint32_t i = 0; i < r->len; i++)
        cr_assert(real_is_exact(r->coef[i]));
    arena_free(&a);
}

Test(psum, mul_disjoint_reports_clash)
{
    Arena a;
    arena_init(&a);
    const char *tx[] = {"X0", "Z130 Y5"};
    const char *ty[] = {"Z64", "X130"};
    Real c[] = {real_int(1), real_int(1)};
    PauliSum *x = sum_of(&a, 200, tx, c, 2), *y = sum_of(&a, 200, ty, c, 2);
    uint32_t clash = 0;
    cr_assert_null(psum_mul_disjoint(&a, x, y, &clash));
    cr_assert_eq(clash, 130u);
    const char *tz[] = {"Y7"};
    PauliSum *z = sum_of(&a, 200, tz, c, 1);
    cr_assert_null(psum_mul_disjoint(&a, z, z, &clash));
    cr_assert_eq(clash, 7u);
    arena_free(&a);
}

Test(psum, support_ascending_across_words)
{
    Arena a;
    arena_init(&a);
    const char *t[] = {"Z1023 X5", "I", "Y64 X5", "Z63", "X127 Z0"};
    Real c[] = {real_int(1), real_int(1), real_int(1), real_int(1), real_int(1)};
    PauliSum *s = sum_of(&a, 1024, t, c, 5);
    uint32_t qubits[16];
    uint32_t n = psum_support(s, qubits);
    const uint32_t want[] = {0, 5, 63, 64, 127, 1023};
    cr_assert_eq(n, 6u);
    for (uint32_t i = 0; i < n; i++)
        cr_assert_eq(qubits[i], want[i]);
    cr_assert_eq(psum_support(psum_new(&a, 1024), qubits), 0u);
    arena_free(&a);
}

Test(psum, lookup_and_identity_free_copy)
{
    Arena a;
    arena_init(&a);
    PauliSum *s = psum_new(&a, 70);
    uint64_t p[4] = {0}, id[4] = {0};
    pauli_set(p, 2, 66, 'Y');
    psum_add(&a, s, id, real_rational(-1, 4));
    psum_add(&a, s, p, real_int(3));
    Real c;
    cr_assert(psum_lookup(s, p, &c) && c.num == 3 && c.den == 1);
    cr_assert(psum_lookup(s, id, &c) && c.num == -1 && c.den == 4);
    PauliSum *r = psum_without_identity(&a, s);
    cr_assert_eq(r->len, 1);
    cr_assert(!psum_lookup(r, id, &c));
    cr_assert(psum_lookup(r, p, &c) && c.num == 3);
    arena_free(&a);
}
