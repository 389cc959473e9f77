/*
 * test_lie_symmetry.c — the sum path's symmetry reduction (analysis/lie_symmetry.c,
 * analysis/lie_sum.c): the group it divides by, and closures that must not change.
 *
 * The group: every candidate (a global single-qubit Clifford after a dihedral qubit
 * permutation) is checked against dense matrices to be a *-automorphism, Φ(P)Φ(Q) = Φ(PQ)
 * with PQ computed by matrix products (enough on the generators X_j, Z_j of the algebra), the
 * candidates are checked to be closed under composition, and canonical forms are compared
 * with orbits listed by applying every group element. Known inputs must give their orders.
 *
 * The closures: with and without the reduction (LIE_NO_SYMMETRY, which works over every
 * string as the sum path always did) must give the same dimension and — since the
 * breadth-first order and every independence decision are the same exact facts — the same
 * basis, vector by vector, exactly modulo both primes; membership must agree on vectors in
 * and out of the span, invariant or not. Inputs: the reference models of physics.md, the
 * even/odd Heisenberg chain, and random Pauli sums symmetrised over the orbits of random
 * group elements (a fixed-seed xorshift, so a failure reproduces).
 */
#include "analysis/analysis.h"
#include "dense.h"
#include "testing.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

/* Adds c · (each '+'-separated term of terms), factor j on qubit (q + j) mod n. */
static void add_terms(Arena *a, PauliSum *s, const char *terms, uint32_t q, uint32_t n, Real c)
{
    uint64_t *p = arena_alloc(a, 2u * s->words * sizeof *p);
    for (const char *t = terms; *t;) {
        memset(p, 0, 2u * s->words * sizeof *p);
        for (unsigned j = 0; *t && *t != '+'; t++, j++)
            test_set_raw_factor(p, s->words, (q + j) % n, *t);
        psum_add(a, s, p, c);
        if (*t == '+')
            t++;
    }
}

/* Σ over the sites (or bonds) i in [from, to) with step `step` of terms on i, i+1, … */
static PauliSum *chain_sum(Arena *a, uint32_t n, const char *terms, uint32_t from, uint32_t to,
                           uint32_t step)
{
    PauliSum *s = psum_new(a, n);
    for (uint32_t i = from; i < to; i += step)
        add_terms(a, s, terms, i, n, real_int(1));
    return s;
}

/* ---- the group ------------------------------------------------------------------------ */

/* The full candidate group C × D on n qubits: K for no inputs. */
static void full_group(LieSymmetry *g, uint32_t n)
{
    LieInput in = {.words = pauli_words(n)};
    lie_symmetry_find(g, &in, n, UINT64_MAX);
    lie_input_free(&in);
}

/* Element i of the group as a map: the Klein part first (a sign), then the transversal's
 * element. Returns the sign of out = ±E(p). */
static int group_apply(const LieSymmetry *g, uint32_t i, const uint64_t *p, uint64_t *out)
{
    uint32_t t = i / (g->nklein + 1), k = i % (g->nklein + 1);
    int sign = 1;
    if (k)
        sign = lie_symmetry_apply(g, &g->klein[k - 1], p, out);
    return sign * lie_symmetry_apply(g, &g->trans[t], p, out);
}

static uint32_t group_size(const LieSymmetry *g) { return g->ntrans * (g->nklein + 1); }

/* The string with factor f on qubit q. */
static void single(uint64_t *p, uint32_t q, char f)
{
    p[0] = p[1] = 0;
    test_set_raw_factor(p, 1, q, f);
}

static void dense_of(Dense *m, const uint64_t *p, uint32_t n)
{
    static const uint32_t qubits[4] = {0, 1, 2, 3};
    dense_from_string(m, p, 1, qubits, n);
}

