/*
 * lie.c — the smallest subspace that holds the seeds and is closed under X -> i[G, X] for
 * every generator G: the dynamical Lie algebra (seeds = generators) or an observable's
 * invariant module (seed = O). Exact: no floating-point tolerance decides a dimension.
 *
 * Input: generators and seeds as Pauli sums (read, never modified); output: a LieSpace that
 * owns malloc'd memory (lie_space_free). No globals beyond constants.
 *
 * The closure is breadth-first: every element that enters is bracketed once with every
 * generator, and a bracket that is new enters in turn. With seeds = generators this gives
 * the whole algebra, since right-nested brackets of generators span it (Jacobi identity).
 *
 * String path (here). When every generator and every seed is one Pauli string up to a
 * coefficient, each bracket is ± one string, so the space is spanned by strings and the
 * closure is a hash-set BFS: the set in insertion order is at once the basis and the queue. A
 * step is an AND/XOR/parity over the words the generator touches and one lookup; nothing is
 * allocated per string (the set grows by doubling; up to 13 qubits a bitmap of all 4^n
 * strings replaces the lookups).
 *
 * Sum path (lie_sum.c). Otherwise elements are exact sparse vectors, independence is decided
 * by row echelon forms modulo two primes, and the coordinates are divided by the exact
 * symmetries of the inputs (lie_symmetry.c). When the final vectors touch exactly dim
 * strings, the space is the span of those strings and is returned in string form.
 *
 * Budgets: max_dim elements, and on the sum path LIE_MAX_ENTRIES stored coefficients and
 * max_work units, stop the closure with complete = false, so memory and time stay bounded
 * whatever the input.
 */
#include "analysis.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>


/* Ids are uint32_t and the index holds twice as many slots as ids. */
static const uint32_t LIE_MAX_STRINGS = 1u << 30;
enum { LIE_BITMAP_QUBITS = 13 };

/* Out of memory aborts, as arena_alloc does: the budgets keep it from happening. */
void *lie_realloc(void *p, size_t size)
{
    void *q = realloc(p, size ? size : 1);
    if (!q)
        abort();
    return q;
}

/* Grows *p (elem-sized items, capacity *cap) to hold at least need items, zeroing the rest. */
void lie_reserve(void **p, uint32_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return;
    size_t c = *cap ? *cap : 16;
    while (c < need)
        c *= 2;
    *p = lie_realloc(*p, c * elem);
    memset((char *)*p + (size_t)*cap * elem, 0, (c - *cap) * elem);
    *cap = (uint32_t)c;
}

/* ---- arithmetic modulo a prime below 2^62 ------------------------------------------- */

/* p is LIE_PRIME or LIE_PRIME2; both have a cheap reduction (no 128-bit division). */

static uint64_t mod_pow(uint64_t a, uint64_t e, uint64_t p)
{
    uint64_t r = 1;
    for (; e; e >>= 1, a = lie_mulmod(a, a, p))
        if (e & 1)
            r = lie_mulmod(r, a, p);
    return r;
}

uint64_t lie_inverse(uint64_t a, uint64_t p) { return mod_pow(a, p - 2, p); } /* Fermat */

/* The exact value of r modulo p. False when p divides the denominator. */
bool lie_real_mod(Real r, uint64_t p, uint64_t *out)
{
    uint64_t v;
    bool negative;
    if (r.den != 0) {
        negative = r.num < 0;
        uint64_t num = negative ? (uint64_t)0 - (uint64_t)r.num : (uint64_t)r.num;
        uint64_t den = (uint64_t)r.den % p;
        if (den == 0)
            return false;
        v = lie_mulmod(num % p, lie_inverse(den, p), p);
    } else {
        int e;
        double m = frexp(fabs(r.value), &e); /* |value| = m·2^e, m in [1/2, 1) */
        negative = r.value < 0;
        v = (uint64_t)ldexp(m, 53) % p; /* |value| = v·2^(e−53) exactly */
        e -= 53;
        uint64_t base = e >= 0 ? 2 : lie_inverse(2, p);
        v = lie_mulmod(v, mod_pow(base, (uint64_t)(e >= 0 ? e : -e), p), p);
    }
    *out = negative && v ? p - v : v;
    return true;
}

