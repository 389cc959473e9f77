/*
 * lie_sum.c — the sum path of lie.c: the closure when a generator or seed is a sum of
 * strings. Input: the flattened inputs (LieInput, read only); output: the LieSpace's basis,
 * its exact echelon forms and the coordinates they are written in (freed with the space).
 *
 * Elements are exact vectors: coefficients modulo two primes (2^61 − 1, 2^62 − 57; an exact
 * Real is num/den, an inexact one the rational m·2^e its double holds) and, deciding nothing,
 * in doubles. For anticommuting strings PQ = i^k R with k odd, and i[P, Q]/2 = i^{k+1} R = ±R,
 * so brackets of rational vectors stay rational. The closure is breadth-first: every element
 * that enters is bracketed once with every generator, in order, and a bracket enters when it
 * is independent of the elements before it.
 *
 * Coordinates. The generators and seeds are fixed by a group K of signed string permutations
 * (lie_symmetry.c; K = {1} when there is none, or with LIE_NO_SYMMETRY), so every element of
 * the closure is K-invariant (the proof is there), and an invariant vector is stored by its
 * coefficients at orbit representatives only: the columns. With v = Σ_O c_O ê_O (ê_O the signed
 * orbit sum, coefficient 1 at the representative r_O), the bracket with an invariant G is
 *     [G, ê_O] = (1/|Stab r_O|) Σ_{k ∈ K} k([G, r_O]),   and Σ_k k(R) = σ_R |Stab r'| ê_{O'}
 * for a string R = σ_R·k'(r') of orbit O' (0 when O' is incompatible), so
 *     i[G, ê_O]/2 = Σ_{terms g_a P_a of G anticommuting with r_O} g_a·(±1)·σ_R·(|O| / |O'|) ê_{O'},
 * R the string of P_a r_O, ± the bracket's sign: brackets need only the representatives, and
 * each column's bracket with each generator is computed once and cached (the adjacency). With
 * K = {1} every string is its own column and this is the plain bracket. Either way each basis
 * element is exactly the raw bracket the unreduced closure would store; at the end it is
 * written out over the strings (its orbits expanded), so the LieSpace's basis is the same.
 *
 * Elimination (lie_echelon.c). One row echelon form per prime over the columns, a row's
 * pivot its first column in a fixed order (value 1), every other column later. The order
 * puts heavier strings first (about a third less work than creation order on Heisenberg
 * chains: a pivot on a rare string is rarely hit).
 *
 * The two primes. Reduction mod p is a ring map, so rank mod p never exceeds the true rank:
 * "independent mod p" is certain, "dependent mod p" can be wrong for an unlucky p. The first
 * prime decides; an element it accepts is reduced mod the second too (which, finding it
 * dependent, is unlucky and dropped, primes_disagree set). The brackets the first prime
 * rejects are not reduced one by one mod the second: their combination with pseudo-random
 * weights (a fixed seed) is reduced once, at the end, against the final span — where every
 * bracket must lie for the span to be closed, and where a bracket outside would leave the
 * combination outside but with probability about 1/p. If it is outside, the first prime was
 * unlucky: the closure is redone with the second alone, and primes_disagree is set.
 *
 * Batches. A run of rejections grows a batch (up to LIE_MAX_BATCH brackets, then back to
 * one after an acceptance): the batch's random combination is reduced once mod the deciding
 * prime, and when it stays in the span the whole batch is rejected (a bracket outside would
 * take the combination out but with probability about 1/p; such a bracket would still be
 * caught by the second prime's check). When it escapes, the batch is offered bracket by
 * bracket, so the elements that enter and their order are those of the one-by-one closure.
 *
 * Budgets: max_dim elements, LIE_MAX_ENTRIES stored coefficients (counted over the strings)
 * and max_work units stop the closure with complete = false.
 */
#include "analysis.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const uint64_t LIE_PRIMES[2] = {LIE_PRIME, LIE_PRIME2};
#define LIE_UNCACHED UINT32_MAX
/* Cached bracket entries (32 bytes each) beyond which brackets are recomputed instead. */
#define LIE_MAX_ADJACENCY (1u << 22)
/* The most brackets whose rejection is tested at once. */
#define LIE_MAX_BATCH 64

/* ---- types ---------------------------------------------------------------------------- */