Test(lie_symmetry, every_candidate_is_a_bracket_automorphism)
{
    const uint32_t n = 3;
    LieSymmetry g;
    full_group(&g, n);
    cr_assert_eq(g.order, 24 * 6, "24 Cliffords × the dihedral group of 3 qubits");
    cr_assert_eq(group_size(&g), g.order);
    cr_assert_eq(g.nklein, 3);
    for (uint32_t e = 0; e < group_size(&g); e++)
        for (uint64_t t = 0; t < (1u << 2 * n); t++) {
            uint64_t P[2] = {t & 7, t >> 3}, EP[2], Q[2], EQ[2], R[2], ER[2];
            int sp = group_apply(&g, e, P, EP);
            cr_assert(t != 0 || (sp == 1 && !EP[0] && !EP[1]), "the identity is fixed");
            Dense mp, mep, mq, meq, mr, mer, prod, lhs;
            dense_of(&mp, P, n);
            dense_of(&mep, EP, n);
            dense_scale(&mep, sp);
            for (uint32_t q = 0; q < n; q++)
                for (int f = 0; f < 2; f++) {
                    single(Q, q, "XZ"[f]);
                    int sq = group_apply(&g, e, Q, EQ);
                    dense_of(&mq, Q, n);
                    dense_of(&meq, EQ, n);
                    dense_scale(&meq, sq);
                    /* PQ = c·R by matrices: R has the XOR of the bits, c = Tr(R·PQ)/2^n */
                    R[0] = P[0] ^ Q[0], R[1] = P[1] ^ Q[1];
                    dense_of(&mr, R, n);
                    dense_mul(&prod, &mp, &mq);
                    Dense rp;
                    dense_mul(&rp, &mr, &prod);
                    double complex c = dense_trace(&rp) / (1u << n);
                    int sr = group_apply(&g, e, R, ER);
                    dense_of(&mer, ER, n);
                    dense_scale(&mer, c * sr);
                    dense_mul(&lhs, &mep, &meq);
                    cr_assert(dense_max_diff(&lhs, &mer) < 1e-12,
                              "element %u: Φ(P)Φ(Q) != Φ(PQ) for P = %llu, Q = %c%u", e,
                              (unsigned long long)t, "XZ"[f], q);
                }
        }
    lie_symmetry_free(&g);
}

/* The images of the generators X_j, Z_j (with signs): they fix an automorphism. */
static void signature(const LieSymmetry *g, uint32_t n, uint32_t e1, uint32_t e2, uint64_t *sig)
{
    for (uint32_t q = 0; q < n; q++)
        for (int f = 0; f < 2; f++) {
            uint64_t p[2], a[2], b[2];
            single(p, q, "XZ"[f]);
            int s = 1;
            if (e2 != UINT32_MAX) {
                s = group_apply(g, e2, p, a);
                memcpy(p, a, sizeof a);
            }
            s *= group_apply(g, e1, p, b);
            uint64_t *out = sig + 3 * (2 * q + (uint32_t)f);
            out[0] = b[0], out[1] = b[1], out[2] = (uint64_t)(s < 0);
        }
}

Test(lie_symmetry, candidates_form_a_group)
{
    for (uint32_t n = 1; n <= 5; n++) {
        LieSymmetry g;
        full_group(&g, n);
        uint32_t size = group_size(&g), dihedral = n >= 3 ? 2 * n : n;
        cr_assert_eq(g.order, 24 * dihedral, "n = %u: order %u", n, g.order);
        uint64_t *sigs = calloc((size_t)size * 6 * n, sizeof *sigs);
        for (uint32_t e = 0; e < size; e++)
            signature(&g, n, e, UINT32_MAX, sigs + (size_t)e * 6 * n);
        for (uint32_t e = 0; e < size; e++) /* distinct elements */
            for (uint32_t f = 0; f < e; f++)
                cr_assert(memcmp(sigs + (size_t)e * 6 * n, sigs + (size_t)f * 6 * n,
                                 6 * n * sizeof *sigs) != 0);
        uint64_t sig[30];
        for (uint32_t e1 = 0; e1 < size; e1++)
            for (uint32_t e2 = 0; e2 < size; e2++) {
                signature(&g, n, e1, e2, sig);
                bool found = false;
                for (uint32_t f = 0; f < size && !found; f++)
                    found = memcmp(sig, sigs + (size_t)f * 6 * n, 6 * n * sizeof *sig) == 0;
                cr_assert(found, "n = %u: element %u after %u is not a candidate", n, e1, e2);
            }
        free(sigs);
        lie_symmetry_free(&g);
    }
}

/* K of the closure's inputs, through lie_symmetry_find directly. */
static void input_group(LieSymmetry *g, uint32_t n, PauliSum *const *sums, size_t count)
{
    LieInput in = {.words = pauli_words(n)};
    for (size_t k = 0; k < count; k++)
        lie_input_add(&in, sums[k]);
    lie_symmetry_find(g, &in, n, UINT64_MAX);
    lie_input_free(&in);
}

