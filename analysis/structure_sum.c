/*
 * structure_sum.c — the centre and simple ideals of a dynamical Lie algebra spanned by
 * Pauli sums (lie_structure's second path; structure.c holds the names and the string
 * path, structure_modp.c and structure_poly.c the exact algebra it uses). Input: the
 * closure g (basis vectors exact modulo LIE_PRIME) and its generators; output: the
 * Structure's centre dimension and ideals. Scratch is malloc'd and freed.
 *
 * Everything that decides a dimension is exact linear algebra modulo p = 2^61 − 1 on
 * coordinates in g's basis. Randomness (a fixed seed, so the result is a function of the
 * input) only chooses elements; each choice is verified or fails safe, with at most ~d/p
 * probability of a wrong decision, like lie.c's single-prime ranks.
 *  - Coordinates: d pivot strings J (a row echelon form of the basis) make the d×d block
 *    E_J of the basis invertible, so v ∈ g has coordinates c = v_J E_J^{-1} from its
 *    coefficients on J alone. The generators' ad matrices A_k need only those (ad_matrix)
 *    and are sparse: most brackets of a basis built by closure are basis elements.
 *  - Centre z: the common kernel of the A_k. Semisimple part s = z^⊥ under the trace form
 *    (the Gram matrix of the basis over the strings).
 *  - Simple ideals: the simple submodules of s under the associative algebra A generated
 *    by the A_k (a MeatAxe; no numerical Casimir, so no eigenvalue to round). For a random
 *    Y = R·S + T ∈ A (R, S, T random combinations of the A_k), the minimal polynomial μ of
 *    Y on s comes from a Krylov sequence (Berlekamp–Massey), and each root λ ∈ F_p that is
 *    simple in μ (gcd with x^p − x, Cantor–Zassenhaus) gives the eigenvector
 *    (μ/(x − λ))(Y)v from the stored Krylov vectors. If the eigenspace of λ is a line
 *    (certain when deg μ = dim s; else checked with a second random vector), the ideal
 *    the eigenvector generates is indecomposable — a splitting I_1 ⊕ I_2 would split the
 *    eigenvector into two — hence simple, the trace form being nondegenerate. Isomorphic
 *    ideals with one Casimir value (the Ising ring's so(2n) ⊕ so(2n) in a rotated frame)
 *    need no special case. Rounds with fresh Y repeat until the ideals fill s; an ideal's
 *    roots are dropped through its own minimal polynomial, so each costs one spin.
 *  - What no round splits — Galois-conjugate ideals, one simple module over F_p unless p
 *    splits their field (the QAOA ring's su(2)'s over Q(√3)) — is counted through its
 *    centroid (modp_centroid_count), or else reported as one ideal with simple = false.
 *  - Ranks: the centraliser of a random element X of s, dim ker(ad_X|_I) per ideal (X is
 *    regular in every ideal with high probability). ad_X needs string products, so it is
 *    computed when cheap (a check: dimension and rank must then name an algebra) or when
 *    a name needs it; otherwise the rank is that of the simple algebras of the dimension.
 *  - so(2k+1) or sp(k) (same dimension and rank): Ω = Σ_i β_i^{-1} ad_{u_i}² over a
 *    B-orthogonal basis u_i of a Cartan subalgebra acts on each root space as −|α|², so
 *    Tr(Ω)² / Tr(Ω²) is 2k(2k−1)²/(4k−3) for so(2k+1), 2k(k+1)²/(k+3) for sp(k), and 72
 *    for E6 (at dimension 78), compared exactly modulo p.
 * Cost: O(d³) for the coordinates and the centre, O(d · nnz) per Krylov sequence, and
 * d² per vector of a spin; LIE_STRUCTURE_MAX_DENSE bounds d.
 */
#include "analysis.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { SUM_MAX_ROUNDS = 8, SUM_CENTROID_MAX = 160 };
/* String products allowed for ad of one element (ranks) and for a Cartan basis (Ω). */
static const double LIE_STRUCTURE_BRACKETS = 4e8;


/* ---- coordinates on g ----------------------------------------------------------------- */

typedef struct SumCtx {
    const LieSpace *g;
    uint32_t d, K;
    StringSet jset;  /* the pivot strings J; id = position in J */
    uint64_t *F;     /* E_J^{-1}: coordinates c = v_J · F */
    ModpSparse *A;   /* ad of each generator: column a = coordinates of [G_k, e_a] */
    uint64_t *G;     /* trace form on the basis (Gram matrix over the strings) */
    size_t nnz;      /* coefficients of the basis */
    uint64_t rng;
} SumCtx;

/* The pivot strings of a row echelon form of the basis (pivot = smallest column, rows kept
 * in ascending pivot order for the reduction). False when the basis is dependent mod p. */
