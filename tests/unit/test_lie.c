/*
 * test_lie.c — Lie closures (analysis/lie.c): the dynamical Lie algebra and observable
 * modules, against published dimensions and a dense brute force.
 *
 * The published values are the two tables of physics.md ("Public reference values"),
 * generators built here from Pauli patterns, and two of them again through the front end.
 * The brute force knows nothing of lie.c or of Pauli products: elements are 2^n × 2^n
 * matrices (dense.h, n ≤ 4), brackets are i(GM − MG) by matrix products, an element's
 * coordinates are Re Tr(P M)/2^n over the 4^n Hermitian Pauli matrices written out by hand,
 * and independence is modified Gram–Schmidt in doubles with a gap: a residual must be below
 * 1e-8 or above 1e-5 of the vector's norm, anything between fails the test (so a rounding
 * accident cannot pass for a dimension). Random cases come from a fixed-seed xorshift, so a
 * failure reproduces.
 */
#include "analysis/analysis.h"
#include "compile.h"
#include "dense.h"
#include "testing.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

/* Adds c · (each '+'-separated term of `terms`), term factor j on qubit qubits[j]. */
static void add_terms(Arena *a, PauliSum *s, const char *terms, const uint32_t *qubits, Real c)
{
    uint64_t *p = arena_alloc(a, 2u * s->words * sizeof *p);
    for (const char *t = terms; *t;) {
        memset(p, 0, 2u * s->words * sizeof *p);
        unsigned j = 0;
        for (; *t && *t != '+'; t++)
            test_set_raw_factor(p, s->words, qubits[j++], *t);
        psum_add(a, s, p, c);
        if (*t == '+')
            t++;
    }
}

/* The sum of `terms` on consecutive qubits q, q+1, … (mod n), coefficient 1. */
static PauliSum *pattern(Arena *a, uint32_t n, const char *terms, uint32_t q)
{
    uint32_t qubits[8];
    for (unsigned j = 0; j < 8; j++)
        qubits[j] = (q + j) % n;
    PauliSum *s = psum_new(a, n);
    add_terms(a, s, terms, qubits, real_int(1));
    return s;
}

/* ---- the reference tables ------------------------------------------------------------- */

typedef struct Model {
    const char *name;
    const char *sites; /* space-separated generator patterns on every qubit */
    const char *bonds; /* ... on every bond (i, i+1); '+' sums terms in one generator */
    bool shared;       /* each pattern is one generator, summed over all sites or bonds */
    bool ring;         /* bonds include (n−1, 0) */
    bool all_pairs;    /* bonds are all pairs i < j */
    uint32_t dims[7];  /* expected dim g by n; 0: no reference value */
} Model;

/* The next space-separated word of *list into buf; false at the end. */
static bool next_word(const char **list, char *buf)
{
    while (**list == ' ')
        (*list)++;
    if (!**list)
        return false;
    size_t k = 0;
    while (**list && **list != ' ')
        buf[k++] = *(*list)++;
    buf[k] = '\0';
    return true;
}

/* The bonds: (i, i+1), (n−1, 0) on a ring of more than two qubits, or all pairs i < j. */
static uint32_t model_bonds(const Model *m, uint32_t n, uint32_t (*pairs)[2])
{
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = i + 1; j < n; j++)
            if (m->all_pairs || j == i + 1) {
                pairs[k][0] = i;
                pairs[k++][1] = j;
            }
    if (m->ring && !m->all_pairs && n > 2) {
        pairs[k][0] = n - 1;
        pairs[k++][1] = 0;
    }
    return k;
}

/* The model's generators on n qubits into out; returns their number. */
static size_t model_generators(Arena *a, const Model *m, uint32_t n, PauliSum **out)
{
    size_t k = 0;
    char word[32];
    uint32_t(*pairs)[2] = arena_alloc(a, ((size_t)n * n / 2 + n + 1) * sizeof *pairs);
    uint32_t npairs = model_bonds(m, n, pairs);
    for (int bonds = 0; bonds < 2; bonds++) {
        const char *l = bonds ? m->bonds : m->sites;
        uint32_t places = bonds ? npairs : n;
        while (l && next_word(&l, word)) {
            if (m->shared)
                out[k] = psum_new(a, n);
            for (uint32_t i = 0; i < places; i++) {
                if (!m->shared)
                    out[k++] = psum_new(a, n);
                uint32_t site[1] = {i};
                add_terms(a, out[m->shared ? k : k - 1], word, bonds ? pairs[i] : site,
                          real_int(1));
            }
            k += m->shared;
        }
    }
    return k;
}

