/*
 * lie_symmetry.c — exact symmetries of a closure's inputs, which the sum path (lie_sum.c)
 * divides its coordinates by.
 *
 * The candidates form the group C × D: C the 24 single-qubit Cliffords (up to phase) applied
 * on every qubit alike, D the dihedral group of the qubits 0 … n−1 read as a ring (the
 * reflection q → n−1−q and the shifts q → q+k mod n). The two commute. Every element is
 * conjugation by a unitary U (U = V^⊗n after a qubit permutation), so it maps each Hermitian
 * Pauli string to ± a Hermitian Pauli string — a signed permutation of the strings — and it
 * preserves the bracket: U (i[A, B]/2) U† = i[UAU†, UBU†]/2.
 *
 * The group used is K, the elements of C × D that fix every generator and every seed exactly:
 * each term maps to a term of the same sum whose exact coefficient is the image's sign times
 * its own (an exact rational against an exact rational, a double against a double; anything
 * else counts as different, which only makes K smaller). K is a group (the stabiliser of the
 * inputs in C × D).
 *
 * Why the closure lies in the fixed space V^K = {v : k(v) = v for all k ∈ K}. The closure L is
 * spanned by the right-nested brackets ad_{G_1} ⋯ ad_{G_m} s of generators and seeds (that is
 * how the breadth-first closure builds it: every element is i[G, X]/2 of an earlier one, or a
 * seed). For k ∈ K, k(i[G, X]/2) = i[kG, kX]/2 = i[G, kX]/2 because kG = G, so by induction on
 * m each such bracket is fixed by k, since the seeds are. Hence every element of L — not only
 * L as a whole — is K-invariant, and L ⊆ V^K.
 *
 * Coordinates on V^K. K permutes the strings up to sign; an orbit O with representative r
 * (here its smallest image) carries ê_O = Σ_{s ∈ O} σ_s s, where s = σ_s k(r). The signs are
 * consistent — and ê_O ≠ 0 — exactly when no k ∈ K maps r to −r (the orbit is "compatible");
 * an incompatible string has coefficient 0 in every invariant vector (v_r = (k v)_r = −v_r).
 * The ê_O of compatible orbits are a basis of V^K (disjoint supports), and the coordinate of an
 * invariant v on ê_O is its coefficient at r. So an invariant vector is stored by its
 * coefficients at representatives, about 1/|orbit| of its strings, and independence of
 * invariant vectors is independence of these shorter vectors (the map is injective on V^K).
 *
 * Canonical forms are cheap because the Klein part C_0 = {I, X, Y, Z conjugations} of C acts
 * diagonally (each string to ± itself): with K_0 = K ∩ C_0 (normal in K), every element is t·k0
 * with t from a transversal T of K/K_0 (one element per distinct permutation of strings) and
 * k0 ∈ K_0, and k0(s) = χ(s)·s. So the orbit of s is {t(s) : t ∈ T}, it is compatible exactly
 * when χ_{k0}(s) = +1 for every k0 ∈ K_0 and no t with t(s) = ±s gives −s, and its size is
 * |T| / #{t ∈ T : t(s) = ±s}. Only T is enumerated (12 elements instead of 48 for an SU(2)
 * invariant chain).
 */
#include "analysis.h"

#include <stdlib.h>
#include <string.h>

/* The single-qubit Cliffords as signed maps of X, Z (and so of Y = iXZ): X → sx·A, Z → sz·B
 * for an ordered pair (A, B) of distinct Paulis; 6 pairs × 4 signs. Types are (x, z) bit
 * pairs: X = 1, Z = 2, Y = 3. */
static const uint8_t LIE_CLIFFORD_PAIRS[6][2] = {{1, 2}, {1, 3}, {3, 1}, {3, 2}, {2, 1}, {2, 3}};

/* Fills e's Clifford part for pair index `pair` and signs (negate X's image, Z's image). */
static void lie_clifford(LieSymmetryElement *e, unsigned pair, bool neg_x, bool neg_z)
{
    unsigned A = LIE_CLIFFORD_PAIRS[pair][0], B = LIE_CLIFFORD_PAIRS[pair][1];
    e->pair = (uint8_t)pair;
    e->ax = A & 1 ? ~(uint64_t)0 : 0;
    e->az = A & 2 ? ~(uint64_t)0 : 0;
    e->bx = B & 1 ? ~(uint64_t)0 : 0;
    e->bz = B & 2 ? ~(uint64_t)0 : 0;
    /* Y = iXZ → i·(sx A)(sz B) = sx·sz·(iAB), and iAB = ±C: its sign from the product rule
     * A·B = i^k C (k odd), iAB = i^{k+1} C. */
    uint64_t a[2] = {A & 1, A >> 1}, b[2] = {B & 1, B >> 1}, c[2];
    unsigned k = pauli_product(a, b, c, 1);
    bool neg_y = (neg_x != neg_z) != (k == 1);
    e->neg = (uint8_t)((neg_x ? 1 : 0) | (neg_y ? 2 : 0) | (neg_z ? 4 : 0));
}