static bool choose_pivots(SumCtx *cx)
{
    const LieSpace *g = cx->g;
    uint32_t d = cx->d, S = g->set.len, rank = 0;
    uint64_t *acc = modp_alloc(S, sizeof *acc);
    uint32_t *touched = modp_alloc(S, sizeof *touched), ntouched;
    bool *mark = modp_alloc(S, sizeof *mark);
    uint32_t *order = modp_alloc(d, sizeof *order), *pivot = modp_alloc(d, sizeof *pivot);
    uint32_t **col = modp_alloc(d, sizeof *col);
    uint64_t **val = modp_alloc(d, sizeof *val);
    uint32_t *len = modp_alloc(d, sizeof *len);
    for (uint32_t a = 0; a < d; a++) {
        const SparseVec *v = &g->basis[a];
        ntouched = 0;
        for (uint32_t i = 0; i < v->len; i++) {
            acc[v->col[i]] = v->mod[i];
            mark[v->col[i]] = true;
            touched[ntouched++] = v->col[i];
        }
        for (uint32_t o = 0; o < rank; o++) {
            uint32_t r = order[o];
            uint64_t x = acc[pivot[r]];
            if (!x)
                continue;
            for (uint32_t e = 0; e < len[r]; e++) {
                uint32_t c = col[r][e];
                acc[c] = modp_sub(acc[c], modp_mul(x, val[r][e]));
                if (!mark[c])
                    mark[c] = true, touched[ntouched++] = c;
            }
        }
        /* The remainder, columns ascending: its first column is the new pivot. */
        uint32_t keep = 0, first = UINT32_MAX;
        for (uint32_t i = 0; i < ntouched; i++)
            if (acc[touched[i]]) {
                keep++;
                first = touched[i] < first ? touched[i] : first;
            }
        if (keep) {
            col[rank] = modp_alloc(keep, sizeof **col);
            val[rank] = modp_alloc(keep, sizeof **val);
            uint64_t inv = modp_inv(acc[first]);
            uint32_t k = 0; /* entry order does not matter: the pivot is the least column */
            for (uint32_t i = 0; i < ntouched; i++)
                if (acc[touched[i]])
                    col[rank][k++] = touched[i];
            for (uint32_t i = 0; i < keep; i++)
                val[rank][i] = modp_mul(acc[col[rank][i]], inv);
            len[rank] = keep;
            pivot[rank] = first;
            uint32_t o = rank;
            while (o > 0 && pivot[order[o - 1]] > first)
                order[o] = order[o - 1], o--;
            order[o] = rank++;
        }
        for (uint32_t i = 0; i < ntouched; i++)
            acc[touched[i]] = 0, mark[touched[i]] = false;
    }
    bool ok = rank == d;
    stringset_init(&cx->jset, g->words);
    for (uint32_t r = 0; ok && r < d; r++)
        stringset_add(&cx->jset, stringset_get(&g->set, pivot[r]), NULL);
    for (uint32_t r = 0; r < rank; r++)
        free(col[r]), free(val[r]);
    free(acc), free(touched), free(mark), free(order), free(pivot), free(col), free(val), free(len);
    if (!ok)
        return false;
    /* F = E_J^{-1}. */
    uint64_t *EJ = modp_alloc((size_t)d * d, sizeof *EJ);
    for (uint32_t a = 0; a < d; a++) {
        const SparseVec *v = &g->basis[a];
        cx->nnz += v->len;
        for (uint32_t i = 0; i < v->len; i++) {
            int64_t j = stringset_find(&cx->jset, stringset_get(&g->set, v->col[i]));
            if (j >= 0)
                EJ[(size_t)a * d + (size_t)j] = v->mod[i];
        }
    }
    cx->F = modp_inverse(EJ, d);
    free(EJ);
    return cx->F != NULL;
}

/* A sparse element: strings and coefficients mod p. */
typedef struct Terms {
    uint32_t len;
    const uint64_t *strings; /* len × 2·words */
    uint64_t *mod;
} Terms;

/* ad_X as a d×d matrix in coordinates (malloc'd). The J-coefficients of i[X, e_a]/2 for
 * every basis vector come through the strings: for P a term of X and R ∈ J, the one string
 * s with [P, s] ∝ R is s = P·R, and i[P, s]/2 = i^{k+1} R when Ps = i^k R. So the sparse
 * d × S matrix N[j][s] (J-coefficient j of i[X, s]/2) costs |X|·d tests, and the rows
 * B[a] = Σ_s e_a[s] N[·][s] cost nnz·(entries per string): far fewer than the |X|·nnz
 * products of bracketing with each basis vector. */
