/*
 * structure_modp.c — exact linear algebra modulo p = 2^61 − 1 for structure_sum.c: dense
 * matrices (product, reduced row echelon form, null space, inverse), subspaces kept in
 * reduced row echelon form, and polynomials (characteristic polynomial by Hessenberg
 * reduction, the simple roots in F_p by gcd with x^p − x and Cantor–Zassenhaus splitting,
 * Yun's square-free decomposition).
 *
 * Pure functions over caller-owned arrays; results are malloc'd and named as such. Out of
 * memory aborts, as arena_alloc does. Products are accumulated in 128 bits and folded with
 * 2^61 ≡ 1, so an inner loop costs one multiply and one add.
 */
#include "analysis.h"

#include <stdlib.h>
#include <string.h>

void *modp_alloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        abort();
    return p;
}

uint64_t modp_pow(uint64_t a, uint64_t e)
{
    uint64_t r = 1;
    for (; e; e >>= 1, a = modp_mul(a, a))
        if (e & 1)
            r = modp_mul(r, a);
    return r;
}
uint64_t modp_inv(uint64_t a) { return modp_pow(a, LIE_PRIME - 2); }

/* splitmix64: the fixed-seed source of random elements. */
static uint64_t modp_random_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
uint64_t modp_random(uint64_t *state) { return (modp_random_next(state) >> 3) % LIE_PRIME; }

/* ---- dense matrices (row-major, uint64_t) --------------------------------------------- */

/* c (n×m) = a (n×k) · b (k×m); c may not alias. Sums of up to 60 products of numbers
 * below 2^61 fit in 128 bits before a fold. */
void modp_mat_mul(uint64_t *c, const uint64_t *a, const uint64_t *b, uint32_t n, uint32_t k,
                    uint32_t m)
{
    ModpWide *acc = modp_alloc(m, sizeof *acc);
    for (uint32_t i = 0; i < n; i++) {
        memset(acc, 0, m * sizeof *acc);
        for (uint32_t l = 0; l < k; l++) {
            uint64_t x = a[(size_t)i * k + l];
            const uint64_t *row = b + (size_t)l * m;
            if (x)
                for (uint32_t j = 0; j < m; j++)
                    acc[j] += (ModpWide)x * row[j];
            if (l % 60 == 59)
                for (uint32_t j = 0; j < m; j++)
                    acc[j] = modp_fold(acc[j]);
        }
        for (uint32_t j = 0; j < m; j++)
            c[(size_t)i * m + j] = modp_fold(acc[j]);
    }
    free(acc);
}

/* y = a x for a d×d matrix: blocks of 60 products in 128 bits, then a fold. */
void modp_mat_vec(uint64_t *y, const uint64_t *a, const uint64_t *x, uint32_t d)
{
    for (uint32_t i = 0; i < d; i++) {
        const uint64_t *row = a + (size_t)i * d;
        uint64_t sum = 0;
        for (uint32_t j = 0; j < d;) {
            uint32_t end = d - j > 60 ? j + 60 : d;
            ModpWide acc = 0;
            for (; j < end; j++)
                acc += (ModpWide)row[j] * x[j];
            sum = modp_add(sum, modp_fold(acc));
        }
        y[i] = sum;
    }
}

/* Gauss–Jordan in place: the first rank rows become the reduced row echelon form, with
 * pivot columns piv[0..rank). Returns the rank. */
uint32_t modp_rref(uint64_t *m, uint32_t rows, uint32_t cols, uint32_t *piv)
{
    uint32_t r = 0;
    for (uint32_t c = 0; c < cols && r < rows; c++) {
        uint32_t i = r;
        while (i < rows && !m[(size_t)i * cols + c])
            i++;
        if (i == rows)
            continue;
        uint64_t *R = m + (size_t)r * cols;
        if (i != r) {
            uint64_t *I = m + (size_t)i * cols;
            for (uint32_t j = c; j < cols; j++) {
                uint64_t t = R[j];
                R[j] = I[j], I[j] = t;
            }
        }
        uint64_t inv = modp_inv(R[c]);
        for (uint32_t j = c; j < cols; j++)
            R[j] = modp_mul(R[j], inv);
        for (uint32_t k = 0; k < rows; k++) {
            uint64_t *K = m + (size_t)k * cols;
            if (k != r && K[c])
                modp_row_axpy(K, R, K[c], c, cols);
        }
        piv[r++] = c;
    }
    return r;
}

/* A basis of the null space {x : m x = 0} of m (rows×cols, destroyed), as rows of a
 * malloc'd nullity×cols matrix. */