Test(lie_symmetry, canonical_forms_match_listed_orbits)
{
    const uint32_t n = 4;
    Arena a;
    arena_init(&a);
    PauliSum *heis[2] = {chain_sum(&a, n, "XX+YY+ZZ", 0, n - 1, 2),
                         chain_sum(&a, n, "XX+YY+ZZ", 1, n - 1, 2)};
    /* the ring's ΣZZ and ΣX: X → X and Z → ±Z (2 Cliffords) × the dihedral group (8) */
    PauliSum *tfim[2] = {chain_sum(&a, n, "ZZ", 0, n, 1), chain_sum(&a, n, "X", 0, n, 1)};
    PauliSum *xy[1] = {chain_sum(&a, n, "XY", 0, n, 1)}; /* a ring: shifts, no reflection */
    PauliSum *few[1] = {chain_sum(&a, n, "XYZ", 0, 1, 1)}; /* the Klein group and more */
    struct {
        PauliSum **sums;
        size_t count;
        uint32_t order;
    } cases[] = {{heis, 2, 48}, {tfim, 2, 2 * 8}, {xy, 1, 0}, {few, 1, 0}, {NULL, 0, 24 * 8}};
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        LieSymmetry g;
        input_group(&g, n, cases[c].sums, cases[c].count);
        if (cases[c].order)
            cr_assert_eq(g.order, cases[c].order, "case %zu: order %u", c, g.order);
        cr_assert_eq(group_size(&g), g.order);
        uint32_t size = group_size(&g), compatible = 0, strings = 0;
        for (uint64_t t = 1; t < (1u << 2 * n); t++) {
            uint64_t p[2] = {t & 15, t >> 4}, rep[2], img[2], min[2] = {p[0], p[1]};
            uint32_t orbit = 0;
            int sign = lie_symmetry_canonical(&g, p, rep, &orbit);
            /* the orbit listed: every element applied, distinct strings counted */
            uint64_t seen[256] = {0};
            uint32_t distinct = 0;
            bool minus_itself = false;
            int to_rep = 0;
            for (uint32_t e = 0; e < size; e++) {
                int s = group_apply(&g, e, p, img);
                uint64_t key = img[0] | img[1] << 4;
                minus_itself |= key == t && s < 0;
                distinct += !seen[key];
                seen[key] = 1;
                if (img[0] < min[0] || (img[0] == min[0] && img[1] < min[1]))
                    min[0] = img[0], min[1] = img[1];
            }
            for (uint32_t e = 0; e < size && !minus_itself; e++) {
                int s = group_apply(&g, e, p, img);
                if (img[0] == min[0] && img[1] == min[1])
                    to_rep = s; /* E(p) = s·rep, so p = s·E⁻¹(rep) */
            }
            if (minus_itself) {
                cr_assert_eq(sign, 0, "case %zu, string %llu: incompatible", c,
                             (unsigned long long)t);
                continue;
            }
            compatible++;
            strings += orbit;
            cr_assert_eq(sign, to_rep, "case %zu, string %llu", c, (unsigned long long)t);
            cr_assert(rep[0] == min[0] && rep[1] == min[1], "case %zu: representative", c);
            cr_assert_eq(orbit, distinct, "case %zu, string %llu: orbit %u, listed %u", c,
                         (unsigned long long)t, orbit, distinct);
            uint64_t again[2];
            uint32_t orbit2;
            cr_assert_eq(lie_symmetry_canonical(&g, rep, again, &orbit2), 1);
            cr_assert(again[0] == rep[0] && again[1] == rep[1] && orbit2 == orbit);
        }
        cr_assert(compatible > 0 && strings >= compatible);
        lie_symmetry_free(&g);
    }
    arena_free(&a);
}

/* ---- closures with and without the reduction ------------------------------------------ */

/* Whether basis vector i is the same vector in both spaces (strings matched by value). */
static bool same_vector(const LieSpace *x, const LieSpace *y, uint32_t i)
{
    const SparseVec *u = &x->basis[i], *v = &y->basis[i];
    if (u->len != v->len)
        return false;
    for (uint32_t j = 0; j < u->len; j++) {
        int64_t id = stringset_find(&y->set, stringset_get(&x->set, u->col[j]));
        if (id < 0)
            return false;
        uint32_t lo = 0, hi = v->len;
        while (lo < hi) {
            uint32_t mid = (lo + hi) / 2;
            if (v->col[mid] < (uint32_t)id)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == v->len || v->col[lo] != (uint32_t)id || v->mod[lo] != u->mod[j] ||
            v->mod2[lo] != u->mod2[j] || fabs(v->value[lo] - u->value[j]) > 1e-9)
            return false;
    }
    return true;
}