static uint64_t *ad_matrix(const SumCtx *cx, const Terms *X)
{
    const LieSpace *g = cx->g;
    uint32_t d = cx->d, S = g->set.len, w = g->words, n = 2 * w;
    size_t cap = 1024, len = 0;
    uint32_t *sid = modp_alloc(cap, 4), *jid = modp_alloc(cap, 4);
    uint64_t *coef = modp_alloc(cap, 8), *r = modp_alloc(n, 8), *k3 = modp_alloc(n, 8);
    for (uint32_t j = 0; j < d; j++) {
        const uint64_t *R = stringset_get(&cx->jset, j);
        for (uint32_t t = 0; t < X->len; t++) {
            const uint64_t *P = X->strings + (size_t)t * n;
            uint64_t acc = 0;
            for (uint32_t i = 0; i < w; i++)
                acc ^= (P[i] & R[w + i]) ^ (P[w + i] & R[i]);
            if (!__builtin_parityll(acc))
                continue;
            for (uint32_t i = 0; i < n; i++)
                r[i] = P[i] ^ R[i];
            int64_t id = stringset_find(&g->set, r);
            if (id < 0)
                continue;
            unsigned k = pauli_product(P, r, k3, w);
            if (len == cap) {
                cap *= 2;
                sid = realloc(sid, cap * 4), jid = realloc(jid, cap * 4);
                coef = realloc(coef, cap * 8);
                if (!sid || !jid || !coef)
                    abort();
            }
            sid[len] = (uint32_t)id, jid[len] = j;
            coef[len++] = k == 1 ? modp_neg(X->mod[t]) : X->mod[t];
        }
    }
    /* Bucket the entries by string. */
    uint32_t *start = modp_alloc(S + 1, 4), *fill = modp_alloc(S, 4), *order = modp_alloc(len, 4);
    for (size_t e = 0; e < len; e++)
        start[sid[e] + 1]++;
    for (uint32_t s = 0; s < S; s++)
        start[s + 1] += start[s];
    for (size_t e = 0; e < len; e++)
        order[start[sid[e]] + fill[sid[e]]++] = (uint32_t)e;
    uint64_t *B = modp_alloc((size_t)d * d, sizeof *B), *C = modp_alloc((size_t)d * d, sizeof *C);
    for (uint32_t a = 0; a < d; a++) {
        const SparseVec *v = &g->basis[a];
        uint64_t *row = B + (size_t)a * d;
        for (uint32_t i = 0; i < v->len; i++)
            for (uint32_t e = start[v->col[i]]; e < start[v->col[i] + 1]; e++)
                row[jid[order[e]]] =
                    modp_add(row[jid[order[e]]], modp_mul(v->mod[i], coef[order[e]]));
    }
    free(sid), free(jid), free(coef), free(r), free(k3), free(start), free(fill), free(order);
    modp_mat_mul(C, B, cx->F, d, d, d); /* row a: coordinates of [X, e_a] */
    for (uint32_t i = 0; i < d; i++) /* transpose in place */
        for (uint32_t j = i + 1; j < d; j++) {
            uint64_t t = C[(size_t)i * d + j];
            C[(size_t)i * d + j] = C[(size_t)j * d + i], C[(size_t)j * d + i] = t;
        }
    free(B);
    return C;
}

/* The element with coordinates c as terms over strings (malloc'd; free mod and strings). */
static Terms terms_of(const SumCtx *cx, const uint64_t *c)
{
    const LieSpace *g = cx->g;
    uint32_t S = g->set.len, n = 2 * g->words, len = 0;
    uint64_t *acc = modp_alloc(S, sizeof *acc);
    for (uint32_t a = 0; a < cx->d; a++)
        for (uint32_t i = 0; c[a] && i < g->basis[a].len; i++)
            acc[g->basis[a].col[i]] =
                modp_add(acc[g->basis[a].col[i]], modp_mul(c[a], g->basis[a].mod[i]));
    for (uint32_t s = 0; s < S; s++)
        len += acc[s] != 0;
    Terms t = {len, modp_alloc((size_t)len * n, sizeof(uint64_t)),
               modp_alloc(len, sizeof(uint64_t))};
    uint64_t *strings = (uint64_t *)t.strings;
    for (uint32_t s = 0, k = 0; s < S; s++)
        if (acc[s]) {
            memcpy(strings + (size_t)k * n, stringset_get(&g->set, s), n * sizeof *strings);
            t.mod[k++] = acc[s];
        }
    free(acc);
    return t;
}

static void terms_free(Terms *t)
{
    free((void *)t->strings);
    free(t->mod);
}

/* The generators' ad matrices. False when a coefficient has no value mod p or a term is
 * outside g's strings (g is not their closure). */
static bool generator_matrices(SumCtx *cx, PauliSum *const *gens, size_t ngens)
{
    uint32_t w = cx->g->words, n = 2 * w, d = cx->d;
    cx->A = modp_alloc(ngens, sizeof *cx->A);
    for (size_t k = 0; k < ngens; k++) {
        const PauliSum *ps = gens[k];
        uint64_t *strings = modp_alloc((size_t)(ps ? ps->len : 0) * n, sizeof *strings);
        Terms T = {0, strings, modp_alloc(ps ? ps->len : 0, sizeof(uint64_t))};
        bool ok = true;
        for (uint32_t i = 0; ps && i < ps->len && ok; i++) {
            uint64_t *p = strings + (size_t)T.len * n, m = 0;
            const uint64_t *src = psum_string(ps, i);
            for (uint32_t j = 0; j < w; j++) {
                p[j] = j < ps->words ? src[j] : 0;
                p[w + j] = j < ps->words ? src[ps->words + j] : 0;
            }
            if (real_is_zero(ps->coef[i]) || !isfinite(ps->coef[i].value) ||
                pauli_is_identity(p, w))
                continue;
            ok = lie_real_mod(ps->coef[i], LIE_PRIME, &m) && stringset_find(&cx->g->set, p) >= 0;
            T.mod[T.len++] = m;
        }
        if (ok && T.len) {
            uint64_t *dense = ad_matrix(cx, &T);
            cx->A[cx->K++] = modp_sparse_from_dense(dense, d);
            free(dense);
        }
        terms_free(&T);
        if (!ok)
            return false;
    }
    return true;
}