/* One cached bracket entry: i[G, ê_col]/2 has coefficient (m, v) on ê_{to}. */
typedef struct LieAdj {
    uint32_t to;
    uint64_t m[2];
    double v;
} LieAdj;

/* The closure's state. */
typedef struct LieSum {
    LieSpace *s;
    LieEchelon *e;
    const LieInput *in;
    uint32_t ngens;
    uint64_t *mod[2]; /* per input term: its coefficient mod each prime */
    double *val;
    uint32_t *adj_start, *adj_len, adj_cap; /* per (column, generator), LIE_UNCACHED */
    LieAdj *pool, *tmp;
    uint32_t npool, pool_cap, tmp_cap;
    /* Σ α_j·(bracket j) mod LIE_PRIME2 over the brackets the first prime rejected, α_j
     * pseudo-random (a fixed seed): the second prime's check, done once at the end. */
    uint64_t *guard, rng;
    uint32_t guard_cap;
    bool guarded;
    LieWork w;
} LieSum;

/* ---- strings and columns -------------------------------------------------------------- */

/* The id of p (not inside s->set) in the set, entering it with its column when new. */
static uint32_t lie_sum_string(LieSum *c, const uint64_t *p)
{
    LieSpace *s = c->s;
    LieEchelon *e = c->e;
    bool added;
    uint32_t id = stringset_add(&s->set, p, &added);
    if (!added)
        return id;
    lie_echelon_fit_ids(e, s->set.len);
    if (e->sym.order == 1) {
        lie_echelon_add_column(e, &c->w, id, 1, pauli_weight(p, s->words));
        return id;
    }
    uint64_t *rep = c->w.buf + 2 * (size_t)2 * s->words;
    uint32_t orbit = 1;
    int sign = lie_symmetry_canonical(&e->sym, p, rep, &orbit);
    c->w.ops += (uint64_t)(e->sym.ntrans + e->sym.nklein) * s->words;
    e->sign[id] = (int8_t)sign;
    e->col[id] = LIE_NO_COLUMN;
    if (!sign)
        return id;
    if (memcmp(rep, p, 2 * s->words * sizeof *p) == 0) {
        lie_echelon_add_column(e, &c->w, id, orbit, pauli_weight(p, s->words));
        return id;
    }
    uint32_t r = stringset_add(&s->set, rep, &added);
    if (added) {
        lie_echelon_fit_ids(e, s->set.len);
        lie_echelon_add_column(e, &c->w, r, orbit, pauli_weight(rep, s->words));
    }
    e->col[id] = e->col[r];
    return id;
}

/* ---- brackets ------------------------------------------------------------------------- */

static int lie_adj_compare(const void *a, const void *b)
{
    uint32_t x = ((const LieAdj *)a)->to, y = ((const LieAdj *)b)->to;
    return (x > y) - (x < y);
}

/* i[G_g, ê_col]/2 as entries on columns ascending, computed once and cached while the cache
 * has room. The pointer is good until the next call. */
