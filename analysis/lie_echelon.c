/*
 * lie_echelon.c — the sum path's coordinates and exact row echelon forms (for lie_sum.c).
 *
 * Columns. A column is an orbit representative (a string, lie_symmetry.c); every string met
 * maps to its column and sign. Columns are numbered in chunks of 64: a chunk holds columns
 * of one weight class in creation order, and the chunks are visited by position, heavier
 * strings first. A class owns a range of positions that doubles when full (the positions move,
 * the column numbers never do), so the order of the columns is fixed once they exist, which is
 * all a row echelon form needs, while new columns can still go before old ones.
 *
 * Rows. One row echelon form per prime: a row's pivot is its first column in that order, with
 * value 1, and its other columns come later. A vector is reduced in a dense scratch (values
 * mod p, lazily in [0, 2p)) with a bitset of its nonzero columns visited chunk by chunk in
 * order; fill-in only lands later in the order, so one pass suffices, and the first nonzero
 * column without a pivot makes the vector independent, its remainder the new row.
 *
 * Membership (lie_contains on a sum-spanned space): a vector must be invariant — every string
 * of an orbit present with the representative's coefficient times its sign — and its
 * coordinates must reduce to zero modulo each usable prime.
 */
#include "analysis.h"

#include <stdlib.h>
#include <string.h>

static const uint64_t LIE_PRIMES[2] = {LIE_PRIME, LIE_PRIME2};

/* ---- scratch -------------------------------------------------------------------------- */

/* Grows a zeroed array from old to cap items. */
void *lie_grow(void *p, size_t old, size_t cap, size_t elem)
{
    p = lie_realloc(p, cap * elem);
    memset((char *)p + old * elem, 0, (cap - old) * elem);
    return p;
}

void lie_work_fit(LieWork *w, uint32_t cols)
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
    w->bits = lie_grow(w->bits, old / 64, cap / 64, sizeof *w->bits);
    w->cols = (uint32_t)cap;
}

void lie_work_free(LieWork *w)
{
    free(w->acc[0]), free(w->acc[1]), free(w->accd), free(w->red), free(w->bits), free(w->buf);
    free(w->cand.col), free(w->cand.mod), free(w->cand.mod2), free(w->cand.value);
    for (int t = 0; t < 2; t++)
        free(w->row[t].col), free(w->row[t].val);
}

void lie_unmarked(LieWork *w) { w->lo = UINT32_MAX, w->hi = 0; }

/* Moves the accumulators into cand, columns ascending, exact zeros dropped. */
void lie_gather(LieWork *w)
{
    SparseVec *v = &w->cand;
    v->len = 0;
    for (uint32_t word = w->lo; word <= w->hi && w->lo != UINT32_MAX; word++)
        for (uint64_t b = w->bits[word]; b; b &= b - 1) {
            uint32_t c = 64 * word + (uint32_t)__builtin_ctzll(b);
            if (w->acc[0][c] || w->acc[1][c]) {
                if (v->len == w->cand_cap) {
                    w->cand_cap = w->cand_cap ? 2 * w->cand_cap : 64;
                    v->col = lie_realloc(v->col, w->cand_cap * sizeof *v->col);
                    v->mod = lie_realloc(v->mod, w->cand_cap * sizeof *v->mod);
                    v->mod2 = lie_realloc(v->mod2, w->cand_cap * sizeof *v->mod2);
                    v->value = lie_realloc(v->value, w->cand_cap * sizeof *v->value);
                }
                v->col[v->len] = c;
                v->mod[v->len] = w->acc[0][c];
                v->mod2[v->len] = w->acc[1][c];
                v->value[v->len++] = w->accd[c];
            }
            w->acc[0][c] = w->acc[1][c] = 0;
            w->accd[c] = 0;
        }
    for (uint32_t word = w->lo; word <= w->hi && w->lo != UINT32_MAX; word++)
        w->bits[word] = 0;
    lie_unmarked(w);
}

/* ---- columns -------------------------------------------------------------------------- */

void lie_echelon_fit_ids(LieEchelon *e, uint32_t ids)
{
    if (ids <= e->ids_cap)
        return;
    uint32_t cap = e->ids_cap;
    lie_reserve((void **)&e->col, &cap, ids, sizeof *e->col);
    lie_reserve((void **)&e->sign, &e->ids_cap, ids, sizeof *e->sign);
}