/* The Gram matrix Σ_s e_a[s] e_b[s], pair by pair within each string's column. */
static void gram_matrix(SumCtx *cx)
{
    const LieSpace *g = cx->g;
    uint32_t d = cx->d, S = g->set.len;
    uint32_t *start = modp_alloc(S + 1, sizeof *start), *row = modp_alloc(cx->nnz, sizeof *row);
    uint64_t *val = modp_alloc(cx->nnz, sizeof *val);
    for (uint32_t a = 0; a < d; a++)
        for (uint32_t i = 0; i < g->basis[a].len; i++)
            start[g->basis[a].col[i] + 1]++;
    for (uint32_t s = 0; s < S; s++)
        start[s + 1] += start[s];
    uint32_t *fill = modp_alloc(S, sizeof *fill);
    for (uint32_t a = 0; a < d; a++)
        for (uint32_t i = 0; i < g->basis[a].len; i++) {
            uint32_t s = g->basis[a].col[i], at = start[s] + fill[s]++;
            row[at] = a, val[at] = g->basis[a].mod[i];
        }
    cx->G = modp_alloc((size_t)d * d, sizeof *cx->G);
    for (uint32_t s = 0; s < S; s++)
        for (uint32_t i = start[s]; i < start[s + 1]; i++)
            for (uint32_t j = start[s]; j < start[s + 1]; j++) {
                uint64_t *e = &cx->G[(size_t)row[i] * d + row[j]];
                *e = modp_add(*e, modp_mul(val[i], val[j]));
            }
    free(start), free(row), free(val), free(fill);
}

/* ---- the search for simple ideals ----------------------------------------------------- */

/* A random element Y = R·S + T of the associative algebra of the A_k, with R, S, T random
 * combinations of the A_k, each kept sparse. */
typedef struct RandomElement {
    ModpSparse R, S, T;
    uint64_t *u, *v;
} RandomElement;

static ModpSparse random_combination(SumCtx *cx, uint64_t *dense)
{
    size_t dd = (size_t)cx->d * cx->d;
    memset(dense, 0, dd * sizeof *dense);
    for (uint32_t k = 0; k < cx->K; k++) {
        const ModpSparse *A = &cx->A[k];
        uint64_t c = modp_random(&cx->rng);
        for (uint32_t i = 0; i < A->n; i++)
            for (uint32_t e = A->start[i]; e < A->start[i + 1]; e++) {
                uint64_t *x = &dense[(size_t)i * cx->d + A->col[e]];
                *x = modp_add(*x, modp_mul(c, A->val[e]));
            }
    }
    return modp_sparse_from_dense(dense, cx->d);
}

static RandomElement random_element(SumCtx *cx)
{
    uint64_t *dense = modp_alloc((size_t)cx->d * cx->d, 8);
    RandomElement y;
    y.R = random_combination(cx, dense);
    y.S = random_combination(cx, dense);
    y.T = random_combination(cx, dense);
    y.u = modp_alloc(cx->d, 8), y.v = modp_alloc(cx->d, 8);
    free(dense);
    return y;
}

static void random_element_free(RandomElement *y)
{
    modp_sparse_free(&y->R), modp_sparse_free(&y->S), modp_sparse_free(&y->T);
    free(y->u), free(y->v);
}

/* out = Y x. */
static void random_element_vec(const SumCtx *cx, RandomElement *y, const uint64_t *x, uint64_t *out)
{
    modp_sparse_vec(y->u, &y->S, x);
    modp_sparse_vec(y->v, &y->R, y->u);
    modp_sparse_vec(out, &y->T, x);
    for (uint32_t i = 0; i < cx->d; i++)
        out[i] = modp_add(out[i], y->v[i]);
}

/* ---- ideals: spin ---------------------------------------------------------------------- */

/* The smallest subspace containing w and closed under every A_k: the ideal w generates.
 * Spinning under each A_k costs K reductions per vector; instead the Krylov space of w
 * under a random element Z of the algebra (not the one w is an eigenvector of) fills the
 * ideal, and closure is then checked exactly enough: for each A_k, A_k x ∈ V for a random
 * x ∈ V fails with probability at most 1/p when A_k V ⊄ V (the map x ↦ A_k x mod V is
 * linear), and a failure only adds the vector and resumes. The ideal lies in an invariant
 * subspace of dimension limit, so reaching that ends the spin at once. */
static ModpSpace spin(SumCtx *cx, RandomElement *z, const uint64_t *w, uint32_t limit)
{
    uint32_t d = cx->d, head = 0, len = 0;
    ModpSpace I = modp_space_new(d);
    uint64_t *queue = modp_alloc((size_t)(limit + 1) * d, sizeof *queue);
    uint64_t *v = modp_alloc(d, sizeof *v), *x = modp_alloc(d, sizeof *x);
    memcpy(v, w, d * sizeof *v);
    if (modp_space_insert(&I, v))
        memcpy(queue + (size_t)len++ * d, v, d * sizeof *v);
    for (bool closed = false; !closed && I.dim < limit;) {
        for (; head < len && I.dim < limit; head++) {
            random_element_vec(cx, z, queue + (size_t)head * d, v);
            if (modp_space_insert(&I, v))
                memcpy(queue + (size_t)len++ * d, v, d * sizeof *v);
        }
        closed = true;
        for (uint32_t k = 0; k < cx->K && I.dim < limit; k++) {
            memset(x, 0, d * sizeof *x);
            for (uint32_t r = 0; r < I.dim; r++)
                modp_row_axpy(x, I.rows + (size_t)r * d, modp_random(&cx->rng), 0, d);
            modp_sparse_vec(v, &cx->A[k], x);
            if (modp_space_insert(&I, v)) {
                memcpy(queue + (size_t)len++ * d, v, d * sizeof *v);
                closed = false;
            }
        }
    }
    free(queue), free(v), free(x);
    return I;
}

