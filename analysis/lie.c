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
 * String path. When every generator and every seed is one Pauli string up to a coefficient,
 * each bracket is ± one string, so the space is spanned by strings and the closure is a
 * hash-set BFS: the set in insertion order is at once the basis and the queue. A step is an
 * AND/XOR/parity over the words the generator touches and one lookup; nothing is allocated
 * per string (the set grows by doubling; up to 13 qubits a bitmap of all 4^n strings
 * replaces the lookups).
 *
 * Sum path. Otherwise elements are sparse vectors over the ids of a StringSet of every
 * string met. For anticommuting strings PQ = i^k R with k odd and i[P, Q] = 2 i^{k+1} R =
 * ±2R; the common factor 2 is dropped, so brackets of rational vectors stay rational. The
 * coefficients are kept modulo two primes (2^61 − 1, 2^62 − 57; an exact Real is num/den,
 * an inexact one the rational m·2^e its double holds) and in doubles. Independence is
 * decided by one exact row echelon form per prime. A row's pivot is its smallest column, so
 * a reduction visits columns in increasing order (a min-heap; fill-in only lands to the
 * right) and stops at the first nonzero column without a pivot — the remainder is the new
 * row. Reduction mod p is a ring map, so rank mod p never exceeds the true rank: an element
 * enters when either prime finds it independent (which is then certain), and if the primes
 * ever disagree, the unlucky one is dropped and primes_disagree says so: the dimension is
 * the larger, exact unless both primes were unlucky. The doubles carry the same direction
 * at unit norm, for purities later; they decide nothing. When the final vectors touch
 * exactly dim strings, the space is the span of those strings and is returned in string
 * form.
 *
 * Budgets: max_dim elements, and LIE_MAX_ENTRIES stored coefficients on the sum path, stop
 * the closure with complete = false, so memory stays bounded whatever the input.
 */
#include "analysis.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>


static const uint64_t LIE_PRIMES[2] = {LIE_PRIME, LIE_PRIME2};
/* Ids are uint32_t and the index holds twice as many slots as ids. */
static const uint32_t LIE_MAX_STRINGS = 1u << 30;
enum { LIE_BITMAP_QUBITS = 13 };

/* Out of memory aborts, as arena_alloc does: the budgets keep it from happening. */
static void *lie_realloc(void *p, size_t size)
{
    void *q = realloc(p, size ? size : 1);
    if (!q)
        abort();
    return q;
}

/* Grows *p (elem-sized items, capacity *cap) to hold at least need items, zeroing the rest. */
static void lie_reserve(void **p, uint32_t *cap, size_t need, size_t elem)
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

static inline uint64_t mod_add(uint64_t a, uint64_t b, uint64_t p)
{
    uint64_t r = a + b;
    return r >= p ? r - p : r;
}

static inline uint64_t mod_sub(uint64_t a, uint64_t b, uint64_t p)
{
    return a >= b ? a - b : a + (p - b);
}

/* p is LIE_PRIME or LIE_PRIME2; both have a cheap reduction (no 128-bit division). */

static uint64_t mod_pow(uint64_t a, uint64_t e, uint64_t p)
{
    uint64_t r = 1;
    for (; e; e >>= 1, a = lie_mulmod(a, a, p))
        if (e & 1)
            r = lie_mulmod(r, a, p);
    return r;
}