static const LieAdj *lie_adjacency(LieSum *c, uint32_t g, uint32_t col, uint32_t *len)
{
    size_t slot = (size_t)col * c->ngens + g;
    if (slot < c->adj_cap && c->adj_start[slot] != LIE_UNCACHED) {
        *len = c->adj_len[slot];
        return c->pool + c->adj_start[slot];
    }
    LieEchelon *e = c->e;
    const LieInput *in = c->in;
    uint32_t words = c->s->words, n = 2 * words, nt = 0;
    uint64_t *r = c->w.buf, *R = c->w.buf + n;
    memcpy(r, stringset_get(&c->s->set, e->rep[col]), n * sizeof *r);
    uint32_t terms = in->first[g + 1] - in->first[g];
    lie_reserve((void **)&c->tmp, &c->tmp_cap, terms, sizeof *c->tmp);
    c->w.ops += terms;
    for (uint32_t t = in->first[g]; t < in->first[g + 1]; t++) {
        const uint64_t *P = in->strings + (size_t)t * n;
        if (pauli_commutes(P, r, words))
            continue;
        unsigned k = pauli_product(P, r, R, words); /* odd: i^{k+1} = −1 for k = 1 */
        uint32_t id = lie_sum_string(c, R);
        uint32_t to = e->col[id];
        c->w.ops += 16;
        if (to == LIE_NO_COLUMN)
            continue;
        bool negative = (k == 1) != (e->sign[id] < 0);
        LieAdj *a = &c->tmp[nt++];
        a->to = to;
        for (int j = 0; j < 2; j++) {
            uint64_t p = LIE_PRIMES[j];
            uint64_t m = lie_mulmod(lie_mulmod(c->mod[j][t], e->orbit[col], p), e->inv[j][to], p);
            a->m[j] = negative ? lie_neg_mod(m, p) : m;
        }
        a->v = c->val[t] * ((double)e->orbit[col] / e->orbit[to]) * (negative ? -1 : 1);
    }
    if (nt > 1) /* merge the terms that land in one orbit */
        qsort(c->tmp, nt, sizeof *c->tmp, lie_adj_compare);
    uint32_t kept = 0;
    for (uint32_t i = 0; i < nt; i++) {
        if (kept && c->tmp[kept - 1].to == c->tmp[i].to) {
            LieAdj *a = &c->tmp[kept - 1];
            for (int j = 0; j < 2; j++)
                a->m[j] = lie_add_mod(a->m[j], c->tmp[i].m[j], LIE_PRIMES[j]);
            a->v += c->tmp[i].v;
        } else {
            c->tmp[kept++] = c->tmp[i];
        }
    }
    uint32_t nonzero = 0; /* exact zeros dropped */
    for (uint32_t i = 0; i < kept; i++)
        if (c->tmp[i].m[0] || c->tmp[i].m[1])
            c->tmp[nonzero++] = c->tmp[i];
    kept = nonzero;
    *len = kept;
    if ((size_t)c->npool + kept > LIE_MAX_ADJACENCY)
        return c->tmp;
    size_t need = ((size_t)e->ncols + 1) * c->ngens;
    if (need > c->adj_cap) {
        uint32_t old = c->adj_cap, cap = c->adj_cap;
        lie_reserve((void **)&c->adj_len, &cap, need, sizeof *c->adj_len);
        lie_reserve((void **)&c->adj_start, &c->adj_cap, need, sizeof *c->adj_start);
        memset(c->adj_start + old, 0xFF, (c->adj_cap - old) * sizeof *c->adj_start);
    }
    lie_reserve((void **)&c->pool, &c->pool_cap, (size_t)c->npool + kept + 1, sizeof *c->pool);
    memcpy(c->pool + c->npool, c->tmp, kept * sizeof *c->pool);
    c->adj_start[slot] = c->npool;
    c->adj_len[slot] = kept;
    c->npool += kept;
    return c->pool + c->adj_start[slot];
}

/* x·v mod p for v < p, given xq = ⌊x·2^64/p⌋ (Shoup): in [0, 2p), then made canonical. */
static inline uint64_t lie_mul_shoup(uint64_t x, uint64_t xq, uint64_t v, uint64_t p)
{
    uint64_t m = x * v - (uint64_t)(((LieWide)xq * v) >> 64) * p;
    return m >= p ? m - p : m;
}

/* cand = i[G_g, x]/2 for x over the columns. */
static void lie_bracket(LieSum *c, uint32_t g, const SparseVec *x)
{
    LieWork *w = &c->w;
    for (uint32_t i = 0; i < x->len; i++) {
        uint32_t len;
        const LieAdj *a = lie_adjacency(c, g, x->col[i], &len); /* may add columns */
        uint64_t x0 = x->mod[i], x1 = x->mod2[i];
        uint64_t q0 = (uint64_t)(((LieWide)x0 << 64) / LIE_PRIME);
        uint64_t q1 = (uint64_t)(((LieWide)x1 << 64) / LIE_PRIME2);
        double xv = x->value[i];
        uint64_t *acc0 = w->acc[0], *acc1 = w->acc[1];
        double *accd = w->accd;
        w->ops += len;
        for (uint32_t j = 0; j < len; j++) {
            uint32_t d = a[j].to;
            lie_mark(w, d);
            acc0[d] = lie_add_mod(acc0[d], lie_mul_shoup(x0, q0, a[j].m[0], LIE_PRIME), LIE_PRIME);
            acc1[d] = lie_add_mod(acc1[d], lie_mul_shoup(x1, q1, a[j].m[1], LIE_PRIME2), LIE_PRIME2);
            accd[d] += xv * a[j].v;
        }
    }
    lie_gather(w);
}