/* A random element of the subspace V (d coordinates, malloc'd). */
static uint64_t *random_in(SumCtx *cx, const ModpSpace *V)
{
    uint64_t *x = modp_alloc(cx->d, 8);
    for (uint32_t r = 0; r < V->dim; r++)
        modp_row_axpy(x, V->rows + (size_t)r * cx->d, modp_random(&cx->rng), 0, cx->d);
    return x;
}

/* The rows Y^i v, i ≤ dim V, for a random v ∈ V. */
static void krylov_vectors(SumCtx *cx, RandomElement *y, const ModpSpace *V, uint64_t *krylov)
{
    uint64_t *v = random_in(cx, V);
    memcpy(krylov, v, cx->d * sizeof *v);
    for (uint32_t i = 1; i <= V->dim; i++)
        random_element_vec(cx, y, krylov + (size_t)(i - 1) * cx->d, krylov + (size_t)i * cx->d);
    free(v);
}

/* The minimal polynomial of Y on the invariant subspace V (with high probability; always a
 * divisor of it): that of the sequence u·Y^i v for random u and v ∈ V, i < 2 dim V. The
 * Krylov vectors Y^i v for i ≤ dim V go to the rows of krylov when it is not NULL. */
static ModpPoly krylov_minpoly(SumCtx *cx, RandomElement *y, const ModpSpace *V, uint64_t *krylov)
{
    uint32_t d = cx->d, m = V->dim;
    uint64_t *v = random_in(cx, V), *next = modp_alloc(d, 8), *u = modp_alloc(d, 8);
    uint64_t *seq = modp_alloc(2 * (size_t)m, 8);
    for (uint32_t i = 0; i < d; i++)
        u[i] = modp_random(&cx->rng);
    for (uint32_t i = 0; i <= 2 * m; i++) {
        if (krylov && i <= m)
            memcpy(krylov + (size_t)i * d, v, d * sizeof *v);
        if (i == 2 * m)
            break;
        uint64_t sum = 0;
        for (uint32_t j = 0; j < d;) {
            uint32_t end = d - j > 60 ? j + 60 : d;
            ModpWide acc = 0;
            for (; j < end; j++)
                acc += (ModpWide)u[j] * v[j];
            sum = modp_add(sum, modp_fold(acc));
        }
        seq[i] = sum;
        random_element_vec(cx, y, v, next);
        memcpy(v, next, d * sizeof *v);
    }
    ModpPoly mu = modp_berlekamp_massey(seq, 2 * m);
    free(v), free(next), free(u), free(seq);
    return mu;
}

/* w = q(Y) v = Σ_i q_i Y^i v from the stored Krylov rows. */
static void krylov_apply(const SumCtx *cx, const ModpPoly *q, const uint64_t *krylov, uint64_t *w)
{
    memset(w, 0, cx->d * sizeof *w);
    for (int i = 0; i <= q->deg; i++)
        if (q->c[i])
            modp_row_axpy(w, krylov + (size_t)i * cx->d, modp_neg(q->c[i]), 0, cx->d);
}

/* Whether w2 is a multiple of w1 (w1 ≠ 0). */
static bool parallel(const uint64_t *w1, const uint64_t *w2, uint32_t d)
{
    uint32_t c = 0;
    while (c < d && !w1[c])
        c++;
    uint64_t f = modp_mul(w2[c], modp_inv(w1[c]));
    for (uint32_t i = 0; i < d; i++)
        if (w2[i] != modp_mul(f, w1[i]))
            return false;
    return true;
}

/* One round on M: the simple ideals this Y reveals, appended to *ideals, their span added
 * to *span. For a simple root λ ∈ F_p of Y's minimal polynomial μ on M, q = μ/(x − λ)
 * maps M onto the eigenspace ker(Y − λ); two random images (from two Krylov sequences)
 * that are parallel show that eigenspace to be a line (else λ is skipped), so the ideal
 * spun from it is simple. The roots of an ideal found are then dropped through its own
 * minimal polynomial, so each ideal costs one eigenvector and one spin. */