/* Lays the positions out again: bucket b's chunks at [base_b, base_b + cap_b). */
static void lie_order_layout(LieEchelon *e)
{
    uint32_t at = 0;
    for (uint32_t b = 0; b < e->nbuckets; b++) {
        e->bucket_base[b] = at;
        at += e->bucket_cap[b];
    }
    e->npos = at;
    e->order = lie_realloc(e->order, (at ? at : 1) * sizeof *e->order);
    memset(e->order, 0xFF, at * sizeof *e->order);
    for (uint32_t ch = 0; ch < e->nchunks; ch++) {
        e->chunk_pos[ch] = e->bucket_base[e->chunk_bucket[ch]] + e->chunk_seq[ch];
        e->order[e->chunk_pos[ch]] = ch;
    }
}

/* A column for a string of the given weight: the next bit of its bucket's open chunk. */
static uint32_t lie_column_id(LieEchelon *e, uint32_t weight)
{
    uint32_t b = weight < e->nbuckets ? e->nbuckets - 1 - weight : 0; /* heavy first */
    uint32_t ch = e->bucket_open[b];
    if (ch == LIE_NO_COLUMN || e->chunk_fill[ch] == 64) {
        ch = e->nchunks++;
        uint32_t cap = e->chunks_cap, cap2 = cap, cap3 = cap;
        lie_reserve((void **)&e->chunk_bucket, &cap, ch + 1, sizeof *e->chunk_bucket);
        lie_reserve((void **)&e->chunk_seq, &cap2, ch + 1, sizeof *e->chunk_seq);
        lie_reserve((void **)&e->chunk_fill, &cap3, ch + 1, sizeof *e->chunk_fill);
        lie_reserve((void **)&e->chunk_pos, &e->chunks_cap, ch + 1, sizeof *e->chunk_pos);
        e->chunk_bucket[ch] = b;
        e->chunk_seq[ch] = e->bucket_chunks[b]++;
        e->chunk_fill[ch] = 0;
        e->bucket_open[b] = ch;
        if (e->bucket_chunks[b] > e->bucket_cap[b]) {
            e->bucket_cap[b] = e->bucket_cap[b] ? 2 * e->bucket_cap[b] : 4;
            lie_order_layout(e);
        } else {
            e->chunk_pos[ch] = e->bucket_base[b] + e->chunk_seq[ch];
            e->order[e->chunk_pos[ch]] = ch;
        }
    }
    return 64 * ch + e->chunk_fill[ch]++;
}

uint32_t lie_echelon_add_column(LieEchelon *e, LieWork *w, uint32_t id, uint32_t orbit,
                                uint32_t weight)
{
    uint32_t k = lie_column_id(e, weight);
    uint32_t cap = e->cols_cap, cap2 = e->cols_cap, cap3 = e->cols_cap;
    lie_reserve((void **)&e->rep, &cap, k + 1, sizeof *e->rep);
    lie_reserve((void **)&e->orbit, &cap2, k + 1, sizeof *e->orbit);
    lie_reserve((void **)&e->inv[0], &cap3, k + 1, sizeof *e->inv[0]);
    lie_reserve((void **)&e->inv[1], &e->cols_cap, k + 1, sizeof *e->inv[1]);
    e->rep[k] = id;
    e->orbit[k] = orbit;
    for (int t = 0; t < 2; t++)
        e->inv[t][k] = orbit == 1 ? 1 : lie_inverse(orbit, LIE_PRIMES[t]);
    e->col[id] = k;
    e->sign[id] = 1;
    e->ncols = k + 1 > e->ncols ? k + 1 : e->ncols;
    lie_work_fit(w, 64 * e->nchunks);
    return k;
}

LieEchelon *lie_echelon_new(uint32_t nqubits)
{
    LieEchelon *e = lie_realloc(NULL, sizeof *e);
    memset(e, 0, sizeof *e);
    e->usable[0] = e->usable[1] = true;
    e->nbuckets = nqubits + 1;
    e->bucket_chunks = lie_grow(NULL, 0, e->nbuckets, sizeof *e->bucket_chunks);
    e->bucket_cap = lie_grow(NULL, 0, e->nbuckets, sizeof *e->bucket_cap);
    e->bucket_base = lie_grow(NULL, 0, e->nbuckets, sizeof *e->bucket_base);
    e->bucket_open = lie_realloc(NULL, e->nbuckets * sizeof *e->bucket_open);
    memset(e->bucket_open, 0xFF, e->nbuckets * sizeof *e->bucket_open);
    lie_order_layout(e);
    return e;
}