/* Closes both ways and compares; returns the reduced closure's symmetry order (and its
 * dimension in *dim). probes are tested for membership in both (and must be inside when
 * inside[k]). */
static uint32_t compare_paths(uint32_t n, PauliSum *const *gens, size_t ngens,
                              PauliSum *const *seeds, size_t nseeds, PauliSum *const *probes,
                              const bool *inside, size_t nprobes, const char *what,
                              uint32_t *dim)
{
    LieSpace *fast = lie_close_flags(n, gens, ngens, seeds, nseeds, 1u << 20, LIE_DEFAULT_WORK, 0);
    LieSpace *slow = lie_close_flags(n, gens, ngens, seeds, nseeds, 1u << 20, LIE_DEFAULT_WORK,
                                     LIE_NO_SYMMETRY);
    cr_assert_eq(slow->symmetry, 1);
    cr_assert_eq(fast->dim, slow->dim, "%s: dim %u with symmetry, %u without", what, fast->dim,
                 slow->dim);
    cr_assert(fast->complete && slow->complete, "%s", what);
    cr_assert(!fast->primes_disagree && !slow->primes_disagree, "%s", what);
    cr_assert_eq(fast->strings, slow->strings, "%s", what);
    if (fast->strings) {
        cr_assert_eq(fast->set.len, slow->set.len);
        for (uint32_t i = 0; i < fast->set.len; i++)
            cr_assert(stringset_find(&slow->set, stringset_get(&fast->set, i)) >= 0, "%s", what);
    } else {
        for (uint32_t i = 0; i < fast->dim; i++)
            cr_assert(same_vector(fast, slow, i), "%s: basis vector %u differs", what, i);
    }
    for (size_t k = 0; k < nprobes; k++) {
        bool f = lie_contains(fast, probes[k]), s = lie_contains(slow, probes[k]);
        StrBuf sb = {0};
        sb_put_psum(&sb, probes[k]);
        cr_assert_eq(f, s, "%s: contains(%s) is %d with symmetry, %d without", what, sb.data, f, s);
        cr_assert(!inside || !inside[k] || f, "%s: %s is in the span by construction", what,
                  sb.data);
        sb_free(&sb);
    }
    uint32_t order = fast->symmetry;
    if (dim)
        *dim = fast->dim;
    lie_space_free(fast);
    lie_space_free(slow);
    return order;
}

/* Probes: the seeds, nested brackets of generators and seeds (inside), single strings and
 * parts of sums (mostly outside: not invariant). */
static size_t make_probes(Arena *a, PauliSum *const *gens, size_t ngens, PauliSum *const *seeds,
                          size_t nseeds, PauliSum **probes, bool *inside)
{
    size_t k = 0;
    for (size_t s = 0; s < nseeds && k < 4; s++) {
        inside[k] = true, probes[k++] = seeds[s];
        PauliSum *b = psum_bracket(a, gens[s % ngens], seeds[s]);
        inside[k] = true, probes[k++] = psum_bracket(a, gens[(s + 1) % ngens], b);
    }
    for (size_t s = 0; s < nseeds && k < 10; s++) {
        const PauliSum *x = seeds[s];
        if (x->len == 0)
            continue;
        PauliSum *one = psum_new(a, x->nqubits), *part = psum_new(a, x->nqubits);
        psum_add(a, one, psum_string(x, 0), real_int(1));
        for (uint32_t t = 0; t + 1 < x->len || (x->len == 1 && t == 0); t++)
            psum_add(a, part, psum_string(x, t), x->coef[t]);
        inside[k] = false, probes[k++] = one;
        inside[k] = false, probes[k++] = part;
        PauliSum *flip = psum_copy(a, x); /* one coefficient negated */
        flip->coef[0] = real_neg(flip->coef[0]);
        inside[k] = false, probes[k++] = flip;
    }
    return k;
}