uint64_t *modp_kernel(uint64_t *m, uint32_t rows, uint32_t cols, uint32_t *nullity)
{
    uint32_t *piv = modp_alloc(cols, sizeof *piv);
    uint32_t rank = modp_rref(m, rows, cols, piv), f = 0;
    bool *is_piv = modp_alloc(cols, sizeof *is_piv);
    for (uint32_t r = 0; r < rank; r++)
        is_piv[piv[r]] = true;
    uint64_t *k = modp_alloc((size_t)(cols - rank) * cols, sizeof *k);
    for (uint32_t c = 0; c < cols; c++) {
        if (is_piv[c])
            continue;
        uint64_t *v = k + (size_t)f++ * cols;
        v[c] = 1;
        for (uint32_t r = 0; r < rank; r++)
            v[piv[r]] = modp_neg(m[(size_t)r * cols + c]);
    }
    free(piv);
    free(is_piv);
    *nullity = f;
    return k;
}

/* The inverse of the n×n matrix a, or NULL when it is singular modulo p. */
uint64_t *modp_inverse(const uint64_t *a, uint32_t n)
{
    uint64_t *t = modp_alloc((size_t)n * 2 * n, sizeof *t);
    uint32_t *piv = modp_alloc(n, sizeof *piv);
    for (uint32_t i = 0; i < n; i++) {
        memcpy(t + (size_t)i * 2 * n, a + (size_t)i * n, n * sizeof *t);
        t[(size_t)i * 2 * n + n + i] = 1;
    }
    uint32_t rank = modp_rref(t, n, 2 * n, piv);
    uint64_t *inv = NULL;
    if (rank == n && (n == 0 || piv[n - 1] == n - 1)) {
        inv = modp_alloc((size_t)n * n, sizeof *inv);
        for (uint32_t i = 0; i < n; i++)
            memcpy(inv + (size_t)i * n, t + (size_t)i * 2 * n + n, n * sizeof *inv);
    }
    free(t);
    free(piv);
    return inv;
}

/* ---- subspaces of coordinate space: rows in reduced row echelon form ------------------- */


ModpSpace modp_space_new(uint32_t cols)
{
    ModpSpace s = {0, 4, cols, modp_alloc((size_t)4 * cols, sizeof(uint64_t)), modp_alloc(4, 4)};
    return s;
}

void modp_space_free(ModpSpace *s)
{
    free(s->rows);
    free(s->piv);
}

/* Adds v (reduced in place) when it is independent; true then. */
bool modp_space_insert(ModpSpace *s, uint64_t *v)
{
    uint32_t n = s->cols;
    /* The rows are reduced, so v − Σ_r v[piv_r]·row_r clears every pivot at once: one
     * product accumulated in 128 bits, folded every 60 rows. */
    if (s->dim) {
        ModpWide *acc = modp_alloc(n, sizeof *acc);
        uint64_t *f = modp_alloc(s->dim, sizeof *f);
        for (uint32_t r = 0; r < s->dim; r++)
            f[r] = v[s->piv[r]];
        for (uint32_t r = 0, used = 0; r < s->dim; r++) {
            if (!f[r])
                continue;
            const uint64_t *R = s->rows + (size_t)r * n;
            for (uint32_t j = 0; j < n; j++)
                acc[j] += (ModpWide)f[r] * R[j];
            if (++used % 60 == 0)
                for (uint32_t j = 0; j < n; j++)
                    acc[j] = modp_fold(acc[j]);
        }
        for (uint32_t j = 0; j < n; j++)
            v[j] = modp_sub(v[j], modp_fold(acc[j]));
        free(acc);
        free(f);
    }
    uint32_t c = 0;
    while (c < n && !v[c])
        c++;
    if (c == n)
        return false;
    uint64_t inv = modp_inv(v[c]);
    for (uint32_t j = c; j < n; j++)
        v[j] = modp_mul(v[j], inv);
    for (uint32_t r = 0; r < s->dim; r++) {
        uint64_t *R = s->rows + (size_t)r * n;
        if (R[c])
            modp_row_axpy(R, v, R[c], 0, n);
    }
    if (s->dim == s->cap) {
        s->cap *= 2;
        s->rows = realloc(s->rows, (size_t)s->cap * n * sizeof *s->rows);
        s->piv = realloc(s->piv, s->cap * sizeof *s->piv);
        if (!s->rows || !s->piv)
            abort();
    }
    memcpy(s->rows + (size_t)s->dim * n, v, n * sizeof *v);
    s->piv[s->dim++] = c;
    return true;
}

/* ---- sparse matrices ------------------------------------------------------------------ */