static void check_model(const Model *m)
{
    for (uint32_t n = 2; n <= 6; n++) {
        if (!m->dims[n])
            continue;
        Arena a;
        arena_init(&a);
        PauliSum *gens[128];
        size_t k = model_generators(&a, m, n, gens);
        LieSpace *g = lie_close(n, gens, k, gens, k, 1u << 20);
        cr_expect_eq(g->dim, m->dims[n], "%s, n = %u: dim %u, expected %u", m->name, n, g->dim,
                     m->dims[n]);
        cr_expect(g->complete);
        cr_expect(!g->primes_disagree);
        for (size_t j = 0; j < k; j++)
            cr_expect(lie_contains(g, gens[j]), "%s, n = %u: generator %zu not in g", m->name, n,
                      j);
        lie_space_free(g);
        arena_free(&a);
    }
}

/* physics.md, "Per-term generators on every bond" (open chain unless "ring") */
static const Model PER_TERM[] = {
    {"Ising", "X", "ZZ", .dims = {[2] = 6, 15, 28, 45, 66}},
    {"Ising ring", "X", "ZZ", .ring = true, .dims = {[3] = 30, 56, 90, 132}},
    {"X, Y, ZZ", "X Y", "ZZ", .dims = {[2] = 15, 63, 255, 1023, 4095}},
    {"XX, YY", NULL, "XX YY", .dims = {[2] = 2, 6, 12, 20, 30}},
    {"XX, XZ", NULL, "XX XZ", .dims = {[3] = 10, 21, 36, 55}},
    {"XY, XZ", NULL, "XY XZ", .dims = {[3] = 10, 36, 136, 528}},
    {"XX, YY, ZZ", NULL, "XX YY ZZ", .dims = {[3] = 15, 60, 255, 1020}},
    {"XX+YY+ZZ", NULL, "XX+YY+ZZ", .dims = {[2] = 1, 4, 12, 40, 129}},
    {"XY, YX, YZ", NULL, "XY YX YZ", .dims = {[3] = 21, 120, 496, 2016}},
};

/* physics.md, "Shared parameters (one generator per bullet)" */
static const Model SHARED[] = {
    {"ΣZZ; ΣX", "X", "ZZ", .shared = true, .dims = {[3] = 9, 16, 25, 36}},
    {"ΣZZ; ΣX ring", "X", "ZZ", .shared = true, .ring = true, .dims = {[3] = 8, 11, 14, 17}},
    {"ΣX; ΣY; Σ_{i<j} ZZ", "X Y", "ZZ", .shared = true, .all_pairs = true,
     .dims = {[3] = 19, 33, 54, 81}},
    /* per-bond XX+YY and per-site Z_i: not shared, but summed */
    {"XX+YY; Z", "Z", "XX+YY", .dims = {[3] = 9, 16, 25, 36}},
};

Test(lie, per_term_generators_match_the_published_table)
{
    for (size_t i = 0; i < sizeof PER_TERM / sizeof *PER_TERM; i++)
        check_model(&PER_TERM[i]);
}

Test(lie, shared_generators_match_the_published_table)
{
    for (size_t i = 0; i < sizeof SHARED / sizeof *SHARED; i++)
        check_model(&SHARED[i]);
}

Test(lie, summed_generators_are_not_string_spanned)
{
    Arena a;
    arena_init(&a);
    PauliSum *gens[8];
    size_t k = model_generators(&a, &PER_TERM[7], 4, gens);
    LieSpace *g = lie_close(4, gens, k, gens, k, 1u << 20);
    cr_assert_eq(g->dim, 12);
    cr_assert(!g->strings);
    for (uint32_t i = 0; i < g->dim; i++) {
        const SparseVec *v = &g->basis[i];
        double norm = 0;
        for (uint32_t j = 0; j < v->len; j++) {
            norm += v->value[j] * v->value[j];
            cr_assert(v->mod[j] < LIE_PRIME && v->mod2[j] < LIE_PRIME2);
            cr_assert(v->mod[j] || v->mod2[j]);
            cr_assert(j == 0 || v->col[j - 1] < v->col[j], "columns ascending");
        }
        cr_assert_float_eq(norm, 1.0, 1e-12);
    }
    /* XX+YY+ZZ on a bond is in g; a single XX is not */
    cr_assert(lie_contains(g, pattern(&a, 4, "XX+YY+ZZ", 1)));
    cr_assert(!lie_contains(g, pattern(&a, 4, "XX", 1)));
    lie_space_free(g);
    arena_free(&a);
}

/* ---- through the front end ------------------------------------------------------------ */

/* The generators of the circuit's evolve gates. */
static size_t evolve_generators(const Circuit *c, PauliSum **out)
{
    size_t k = 0;
    for (size_t i = 0; i < c->gates.len; i++)
        if (c->gates.data[i].kind == GATE_EVOLVE)
            out[k++] = c->gates.data[i].generator;
    return k;
}