/* physics.md's models whose generators are sums, and the even/odd Heisenberg chain. */
Test(lie_symmetry, reference_models_with_and_without_symmetry)
{
    struct {
        const char *name;
        uint32_t n, dim, order;
    } expect[] = {
        {"ΣZZ; ΣX", 5, 25, 4},       {"ΣZZ; ΣX ring", 5, 14, 20},
        {"ΣX; ΣY; ΣZZ all", 5, 54, 10}, {"XX+YY; Z", 5, 25, 4},
        {"XX+YY+ZZ", 6, 129, 24},    {"heis even/odd", 5, 31, 24},
        {"heis even/odd", 6, 66, 48}, {"heis even/odd", 7, 400, 24},
    };
    for (size_t c = 0; c < sizeof expect / sizeof *expect; c++) {
        Arena a;
        arena_init(&a);
        uint32_t n = expect[c].n;
        PauliSum *gens[32];
        size_t k = 0;
        if (c <= 1) {
            gens[k++] = chain_sum(&a, n, "ZZ", 0, c == 1 ? n : n - 1, 1);
            gens[k++] = chain_sum(&a, n, "X", 0, n, 1);
        } else if (c == 2) {
            gens[k++] = chain_sum(&a, n, "X", 0, n, 1);
            gens[k++] = chain_sum(&a, n, "Y", 0, n, 1);
            gens[k] = psum_new(&a, n);
            for (uint32_t i = 0; i < n; i++)
                for (uint32_t j = i + 1; j < n; j++) {
                    uint64_t p[2] = {0, 0};
                    test_set_raw_factor(p, 1, i, 'Z'), test_set_raw_factor(p, 1, j, 'Z');
                    psum_add(&a, gens[k], p, real_int(1));
                }
            k++;
        } else if (c == 3) {
            for (uint32_t i = 0; i < n; i++)
                gens[k++] = chain_sum(&a, n, "Z", i, i + 1, 1);
            for (uint32_t i = 0; i + 1 < n; i++)
                gens[k++] = chain_sum(&a, n, "XX+YY", i, i + 1, 1);
        } else if (c == 4) {
            for (uint32_t i = 0; i + 1 < n; i++)
                gens[k++] = chain_sum(&a, n, "XX+YY+ZZ", i, i + 1, 1);
        } else {
            gens[k++] = chain_sum(&a, n, "XX+YY+ZZ", 0, n - 1, 2);
            gens[k++] = chain_sum(&a, n, "XX+YY+ZZ", 1, n - 1, 2);
        }
        LieSpace *g = lie_close(n, gens, k, gens, k, 1u << 20);
        cr_expect_eq(g->dim, expect[c].dim, "%s, n = %u: dim %u", expect[c].name, n, g->dim);
        cr_expect_eq(g->symmetry, expect[c].order, "%s, n = %u: order %u", expect[c].name, n,
                     g->symmetry);
        lie_space_free(g);
        PauliSum *probes[16];
        bool inside[16];
        size_t np = make_probes(&a, gens, k, gens, k, probes, inside);
        compare_paths(n, gens, k, gens, k, probes, inside, np, expect[c].name, NULL);
        /* a module too: the seed ΣZ, or for the Heisenberg chains (whose ΣZ is central) the
         * first bond's XX + YY + ZZ, invariant under the Cliffords but not the reflection */
        PauliSum *o = c >= 4 ? chain_sum(&a, n, "XX+YY+ZZ", 0, 1, 1) : chain_sum(&a, n, "Z", 0, n, 1);
        np = make_probes(&a, gens, k, &o, 1, probes, inside);
        compare_paths(n, gens, k, &o, 1, probes, inside, np, expect[c].name, NULL);
        arena_free(&a);
    }
}

/* The even/odd Heisenberg chain at n = 8: 724, found by the unreduced path in about 18 s
 * (bench/bench_lie heis_eo 8 1 --no-symmetry), here in well under a second. */
Test(lie_symmetry, heisenberg_even_odd_eight_qubits)
{
    Arena a;
    arena_init(&a);
    PauliSum *gens[2] = {chain_sum(&a, 8, "XX+YY+ZZ", 0, 7, 2), chain_sum(&a, 8, "XX+YY+ZZ", 1, 7, 2)};
    LieSpace *g = lie_close(8, gens, 2, gens, 2, 1u << 20);
    cr_assert_eq(g->dim, 724);
    cr_assert_eq(g->symmetry, 48);
    cr_assert(g->complete && !g->primes_disagree && !g->strings);
    cr_assert(lie_contains(g, gens[0]) && lie_contains(g, gens[1]));
    cr_assert(!lie_contains(g, chain_sum(&a, 8, "XX", 0, 7, 2)), "not Clifford invariant");
    for (uint32_t i = 0; i < g->dim; i += 37) { /* unit vectors over the strings */
        double norm = 0;
        for (uint32_t j = 0; j < g->basis[i].len; j++) {
            norm += g->basis[i].value[j] * g->basis[i].value[j];
            cr_assert(j == 0 || g->basis[i].col[j - 1] < g->basis[i].col[j]);
        }
        cr_assert_float_eq(norm, 1.0, 1e-12);
    }
    lie_space_free(g);
    arena_free(&a);
}