ModpSparse modp_sparse_from_dense(const uint64_t *a, uint32_t n)
{
    size_t nz = 0;
    for (size_t e = 0; e < (size_t)n * n; e++)
        nz += a[e] != 0;
    ModpSparse m = {n, modp_alloc(n + 1, 4), modp_alloc(nz, 4), modp_alloc(nz, 8)};
    for (uint32_t i = 0, k = 0; i < n; i++) {
        for (uint32_t j = 0; j < n; j++)
            if (a[(size_t)i * n + j])
                m.col[k] = j, m.val[k++] = a[(size_t)i * n + j];
        m.start[i + 1] = k;
    }
    return m;
}

void modp_sparse_free(ModpSparse *m) { free(m->start), free(m->col), free(m->val); }

/* y = a·x */
void modp_sparse_vec(uint64_t *y, const ModpSparse *a, const uint64_t *x)
{
    for (uint32_t i = 0; i < a->n; i++) {
        uint64_t sum = 0;
        for (uint32_t e = a->start[i]; e < a->start[i + 1];) {
            uint32_t end = a->start[i + 1] - e > 60 ? e + 60 : a->start[i + 1];
            ModpWide acc = 0;
            for (; e < end; e++)
                acc += (ModpWide)a->val[e] * x[a->col[e]];
            sum = modp_add(sum, modp_fold(acc));
        }
        y[i] = sum;
    }
}

/* ---- subspaces: membership, complement -------------------------------------------- */

bool modp_space_contains(const ModpSpace *span, uint64_t *v)
{
    uint32_t n = span->cols;
    uint64_t *f = modp_alloc(span->dim + 1, 8);
    for (uint32_t r = 0; r < span->dim; r++)
        f[r] = v[span->piv[r]];
    for (uint32_t r = 0; r < span->dim; r++)
        if (f[r])
            modp_row_axpy(v, span->rows + (size_t)r * n, f[r], 0, n);
    free(f);
    for (uint32_t i = 0; i < n; i++)
        if (v[i])
            return false;
    return true;
}

/* M ∩ U^⊥ under the symmetric form G. */
ModpSpace modp_space_complement(const ModpSpace *M, const ModpSpace *U, const uint64_t *G)
{
    uint32_t d = M->cols, m = M->dim, u = U->dim, nullity;
    uint64_t *GU = modp_alloc((size_t)u * d, sizeof *GU), *C = modp_alloc((size_t)u * m, sizeof *C);
    modp_mat_mul(GU, U->rows, G, u, d, d); /* row i: u_i^T G */
    for (uint32_t i = 0; i < u; i++)
        for (uint32_t a = 0; a < m; a++) {
            ModpWide acc = 0;
            for (uint32_t j = 0; j < d; j++) {
                acc += (ModpWide)GU[(size_t)i * d + j] * M->rows[(size_t)a * d + j];
                if (j % 60 == 59)
                    acc = modp_fold(acc);
            }
            C[(size_t)i * m + a] = modp_fold(acc);
        }
    uint64_t *mu = modp_kernel(C, u, m, &nullity), *x = modp_alloc(d, sizeof *x);
    ModpSpace out = modp_space_new(d);
    for (uint32_t k = 0; k < nullity; k++) {
        memset(x, 0, d * sizeof *x);
        for (uint32_t a = 0; a < m; a++)
            if (mu[(size_t)k * m + a])
                modp_row_axpy(x, M->rows + (size_t)a * d, modp_neg(mu[(size_t)k * m + a]), 0, d);
        modp_space_insert(&out, x);
    }
    free(GU), free(C), free(mu), free(x);
    return out;
}

/* ---- the centroid ------------------------------------------------------------------- */

/* The centroid End_A(M) of M under the algebra A generated by the A_k, from a cyclic vector
 * v (M is a sum of non-isomorphic simple modules, so a random v generates it): T ∈ End_A(M)
 * is fixed by u = T v through T(W v) = W u for every word W of the spin, and the relations
 * A_k b_j = Σ_l c_l b_l of the spin basis give the linear conditions (A_k W_j − Σ_l c_l W_l)
 * u = 0. Over F_p an ideal whose real simple ideals are e Galois conjugates has centroid
 * F_{p^e}, so a random centroid element T acts on the part made of ideals of dimension k
 * with characteristic polynomial Π_i μ_i^k, μ_i irreducible of degree e_i, distinct; the
 * square-free decomposition χ_T = Π_k s_k^k then gives deg s_k = Σ e_i real ideals of
 * dimension k. The total must equal dim End_A(M), which checks the random choices. */