/* cand = the input sum k (invariant): its coefficients at the representatives. */
static void lie_load(LieSum *c, uint32_t k)
{
    LieWork *w = &c->w;
    uint32_t n = 2 * c->s->words;
    for (uint32_t t = c->in->first[k]; t < c->in->first[k + 1]; t++) {
        uint32_t id = lie_sum_string(c, c->in->strings + (size_t)t * n);
        uint32_t col = c->e->col[id];
        if (col == LIE_NO_COLUMN || c->e->rep[col] != id)
            continue; /* known from the representative's coefficient */
        lie_mark(w, col);
        w->acc[0][col] = lie_add_mod(w->acc[0][col], c->mod[0][t], LIE_PRIME);
        w->acc[1][col] = lie_add_mod(w->acc[1][col], c->mod[1][t], LIE_PRIME2);
        w->accd[col] += c->val[t];
    }
    lie_gather(w);
}

/* ---- the closure ---------------------------------------------------------------------- */

/* A copy of v in one block (mod, mod2, value, col), values scaled to unit norm over the
 * strings (column c stands for orbit[c] strings) when orbit is given. */
static SparseVec lie_vec_copy(const SparseVec *v, const uint32_t *orbit)
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
        norm += v->value[i] * v->value[i] * (orbit ? orbit[v->col[i]] : 1);
    norm = orbit && norm > 0 ? 1 / sqrt(norm) : 1;
    for (uint32_t i = 0; i < v->len; i++)
        c.value[i] = v->value[i] * norm;
    return c;
}

/* A bracket the first prime rejected joins the second prime's check at the end. */
static void lie_guard_add(LieSum *c, const SparseVec *v)
{
    if (!c->e->usable[0] || !c->e->usable[1])
        return;
    lie_reserve((void **)&c->guard, &c->guard_cap, c->e->ncols, sizeof *c->guard);
    uint64_t alpha = 1 + modp_random(&c->rng) % (LIE_PRIME2 - 1);
    for (uint32_t i = 0; i < v->len; i++)
        c->guard[v->col[i]] = lie_add_mod(c->guard[v->col[i]],
                                      lie_mulmod(alpha, v->mod2[i], LIE_PRIME2), LIE_PRIME2);
    c->guarded = true;
    c->w.ops += v->len;
}

/* Offers cand to the space: it enters when a usable prime finds it independent of the
 * basis. That verdict is exact: the basis is independent mod p, so a dependence over Q
 * would reduce to one mod p. False when a budget stops the closure. */
static bool lie_offer(LieSum *c, const SparseVec *v, uint32_t max_dim, size_t *entries)
{
    LieSpace *s = c->s;
    LieEchelon *e = c->e;
    LieWork *w = &c->w;
    if (!v->len)
        return true;
    bool independent[2] = {false, false};
    independent[0] = e->usable[0] && lie_reduce(e, 0, v->col, v->mod, v->len, w, &w->row[0]);
    if (e->usable[1] && (independent[0] || !e->usable[0])) {
        independent[1] = lie_reduce(e, 1, v->col, v->mod2, v->len, w, &w->row[1]);
    } else { /* rejected by the first prime: the second checks it at the end */
        lie_guard_add(c, v);
    }
    if (w->ops > w->max_ops) { /* the work budget: an honest "at least dim" */
        s->complete = false;
        return false;
    }
    if (!independent[0] && !independent[1])
        return true;
    size_t more = (independent[0] ? w->row[0].len : 0) + (independent[1] ? w->row[1].len : 0);
    for (uint32_t i = 0; i < v->len; i++)
        more += e->orbit[v->col[i]];
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
    s->basis[s->dim++] = lie_vec_copy(v, e->orbit);
    return true;
}

/* The strings of column col's orbit (ids ascending) and their signs, from the
 * representative's images under the transversal. Returns the count. */
static uint32_t lie_orbit_members(LieSum *c, uint32_t col, uint32_t *ids)
{
    LieEchelon *e = c->e;
    uint32_t n = 2 * c->s->words, count = 0;
    uint64_t *r = c->w.buf, *image = c->w.buf + n;
    memcpy(r, stringset_get(&c->s->set, e->rep[col]), n * sizeof *r);
    for (uint32_t t = 0; t < e->sym.ntrans; t++) {
        lie_symmetry_apply(&e->sym, &e->sym.trans[t], r, image);
        uint32_t id = lie_sum_string(c, image), j = 0;
        while (j < count && ids[j] != id)
            j++;
        if (j == count)
            ids[count++] = id;
    }
    return count;
}