/* Σ σ·Q over the signed orbit of (p, +1) under the elements gen[0..ngen) of g, with
 * coefficient c; NULL when the orbit holds some string with both signs (the average is 0). */
static PauliSum *orbit_sum(Arena *a, const LieSymmetry *g, const uint32_t *gen, unsigned ngen,
                           const uint64_t *p, uint32_t n, int c)
{
    uint64_t found[512][2];
    int sign[512];
    unsigned count = 1;
    found[0][0] = p[0], found[0][1] = p[1], sign[0] = 1;
    for (unsigned i = 0; i < count; i++)
        for (unsigned j = 0; j < ngen; j++) {
            uint64_t img[2];
            int s = sign[i] * group_apply(g, gen[j], found[i], img);
            unsigned k = 0;
            while (k < count && (found[k][0] != img[0] || found[k][1] != img[1]))
                k++;
            if (k < count && sign[k] != s)
                return NULL;
            if (k == count)
                found[count][0] = img[0], found[count][1] = img[1], sign[count++] = s;
        }
    PauliSum *sum = psum_new(a, n);
    for (unsigned i = 0; i < count; i++)
        psum_add(a, sum, found[i], real_int(sign[i] * c));
    return sum;
}

/* A random sum invariant under the elements gen: orbit sums of random strings. */
static PauliSum *random_invariant(Arena *a, uint64_t *rng, const LieSymmetry *g,
                                  const uint32_t *gen, unsigned ngen, uint32_t n)
{
    PauliSum *s = psum_new(a, n);
    unsigned orbits = 1 + test_xorshift_below(rng, 2);
    for (unsigned o = 0; o < orbits; o++)
        for (int tries = 0; tries < 20; tries++) {
            uint64_t p[2] = {test_xorshift_next(rng) & ((1u << n) - 1),
                             test_xorshift_next(rng) & ((1u << n) - 1)};
            int c = (1 + (int)test_xorshift_below(rng, 3)) * (test_xorshift_below(rng, 2) ? 1 : -1);
            PauliSum *x = (p[0] | p[1]) ? orbit_sum(a, g, gen, ngen, p, n, c) : NULL;
            if (x) {
                psum_add_sum(a, s, x, real_int(1));
                break;
            }
        }
    psum_compact(a, s);
    return s;
}

Test(lie_symmetry, random_symmetric_closures_equal_unreduced_closures, .timeout = 300)
{
    uint64_t rng = 0xC0FFEE1234567ull;
    unsigned reduced = 0, cases = 0, large = 0;
    for (int i = 0; i < 600; i++) {
        Arena a;
        arena_init(&a);
        uint32_t n = 2 + test_xorshift_below(&rng, i % 4 == 3 ? 4 : 3); /* 2..4, sometimes 5 */
        LieSymmetry full;
        full_group(&full, n);
        uint32_t gen[2];
        unsigned ngen = 1 + test_xorshift_below(&rng, 2);
        for (unsigned j = 0; j < ngen; j++)
            gen[j] = 1 + test_xorshift_below(&rng, group_size(&full) - 1);
        bool module = i % 3 == 2;
        size_t ngens = 2 + test_xorshift_below(&rng, 2), nseeds = module ? 1 : ngens;
        PauliSum *gens[4], *seeds[4];
        for (size_t k = 0; k < ngens; k++)
            gens[k] = random_invariant(&a, &rng, &full, gen, ngen, n);
        if (module) /* invariant seed, or (one case in four) any sum */
            seeds[0] = i % 4 ? random_invariant(&a, &rng, &full, gen, ngen, n)
                             : random_invariant(&a, &rng, &full, gen, 0, n);
        else
            for (size_t k = 0; k < ngens; k++)
                seeds[k] = gens[k];
        PauliSum *probes[16];
        bool inside[16];
        size_t np = make_probes(&a, gens, ngens, seeds, nseeds, probes, inside);
        char what[64];
        snprintf(what, sizeof what, "random case %d (n = %u)", i, n);
        /* closures over single strings take the string path: not this test's subject */
        bool sums = false;
        for (size_t k = 0; k < ngens + nseeds; k++)
            sums |= (k < ngens ? gens[k] : seeds[k - ngens])->len > 1;
        if (sums) {
            cases++;
            uint32_t dim;
            reduced += compare_paths(n, gens, ngens, seeds, nseeds, probes, inside, np, what,
                                     &dim) > 1;
            large += dim >= 20;
        }
        lie_symmetry_free(&full);
        arena_free(&a);
    }
    cr_assert(cases >= 500 && large >= 80, "%u sum cases, %u of dimension 20 or more", cases,
              large);
    cr_assert(reduced * 10 >= cases * 8, "only %u of %u cases had a symmetry", reduced, cases);
}