static uint64_t lie_bit_reverse(uint64_t v)
{
    v = ((v >> 1) & 0x5555555555555555ull) | ((v & 0x5555555555555555ull) << 1);
    v = ((v >> 2) & 0x3333333333333333ull) | ((v & 0x3333333333333333ull) << 2);
    v = ((v >> 4) & 0x0F0F0F0F0F0F0F0Full) | ((v & 0x0F0F0F0F0F0F0F0Full) << 4);
    return __builtin_bswap64(v);
}

/* One bit vector of n bits through q → ((reflect ? n−1−q : q) + shift) mod n. */
static void lie_permute(const uint64_t *in, uint64_t *out, uint32_t words, uint32_t n,
                        bool reflect, uint32_t shift)
{
    if (words == 1) {
        uint64_t v = in[0], mask = n == 64 ? ~(uint64_t)0 : ((uint64_t)1 << n) - 1;
        if (reflect)
            v = lie_bit_reverse(v) >> (64 - n);
        if (shift)
            v = ((v << shift) | (v >> (n - shift))) & mask;
        out[0] = v;
        return;
    }
    memset(out, 0, words * sizeof *out);
    for (uint32_t i = 0; i < words; i++)
        for (uint64_t b = in[i]; b; b &= b - 1) {
            uint32_t q = 64 * i + (uint32_t)__builtin_ctzll(b);
            q = (reflect ? n - 1 - q : q) + shift;
            q = q >= n ? q - n : q;
            out[q / 64] |= (uint64_t)1 << (q % 64);
        }
}

int lie_symmetry_apply(const LieSymmetry *g, const LieSymmetryElement *e, const uint64_t *p,
                       uint64_t *out)
{
    uint32_t w = g->words;
    unsigned parity = 0;
    for (uint32_t i = 0; i < w; i++) {
        uint64_t x = p[i], z = p[w + i];
        parity += (e->neg & 1 ? (unsigned)__builtin_popcountll(x & ~z) : 0) +
                  (e->neg & 2 ? (unsigned)__builtin_popcountll(x & z) : 0) +
                  (e->neg & 4 ? (unsigned)__builtin_popcountll(z & ~x) : 0);
    }
    if (e->reflect || e->shift) {
        lie_permute(p, out, w, g->nqubits, e->reflect, e->shift);
        lie_permute(p + w, out + w, w, g->nqubits, e->reflect, e->shift);
    } else {
        memcpy(out, p, 2 * w * sizeof *p);
    }
    if (e->pair)
        for (uint32_t i = 0; i < w; i++) {
            uint64_t x = out[i], z = out[w + i];
            out[i] = (x & e->ax) ^ (z & e->bx);
            out[w + i] = (x & e->az) ^ (z & e->bz);
        }
    return parity & 1 ? -1 : 1;
}

/* Lexicographic order of strings (x words, then z words). */
static int lie_string_compare(const uint64_t *a, const uint64_t *b, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    return 0;
}

int lie_symmetry_canonical(const LieSymmetry *g, const uint64_t *p, uint64_t *rep,
                           uint32_t *orbit)
{
    uint32_t n = 2 * g->words, stabiliser = 0;
    for (uint32_t k = 0; k < g->nklein; k++)
        if (lie_symmetry_apply(g, &g->klein[k], p, g->scratch) < 0)
            return 0;
    int sign = 1;
    memcpy(rep, p, n * sizeof *p);
    for (uint32_t t = 0; t < g->ntrans; t++) {
        int s = lie_symmetry_apply(g, &g->trans[t], p, g->scratch);
        int c = lie_string_compare(g->scratch, rep, n);
        if (lie_string_compare(g->scratch, p, n) == 0) {
            if (s < 0)
                return 0; /* k(p) = −p: incompatible */
            stabiliser++;
        }
        if (c < 0) {
            memcpy(rep, g->scratch, n * sizeof *rep);
            sign = s;
        }
    }
    *orbit = g->ntrans / stabiliser;
    return sign;
}