static uint32_t search_round(SumCtx *cx, const ModpSpace *M, ModpSpace **ideals,
                             uint32_t *nideals, ModpSpace *span)
{
    uint32_t d = cx->d, m = M->dim, found = 0;
    RandomElement y = random_element(cx), z = random_element(cx);
    uint64_t *K1 = modp_alloc((size_t)(m + 1) * d, 8), *K2 = NULL;
    ModpPoly mu = krylov_minpoly(cx, &y, M, K1);
    /* μ of degree dim M makes Y cyclic on M: every eigenspace is a line, no second test. */
    bool cyclic = mu.deg == (int)m;
    if (!cyclic) {
        K2 = modp_alloc((size_t)(m + 1) * d, 8);
        krylov_vectors(cx, &y, M, K2);
    }
    ModpPoly h = mu.deg > 0 ? modp_simple_root_part(&mu) : modp_poly_new(0);
    for (uint32_t i = 0; i < *nideals && h.deg > 0; i++) { /* roots of ideals found before */
        ModpPoly muI = krylov_minpoly(cx, &y, &(*ideals)[i], NULL);
        modp_poly_remove_common(&h, &muI);
        modp_poly_free(&muI);
    }
    uint64_t *w1 = modp_alloc(d, 8), *w2 = modp_alloc(d, 8), *t = modp_alloc(d, 8);
    while (h.deg > 0 && span->dim < m) {
        uint64_t lambda = modp_one_root(&h, &cx->rng);
        ModpPoly rest = modp_poly_div_linear(&h, lambda), q = modp_poly_div_linear(&mu, lambda);
        modp_poly_free(&h);
        h = rest;
        krylov_apply(cx, &q, K1, w1);
        if (!cyclic)
            krylov_apply(cx, &q, K2, w2);
        modp_poly_free(&q);
        random_element_vec(cx, &y, w1, t);
        bool ok = false;
        for (uint32_t i = 0; i < d && !ok; i++)
            ok = w1[i] != 0;
        for (uint32_t i = 0; i < d && ok; i++)
            ok = t[i] == modp_mul(lambda, w1[i]);
        if (!ok || (!cyclic && !parallel(w1, w2, d)))
            continue;
        memcpy(t, w1, d * sizeof *t);
        if (modp_space_contains(span, t)) /* in an ideal found already */
            continue;
        ModpSpace I = spin(cx, &z, w1, m - span->dim);
        for (uint32_t r = 0; r < I.dim; r++) {
            memcpy(t, I.rows + (size_t)r * d, d * sizeof *t);
            modp_space_insert(span, t);
        }
        if (span->dim < m) {
            ModpPoly muI = krylov_minpoly(cx, &y, &I, NULL);
            modp_poly_remove_common(&h, &muI);
            modp_poly_free(&muI);
        }
        *ideals = realloc(*ideals, (*nideals + 1) * sizeof **ideals);
        if (!*ideals)
            abort();
        (*ideals)[(*nideals)++] = I;
        found++;
    }
    modp_poly_free(&h), modp_poly_free(&mu);
    free(K1), free(K2), free(w1), free(w2), free(t);
    random_element_free(&y), random_element_free(&z);
    return found;
}

/* The real simple ideals inside M (an invariant subspace no round could split: over F_p a
 * sum of Galois-conjugate ideals is one simple module) counted from its centroid:
 * count[k] ideals of dimension k. False when M is beyond SUM_CENTROID_MAX (the count is
 * O(K m⁴)) or the random choices fail. */
static bool centroid_split(SumCtx *cx, const ModpSpace *M, uint32_t *count)
{
    uint32_t d = cx->d, m = M->dim, K = cx->K;
    if (m > SUM_CENTROID_MAX)
        return false;
    uint64_t **A = modp_alloc(K, sizeof *A), *y = modp_alloc(d, 8);
    for (uint32_t k = 0; k < K; k++) {
        A[k] = modp_alloc((size_t)m * m, 8);
        for (uint32_t a = 0; a < m; a++) {
            modp_sparse_vec(y, &cx->A[k], M->rows + (size_t)a * d);
            for (uint32_t i = 0; i < m; i++)
                A[k][(size_t)i * m + a] = y[M->piv[i]];
        }
    }
    free(y);
    bool ok = modp_centroid_count(A, K, m, count, &cx->rng);
    for (uint32_t k = 0; k < K; k++)
        free(A[k]);
    free(A);
    return ok;
}

/* ---- ranks and root lengths ----------------------------------------------------------- */

/* ad_u restricted to the ideal I, in I's coordinates (I->dim², malloc'd). */
static uint64_t *restrict_ad(const SumCtx *cx, const uint64_t *ad, const ModpSpace *I)
{
    uint32_t d = cx->d, m = I->dim;
    uint64_t *out = modp_alloc((size_t)m * m, sizeof *out), *y = modp_alloc(d, 8);
    for (uint32_t j = 0; j < m; j++) {
        modp_mat_vec(y, ad, I->rows + (size_t)j * d, d);
        for (uint32_t i = 0; i < m; i++)
            out[(size_t)i * m + j] = y[I->piv[i]];
    }
    free(y);
    return out;
}

/* Short roots of the simple ideal I of rank r whose Cartan subalgebra has the basis t
 * (r rows of coordinates), from Tr(Ω)² / Tr(Ω²) (see the top of the file). */