Test(lie, tfim_hva_source_gives_u1_plus_su_n)
{
    for (uint32_t n = 3; n <= 6; n++) {
        char text[512];
        snprintf(text, sizeof text,
                 "ansatz tfim(n = %u);\nqubit[n] q;\nparam g, b;\n"
                 "evolve(g) sum(i in [0:n-2]) Z(q[i]) * Z(q[i+1]);\n"
                 "evolve(b) sum(i in [0:n-1]) X(q[i]);\n"
                 "observe e = sum(i in [0:n-1]) X(q[i]);\n",
                 n);
        Compiled *c = compile(text);
        cr_assert(c->result.ok, "n = %u: %s", n,
                  c->diags.items.len ? c->diags.items.data[0].message : "?");
        PauliSum *gens[4];
        size_t k = evolve_generators(c->result.circuit, gens);
        cr_assert_eq(k, 2);
        LieSpace *g = lie_close(n, gens, k, gens, k, 1u << 20);
        cr_expect_eq(g->dim, n * n, "n = %u: dim %u", n, g->dim);
        /* the observable ΣX is a generator: its module is a subspace of g */
        PauliSum *o = c->result.circuit->observables.data[0].op;
        cr_expect(lie_contains(g, o));
        LieSpace *m = lie_close(n, gens, k, &o, 1, 1u << 20);
        cr_expect(m->dim >= 2 && m->dim <= g->dim);
        lie_space_free(m);
        lie_space_free(g);
        compiled_free(c);
    }
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    cr_assert(f, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = calloc(1, (size_t)len + 1);
    cr_assert_eq(fread(text, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    return text;
}

Test(lie, heisenberg_example_matches_its_expectations)
{
    char *text = read_file(ANSC_SOURCE_DIR "/examples/heisenberg_per_bond.ans");
    const uint32_t expected[7] = {0, 0, 0, 4, 12, 40, 129};
    for (uint32_t n = 3; n <= 6; n++) {
        Define d = {.name = "n", .value = n};
        Compiled *c = compile_with(text, &d, 1, STAGE_ELABORATE);
        cr_assert(c->result.ok, "n = %u", n);
        const Circuit *k = c->result.circuit;
        PauliSum *gens[64];
        size_t ng = evolve_generators(k, gens);
        LieSpace *g = lie_close(n, gens, ng, gens, ng, 1u << 20);
        cr_expect_eq(g->dim, expected[n], "n = %u: dim %u", n, g->dim);
        for (size_t i = 0; i < k->expects.len; i++)
            if (k->expects.data[i].fact == FACT_DLA_DIM && k->expects.data[i].op == CMP_EQ)
                cr_expect_eq((int64_t)g->dim, k->expects.data[i].value);
        lie_space_free(g);
        compiled_free(c);
    }
    free(text);
}

/* ---- the dense brute force ------------------------------------------------------------ */

enum { BRUTE_STRINGS = 256 };

typedef struct Brute {
    unsigned n, nstrings, dim;
    /* String t has factor "IXYZ"[(t >> 2q) & 3] on qubit q. Its matrix is monomial: row i
     * holds val[t][i] at column col[t][i]. */
    unsigned col[BRUTE_STRINGS][16];
    double complex val[BRUTE_STRINGS][16];
    double basis[BRUTE_STRINGS][BRUTE_STRINGS]; /* orthonormal coordinates */
    Dense mat[BRUTE_STRINGS];                   /* the same elements as matrices */
} Brute;

static char brute_factor(unsigned t, unsigned q) { return "IXYZ"[(t >> (2 * q)) & 3]; }

static Brute *brute_new(unsigned n)
{
    Brute *b = calloc(1, sizeof *b);
    b->n = n;
    b->nstrings = 1u << (2 * n);
    for (unsigned t = 0; t < b->nstrings; t++) {
        char f[4];
        for (unsigned q = 0; q < n; q++)
            f[q] = brute_factor(t, q);
        Dense m;
        dense_from_factors(&m, f, n);
        for (unsigned i = 0; i < m.dim; i++) {
            unsigned found = 0;
            for (unsigned j = 0; j < m.dim; j++)
                if (m.a[i][j] != 0) {
                    b->col[t][i] = j;
                    b->val[t][i] = m.a[i][j];
                    found++;
                }
            cr_assert_eq(found, 1, "a Pauli matrix is monomial");
        }
    }
    return b;
}

/* Coordinates Re Tr(P_t M)/2^n, the identity's dropped. */
static void brute_coordinates(const Brute *b, const Dense *m, double *c)
{
    unsigned dim = 1u << b->n;
    c[0] = 0;
    for (unsigned t = 1; t < b->nstrings; t++) {
        double complex tr = 0;
        for (unsigned i = 0; i < dim; i++)
            tr += b->val[t][i] * m->a[b->col[t][i]][i];
        cr_assert(fabs(cimag(tr)) < 1e-9 * (1 + cabs(tr)), "a Hermitian element");
        c[t] = creal(tr) / dim;
    }
}

static void brute_matrix(const Brute *b, const double *c, Dense *m)
{
    unsigned dim = 1u << b->n;
    dense_zero(m, dim);
    for (unsigned t = 1; t < b->nstrings; t++)
        if (c[t] != 0)
            for (unsigned i = 0; i < dim; i++)
                m->a[i][b->col[t][i]] += c[t] * b->val[t][i];
}

static double norm2(const double *c, unsigned len)
{
    double s = 0;
    for (unsigned t = 0; t < len; t++)
        s += c[t] * c[t];
    return sqrt(s);
}

/* c minus its projection on the basis (twice, for stability); returns |residual| / |c|, or
 * -1 for a zero vector. Fails the test when the ratio is in the gap (1e-8, 1e-5). */
static double brute_residual(const Brute *b, double *c)
{
    double before = norm2(c, b->nstrings);
    if (before < 1e-9)
        return -1;
    for (int pass = 0; pass < 2; pass++)
        for (unsigned k = 0; k < b->dim; k++) {
            double dot = 0;
            for (unsigned t = 0; t < b->nstrings; t++)
                dot += b->basis[k][t] * c[t];
            for (unsigned t = 0; t < b->nstrings; t++)
                c[t] -= dot * b->basis[k][t];
        }
    double ratio = norm2(c, b->nstrings) / before;
    cr_assert(ratio < 1e-8 || ratio > 1e-5, "no clear gap: residual ratio %g", ratio);
    return ratio;
}

static void brute_offer(Brute *b, const Dense *m)
{
    double c[BRUTE_STRINGS];
    brute_coordinates(b, m, c);
    double r = brute_residual(b, c);
    if (r < 1e-5)
        return;
    double norm = norm2(c, b->nstrings);
    for (unsigned t = 0; t < b->nstrings; t++)
        b->basis[b->dim][t] = c[t] / norm;
    brute_matrix(b, b->basis[b->dim], &b->mat[b->dim]);
    b->dim++;
}

/* i[G, M] */
static void brute_bracket(const Dense *g, const Dense *m, Dense *out)
{
    Dense gm, mg;
    dense_mul(&gm, g, m);
    dense_mul(&mg, m, g);
    dense_scale(&mg, -1);
    dense_axpy(&gm, 1, &mg);
    dense_scale(&gm, I);
    *out = gm;
}

static void brute_close(Brute *b, const Dense *gens, size_t ngens, const Dense *seeds,
                        size_t nseeds)
{
    b->dim = 0;
    for (size_t s = 0; s < nseeds; s++)
        brute_offer(b, &seeds[s]);
    for (unsigned k = 0; k < b->dim; k++)
        for (size_t g = 0; g < ngens; g++) {
            Dense m;
            brute_bracket(&gens[g], &b->mat[k], &m);
            brute_offer(b, &m);
        }
}

static bool brute_contains(const Brute *b, const Dense *m)
{
    double c[BRUTE_STRINGS];
    brute_coordinates(b, m, c);
    return brute_residual(b, c) < 1e-5;
}

static const uint32_t QUBITS[4] = {0, 1, 2, 3};

/* The brute-force index t of a packed one-word string. */
static unsigned brute_index(const uint64_t *p, unsigned n)
{
    unsigned t = 0;
    for (unsigned q = 0; q < n; q++)
        t |= (unsigned)(strchr("IXYZ", dense_raw_factor(p, 1, q)) - "IXYZ") << (2 * q);
    return t;
}

static void to_dense(const PauliSum *s, unsigned n, Dense *m)
{
    cr_assert_eq(dense_from_psum(m, s, QUBITS, n), 0);
}

/* A random sum of 1..maxterms strings (the identity possible), coefficients in ±{1, 2, 3}. */
static PauliSum *random_sum(Arena *a, uint64_t *rng, unsigned n, unsigned maxterms)
{
    PauliSum *s = psum_new(a, n);
    unsigned terms = 1 + test_xorshift_below(rng, maxterms);
    uint64_t p[2];
    for (unsigned j = 0; j < terms; j++) {
        unsigned t = test_xorshift_below(rng, 1u << (2 * n));
        p[0] = p[1] = 0;
        for (unsigned q = 0; q < n; q++)
            test_set_raw_factor(p, 1, q, brute_factor(t, q));
        int c = 1 + (int)test_xorshift_below(rng, 3);
        psum_add(a, s, p, real_int(test_xorshift_below(rng, 2) ? c : -c));
    }
    return s;
}

/* The integer sum with the coordinates of m (which must be integers). */
static PauliSum *integer_sum(Arena *a, const Brute *b, const Dense *m)
{
    double c[BRUTE_STRINGS];
    brute_coordinates(b, m, c);
    PauliSum *s = psum_new(a, b->n);
    uint64_t p[2];
    for (unsigned t = 1; t < b->nstrings; t++) {
        double r = round(c[t]);
        cr_assert(fabs(c[t] - r) < 1e-9);
        if (r == 0)
            continue;
        p[0] = p[1] = 0;
        for (unsigned q = 0; q < b->n; q++)
            test_set_raw_factor(p, 1, q, brute_factor(t, q));
        psum_add(a, s, p, real_int((int64_t)r));
    }
    return s;
}

typedef enum { CASE_STRINGS, CASE_SUMS, CASE_MODULE } CaseKind;

/* One random case: generators (and a seed for modules), both closures compared, then
 * membership of a few vectors, in and out of the space. */
static void random_case(uint64_t *rng, CaseKind kind, Brute **brutes)
{
    Arena a;
    arena_init(&a);
    unsigned n = 1 + test_xorshift_below(rng, 4);
    Brute *b = brutes[n];
    /* single strings generate small algebras unless there are several of them */
    size_t ngens = 1 + test_xorshift_below(rng, kind == CASE_STRINGS ? 8 : 4);
    PauliSum *gens[8], *seeds[8];
    Dense dgens[8], dseeds[8];
    for (size_t g = 0; g < ngens; g++) {
        bool string = kind == CASE_STRINGS || (kind == CASE_MODULE && test_xorshift_below(rng, 2));
        gens[g] = random_sum(&a, rng, n, string ? 1 : 3);
        to_dense(gens[g], n, &dgens[g]);
    }
    size_t nseeds = ngens;
    if (kind == CASE_MODULE) {
        nseeds = 1;
        seeds[0] = random_sum(&a, rng, n, test_xorshift_below(rng, 2) ? 1 : 3);
    } else {
        for (size_t g = 0; g < ngens; g++)
            seeds[g] = gens[g];
    }
    for (size_t s = 0; s < nseeds; s++)
        to_dense(seeds[s], n, &dseeds[s]);

    brute_close(b, dgens, ngens, dseeds, nseeds);
    LieSpace *v = lie_close(n, gens, ngens, seeds, nseeds, 1u << 20);
    StrBuf sb = {0};
    for (size_t g = 0; g < ngens; g++) {
        sb_puts(&sb, g ? "; " : "");
        sb_put_psum(&sb, gens[g]);
    }
    if (kind == CASE_MODULE) {
        sb_puts(&sb, " | seed ");
        sb_put_psum(&sb, seeds[0]);
    }
    cr_assert_eq(v->dim, b->dim, "n = %u, %s: lie %u, brute force %u", n, sb.data, v->dim, b->dim);
    cr_assert(v->complete);
    cr_assert(!v->primes_disagree);
    if (kind == CASE_STRINGS)
        cr_assert(v->strings);

    /* The doubles: unit vectors inside the brute-force span. */
    for (uint32_t i = 0; i < v->dim; i++) {
        double c[BRUTE_STRINGS] = {0};
        if (v->strings) {
            c[brute_index(stringset_get(&v->set, i), n)] = 1;
        } else {
            const SparseVec *e = &v->basis[i];
            for (uint32_t j = 0; j < e->len; j++)
                c[brute_index(stringset_get(&v->set, e->col[j]), n)] = e->value[j];
            cr_assert_float_eq(norm2(c, b->nstrings), 1.0, 1e-12);
        }
        Dense m;
        brute_matrix(b, c, &m);
        cr_assert(brute_contains(b, &m), "%s: basis vector %u outside the span", sb.data, i);
    }

    /* Membership: combinations of the seeds and a bracket (inside), random sums (either). */
    PauliSum *tests[6];
    size_t ntests = 0;
    tests[ntests] = psum_new(&a, n);
    for (size_t s = 0; s < nseeds; s++)
        psum_add_sum(&a, tests[ntests], seeds[s],
                     real_int((int64_t)test_xorshift_below(rng, 5) - 2));
    ntests++;
    Dense br;
    brute_bracket(&dgens[0], &dseeds[nseeds - 1], &br);
    tests[ntests] = integer_sum(&a, b, &br);
    psum_add_sum(&a, tests[ntests], seeds[0], real_int(3));
    ntests++;
    for (int r = 0; r < 3; r++)
        tests[ntests++] = random_sum(&a, rng, n, 1 + (unsigned)r);
    tests[ntests] = psum_copy(&a, tests[1]);
    psum_add_sum(&a, tests[ntests], tests[ntests - 1], real_rational(1, 3));
    ntests++;
    for (size_t t = 0; t < ntests; t++) {
        Dense m;
        to_dense(tests[t], n, &m);
        bool expected = brute_contains(b, &m);
        cr_assert(t > 1 || expected, "the test vector %zu is in the span by construction", t);
        StrBuf tb = {0};
        sb_put_psum(&tb, tests[t]);
        cr_assert_eq(lie_contains(v, tests[t]), expected, "%s: contains(%s) should be %d", sb.data,
                     tb.data, expected);
        sb_free(&tb);
    }
    sb_free(&sb);
    lie_space_free(v);
    arena_free(&a);
}

static void random_cases(CaseKind kind, uint64_t seed, int count)
{
    Brute *brutes[5] = {NULL};
    for (unsigned n = 1; n <= 4; n++)
        brutes[n] = brute_new(n);
    uint64_t rng = seed;
    for (int i = 0; i < count; i++)
        random_case(&rng, kind, brutes);
    for (unsigned n = 1; n <= 4; n++)
        free(brutes[n]);
}

Test(lie, brute_force_string_generators, .timeout = 120)
{
    random_cases(CASE_STRINGS, 0x1234567u, 300);
}
Test(lie, brute_force_sum_generators, .timeout = 120)
{
    random_cases(CASE_SUMS, 0xBADC0FFEEu, 300);
}
Test(lie, brute_force_modules, .timeout = 120) { random_cases(CASE_MODULE, 0x5EED5EEDu, 300); }

/* ---- exact coefficients, signs, edge cases -------------------------------------------- */

static uint64_t inverse_mod(uint64_t a, uint64_t p)
{
    __extension__ typedef unsigned __int128 wide;
    uint64_t r = 1, e = p - 2;
    for (; e; e >>= 1) {
        if (e & 1)
            r = (uint64_t)((wide)r * a % p);
        a = (uint64_t)((wide)a * a % p);
    }
    return r;
}

Test(lie, brackets_carry_signs_and_exact_rationals)
{
    Arena a;
    arena_init(&a);
    /* G = (X0 + X1)/3, O = Z0/2 + Z1/2 + 5 Z2. XZ = −iY, so i[X, Z] = 2Y and i[X, Y] = −2Z:
     * i[G, O]/2 = (Y0 + Y1)/6, i[G, (Y0 + Y1)/6]/2 = −(Z0 + Z1)/18 (not a multiple of O),
     * and the next bracket is a multiple of (Y0 + Y1): dim 3 over five strings. */
    PauliSum *g = psum_new(&a, 3), *o = psum_new(&a, 3);
    add_terms(&a, g, "X", &QUBITS[0], real_rational(1, 3));
    add_terms(&a, g, "X", &QUBITS[1], real_rational(1, 3));
    add_terms(&a, o, "Z", &QUBITS[0], real_rational(1, 2));
    add_terms(&a, o, "Z", &QUBITS[1], real_rational(1, 2));
    add_terms(&a, o, "Z", &QUBITS[2], real_int(5));
    LieSpace *m = lie_close(3, &g, 1, &o, 1, 100);
    cr_assert_eq(m->dim, 3);
    cr_assert(!m->strings);
    const struct {
        char factor;      /* on qubit 0 and 1 */
        uint64_t inverse; /* the coefficient is ±1/inverse */
        double value;     /* unit norm */
    } expect[3] = {{'Z', 2, 0}, {'Y', 6, ANS_SQRT1_2}, {'Z', 18, -ANS_SQRT1_2}};
    for (uint32_t i = 0; i < 3; i++) {
        const SparseVec *v = &m->basis[i];
        cr_assert_eq(v->len, i == 0 ? 3 : 2);
        for (uint32_t j = 0; j < v->len; j++) {
            const uint64_t *p = stringset_get(&m->set, v->col[j]);
            if (dense_raw_factor(p, 1, 2) == 'Z') { /* 5 Z2 in O */
                cr_assert_eq(v->mod[j], 5);
                cr_assert_float_eq(v->value[j], 5 / sqrt(25.5), 1e-15);
                continue;
            }
            cr_assert(dense_raw_factor(p, 1, 0) == expect[i].factor ||
                      dense_raw_factor(p, 1, 1) == expect[i].factor);
            uint64_t m1 = inverse_mod(expect[i].inverse, LIE_PRIME);
            uint64_t m2 = inverse_mod(expect[i].inverse, LIE_PRIME2);
            bool negative = i == 2;
            cr_assert_eq(v->mod[j], negative ? LIE_PRIME - m1 : m1);
            cr_assert_eq(v->mod2[j], negative ? LIE_PRIME2 - m2 : m2);
            cr_assert_float_eq(v->value[j], i ? expect[i].value : 0.5 / sqrt(25.5), 1e-15);
        }
    }
    /* membership with rationals */
    PauliSum *in = psum_new(&a, 3), *out = psum_new(&a, 3);
    add_terms(&a, in, "Z", &QUBITS[0], real_rational(1, 4));
    add_terms(&a, in, "Z", &QUBITS[1], real_rational(1, 4));
    add_terms(&a, out, "Z", &QUBITS[0], real_rational(1, 4));
    add_terms(&a, out, "Z", &QUBITS[1], real_rational(1, 8));
    cr_assert(lie_contains(m, in));
    cr_assert(!lie_contains(m, out));
    cr_assert(lie_contains(m, pattern(&a, 3, "Z", 2))); /* O − (Z0 + Z1)/2 */
    cr_assert(!lie_contains(m, pattern(&a, 3, "Y", 0)));
    lie_space_free(m);
    arena_free(&a);
}

/* dim of the module of Z0 + Z1 under a X0 + b X1: 2 when a = b, else 4. */
static uint32_t module_dim(Real x0, Real x1)
{
    Arena a;
    arena_init(&a);
    PauliSum *g = psum_new(&a, 2), *o = pattern(&a, 2, "Z", 0);
    add_terms(&a, g, "X", &QUBITS[0], x0);
    add_terms(&a, g, "X", &QUBITS[1], x1);
    psum_add_sum(&a, o, pattern(&a, 2, "Z", 1), real_int(1));
    LieSpace *m = lie_close(2, &g, 1, &o, 1, 100);
    uint32_t dim = m->dim;
    lie_space_free(m);
    arena_free(&a);
    return dim;
}

Test(lie, inexact_coefficients_count_as_their_doubles)
{
    volatile double tenth = 0.1, fifth = 0.2; /* 0.1 + 0.2 is 0.30000000000000004 */
    cr_assert_eq(module_dim(real_rational(3, 10), real_rational(3, 10)), 2);
    cr_assert_eq(module_dim(real_approx(0.3), real_approx(0.3)), 2);
    cr_assert_eq(module_dim(real_approx(0.3), real_rational(3, 10)), 4);
    cr_assert_eq(module_dim(real_approx(tenth + fifth), real_approx(0.3)), 4);
    cr_assert_eq(module_dim(real_approx(0.5), real_rational(1, 2)), 2); /* 0.5 is exact */
    cr_assert_eq(module_dim(real_approx(-1e-300), real_approx(-1e-300)), 2);
    cr_assert_eq(module_dim(real_rational(INT64_MAX, 3), real_rational(INT64_MAX, 3)), 2);
    cr_assert_eq(module_dim(real_rational(INT64_MIN + 1, 7), real_rational(INT64_MIN + 1, 5)), 4);
}

Test(lie, identity_and_zero_terms_are_ignored)
{
    Arena a;
    arena_init(&a);
    uint64_t id[2] = {0, 0};
    PauliSum *gens[4];
    gens[0] = pattern(&a, 2, "ZZ", 0);
    psum_add(&a, gens[0], id, real_int(5)); /* ZZ + 5 I: still a single string */
    gens[1] = psum_new(&a, 2);
    psum_add(&a, gens[1], id, real_int(1)); /* the identity alone */
    gens[2] = pattern(&a, 2, "X", 0);
    psum_add_sum(&a, gens[2], pattern(&a, 2, "Y", 1), real_int(0)); /* X0 + 0·Y1 */
    gens[3] = psum_new(&a, 2);                                      /* the zero sum */
    LieSpace *g = lie_close(2, gens, 4, gens, 4, 100);
    cr_assert(g->strings);
    cr_assert_eq(g->dim, 3); /* ZZ, X0, Y0 Z1: su(2) */
    cr_assert(lie_contains(g, gens[0]));
    cr_assert(!lie_contains(g, pattern(&a, 2, "Y", 1)));
    lie_space_free(g);
    /* no generators: the span of the seeds */
    PauliSum *seeds[2] = {pattern(&a, 3, "X+Y", 0), pattern(&a, 3, "Y", 1)};
    LieSpace *s = lie_close(3, NULL, 0, seeds, 2, 100);
    cr_assert_eq(s->dim, 2);
    lie_space_free(s);
    arena_free(&a);
}

Test(lie, sums_that_span_strings_come_back_as_strings)
{
    Arena a;
    arena_init(&a);
    /* X0 + Z1 and Z0, X1: brackets separate the terms, g = su(2) ⊕ su(2) */
    PauliSum *gens[3] = {pattern(&a, 2, "X", 0), pattern(&a, 2, "Z", 0), pattern(&a, 2, "X", 1)};
    psum_add_sum(&a, gens[0], pattern(&a, 2, "Z", 1), real_int(1));
    LieSpace *g = lie_close(2, gens, 3, gens, 3, 100);
    cr_assert_eq(g->dim, 6);
    cr_assert(g->strings);
    cr_assert_eq(g->set.len, 6);
    cr_assert(lie_contains(g, pattern(&a, 2, "Y", 1)));
    cr_assert(!lie_contains(g, pattern(&a, 2, "XX", 0)));
    lie_space_free(g);
    arena_free(&a);
}

Test(lie, budget_stops_the_closure)
{
    Arena a;
    arena_init(&a);
    PauliSum *gens[16];
    size_t k = model_generators(&a, &PER_TERM[2], 4, gens); /* su(16) */
    const uint32_t budgets[] = {0, 1, 100, 254, 255, 1000};
    for (size_t i = 0; i < sizeof budgets / sizeof *budgets; i++) {
        LieSpace *g = lie_close(4, gens, k, gens, k, budgets[i]);
        uint32_t dim = budgets[i] < 255 ? budgets[i] : 255;
        cr_expect_eq(g->dim, dim, "budget %u", budgets[i]);
        cr_expect_eq(g->complete, budgets[i] >= 255, "budget %u", budgets[i]);
        cr_expect_eq(g->set.len, dim);
        lie_space_free(g);
    }
    k = model_generators(&a, &PER_TERM[7], 5, gens); /* XX+YY+ZZ: 40 */
    const uint32_t sum_budgets[] = {0, 7, 39, 40, 41};
    for (size_t i = 0; i < sizeof sum_budgets / sizeof *sum_budgets; i++) {
        LieSpace *g = lie_close(5, gens, k, gens, k, sum_budgets[i]);
        uint32_t dim = sum_budgets[i] < 40 ? sum_budgets[i] : 40;
        cr_expect_eq(g->dim, dim, "budget %u", sum_budgets[i]);
        cr_expect_eq(g->complete, sum_budgets[i] >= 40, "budget %u", sum_budgets[i]);
        lie_space_free(g);
    }
    arena_free(&a);
}

/* ---- larger string closures (the hash path, several words) ---------------------------- */

static void check_chain(const Model *m, uint32_t n, uint32_t expected)
{
    Arena a;
    arena_init(&a);
    PauliSum **gens = arena_alloc(&a, 4u * n * sizeof *gens);
    size_t k = model_generators(&a, m, n, gens);
    LieSpace *g = lie_close(n, gens, k, gens, k, 1u << 20);
    cr_expect_eq(g->dim, expected, "%s, n = %u: dim %u", m->name, n, g->dim);
    cr_expect(g->strings && g->complete);
    for (uint32_t i = 0; i < g->dim; i += 97)
        cr_expect_eq(stringset_find(&g->set, stringset_get(&g->set, i)), i);
    for (size_t j = 0; j < k; j++)
        cr_expect(lie_contains(g, gens[j]));
    lie_space_free(g);
    arena_free(&a);
}

Test(lie, large_string_closures)
{
    const Model *ising = &PER_TERM[0], *ring = &PER_TERM[1];
    check_chain(&PER_TERM[2], 8, 65535); /* su(2^8), bitmap path */
    check_chain(ising, 13, 13 * 25);     /* bitmap path, last size */
    check_chain(ising, 14, 14 * 27);     /* hash path */
    check_chain(ising, 70, 70 * 139);    /* two words */
    check_chain(ring, 64, 128 * 127);
    check_chain(ring, 65, 130 * 129);
    check_chain(ising, 200, 200 * 399); /* four words */
}

Test(lie, stringset_ids_are_insertion_order)
{
    for (uint32_t words = 1; words <= 3; words++) {
        StringSet s;
        stringset_init(&s, words);
        uint64_t p[6];
        uint64_t rng = 99;
        uint64_t *kept = calloc(5000 * 2 * words, sizeof *kept);
        uint32_t n = 0;
        for (int i = 0; i < 5000; i++) {
            for (uint32_t w = 0; w < 2 * words; w++)
                p[w] = test_xorshift_next(&rng) & 0x1F0001; /* a small range: repeats happen */
            bool added;
            uint32_t id = stringset_add(&s, p, &added);
            int64_t before = -1;
            for (uint32_t j = 0; j < n && before < 0; j++)
                if (memcmp(kept + j * 2 * words, p, 2 * words * sizeof *p) == 0)
                    before = j;
            cr_assert_eq(added, before < 0);
            if (added) {
                cr_assert_eq(id, n);
                memcpy(kept + n++ * 2 * words, p, 2 * words * sizeof *p);
            } else {
                cr_assert_eq(id, (uint32_t)before);
            }
        }
        cr_assert_eq(s.len, n);
        for (uint32_t j = 0; j < n; j++) {
            cr_assert_eq(stringset_find(&s, kept + j * 2 * words), j);
            cr_assert_eq(memcmp(stringset_get(&s, j), kept + j * 2 * words, 2 * words * sizeof *p),
                         0);
        }
        p[0] = 1ull << 40;
        cr_assert_eq(stringset_find(&s, p), -1);
        free(kept);
        stringset_free(&s);
    }
}