/* Writes the basis out over the strings: each column's coefficient on every string of its
 * orbit, times the string's sign. */
static void lie_expand(LieSum *c)
{
    LieSpace *s = c->s;
    LieEchelon *e = c->e;
    uint32_t ncols = e->ncols, *start = lie_realloc(NULL, 2 * (ncols + 1) * sizeof *start);
    uint32_t *count = start + ncols + 1; /* strings listed per orbit (= orbit[col]) */
    uint32_t *members = NULL, nmembers = 0, cap = 0;
    uint32_t *ids = lie_realloc(NULL, (e->sym.ntrans + 1) * sizeof *ids);
    memset(start, 0xFF, (ncols + 1) * sizeof *start);
    for (uint32_t i = 0; i < s->dim; i++) /* the orbits used, listed once */
        for (uint32_t j = 0; j < s->basis[i].len; j++) {
            uint32_t col = s->basis[i].col[j];
            if (start[col] != UINT32_MAX)
                continue;
            uint32_t k = lie_orbit_members(c, col, ids);
            lie_reserve((void **)&members, &cap, (size_t)nmembers + k, sizeof *members);
            memcpy(members + nmembers, ids, k * sizeof *ids);
            start[col] = nmembers;
            count[col] = k;
            nmembers += k;
        }
    /* Dense scratch over the string ids, gathered in id order through a bitset. */
    uint32_t nid = s->set.len;
    uint64_t *m[2] = {lie_grow(NULL, 0, nid, sizeof(uint64_t)), lie_grow(NULL, 0, nid, sizeof(uint64_t))};
    double *val = lie_grow(NULL, 0, nid, sizeof *val);
    uint64_t *bits = lie_grow(NULL, 0, nid / 64 + 1, sizeof *bits);
    for (uint32_t i = 0; i < s->dim; i++) {
        SparseVec *v = &s->basis[i];
        uint32_t len = 0;
        for (uint32_t j = 0; j < v->len; j++) {
            uint32_t col = v->col[j], k = start[col];
            len += count[col];
            for (uint32_t q = 0; q < count[col]; q++) {
                uint32_t id = members[k + q];
                bool negative = e->sign[id] < 0;
                m[0][id] = negative ? lie_neg_mod(v->mod[j], LIE_PRIME) : v->mod[j];
                m[1][id] = negative ? lie_neg_mod(v->mod2[j], LIE_PRIME2) : v->mod2[j];
                val[id] = negative ? -v->value[j] : v->value[j];
                bits[id >> 6] |= (uint64_t)1 << (id & 63);
            }
        }
        SparseVec full = {.len = len};
        char *block = lie_realloc(NULL, (size_t)len * (3 * sizeof(uint64_t) + sizeof(uint32_t)));
        full.mod = (uint64_t *)block;
        full.mod2 = full.mod + len;
        full.value = (double *)(full.mod2 + len);
        full.col = (uint32_t *)(full.value + len);
        uint32_t at = 0;
        for (uint32_t word = 0; word <= nid / 64; word++)
            for (; bits[word]; bits[word] &= bits[word] - 1) {
                uint32_t id = 64 * word + (uint32_t)__builtin_ctzll(bits[word]);
                full.col[at] = id;
                full.mod[at] = m[0][id];
                full.mod2[at] = m[1][id];
                full.value[at++] = val[id];
            }
        free(v->mod);
        *v = full;
    }
    free(m[0]), free(m[1]), free(val), free(bits);
    free(start), free(members), free(ids);
}