static uint32_t short_roots(SumCtx *cx, const ModpSpace *I, const uint64_t *t, uint32_t r)
{
    uint32_t d = cx->d, m = I->dim, result = LIE_ROOTS_UNKNOWN;
    uint64_t **ad = modp_alloc(r, sizeof *ad), *u = modp_alloc((size_t)r * d, 8);
    uint64_t *beta = modp_alloc(r, 8), *Gu = modp_alloc(d, 8);
    memcpy(u, t, (size_t)r * d * sizeof *u);
    bool ok = true;
    for (uint32_t i = 0; i < r && ok; i++) {
        Terms T = terms_of(cx, u + (size_t)i * d);
        ok = ((double)T.len * d + (double)d * d * d) * r <= LIE_STRUCTURE_BRACKETS;
        ad[i] = ok ? ad_matrix(cx, &T) : NULL;
        terms_free(&T);
    }
    /* Gram–Schmidt under the trace form, on the elements and their ad matrices at once. */
    for (uint32_t i = 0; i < r && ok; i++) {
        for (uint32_t j = 0; j < i; j++) {
            modp_mat_vec(Gu, cx->G, u + (size_t)j * d, d);
            uint64_t dot = 0;
            for (uint32_t k = 0; k < d; k++)
                dot = modp_add(dot, modp_mul(u[(size_t)i * d + k], Gu[k]));
            uint64_t c = modp_mul(dot, modp_inv(beta[j]));
            modp_row_axpy(u + (size_t)i * d, u + (size_t)j * d, c, 0, d);
            for (uint32_t k = 0; k < d; k++)
                modp_row_axpy(ad[i] + (size_t)k * d, ad[j] + (size_t)k * d, c, 0, d);
        }
        modp_mat_vec(Gu, cx->G, u + (size_t)i * d, d);
        beta[i] = 0;
        for (uint32_t k = 0; k < d; k++)
            beta[i] = modp_add(beta[i], modp_mul(u[(size_t)i * d + k], Gu[k]));
        ok = beta[i] != 0;
    }
    if (ok) {
        uint64_t *omega = modp_alloc((size_t)m * m, 8), *sq = modp_alloc((size_t)m * m, 8);
        for (uint32_t i = 0; i < r; i++) {
            uint64_t *V = restrict_ad(cx, ad[i], I), inv = modp_inv(beta[i]);
            modp_mat_mul(sq, V, V, m, m, m);
            for (size_t k = 0; k < (size_t)m * m; k++)
                omega[k] = modp_add(omega[k], modp_mul(inv, sq[k]));
            free(V);
        }
        uint64_t t1 = 0, t2 = 0, k = r;
        for (uint32_t i = 0; i < m; i++) {
            t1 = modp_add(t1, omega[(size_t)i * m + i]);
            for (uint32_t j = 0; j < m; j++)
                t2 = modp_add(t2, modp_mul(omega[(size_t)i * m + j], omega[(size_t)j * m + i]));
        }
        uint64_t t11 = modp_mul(t1, t1);
        /* so(2k+1): t1²(4k−3) = t2·2k(2k−1)²; sp(k): t1²(k+3) = t2·2k(k+1)²; E6: t1² = 72 t2. */
        if (modp_mul(t11, 4 * k - 3) == modp_mul(t2, 2 * k * (2 * k - 1) * (2 * k - 1)))
            result = 2 * r;
        else if (modp_mul(t11, k + 3) == modp_mul(t2, 2 * k * (k + 1) * (k + 1)))
            result = 2 * r * (r - 1);
        else if (m == 78 && r == 6 && t11 == modp_mul(t2, 72))
            result = 0;
        free(omega), free(sq);
    }
    for (uint32_t i = 0; i < r; i++)
        free(ad[i]);
    free(ad), free(u), free(beta), free(Gu);
    return result;
}

/* Ranks (and, where the name needs them, root lengths) of the ideals, from the centraliser
 * of one random element X of s. ad_X needs string products, so it is computed when it is
 * cheap (a check on the ideals' simplicity: the name needs dimension and rank to agree) or
 * when a name needs it (a dimension shared by algebras of different ranks, or so(2k+1) and
 * sp(k)); otherwise the rank is that of the one simple algebra of the ideal's dimension. */
static void ideal_ranks(SumCtx *cx, const ModpSpace *s, const ModpSpace *ideals, uint32_t n,
                        Ideal *out)
{
    uint32_t d = cx->d;
    bool needed = false;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t m = ideals[i].dim, r = lie_rank_from_dimension(m);
        needed |= out[i].simple && (!r || (r >= 3 && (uint64_t)m == (uint64_t)r * (2 * r + 1)));
    }
    uint64_t *x = modp_alloc(d, 8);
    for (uint32_t r = 0; r < s->dim; r++)
        modp_row_axpy(x, s->rows + (size_t)r * d, modp_random(&cx->rng), 0, d);
    Terms X = terms_of(cx, x);
    /* |X|·d string tests, about nnz·|X|·d/(2S) products for the rows, d³ for the basis. */
    double cost = (double)X.len * d * (1 + (double)cx->nnz / (2.0 * cx->g->set.len)) +
                  (double)d * d * d;
    bool affordable = cost <= (needed ? LIE_STRUCTURE_BRACKETS : LIE_STRUCTURE_BRACKETS / 20);
    uint64_t *ad = affordable ? ad_matrix(cx, &X) : NULL;
    terms_free(&X);
    free(x);
    for (uint32_t i = 0; i < n; i++) {
        const ModpSpace *I = &ideals[i];
        if (!out[i].simple)
            continue;
        if (!ad) {
            out[i].rank = lie_rank_from_dimension(I->dim);
            continue;
        }
        /* W: d × dim I, column j = ad_X applied to I's row j; rank I = nullity of W. */
        uint32_t m = I->dim, nullity;
        uint64_t *W = modp_alloc((size_t)d * m, 8), *y = modp_alloc(d, 8);
        for (uint32_t j = 0; j < m; j++) {
            modp_mat_vec(y, ad, I->rows + (size_t)j * d, d);
            for (uint32_t k = 0; k < d; k++)
                W[(size_t)k * m + j] = y[k];
        }
        uint64_t *mu = modp_kernel(W, d, m, &nullity);
        out[i].rank = nullity;
        if (nullity >= 3 && (uint64_t)m == (uint64_t)nullity * (2 * (uint64_t)nullity + 1)) {
            uint64_t *t = modp_alloc((size_t)nullity * d, 8);
            for (uint32_t k = 0; k < nullity; k++)
                for (uint32_t j = 0; j < m; j++)
                    if (mu[(size_t)k * m + j])
                        modp_row_axpy(t + (size_t)k * d, I->rows + (size_t)j * d,
                                      modp_neg(mu[(size_t)k * m + j]), 0, d);
            out[i].short_roots = short_roots(cx, I, t, nullity);
            free(t);
        }
        free(W), free(y), free(mu);
    }
    free(ad);
}