/* ---- finding the group ---------------------------------------------------------------- */

/* Whether two coefficients are equal as exact numbers, the second negated when negate is
 * set: rational against rational, double against double (a double is the rational it
 * holds); mixed kinds count as different. */
static bool lie_coef_equal(Real a, Real b, bool negate)
{
    if (a.den && b.den) {
        if (b.num == INT64_MIN)
            return false;
        return a.num == (negate ? -b.num : b.num) && a.den == b.den;
    }
    return !a.den && !b.den && a.value == (negate ? -b.value : b.value);
}

/* Whether e maps every input sum onto itself; sets[k] indexes sum k's terms. */
static bool lie_fixes_inputs(const LieSymmetry *g, const LieSymmetryElement *e,
                             const LieInput *in, const StringSet *sets, uint64_t *buf)
{
    uint32_t n = 2 * in->words;
    for (uint32_t k = 0; k < in->nsums; k++)
        for (uint32_t t = in->first[k]; t < in->first[k + 1]; t++) {
            int s = lie_symmetry_apply(g, e, in->strings + (size_t)t * n, buf);
            int64_t j = stringset_find(&sets[k], buf);
            if (j < 0 || !lie_coef_equal(in->coef[t], in->coef[in->first[k] + (uint32_t)j], s < 0))
                return false;
        }
    return true;
}

void lie_symmetry_find(LieSymmetry *g, const LieInput *in, uint32_t nqubits, uint64_t max_checks)
{
    memset(g, 0, sizeof *g);
    g->nqubits = nqubits;
    g->words = in->words;
    g->scratch = lie_realloc(NULL, 2 * in->words * sizeof *g->scratch);
    g->trans = lie_realloc(NULL, sizeof *g->trans);
    g->trans[0] = (LieSymmetryElement){0};
    lie_clifford(&g->trans[0], 0, false, false);
    g->ntrans = g->order = 1;
    if (nqubits < 1)
        return; /* with no sums every candidate fixes them: K = C × D */
    uint32_t n = 2 * in->words;
    StringSet *sets = lie_realloc(NULL, (in->nsums + 1) * sizeof *sets);
    bool distinct = true;
    for (uint32_t k = 0; k < in->nsums; k++) {
        stringset_init(&sets[k], in->words);
        for (uint32_t t = in->first[k]; t < in->first[k + 1]; t++) {
            bool added;
            stringset_add(&sets[k], in->strings + (size_t)t * n, &added);
            distinct &= added;
        }
    }
    /* Shifts only when the check stays cheap: every candidate may read every term. */
    uint32_t shifts = (uint64_t)48 * nqubits * in->nterms <= max_checks ? nqubits : 1;
    uint32_t reflections = nqubits >= 3 ? 2 : 1; /* on two qubits the reflection is a shift */
    uint64_t *buf = lie_realloc(NULL, n * sizeof *buf);
    uint32_t cap = 1, kcap = 0;
    for (uint32_t r = 0; distinct && r < reflections; r++)
        for (uint32_t sh = 0; sh < shifts; sh++)
            for (unsigned pair = 0; pair < 6; pair++) {
                bool first = true; /* the first element of K with this permutation */
                for (unsigned signs = 0; signs < 4; signs++) {
                    LieSymmetryElement e = {.reflect = r != 0, .shift = sh};
                    lie_clifford(&e, pair, signs & 1, signs & 2);
                    bool identity = !r && !sh && !pair;
                    if ((identity && !signs) || !lie_fixes_inputs(g, &e, in, sets, buf))
                        continue;
                    g->order++;
                    if (identity) { /* the Klein part K_0 */
                        lie_reserve((void **)&g->klein, &kcap, g->nklein + 1, sizeof *g->klein);
                        g->klein[g->nklein++] = e;
                    } else if (first) {
                        lie_reserve((void **)&g->trans, &cap, g->ntrans + 1, sizeof *g->trans);
                        g->trans[g->ntrans++] = e;
                        first = false;
                    }
                }
            }
    if (!distinct)
        g->order = g->ntrans = 1, g->nklein = 0;
    for (uint32_t k = 0; k < in->nsums; k++)
        stringset_free(&sets[k]);
    free(sets);
    free(buf);
}

void lie_symmetry_free(LieSymmetry *g)
{
    free(g->trans);
    free(g->klein);
    free(g->scratch);
    memset(g, 0, sizeof *g);
}