/* When the vectors touch exactly dim strings, the space is their span: string form. */
static void lie_to_strings(LieSpace *s)
{
    uint32_t nid = s->set.len, touched = 0;
    uint64_t *bits = lie_grow(NULL, 0, nid / 64 + 1, sizeof *bits);
    for (uint32_t i = 0; i < s->dim && touched <= s->dim; i++)
        for (uint32_t j = 0; j < s->basis[i].len; j++) {
            uint32_t id = s->basis[i].col[j];
            touched += !(bits[id >> 6] >> (id & 63) & 1);
            bits[id >> 6] |= (uint64_t)1 << (id & 63);
        }
    free(bits);
    if (touched != s->dim)
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

/* dst = a copy of src, in buffers that grow. */
static void lie_vec_set(SparseVec *dst, uint32_t *cap, const SparseVec *src)
{
    if (src->len > *cap) {
        *cap = src->len;
        dst->col = lie_realloc(dst->col, *cap * sizeof *dst->col);
        dst->mod = lie_realloc(dst->mod, *cap * sizeof *dst->mod);
        dst->mod2 = lie_realloc(dst->mod2, *cap * sizeof *dst->mod2);
        dst->value = lie_realloc(dst->value, *cap * sizeof *dst->value);
    }
    dst->len = src->len;
    if (src->len) {
        memcpy(dst->col, src->col, src->len * sizeof *dst->col);
        memcpy(dst->mod, src->mod, src->len * sizeof *dst->mod);
        memcpy(dst->mod2, src->mod2, src->len * sizeof *dst->mod2);
        memcpy(dst->value, src->value, src->len * sizeof *dst->value);
    }
}

/* Whether a random combination Σ α_j v_j of the batch (mod the deciding prime) is
 * independent of the basis. When it is not, every v_j lies in the span but with
 * probability about 1/p: a v_j outside would make the combination's remainder a nonzero
 * linear function of the α_j, which pseudo-random α_j miss. */
static bool lie_batch_escapes(LieSum *c, const SparseVec *batch, uint32_t n)
{
    LieWork *w = &c->w;
    int t = c->e->usable[0] ? 0 : 1;
    uint64_t p = LIE_PRIMES[t];
    for (uint32_t j = 0; j < n; j++) {
        uint64_t alpha = 1 + modp_random(&c->rng) % (p - 1);
        const uint64_t *val = t ? batch[j].mod2 : batch[j].mod;
        for (uint32_t i = 0; i < batch[j].len; i++) {
            uint32_t d = batch[j].col[i];
            lie_mark(w, d);
            w->acc[t][d] = lie_add_mod(w->acc[t][d], lie_mulmod(alpha, val[i], p), p);
        }
        w->ops += batch[j].len;
    }
    lie_gather(w);
    return lie_reduce(c->e, t, w->cand.col, t ? w->cand.mod2 : w->cand.mod, w->cand.len, w, NULL);
}

/* Whether every bracket the first prime rejected lies in the final span mod LIE_PRIME2:
 * their random combination reduces to zero there (it would not, but with probability about
 * 1/p, if one of them were outside). */
static bool lie_guard_holds(LieSum *c)
{
    LieEchelon *e = c->e;
    if (!c->guarded || !e->usable[0] || !e->usable[1] || !c->s->complete)
        return true;
    SparseVec v = {0};
    v.col = lie_realloc(NULL, (e->ncols + 1) * sizeof *v.col);
    v.mod2 = lie_realloc(NULL, (e->ncols + 1) * sizeof *v.mod2);
    for (uint32_t col = 0; col < e->ncols && col < c->guard_cap; col++)
        if (c->guard[col]) {
            v.col[v.len] = col;
            v.mod2[v.len++] = c->guard[col];
        }
    bool outside = lie_reduce(e, 1, v.col, v.mod2, v.len, &c->w, NULL);
    free(v.col), free(v.mod2);
    return !outside;
}

/* One closure; false when the second prime's check found that the first prime rejected a
 * bracket outside the span (the first prime is unlucky: s is then to be discarded). */
static bool lie_close_sums_once(LieSpace *s, const LieInput *in, uint32_t ngens, uint32_t max_dim,
                                uint64_t max_work, bool symmetry, bool first_prime)
{
    LieSum c = {.s = s, .in = in, .ngens = ngens, .rng = 0x9E3779B97F4A7C15ull,
                .w = {.max_ops = max_work}};
    lie_unmarked(&c.w);
    c.w.buf = lie_realloc(NULL, 8u * s->words * sizeof *c.w.buf);
    LieEchelon *e = c.e = s->echelon = lie_echelon_new(s->nqubits);
    e->usable[0] = first_prime;
    /* The search reads terms, a few units each; beyond 2^24 reads the shifts are skipped. */
    uint64_t checks = max_work / 16 < ((uint64_t)1 << 24) ? max_work / 16 : (uint64_t)1 << 24;
    lie_symmetry_find(&e->sym, in, symmetry ? s->nqubits : 0, checks);
    s->symmetry = e->sym.order;
    uint32_t nterms = in->nterms ? in->nterms : 1;
    c.mod[0] = lie_realloc(NULL, nterms * sizeof *c.mod[0]);
    c.mod[1] = lie_realloc(NULL, nterms * sizeof *c.mod[1]);
    c.val = lie_realloc(NULL, nterms * sizeof *c.val);
    for (uint32_t t = 0; t < in->nterms; t++) {
        for (int j = 0; j < 2; j++)
            if (!lie_real_mod(in->coef[t], LIE_PRIMES[j], &c.mod[j][t]))
                e->usable[j] = false;
        c.val[t] = in->coef[t].value;
    }
    lie_work_fit(&c.w, 64);
    size_t entries = 0;
    SparseVec batch[LIE_MAX_BATCH] = {{0}};
    uint32_t batch_cap[LIE_MAX_BATCH] = {0}, size = 1;
    for (uint32_t k = ngens; k < in->nsums; k++) {
        lie_load(&c, k);
        if (!lie_offer(&c, &c.w.cand, max_dim, &entries))
            goto done;
    }
    /* Bracket j is i[G_{j mod ngens}, basis[j / ngens]]/2, offered in order of j. A run of
     * rejections grows the batch: a batch whose random combination stays in the span is
     * rejected whole; one that escapes is offered bracket by bracket, so the elements that
     * enter, and their order, are those of the one-by-one closure. */
    for (uint64_t j = 0; j < (uint64_t)s->dim * ngens;) {
        uint32_t take = (uint64_t)s->dim * ngens - j < size ? (uint32_t)((uint64_t)s->dim * ngens - j) : size;
        for (uint32_t b = 0; b < take; b++) {
            SparseVec x = s->basis[(j + b) / ngens]; /* by value: offering may move the array */
            lie_bracket(&c, (uint32_t)((j + b) % ngens), &x);
            lie_vec_set(&batch[b], &batch_cap[b], &c.w.cand);
        }
        if (take > 1 && !lie_batch_escapes(&c, batch, take)) {
            for (uint32_t b = 0; b < take; b++)
                lie_guard_add(&c, &batch[b]);
            if (c.w.ops > c.w.max_ops) {
                s->complete = false;
                goto done;
            }
            size = size < LIE_MAX_BATCH / 2 ? 2 * size : LIE_MAX_BATCH;
            j += take;
            continue;
        }
        for (uint32_t b = 0; b < take; b++) {
            uint32_t before = s->dim;
            if (!lie_offer(&c, &batch[b], max_dim, &entries))
                goto done;
            size = s->dim > before ? 1 : size < LIE_MAX_BATCH / 2 ? 2 * size : LIE_MAX_BATCH;
        }
        j += take;
    }
done:
    for (uint32_t b = 0; b < LIE_MAX_BATCH; b++)
        free(batch[b].col), free(batch[b].mod), free(batch[b].mod2), free(batch[b].value);
    bool holds = lie_guard_holds(&c);
    if (holds) {
        lie_expand(&c);
        lie_to_strings(s);
    }
    free(c.mod[0]), free(c.mod[1]), free(c.val), free(c.guard);
    free(c.adj_start), free(c.adj_len), free(c.pool), free(c.tmp);
    lie_work_free(&c.w);
    return holds;
}

void lie_close_sums(LieSpace *s, const LieInput *in, uint32_t ngens, uint32_t max_dim,
                    uint64_t max_work, bool symmetry)
{
    if (lie_close_sums_once(s, in, ngens, max_dim, max_work, symmetry, true))
        return;
    /* The first prime is unlucky for these inputs: again, with the second alone. */
    for (uint32_t i = 0; i < s->dim; i++)
        free(s->basis[i].mod);
    free(s->basis);
    lie_echelon_free(s->echelon);
    stringset_free(&s->set);
    s->basis = NULL;
    s->echelon = NULL;
    s->dim = 0;
    lie_close_sums_once(s, in, ngens, max_dim, max_work, symmetry, false);
    s->primes_disagree = true;
}