/* ---- entry point ---------------------------------------------------------------------- */

bool lie_structure_sums(Arena *a, const LieSpace *g, PauliSum *const *gens, size_t ngens,
                        Structure *st)
{
    if (g->dim > LIE_STRUCTURE_MAX_DENSE)
        return false;
    uint32_t d = g->dim;
    SumCtx cx = {.g = g, .d = d, .rng = 0x243F6A8885A308D3ull};
    bool ok = choose_pivots(&cx) && generator_matrices(&cx, gens, ngens);
    ModpSpace s = modp_space_new(d), *ideals = NULL;
    uint32_t nideals = 0;
    if (!ok)
        goto done;
    /* Centre: the common kernel of the A_k, narrowed one generator at a time: z holds a
     * basis (rows), and the x = μ·z with A_k x = 0 are the null space of A_k z^T. */
    uint32_t nz = d, ns;
    uint64_t *z = modp_alloc((size_t)d * d, 8), *col = modp_alloc(d, 8);
    for (uint32_t i = 0; i < d; i++)
        z[(size_t)i * d + i] = 1;
    for (uint32_t k = 0; k < cx.K && nz; k++) {
        uint64_t *AZ = modp_alloc((size_t)d * nz, 8), *mu, *next;
        for (uint32_t j = 0; j < nz; j++) {
            modp_sparse_vec(col, &cx.A[k], z + (size_t)j * d);
            for (uint32_t i = 0; i < d; i++)
                AZ[(size_t)i * nz + j] = col[i];
        }
        uint32_t keep;
        mu = modp_kernel(AZ, d, nz, &keep);
        next = modp_alloc((size_t)keep * d + 1, 8);
        modp_mat_mul(next, mu, z, keep, nz, d);
        free(AZ), free(mu), free(z);
        z = next, nz = keep;
    }
    free(col);
    st->center_dim = nz;
    /* s = z^⊥: the x with x^T G z_i = 0. */
    gram_matrix(&cx);
    uint64_t *Gz = modp_alloc((size_t)nz * d + 1, 8);
    modp_mat_mul(Gz, z, cx.G, nz, d, d);
    uint64_t *sb = modp_kernel(Gz, nz, d, &ns);
    for (uint32_t k = 0; k < ns; k++)
        modp_space_insert(&s, sb + (size_t)k * d);
    free(z), free(Gz), free(sb);
    ok = s.dim + nz == d;
    /* Rounds over all of s (the roots of ideals found are dropped in each), until the ideals
     * fill s or SUM_MAX_ROUNDS rounds in a row find nothing; what is left is then M. */
    ModpSpace U = modp_space_new(d);
    for (int fruitless = 0; ok && U.dim < s.dim && fruitless < SUM_MAX_ROUNDS;)
        fruitless = search_round(&cx, &s, &ideals, &nideals, &U) ? 0 : fruitless + 1;
    ModpSpace M = U.dim == s.dim ? modp_space_new(d) : modp_space_complement(&s, &U, cx.G);
    ok = ok && M.dim + U.dim == s.dim;
    modp_space_free(&U);
    Ideal *out = modp_alloc(nideals + 1, sizeof *out);
    for (uint32_t i = 0; i < nideals; i++)
        out[i] = (Ideal){.dim = ideals[i].dim, .short_roots = LIE_ROOTS_UNKNOWN, .simple = true};
    if (ok)
        ideal_ranks(&cx, &s, ideals, nideals, out);
    for (uint32_t i = 0; ok && i < nideals; i++)
        vec_push(a, &st->ideals, out[i]);
    /* The rest: counted through the centroid (ranks from the dimension alone), or one
     * unsplit ideal, honestly unnamed. */
    uint32_t *count = modp_alloc(M.dim + 1, sizeof *count);
    if (ok && M.dim && centroid_split(&cx, &M, count)) {
        for (uint32_t k = 1; k <= M.dim; k++)
            for (uint32_t i = 0; i < count[k]; i++)
                vec_push(a, &st->ideals,
                         ((Ideal){.dim = k, .rank = lie_rank_from_dimension(k),
                                  .short_roots = LIE_ROOTS_UNKNOWN, .simple = true}));
    } else if (ok && M.dim) {
        vec_push(a, &st->ideals, ((Ideal){.dim = M.dim, .short_roots = LIE_ROOTS_UNKNOWN}));
        st->decomposed = false;
    }
    free(count);
    free(out);
    modp_space_free(&M);
done:
    for (uint32_t i = 0; i < nideals; i++)
        modp_space_free(&ideals[i]);
    free(ideals);
    modp_space_free(&s);
    for (uint32_t k = 0; k < cx.K; k++)
        modp_sparse_free(&cx.A[k]);
    free(cx.A), free(cx.F), free(cx.G);
    if (cx.jset.words)
        stringset_free(&cx.jset);
    return ok;
}