bool modp_centroid_count(uint64_t *const *A, uint32_t K, uint32_t m, uint32_t *count, uint64_t *rng)
{
    bool ok = false;
    uint64_t *b = modp_alloc((size_t)m * m, 8), *W = modp_alloc((size_t)m * m * m, 8);
    uint64_t *v = modp_alloc(m, 8), *c = modp_alloc(m, 8), *C = modp_alloc((size_t)m * m, 8);
    uint64_t *z = modp_alloc(m, 8);
    uint32_t *kword = modp_alloc(m, 4), *parent = modp_alloc(m, 4);
    bool *grew = modp_alloc((size_t)m * K, 1);
    for (int attempt = 0; attempt < 4 && !ok; attempt++) {
        /* Spin a random v; b_j (rows of b) are the words applied to v. */
        ModpSpace span = modp_space_new(m);
        uint32_t len = 0;
        memset(grew, 0, (size_t)m * K);
        for (uint32_t i = 0; i < m; i++)
            v[i] = modp_random(rng);
        memcpy(b, v, m * sizeof *v);
        memcpy(c, v, m * sizeof *c);
        if (modp_space_insert(&span, c))
            len = 1;
        for (uint32_t j = 0; j < len; j++)
            for (uint32_t k = 0; k < K && len < m; k++) {
                modp_mat_vec(b + (size_t)len * m, A[k], b + (size_t)j * m, m);
                memcpy(c, b + (size_t)len * m, m * sizeof *c);
                if (modp_space_insert(&span, c)) {
                    kword[len] = k, parent[len] = j, grew[(size_t)j * K + k] = true;
                    len++;
                }
            }
        modp_space_free(&span);
        if (len < m)
            continue;
        /* Coordinates in the spin basis: Binv maps a vector to them. */
        uint64_t *Bt = modp_alloc((size_t)m * m, 8);
        for (uint32_t i = 0; i < m; i++)
            for (uint32_t j = 0; j < m; j++)
                Bt[(size_t)i * m + j] = b[(size_t)j * m + i];
        uint64_t *Binv = modp_inverse(Bt, m);
        free(Bt);
        if (!Binv)
            continue;
        memset(W, 0, (size_t)m * m * sizeof *W);
        for (uint32_t i = 0; i < m; i++)
            W[(size_t)i * m + i] = 1;
        for (uint32_t j = 1; j < m; j++)
            modp_mat_mul(W + (size_t)j * m * m, A[kword[j]], W + (size_t)parent[j] * m * m, m, m,
                         m);
        /* The conditions (A_k W_j − Σ_l c_l W_l) u = 0 of the relations. */
        ModpSpace cond = modp_space_new(m);
        for (uint32_t j = 0; j < m && cond.dim < m; j++)
            for (uint32_t k = 0; k < K && cond.dim < m; k++) {
                if (grew[(size_t)j * K + k])
                    continue;
                modp_mat_vec(z, A[k], b + (size_t)j * m, m);
                modp_mat_vec(c, Binv, z, m);
                modp_mat_mul(C, A[k], W + (size_t)j * m * m, m, m, m);
                for (uint32_t l = 0; l < m; l++)
                    if (c[l])
                        for (size_t e = 0; e < (size_t)m * m; e++)
                            C[e] = modp_sub(C[e], modp_mul(c[l], W[(size_t)l * m * m + e]));
                for (uint32_t r = 0; r < m; r++)
                    modp_space_insert(&cond, C + (size_t)r * m);
            }
        uint32_t dimc = m - cond.dim;
        /* u: a random element of the null space of the conditions. */
        memset(v, 0, m * sizeof *v);
        bool *is_piv = modp_alloc(m, 1);
        for (uint32_t r = 0; r < cond.dim; r++)
            is_piv[cond.piv[r]] = true;
        for (uint32_t f = 0; f < m; f++) {
            if (is_piv[f])
                continue;
            uint64_t x = modp_random(rng);
            v[f] = modp_add(v[f], x);
            for (uint32_t r = 0; r < cond.dim; r++)
                v[cond.piv[r]] =
                    modp_sub(v[cond.piv[r]], modp_mul(x, cond.rows[(size_t)r * m + f]));
        }
        free(is_piv);
        modp_space_free(&cond);
        /* T = U · Binv with U's column j = W_j u. */
        uint64_t *U = modp_alloc((size_t)m * m, 8), *T = modp_alloc((size_t)m * m, 8);
        for (uint32_t j = 0; j < m; j++) {
            modp_mat_vec(c, W + (size_t)j * m * m, v, m);
            for (uint32_t i = 0; i < m; i++)
                U[(size_t)i * m + j] = c[i];
        }
        modp_mat_mul(T, U, Binv, m, m, m);
        ModpPoly chi = modp_charpoly(T, m, NULL);
        uint32_t total = 0;
        memset(count, 0, (m + 1) * sizeof *count);
        modp_squarefree_degrees(&chi, count);
        for (uint32_t k = 1; k <= m; k++)
            total += count[k];
        ok = total == dimc;
        modp_poly_free(&chi);
        free(U), free(T), free(Binv);
    }
    free(b), free(W), free(v), free(c), free(C), free(z), free(kword), free(parent), free(grew);
    return ok;
}