static uint64_t mod_inv(uint64_t a, uint64_t p) { return mod_pow(a, p - 2, p); } /* Fermat */

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
        v = lie_mulmod(num % p, mod_inv(den, p), p);
    } else {
        int e;
        double m = frexp(fabs(r.value), &e); /* |value| = m·2^e, m in [1/2, 1) */
        negative = r.value < 0;
        v = (uint64_t)ldexp(m, 53) % p; /* |value| = v·2^(e−53) exactly */
        e -= 53;
        uint64_t base = e >= 0 ? 2 : mod_inv(2, p);
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

/* The non-identity terms with a finite nonzero coefficient of several sums, flattened; sums
 * with no such term are left out. */
typedef struct LieInput {
    uint32_t words, nterms, strings_cap, coef_cap, nsums, sums_cap;
    uint64_t *strings; /* nterms × 2·words */
    Real *coef;
    uint32_t *first; /* sum k is terms [first[k], first[k + 1]) */
} LieInput;

/* Appends the sum's terms (read on this closure's word count); returns the number kept. */
static uint32_t lie_input_add(LieInput *in, const PauliSum *ps)
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

static void lie_input_free(LieInput *in)
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

/* ---- sum path: workspace, rows -------------------------------------------------------- */

/* A row being built: columns ascending, values mod one prime. */
typedef struct LieRow {
    uint32_t len, cap;
    uint32_t *col;
    uint64_t *val;
} LieRow;

/* One prime's row echelon form: row r is entries [start[r], start[r + 1]), its first column
 * its pivot with value 1, every other column larger. */
typedef struct LieRows {
    uint32_t rank, start_cap, pivot_cap, entries_cap;
    uint32_t *start;
    uint32_t *col;
    uint64_t *val;
    uint32_t *pivot; /* column -> row + 1, 0: no pivot */
} LieRows;

struct LieEchelon {
    LieRows rows[2];
    /* The prime's rows are a basis of the whole space mod p. Cleared when a coefficient's
     * denominator is a multiple of p, or when p found an element dependent that the other
     * prime found independent (p is unlucky: it would lag behind from then on). */
    bool usable[2];
};

/* Dense scratch over the columns (string ids), reset after every use. */
typedef struct LieWork {
    uint32_t cols, cand_cap;
    uint64_t *acc[2];
    double *accd;
    uint64_t *red;
    uint32_t *mark, epoch; /* mark[c] == epoch: c is in list (and in heap while reducing) */
    uint32_t *list, nlist;
    uint32_t *heap, nheap;
    SparseVec cand; /* the bracket or input just computed, columns ascending */
    LieRow row[2];  /* per prime: the remainder when cand is independent */
    uint64_t *buf;  /* two strings */
    uint64_t ops, max_ops; /* elimination work done, and the budget for it */
} LieWork;

/* Grows a zeroed array from old to cap items. */
static void *lie_grow(void *p, size_t old, size_t cap, size_t elem)
{
    p = lie_realloc(p, cap * elem);
    memset((char *)p + old * elem, 0, (cap - old) * elem);
    return p;
}

static void lie_work_fit(LieWork *w, uint32_t cols)
{
    if (cols <= w->cols)
        return;
    size_t old = w->cols, cap = old ? old : 64;
    while (cap < cols)
        cap *= 2;
    w->acc[0] = lie_grow(w->acc[0], old, cap, sizeof *w->acc[0]);
    w->acc[1] = lie_grow(w->acc[1], old, cap, sizeof *w->acc[1]);
    w->accd = lie_grow(w->accd, old, cap, sizeof *w->accd);
    w->red = lie_grow(w->red, old, cap, sizeof *w->red);
    w->mark = lie_grow(w->mark, old, cap, sizeof *w->mark);
    w->list = lie_grow(w->list, old, cap, sizeof *w->list);
    w->heap = lie_grow(w->heap, old, cap, sizeof *w->heap);
    w->cols = (uint32_t)cap;
}

static void lie_work_free(LieWork *w)
{
    free(w->acc[0]), free(w->acc[1]), free(w->accd), free(w->red), free(w->mark);
    free(w->list), free(w->heap), free(w->buf);
    free(w->cand.col), free(w->cand.mod), free(w->cand.mod2), free(w->cand.value);
    for (int t = 0; t < 2; t++)
        free(w->row[t].col), free(w->row[t].val);
}

/* A fresh mark for a new use of the scratch; list emptied. */
static void lie_epoch(LieWork *w)
{
    if (++w->epoch == 0) {
        memset(w->mark, 0, (size_t)w->cols * sizeof *w->mark);
        w->epoch = 1;
    }
    w->nlist = 0;
}

static void lie_touch(LieWork *w, uint32_t c)
{
    if (w->mark[c] != w->epoch) {
        w->mark[c] = w->epoch;
        w->list[w->nlist++] = c;
    }
}

static void heap_push(LieWork *w, uint32_t c)
{
    uint32_t i = w->nheap++;
    while (i && w->heap[(i - 1) / 2] > c) {
        w->heap[i] = w->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    w->heap[i] = c;
}

static uint32_t heap_pop(LieWork *w)
{
    uint32_t top = w->heap[0], last = w->heap[--w->nheap], i = 0;
    for (;;) {
        uint32_t child = 2 * i + 1;
        if (child >= w->nheap)
            break;
        if (child + 1 < w->nheap && w->heap[child + 1] < w->heap[child])
            child++;
        if (w->heap[child] >= last)
            break;
        w->heap[i] = w->heap[child];
        i = child;
    }
    if (w->nheap)
        w->heap[i] = last;
    return top;
}

static void lie_row_push(LieRow *r, uint32_t col, uint64_t val)
{
    if (r->len == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 64;
        r->col = lie_realloc(r->col, r->cap * sizeof *r->col);
        r->val = lie_realloc(r->val, r->cap * sizeof *r->val);
    }
    r->col[r->len] = col;
    r->val[r->len++] = val;
}

/* Reduces v (columns col, values val mod p) by the rows. When a nonzero column without a
 * pivot is met, v is independent: its remainder, scaled to 1 at that column, goes to *out
 * (when out is not NULL) and true is returned. */
static bool lie_reduce(const LieRows *E, uint64_t p, const uint32_t *col, const uint64_t *val,
                       uint32_t len, LieWork *w, LieRow *out)
{
    lie_epoch(w);
    w->nheap = 0;
    for (uint32_t i = 0; i < len; i++)
        if (val[i]) {
            w->red[col[i]] = val[i];
            lie_touch(w, col[i]);
            heap_push(w, col[i]);
        }
    bool independent = false;
    while (w->nheap) {
        uint32_t c = heap_pop(w);
        uint64_t x = w->red[c];
        if (!x)
            continue;
        uint32_t r = c < E->pivot_cap ? E->pivot[c] : 0;
        if (!r) {
            independent = true;
            if (out) {
                uint64_t inv = mod_inv(x, p);
                out->len = 0;
                lie_row_push(out, c, 1);
                while (w->nheap) {
                    uint32_t d = heap_pop(w);
                    if (w->red[d])
                        lie_row_push(out, d, lie_mulmod(w->red[d], inv, p));
                }
            }
            break;
        }
        w->ops += E->start[r] - E->start[r - 1];
        for (uint32_t e = E->start[r - 1]; e < E->start[r]; e++) {
            uint32_t d = E->col[e];
            w->red[d] = mod_sub(w->red[d], lie_mulmod(x, E->val[e], p), p);
            if (w->mark[d] != w->epoch) {
                lie_touch(w, d);
                heap_push(w, d);
                w->ops += 8; /* fill-in: a heap insertion and a later pop */
            }
        }
    }
    for (uint32_t i = 0; i < w->nlist; i++)
        w->red[w->list[i]] = 0;
    return independent;
}

static void lie_rows_append(LieRows *E, const LieRow *r)
{
    lie_reserve((void **)&E->start, &E->start_cap, E->rank + 2, sizeof *E->start);
    uint32_t at = E->start[E->rank], cap = E->entries_cap;
    lie_reserve((void **)&E->col, &cap, (size_t)at + r->len, sizeof *E->col);
    lie_reserve((void **)&E->val, &E->entries_cap, (size_t)at + r->len, sizeof *E->val);
    memcpy(E->col + at, r->col, r->len * sizeof *r->col);
    memcpy(E->val + at, r->val, r->len * sizeof *r->val);
    lie_reserve((void **)&E->pivot, &E->pivot_cap, (size_t)r->col[0] + 1, sizeof *E->pivot);
    E->pivot[r->col[0]] = ++E->rank;
    E->start[E->rank] = at + r->len;
}

static void lie_echelon_free(LieEchelon *e)
{
    for (int t = 0; e && t < 2; t++)
        free(e->rows[t].start), free(e->rows[t].col), free(e->rows[t].val), free(e->rows[t].pivot);
    free(e);
}

/* ---- sum path: vectors ---------------------------------------------------------------- */

/* Adds sign·(a·b) to column c of the accumulators. */
static void lie_accumulate(LieWork *w, uint32_t c, bool minus, const uint64_t a[2],
                           const uint64_t b[2], double ab)
{
    lie_touch(w, c);
    for (int t = 0; t < 2; t++) {
        uint64_t m = lie_mulmod(a[t], b[t], LIE_PRIMES[t]);
        w->acc[t][c] = minus ? mod_sub(w->acc[t][c], m, LIE_PRIMES[t])
                             : mod_add(w->acc[t][c], m, LIE_PRIMES[t]);
    }
    w->accd[c] += minus ? -ab : ab;
}

static int lie_compare_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Moves the accumulators into cand, columns ascending, exact zeros dropped. */
static void lie_gather(LieWork *w)
{
    if (w->nlist > 1)
        qsort(w->list, w->nlist, sizeof *w->list, lie_compare_u32);
    if (w->nlist > w->cand_cap) {
        w->cand_cap = w->nlist;
        w->cand.col = lie_realloc(w->cand.col, w->cand_cap * sizeof *w->cand.col);
        w->cand.mod = lie_realloc(w->cand.mod, w->cand_cap * sizeof *w->cand.mod);
        w->cand.mod2 = lie_realloc(w->cand.mod2, w->cand_cap * sizeof *w->cand.mod2);
        w->cand.value = lie_realloc(w->cand.value, w->cand_cap * sizeof *w->cand.value);
    }
    SparseVec *v = &w->cand;
    v->len = 0;
    for (uint32_t i = 0; i < w->nlist; i++) {
        uint32_t c = w->list[i];
        if (w->acc[0][c] || w->acc[1][c]) {
            v->col[v->len] = c;
            v->mod[v->len] = w->acc[0][c];
            v->mod2[v->len] = w->acc[1][c];
            v->value[v->len++] = w->accd[c];
        }
        w->acc[0][c] = w->acc[1][c] = 0;
        w->accd[c] = 0;
    }
}

/* cand = i[G, X]/2 = Σ g_a x_b i[P_a, Q_b]/2, with i[P, Q]/2 = i^{k+1} R (PQ = i^k R). */
static void lie_bracket(LieSpace *s, LieWork *w, const SparseVec *g, const SparseVec *x)
{
    uint32_t words = s->words, n = 2 * words;
    uint64_t *P = w->buf, *R = w->buf + n;
    lie_epoch(w);
    w->ops += (uint64_t)g->len * x->len; /* each pair tested, an anticommuting one hashed */
    for (uint32_t a = 0; a < g->len; a++) {
        memcpy(P, stringset_get(&s->set, g->col[a]), n * sizeof *P);
        const uint64_t ga[2] = {g->mod[a], g->mod2[a]};
        for (uint32_t b = 0; b < x->len; b++) {
            const uint64_t *Q = stringset_get(&s->set, x->col[b]);
            if (pauli_commutes(P, Q, words))
                continue;
            unsigned k = pauli_product(P, Q, R, words); /* odd: i^{k+1} = +1 for k = 3 */
            w->ops += 16;
            uint32_t c = stringset_add(&s->set, R, NULL);
            lie_work_fit(w, s->set.len);
            const uint64_t xb[2] = {x->mod[b], x->mod2[b]};
            lie_accumulate(w, c, k == 1, ga, xb, g->value[a] * x->value[b]);
        }
    }
    lie_gather(w);
}

/* cand = Σ coef·string over the terms [from, to) of in, their strings entered in set, or
 * when set is NULL looked up in known (false when one is missing). usable[t] is cleared when
 * a coefficient has no value mod the prime t (its denominator is a multiple of it). */
static bool lie_load_terms(StringSet *set, const StringSet *known, LieWork *w, const LieInput *in,
                           uint32_t from, uint32_t to, bool usable[2])
{
    lie_epoch(w);
    for (uint32_t t = from; t < to; t++) {
        const uint64_t *p = in->strings + (size_t)t * 2 * in->words;
        int64_t c = set ? (int64_t)stringset_add(set, p, NULL) : stringset_find(known, p);
        if (c < 0)
            return false;
        lie_work_fit(w, set ? set->len : known->len);
        uint64_t m[2] = {0, 0};
        for (int j = 0; j < 2; j++)
            if (!lie_real_mod(in->coef[t], LIE_PRIMES[j], &m[j]))
                usable[j] = false;
        const uint64_t one[2] = {1, 1};
        lie_accumulate(w, (uint32_t)c, false, m, one, in->coef[t].value);
    }
    lie_gather(w);
    return true;
}

/* A copy of v in one block (mod, mod2, value, col), values scaled to unit norm if asked. */
static SparseVec lie_vec_copy(const SparseVec *v, bool normalise)
{
    SparseVec c = {.len = v->len};
    char *block = lie_realloc(NULL, (size_t)v->len * (3 * sizeof(uint64_t) + sizeof(uint32_t)));
    c.mod = (uint64_t *)block;
    c.mod2 = c.mod + v->len;
    c.value = (double *)(c.mod2 + v->len);
    c.col = (uint32_t *)(c.value + v->len);
    if (v->len) {
        memcpy(c.mod, v->mod, v->len * sizeof *c.mod);
        memcpy(c.mod2, v->mod2, v->len * sizeof *c.mod2);
        memcpy(c.col, v->col, v->len * sizeof *c.col);
    }
    double norm = 0;
    for (uint32_t i = 0; i < v->len; i++)
        norm += v->value[i] * v->value[i];
    norm = normalise && norm > 0 ? 1 / sqrt(norm) : 1;
    for (uint32_t i = 0; i < v->len; i++)
        c.value[i] = v->value[i] * norm;
    return c;
}

/* Offers cand to the space: it enters when a usable prime finds it independent of the
 * basis. That verdict is exact: the basis is independent mod p, so a dependence over Q
 * would reduce to one mod p. False when a budget stops the closure. */
static bool lie_offer(LieSpace *s, LieWork *w, uint32_t max_dim, size_t *entries)
{
    LieEchelon *e = s->echelon;
    const SparseVec *v = &w->cand;
    if (!v->len)
        return true;
    bool independent[2] = {false, false};
    const uint64_t *val[2] = {v->mod, v->mod2};
    for (int t = 0; t < 2; t++)
        independent[t] = e->usable[t] && lie_reduce(&e->rows[t], LIE_PRIMES[t], v->col, val[t],
                                                    v->len, w, &w->row[t]);
    if (w->ops > w->max_ops) { /* the work budget: an honest "at least dim" */
        s->complete = false;
        return false;
    }
    if (!independent[0] && !independent[1])
        return true;
    size_t more =
        v->len + (independent[0] ? w->row[0].len : 0) + (independent[1] ? w->row[1].len : 0);
    if (s->dim >= max_dim || *entries + more > LIE_MAX_ENTRIES) {
        s->complete = false;
        return false;
    }
    *entries += more;
    for (int t = 0; t < 2; t++) {
        if (independent[t]) {
            lie_rows_append(&e->rows[t], &w->row[t]);
        } else if (e->usable[t]) {
            e->usable[t] = false;
            s->primes_disagree = true;
        }
    }
    if ((s->dim & (s->dim - 1)) == 0) /* the capacity is the next power of two */
        s->basis = lie_realloc(s->basis, (s->dim ? 2 * (size_t)s->dim : 1) * sizeof *s->basis);
    s->basis[s->dim++] = lie_vec_copy(v, true);
    return true;
}

/* When the vectors touch exactly dim strings, the space is their span: string form. */
static void lie_to_strings(LieSpace *s, LieWork *w)
{
    lie_epoch(w);
    for (uint32_t i = 0; i < s->dim && w->nlist <= s->dim; i++)
        for (uint32_t j = 0; j < s->basis[i].len; j++)
            lie_touch(w, s->basis[i].col[j]);
    if (w->nlist != s->dim)
        return;
    StringSet set;
    stringset_init(&set, s->words);
    for (uint32_t i = 0; i < s->dim; i++) {
        for (uint32_t j = 0; j < s->basis[i].len; j++)
            stringset_add(&set, stringset_get(&s->set, s->basis[i].col[j]), NULL);
        free(s->basis[i].mod);
    }
    free(s->basis);
    s->basis = NULL;
    lie_echelon_free(s->echelon);
    s->echelon = NULL;
    stringset_free(&s->set);
    s->set = set;
    s->strings = true;
}

static void lie_close_sums(LieSpace *s, const LieInput *in, uint32_t ngens, uint32_t max_dim,
                           uint64_t max_work)
{
    LieWork w = {.max_ops = max_work};
    w.buf = lie_realloc(NULL, 4u * s->words * sizeof *w.buf);
    s->echelon = lie_realloc(NULL, sizeof *s->echelon);
    memset(s->echelon, 0, sizeof *s->echelon);
    bool *usable = s->echelon->usable;
    usable[0] = usable[1] = true;
    SparseVec *gens = lie_realloc(NULL, (ngens + 1) * sizeof *gens);
    for (uint32_t k = 0; k < ngens; k++) {
        lie_load_terms(&s->set, NULL, &w, in, in->first[k], in->first[k + 1], usable);
        gens[k] = lie_vec_copy(&w.cand, false);
    }
    size_t entries = 0;
    for (uint32_t k = ngens; k < in->nsums; k++) {
        lie_load_terms(&s->set, NULL, &w, in, in->first[k], in->first[k + 1], usable);
        if (!lie_offer(s, &w, max_dim, &entries))
            goto done;
    }
    for (uint32_t q = 0; q < s->dim; q++)
        for (uint32_t g = 0; g < ngens; g++) {
            SparseVec x = s->basis[q]; /* by value: offering may move the array */
            lie_bracket(s, &w, &gens[g], &x);
            if (!lie_offer(s, &w, max_dim, &entries))
                goto done;
        }
done:
    for (uint32_t k = 0; k < ngens; k++)
        free(gens[k].mod);
    free(gens);
    lie_to_strings(s, &w);
    lie_work_free(&w);
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
    LieSpace *s = lie_realloc(NULL, sizeof *s);
    memset(s, 0, sizeof *s);
    s->nqubits = nqubits;
    s->words = pauli_words(nqubits ? nqubits : 1);
    s->complete = true;
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
        lie_close_sums(s, &in, ngen_sums, max_dim, max_work);
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
    /* Every term must be a known string; then v must reduce to zero mod each usable prime
     * (whose rows span the whole basis). */
    LieWork w = {0};
    bool usable[2] = {s->echelon->usable[0], s->echelon->usable[1]};
    inside =
        lie_load_terms(NULL, &s->set, &w, &in, 0, in.nterms, usable) && (usable[0] || usable[1]);
    const uint64_t *val[2] = {w.cand.mod, w.cand.mod2};
    for (int t = 0; t < 2 && inside; t++)
        inside = !usable[t] || !lie_reduce(&s->echelon->rows[t], LIE_PRIMES[t], w.cand.col, val[t],
                                           w.cand.len, &w, NULL);
    lie_work_free(&w);
    lie_input_free(&in);
    return inside;
}