/* ---- StringSet ------------------------------------------------------------------------ */

static inline uint64_t stringset_hash(const uint64_t *p, uint32_t n)
{
    uint64_t h = 0x243F6A8885A308D3ull;
    for (uint32_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0xBF58476D1CE4E5B9ull;
        h ^= h >> 31;
    }
    h *= 0x94D049BB133111EBull;
    return h ^ (h >> 29);
}

static inline bool lie_equal(const uint64_t *a, const uint64_t *b, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

void stringset_init(StringSet *s, uint32_t words)
{
    memset(s, 0, sizeof *s);
    s->words = words;
}

static void stringset_rehash(StringSet *s, uint32_t cap)
{
    free(s->index);
    s->index = calloc(cap, sizeof *s->index);
    if (!s->index)
        abort();
    s->index_cap = cap;
    uint32_t mask = cap - 1, n = 2 * s->words;
    for (uint32_t id = 0; id < s->len; id++) {
        uint32_t h = (uint32_t)stringset_hash(stringset_get(s, id), n) & mask;
        while (s->index[h])
            h = (h + 1) & mask;
        s->index[h] = id + 1;
    }
}

/* Appends p without indexing it (the bitmap path indexes once at the end). */
static void stringset_append(StringSet *s, const uint64_t *p)
{
    if (s->len == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->strings = lie_realloc(s->strings, (size_t)s->cap * 2 * s->words * sizeof *s->strings);
    }
    memcpy(s->strings + (size_t)s->len++ * 2 * s->words, p, 2 * s->words * sizeof *p);
}

/* The slot that holds p, or the empty slot where p would go (the index is never full). */
static inline uint32_t stringset_slot(const StringSet *s, const uint64_t *p)
{
    uint32_t mask = s->index_cap - 1, n = 2 * s->words;
    uint32_t h = (uint32_t)stringset_hash(p, n) & mask;
    for (;;) {
        uint32_t e = s->index[h];
        if (!e || lie_equal(stringset_get(s, e - 1), p, n))
            return h;
        h = (h + 1) & mask;
    }
}

uint32_t stringset_add(StringSet *s, const uint64_t *p, bool *added)
{
    if ((size_t)s->len * 2 + 2 > s->index_cap)
        stringset_rehash(s, s->index_cap ? s->index_cap * 2 : 64);
    uint32_t slot = stringset_slot(s, p);
    if (added)
        *added = s->index[slot] == 0;
    if (s->index[slot])
        return s->index[slot] - 1;
    stringset_append(s, p);
    s->index[slot] = s->len;
    return s->len - 1;
}

int64_t stringset_find(const StringSet *s, const uint64_t *p)
{
    if (!s->index_cap)
        return -1;
    uint32_t e = s->index[stringset_slot(s, p)];
    return e ? (int64_t)e - 1 : -1;
}

void stringset_free(StringSet *s)
{
    free(s->strings);
    free(s->index);
    stringset_init(s, s->words);
}

/* ---- inputs --------------------------------------------------------------------------- */

/* Appends the sum's terms (read on this closure's word count); returns the number kept. */
uint32_t lie_input_add(LieInput *in, const PauliSum *ps)
{
    uint32_t words = in->words, kept = 0;
    lie_reserve((void **)&in->first, &in->sums_cap, in->nsums + 2, sizeof *in->first);
    for (uint32_t i = 0; ps && i < ps->len; i++) {
        if (real_is_zero(ps->coef[i]) || !isfinite(ps->coef[i].value))
            continue;
        lie_reserve((void **)&in->strings, &in->strings_cap, (size_t)in->nterms + 1,
                    2 * words * sizeof(uint64_t));
        lie_reserve((void **)&in->coef, &in->coef_cap, (size_t)in->nterms + 1, sizeof *in->coef);
        uint64_t *s = in->strings + (size_t)in->nterms * 2 * words;
        const uint64_t *from = psum_string(ps, i);
        for (uint32_t w = 0; w < words; w++) {
            s[w] = w < ps->words ? from[w] : 0;
            s[words + w] = w < ps->words ? from[ps->words + w] : 0;
        }
        if (pauli_is_identity(s, words))
            continue;
        in->coef[in->nterms++] = ps->coef[i];
        kept++;
    }
    if (kept)
        in->nsums++;
    in->first[in->nsums] = in->nterms;
    return kept;
}

void lie_input_free(LieInput *in)
{
    free(in->strings);
    free(in->coef);
    free(in->first);
}

/* ---- string path ---------------------------------------------------------------------- */

/* Enters p unless the budget is full; false (and complete = false) when p is new then.
 * With a bitmap (one word, n qubits) p is the number x | z << n, and the bitmap says. */
static bool lie_enter_string(LieSpace *s, const uint64_t *p, uint32_t max_dim, uint64_t *seen)
{
    uint64_t key = seen ? p[0] | p[1] << s->nqubits : 0, bit = (uint64_t)1 << (key & 63);
    if (seen ? (seen[key >> 6] & bit) != 0 : stringset_find(&s->set, p) >= 0)
        return true;
    if (s->set.len >= max_dim) {
        s->complete = false;
        return false;
    }
    if (seen) {
        seen[key >> 6] |= bit;
        stringset_append(&s->set, p);
    } else {
        stringset_add(&s->set, p, NULL);
    }
    return true;
}

/* gens and seeds are single strings, terms [0, ngens) and [ngens, nterms) of in.
 * Up to LIE_BITMAP_QUBITS qubits the set is a bitmap of all 4^n strings during the BFS (8 MiB
 * at 13 qubits): a lookup is one bit in cache instead of two misses in a large hash set, and
 * the index is built once at the end. */
static void lie_close_strings(LieSpace *s, const LieInput *in, uint32_t ngens, uint32_t max_dim)
{
    uint32_t w = s->words, n = 2 * w;
    uint64_t *seen = NULL, outside = 0;
    for (uint32_t t = 0; t < in->nterms && s->nqubits < 64; t++)
        outside |= (in->strings[(size_t)t * n] | in->strings[(size_t)t * n + 1]) >> s->nqubits;
    if (s->nqubits <= LIE_BITMAP_QUBITS && !outside) {
        seen = calloc(((size_t)1 << 2 * s->nqubits) / 64 + 1, sizeof *seen);
        if (!seen)
            abort();
    }
    uint32_t *lo = lie_realloc(NULL, 2 * (ngens + 1) * sizeof *lo), *hi = lo + ngens + 1;
    uint64_t *p = lie_realloc(NULL, 2 * n * sizeof *p), *r = p + n;
    /* The words a generator touches: the only ones its test and its XOR need. */
    for (uint32_t g = 0; g < ngens; g++) {
        const uint64_t *G = in->strings + (size_t)g * n;
        lo[g] = w, hi[g] = 0;
        for (uint32_t i = 0; i < w; i++)
            if (G[i] | G[w + i]) {
                lo[g] = lo[g] < i ? lo[g] : i;
                hi[g] = i + 1;
            }
    }
    for (uint32_t t = ngens; t < in->nterms; t++)
        if (!lie_enter_string(s, in->strings + (size_t)t * n, max_dim, seen))
            goto done;
    if (w == 1) { /* up to 64 qubits: the string is two registers, no copies */
        for (uint32_t id = 0; id < s->set.len; id++) {
            uint64_t px = s->set.strings[2 * (size_t)id], pz = s->set.strings[2 * (size_t)id + 1];
            for (uint32_t g = 0; g < ngens; g++) {
                uint64_t gx = in->strings[2 * (size_t)g], gz = in->strings[2 * (size_t)g + 1];
                if (!__builtin_parityll((px & gz) ^ (pz & gx)))
                    continue;
                r[0] = px ^ gx;
                r[1] = pz ^ gz;
                if (!lie_enter_string(s, r, max_dim, seen))
                    goto done;
            }
        }
        goto done;
    }
    for (uint32_t id = 0; id < s->set.len; id++) {
        memcpy(p, stringset_get(&s->set, id), n * sizeof *p);
        for (uint32_t g = 0; g < ngens; g++) {
            const uint64_t *G = in->strings + (size_t)g * n;
            uint64_t acc = 0;
            for (uint32_t i = lo[g]; i < hi[g]; i++)
                acc ^= (p[i] & G[w + i]) ^ (p[w + i] & G[i]);
            if (!__builtin_parityll(acc)) /* commutes */
                continue;
            memcpy(r, p, n * sizeof *p);
            for (uint32_t i = lo[g]; i < hi[g]; i++) {
                r[i] ^= G[i];
                r[w + i] ^= G[w + i];
            }
            if (!lie_enter_string(s, r, max_dim, seen))
                goto done;
        }
    }
done:
    s->dim = s->set.len;
    if (seen) {
        uint32_t cap = 64;
        while (cap < 2 * s->set.len + 2)
            cap *= 2;
        stringset_rehash(&s->set, cap);
    }
    free(seen);
    free(lo);
    free(p);
}

/* ---- entry points --------------------------------------------------------------------- */

LieSpace *lie_close(uint32_t nqubits, PauliSum *const *gens, size_t ngens, PauliSum *const *seeds,
                    size_t nseeds, uint32_t max_dim)
{
    return lie_close_budget(nqubits, gens, ngens, seeds, nseeds, max_dim, LIE_DEFAULT_WORK);
}

LieSpace *lie_close_budget(uint32_t nqubits, PauliSum *const *gens, size_t ngens,
                           PauliSum *const *seeds, size_t nseeds, uint32_t max_dim,
                           uint64_t max_work)
{
    return lie_close_flags(nqubits, gens, ngens, seeds, nseeds, max_dim, max_work, 0);
}

LieSpace *lie_close_flags(uint32_t nqubits, PauliSum *const *gens, size_t ngens,
                          PauliSum *const *seeds, size_t nseeds, uint32_t max_dim,
                          uint64_t max_work, unsigned flags)
{
    LieSpace *s = lie_realloc(NULL, sizeof *s);
    memset(s, 0, sizeof *s);
    s->nqubits = nqubits;
    s->words = pauli_words(nqubits ? nqubits : 1);
    s->complete = true;
    s->symmetry = 1;
    stringset_init(&s->set, s->words);
    max_dim = max_dim < LIE_MAX_STRINGS ? max_dim : LIE_MAX_STRINGS;

    LieInput in = {.words = s->words};
    bool single = true;
    uint32_t ngen_sums = 0; /* generators with a term left: the first sums of in */
    for (size_t k = 0; k < ngens + nseeds; k++) {
        single &= lie_input_add(&in, k < ngens ? gens[k] : seeds[k - ngens]) <= 1;
        ngen_sums = k < ngens ? in.nsums : ngen_sums;
    }
    s->strings = single;
    if (single)
        lie_close_strings(s, &in, ngen_sums, max_dim);
    else
        lie_close_sums(s, &in, ngen_sums, max_dim, max_work, !(flags & LIE_NO_SYMMETRY));
    lie_input_free(&in);
    return s;
}

void lie_space_free(LieSpace *s)
{
    if (!s)
        return;
    for (uint32_t i = 0; s->basis && i < s->dim; i++)
        free(s->basis[i].mod);
    free(s->basis);
    lie_echelon_free(s->echelon);
    stringset_free(&s->set);
    free(s);
}

bool lie_contains(const LieSpace *s, const PauliSum *v)
{
    LieInput in = {.words = s->words};
    lie_input_add(&in, v);
    bool inside = true;
    if (s->strings) {
        for (uint32_t t = 0; t < in.nterms && inside; t++)
            inside = stringset_find(&s->set, in.strings + (size_t)t * 2 * s->words) >= 0;
        lie_input_free(&in);
        return inside;
    }
    inside = lie_sums_contain(s, &in);
    lie_input_free(&in);
    return inside;
}