/* ---- elimination ---------------------------------------------------------------------- */

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

/* Reduces v (columns col, values val mod p) by the rows of e mod prime t. When a nonzero
 * column without a pivot is met, v is independent: its remainder, scaled to 1 at that
 * column, goes to *out (when out is not NULL) and true is returned. Columns are visited in
 * e's order (by chunk positions, then bits), and fill-in only lands later in that order.
 * Inlined once per prime, so that p is a constant in the inner loop.
 *
 * The inner loop is red[d] −= x·row[d] for one x: Shoup's multiplication with the quotient
 * xq = ⌊x·2^64/p⌋ computed once per row gives x·v − ⌊xq·v/2^64⌋·p ∈ [0, 2p) with two
 * products and no division, and red holds residues lazily in [0, 2p) (4p < 2^64), made
 * canonical only when a column is read. The columns set in bits are or-ed in a register
 * while they stay in one chunk (a row's columns are in order). */
static inline __attribute__((always_inline)) bool
lie_reduce_mod(const LieEchelon *e, const LieRows *E, const uint64_t p, const uint32_t *col,
               const uint64_t *val, uint32_t len, LieWork *w, LieRow *out)
{
    uint64_t *red = w->red, *bits = w->bits;
    const uint32_t *pos = e->chunk_pos, *order = e->order;
    uint32_t lo = UINT32_MAX, hi = 0; /* positions */
    for (uint32_t i = 0; i < len; i++)
        if (val[i]) {
            uint32_t c = col[i], at = pos[c >> 6];
            red[c] = val[i];
            bits[c >> 6] |= (uint64_t)1 << (c & 63);
            lo = at < lo ? at : lo;
            hi = at > hi ? at : hi;
        }
    for (uint32_t at = lo; at <= hi && lo != UINT32_MAX; at++) {
        uint32_t chunk = order[at];
        if (chunk == LIE_NO_COLUMN)
            continue;
        while (bits[chunk]) {
            uint32_t c = 64 * chunk + (uint32_t)__builtin_ctzll(bits[chunk]);
            bits[chunk] &= bits[chunk] - 1;
            uint64_t x = red[c] >= p ? red[c] - p : red[c];
            red[c] = 0;
            if (!x)
                continue;
            uint32_t r = c < E->pivot_cap ? E->pivot[c] : 0;
            if (!r) { /* independent: collect (or clear) the remainder, in order */
                uint64_t inv = out ? lie_inverse(x, p) : 0;
                if (out) {
                    out->len = 0;
                    lie_row_push(out, c, 1);
                }
                for (uint32_t u = at; u <= hi; u++) {
                    uint32_t ch = order[u];
                    for (; ch != LIE_NO_COLUMN && bits[ch]; bits[ch] &= bits[ch] - 1) {
                        uint32_t d = 64 * ch + (uint32_t)__builtin_ctzll(bits[ch]);
                        uint64_t y = red[d] >= p ? red[d] - p : red[d];
                        if (y && out)
                            lie_row_push(out, d, lie_mulmod(y, inv, p));
                        red[d] = 0;
                    }
                }
                return true;
            }
            uint32_t from = E->start[r - 1] + 1, to = E->start[r];
            w->ops += to - from + 1;
            if (from == to)
                continue;
            const uint32_t *rc = E->col;
            const uint64_t *rv = E->val;
            const uint64_t xq = (uint64_t)(((LieWide)x << 64) / p), p2 = 2 * p;
            uint32_t current = rc[from] >> 6;
            uint64_t mask = 0;
            for (uint32_t k = from; k < to; k++) {
                uint32_t d = rc[k];
                uint64_t v = rv[k];
                uint64_t q = (uint64_t)(((LieWide)xq * v) >> 64);
                uint64_t m = x * v - q * p; /* x·v mod p, in [0, 2p) */
                uint64_t t = red[d] + p2 - m;
                red[d] = t >= p2 ? t - p2 : t;
                if (d >> 6 != current) {
                    bits[current] |= mask;
                    current = d >> 6;
                    mask = 0;
                }
                mask |= (uint64_t)1 << (d & 63);
            }
            bits[current] |= mask;
            hi = pos[current] > hi ? pos[current] : hi;
        }
    }
    return false;
}