Test(lie_symmetry, symmetry_breaking_coefficients_shrink_the_group)
{
    Arena a;
    arena_init(&a);
    const uint32_t n = 6;
    PauliSum *gens[2] = {chain_sum(&a, n, "XX+YY+ZZ", 0, n - 1, 2), psum_new(&a, n)};
    for (uint32_t i = 1; i + 1 < n; i += 2) { /* XX + YY + 2 ZZ: only X ↔ Y and signs */
        add_terms(&a, gens[1], "XX+YY", i, n, real_int(1));
        add_terms(&a, gens[1], "ZZ", i, n, real_int(2));
    }
    LieSymmetry g;
    input_group(&g, n, gens, 2);
    cr_assert_eq(g.order, 8 * 2, "Cliffords fixing Z up to sign (8) × the reflection");
    lie_symmetry_free(&g);
    /* One bond (0, 1): all 24 Cliffords × the reflection through the bond, whether the
     * coefficients are exact or all inexact; with ZZ's 1 inexact and the others exact it is
     * not trusted to equal them: Z → ±Z only (8 Cliffords). */
    const Real kinds[3][2] = {{real_int(1), real_int(1)},
                              {real_approx(1.0), real_approx(1.0)},
                              {real_int(1), real_approx(1.0)}};
    for (int k = 0; k < 3; k++) {
        PauliSum *bond = psum_new(&a, n);
        add_terms(&a, bond, "XX+YY", 0, n, kinds[k][0]);
        add_terms(&a, bond, "ZZ", 0, n, kinds[k][1]);
        input_group(&g, n, &bond, 1);
        cr_assert_eq(g.order, k < 2 ? 48 : 16, "kind %d: order %u", k, g.order);
        lie_symmetry_free(&g);
    }
    PauliSum *probes[16];
    bool inside[16];
    size_t np = make_probes(&a, gens, 2, gens, 2, probes, inside);
    compare_paths(n, gens, 2, gens, 2, probes, inside, np, "XX+YY+2ZZ", NULL);
    arena_free(&a);
}

/* More than 64 qubits (two words: the permutations take their general path): the ring's
 * ΣZZ and ΣX close to 3n − 1 (physics.md, D'Alessandro–Isik), with the dihedral group of
 * the ring times the two Cliffords X → X, Z → ±Z; the same span without the reduction. */
Test(lie_symmetry, rings_beyond_one_word)
{
    for (uint32_t n = 63; n <= 70; n += 7) {
        Arena a;
        arena_init(&a);
        PauliSum *gens[2] = {chain_sum(&a, n, "ZZ", 0, n, 1), chain_sum(&a, n, "X", 0, n, 1)};
        LieSpace *g = lie_close(n, gens, 2, gens, 2, 1u << 20);
        cr_assert_eq(g->dim, 3 * n - 1, "n = %u: dim %u", n, g->dim);
        cr_assert_eq(g->symmetry, 2 * 2 * n, "n = %u: order %u", n, g->symmetry);
        lie_space_free(g);
        PauliSum *probes[16];
        bool inside[16];
        size_t np = make_probes(&a, gens, 2, gens, 2, probes, inside);
        probes[np] = chain_sum(&a, n, "ZZ", 0, n - 1, 1), inside[np++] = false; /* open chain */
        probes[np] = chain_sum(&a, n, "YY", 0, n, 1), inside[np++] = false;
        compare_paths(n, gens, 2, gens, 2, probes, inside, np, "ring", NULL);
        arena_free(&a);
    }
}