bool lie_reduce(const LieEchelon *e, int t, const uint32_t *col, const uint64_t *val,
                       uint32_t len, LieWork *w, LieRow *out)
{
    if (t == 0)
        return lie_reduce_mod(e, &e->rows[0], LIE_PRIME, col, val, len, w, out);
    return lie_reduce_mod(e, &e->rows[1], LIE_PRIME2, col, val, len, w, out);
}

void lie_rows_append(LieRows *E, const LieRow *r)
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

void lie_echelon_free(LieEchelon *e)
{
    if (!e)
        return;
    for (int t = 0; t < 2; t++) {
        free(e->rows[t].start), free(e->rows[t].col), free(e->rows[t].val);
        free(e->rows[t].pivot), free(e->inv[t]);
    }
    free(e->rep), free(e->orbit), free(e->col), free(e->sign);
    free(e->bucket_chunks), free(e->bucket_cap), free(e->bucket_base), free(e->bucket_open);
    free(e->chunk_bucket), free(e->chunk_seq), free(e->chunk_fill), free(e->chunk_pos);
    free(e->order);
    lie_symmetry_free(&e->sym);
    free(e);
}

/* ---- membership ----------------------------------------------------------------------- */

typedef struct LieTerm {
    uint32_t id, col;
    uint64_t m[2];
} LieTerm;

static int lie_term_compare(const void *a, const void *b)
{
    const LieTerm *x = a, *y = b;
    if (x->col != y->col)
        return (x->col > y->col) - (x->col < y->col);
    return (x->id > y->id) - (x->id < y->id);
}

bool lie_sums_contain(const LieSpace *s, const LieInput *in)
{
    const LieEchelon *e = s->echelon;
    bool usable[2] = {e->usable[0], e->usable[1]};
    uint32_t n = 2 * s->words;
    LieTerm *terms = lie_realloc(NULL, (in->nterms + 1) * sizeof *terms);
    bool inside = true;
    for (uint32_t t = 0; t < in->nterms && inside; t++) {
        int64_t id = stringset_find(&s->set, in->strings + (size_t)t * n);
        inside = id >= 0 && e->col[id] != LIE_NO_COLUMN;
        if (!inside)
            break;
        terms[t] = (LieTerm){.id = (uint32_t)id, .col = e->col[id]};
        for (int j = 0; j < 2; j++)
            if (!lie_real_mod(in->coef[t], LIE_PRIMES[j], &terms[t].m[j]))
                usable[j] = false;
    }
    inside = inside && (usable[0] || usable[1]);
    if (inside && in->nterms > 1)
        qsort(terms, in->nterms, sizeof *terms, lie_term_compare);
    /* Invariance, orbit by orbit: every string of the orbit present (terms are distinct
     * strings, none zero), each the representative's coefficient times its sign. */
    SparseVec v = {0};
    v.col = lie_realloc(NULL, (in->nterms + 1) * sizeof *v.col);
    v.mod = lie_realloc(NULL, 2 * (in->nterms + 1) * sizeof *v.mod);
    v.mod2 = v.mod + in->nterms + 1;
    for (uint32_t i = 0; inside && i < in->nterms;) {
        uint32_t j = i, col = terms[i].col;
        while (j < in->nterms && terms[j].col == col)
            j++;
        inside = j - i == e->orbit[col];
        const LieTerm *rep = NULL;
        for (uint32_t k = i; k < j; k++) {
            inside &= k == i || terms[k].id != terms[k - 1].id;
            rep = terms[k].id == e->rep[col] ? &terms[k] : rep;
        }
        inside &= rep != NULL;
        for (uint32_t k = i; inside && k < j; k++)
            for (int t = 0; t < 2; t++) {
                uint64_t want = e->sign[terms[k].id] < 0 ? lie_neg_mod(rep->m[t], LIE_PRIMES[t])
                                                         : rep->m[t];
                inside &= !usable[t] || terms[k].m[t] == want;
            }
        if (inside) {
            v.col[v.len] = col;
            v.mod[v.len] = rep->m[0];
            v.mod2[v.len++] = rep->m[1];
        }
        i = j;
    }
    /* Then the coordinates must reduce to zero mod each usable prime (whose rows span the
     * whole basis). */
    LieWork w = {0};
    lie_work_fit(&w, 64 * e->nchunks);
    const uint64_t *val[2] = {v.mod, v.mod2};
    for (int t = 0; t < 2 && inside; t++)
        inside = !usable[t] || !lie_reduce(e, t, v.col, val[t], v.len, &w, NULL);
    lie_work_free(&w);
    free(v.col), free(v.mod), free(terms);
    return inside;
}
