/*
 * kernels_sv.c — the state-vector kernels (kernels.h, "memory" and "statevector").
 *
 * A Pauli string (x, z) acts as P|b> = i^k (-1)^{|b∧z|} |b⊕x>, k = |x∧z|, so
 * (Pψ)[b] = (-i)^k σ_b ψ[b⊕x] with σ_b = (-1)^{|b∧z|}. Every kernel is one pass over the
 * state that visits each pair (b, b⊕x) once, b the member with x's highest bit h clear (or
 * each b once when x = 0, where P is diagonal).
 *
 * The pass is cut into tiles of 2^T amplitudes (T = SV_TILE_BITS, or n when smaller), and
 * everything below bit T is precomputed once per call in an SvWalk: which amplitudes of a
 * tile pair up and the sign σ contributed by z's low bits. Then per tile only the high part
 * is left: one popcount for the sign of z's high bits, and the partner tile's address.
 *   - far (h ≥ T): tile A has bit h clear and pairs with tile B = A ⊕ (x's high bits);
 *     amplitude i of A pairs with i ⊕ (x's low bits) of B. When x has no low bits this is
 *     two contiguous streams, the common case (rx, ry, rxx on qubits ≥ T).
 *   - near (h < T): the pairs lie inside one tile, listed by index.
 *   - diagonal (x = 0): each amplitude is its own "pair".
 * The inner loops read the pair lists and sign tables from L1, so the state is streamed
 * exactly once (read and written in place by ans_sv_rotate) without a popcount or branch
 * per amplitude. Each loop takes constant flags and is instantiated per combination: the
 * pair's coefficient ((-i)^{k+1}·s for a rotation) is real or imaginary, so no complex
 * product is spent on a factor ±i; "contiguous" (no pair lists) and "flat" (no signs) give
 * the common strings loops the compiler vectorises. Products with i are written as sums
 * with a negated constant: the baseline x86-64 target (SSE2) has no add-subtract, and in
 * that form one complex is one vector. bench/bench_sv.c measures the result against memcpy.
 *
 * Preconditions, not checked: x and z lie within the n qubits; ans_sv_add_pauli's out and
 * psi do not overlap; ans_sv_apply's qubits are distinct and below n.
 *
 * ans_sv_apply gathers the 2^k amplitudes of each block (indices with the k target bits
 * clear, enumerated by the masked-increment trick), multiplies by U and scatters them back.
 * ans_herm_exp sums V diag(e^{-iφλ}) V† in chunks of eigenvalues so that the phases fit on
 * the stack at any dimension.
 */
#include "kernels.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum { SV_TILE_BITS = 6, SV_TILE = 1 << SV_TILE_BITS, SV_ALIGN = 64 };

/* The loops below take constant flags; they must be inlined at each call for the flags to
 * fold (GCC declines by itself once a loop has eight instances). */
#if defined(__GNUC__)
#define SV_VARIANT static inline __attribute__((always_inline))
#else
#define SV_VARIANT static inline
#endif

/* ---- memory ------------------------------------------------------------------------------ */

void *ans_alloc(size_t bytes)
{
    /* aligned_alloc wants a multiple of the alignment; 0 bytes still gives a pointer. */
    size_t size = bytes == 0 ? SV_ALIGN : bytes;
    if (size > SIZE_MAX - (SV_ALIGN - 1))
        return NULL;
    size = (size + SV_ALIGN - 1) / SV_ALIGN * SV_ALIGN;
    void *p = aligned_alloc(SV_ALIGN, size);
    if (p)
        memset(p, 0, size);
    return p;
}

void ans_free(void *p) { free(p); }

/* ---- the walk over pairs ----------------------------------------------------------------- */

typedef enum { WALK_DIAGONAL, WALK_NEAR, WALK_FAR } WalkKind;

typedef struct SvWalk {
    WalkKind kind;
    uint32_t tile_bits; /* T */
    uint32_t gap;       /* far: the bit (h − T) of the tile index that stays clear */
    size_t tiles;       /* tiles to visit (tile A's of the far walk) */
    uint64_t xhi, zhi;  /* x and z above bit T: partner tile offset, per-tile sign */
    unsigned k;         /* |x ∧ z| mod 4 */
    uint32_t count;     /* pairs (amplitudes, diagonal) per tile */
    bool contiguous;    /* a[m] = b[m] = m: diagonal, or far with no low x bits */
    bool flat;          /* sign[m] = 1 for every m */
    uint32_t a[SV_TILE], b[SV_TILE]; /* pair m: amplitude a[m] of tile A, b[m] of tile B */
    double sign[SV_TILE];            /* σ of a[m] from z's low bits */
} SvWalk;

static inline unsigned sv_parity(uint64_t v) { return (unsigned)__builtin_popcountll(v) & 1u; }

/* t with a zero bit inserted at position g. */
static inline uint64_t sv_insert_zero(uint64_t t, uint32_t g)
{
    uint64_t low = ((uint64_t)1 << g) - 1;
    return ((t & ~low) << 1) | (t & low);
}

static void sv_walk_init(SvWalk *w, uint32_t n, uint64_t x, uint64_t z)
{
    uint32_t t = n < SV_TILE_BITS ? n : SV_TILE_BITS;
    uint64_t tmask = ((uint64_t)1 << t) - 1, xt = x & tmask, zt = z & tmask;
    w->tile_bits = t;
    w->gap = 0;
    w->xhi = x & ~tmask;
    w->zhi = z & ~tmask;
    w->k = (unsigned)__builtin_popcountll(x & z) & 3u;
    if (x == 0) {
        w->kind = WALK_DIAGONAL;
        w->tiles = (size_t)1 << (n - t);
        w->count = 1u << t;
        for (size_t m = 0; m < w->count; m++)
            w->a[m] = w->b[m] = m;
    } else {
        uint32_t h = 63u - (uint32_t)__builtin_clzll(x);
        if (h >= t) {
            w->kind = WALK_FAR;
            w->gap = h - t;
            w->tiles = (size_t)1 << (n - t - 1);
            w->count = 1u << t;
            for (size_t m = 0; m < w->count; m++) {
                w->a[m] = m;
                w->b[m] = m ^ (uint32_t)xt;
            }
        } else {
            w->kind = WALK_NEAR;
            w->tiles = (size_t)1 << (n - t);
            w->count = 1u << (t - 1);
            for (size_t m = 0; m < w->count; m++) {
                w->a[m] = (uint32_t)sv_insert_zero(m, h);
                w->b[m] = w->a[m] ^ (uint32_t)xt;
            }
        }
    }
    w->contiguous = w->kind != WALK_NEAR && xt == 0;
    w->flat = true;
    for (size_t m = 0; m < w->count; m++) {
        w->sign[m] = sv_parity(w->a[m] & zt) ? -1.0 : 1.0;
        w->flat = w->flat && w->sign[m] > 0;
    }
}

/* The first amplitude of tile t (tile A in the far walk). */
static inline size_t sv_walk_base(const SvWalk *w, size_t t)
{
    if (w->kind == WALK_FAR)
        return (size_t)sv_insert_zero(t, w->gap) << w->tile_bits;
    return t << w->tile_bits;
}

/* σ from z's bits above T, the same for a whole tile: ±1. */
static inline double sv_tile_sign(const SvWalk *w, size_t base)
{
    return sv_parity(base & w->zhi) ? -1.0 : 1.0;
}

/* (-i)^j for j mod 4 as (re, im). */
static void sv_minus_i_power(unsigned j, double *re, double *im)
{
    static const double RE[4] = {1, 0, -1, 0}, IM[4] = {0, -1, 0, 1};
    *re = RE[j & 3u];
    *im = IM[j & 3u];
}

/* ---- statevector ------------------------------------------------------------------------- */

void ans_sv_init(double *psi, uint32_t n, const uint8_t *kets)
{
    /* Qubit q doubles the filled prefix: the upper half is the lower times <1|ket>. */
    const double r = 0.70710678118654752440;
    size_t dim = (size_t)1 << n;
    memset(psi, 0, 2 * dim * sizeof *psi);
    psi[0] = 1;
    for (uint32_t q = 0; q < n; q++) {
        double a0 = 1, a1 = 0;
        switch (kets[q]) {
        case 1: a0 = 0, a1 = 1; break;
        case 2: a0 = r, a1 = r; break;
        case 3: a0 = r, a1 = -r; break;
        default: break;
        }
        size_t len = (size_t)1 << q;
        for (size_t b = 0; b < len; b++) {
            psi[2 * (b + len)] = a1 * psi[2 * b];
            psi[2 * b] *= a0;
        }
    }
}

/*
 * The rotation over all tiles: A' = c·A + g·σ·B, B' = c·B + g·σ·(-1)^k·A for each pair, g =
 * s·(-i)^{k+1} = g (real) or i·g (imaginary). The flags are constants at every call, so each
 * of the eight instances is a plain loop: contiguous drops the pair lists, flat the signs.
 */
SV_VARIANT void sv_rotate_tiles(double *psi, const SvWalk *w, double c, double g, double kb,
                                   bool imaginary, bool contiguous, bool flat)
{
    for (size_t t = 0; t < w->tiles; t++) {
        size_t base = sv_walk_base(w, t);
        double ga = g * sv_tile_sign(w, base), gb = ga * kb;
        double *ta = psi + 2 * base, *tb = psi + 2 * (base ^ w->xhi);
        for (size_t m = 0; m < w->count; m++) {
            double *pa = ta + (contiguous ? 2 * m : 2 * (size_t)w->a[m]);
            double *pb = tb + (contiguous ? 2 * m : 2 * (size_t)w->b[m]);
            double sg = flat ? 1.0 : w->sign[m], gam = sg * ga, gbm = sg * gb;
            double ar = pa[0], ai = pa[1], br = pb[0], bi = pb[1];
            if (imaginary) {
                /* Written as sums with the negated constant: SSE2 has no add-subtract, and
                 * this form is one product with (−g, g) of the swapped pair. */
                double nga = -gam, ngb = -gbm;
                pa[0] = c * ar + nga * bi;
                pa[1] = c * ai + gam * br;
                pb[0] = c * br + ngb * ai;
                pb[1] = c * bi + gbm * ar;
            } else {
                pa[0] = c * ar + gam * br;
                pa[1] = c * ai + gam * bi;
                pb[0] = c * br + gbm * ar;
                pb[1] = c * bi + gbm * ai;
            }
        }
    }
}

/* The diagonal rotation of one tile: ψ ← (c − i·s·σ)ψ, σ = sign[m] times the tile's sign,
 * which s already carries. */
static inline void sv_rotate_diagonal_tile(double *tile, const SvWalk *w, double c, double s)
{
    double ns = -s;
    if (w->flat) {
        for (size_t m = 0; m < w->count; m++) {
            double re = tile[2 * m], im = tile[2 * m + 1];
            tile[2 * m] = c * re + s * im;
            tile[2 * m + 1] = c * im + ns * re;
        }
        return;
    }
    for (size_t m = 0; m < w->count; m++) {
        double re = tile[2 * m], im = tile[2 * m + 1], sm = s * w->sign[m], nsm = ns * w->sign[m];
        tile[2 * m] = c * re + sm * im;
        tile[2 * m + 1] = c * im + nsm * re;
    }
}

void ans_sv_rotate(double *psi, uint32_t n, uint64_t x, uint64_t z, double c, double s)
{
    SvWalk w;
    sv_walk_init(&w, n, x, z);
    if (w.kind == WALK_DIAGONAL) {
        for (size_t t = 0; t < w.tiles; t++) {
            size_t base = sv_walk_base(&w, t);
            sv_rotate_diagonal_tile(psi + 2 * base, &w, c, s * sv_tile_sign(&w, base));
        }
        return;
    }
    double gre, gim;
    sv_minus_i_power(w.k + 1, &gre, &gim);
    bool imaginary = gre == 0;
    double g = s * (imaginary ? gim : gre), kb = (w.k & 1u) ? -1.0 : 1.0;
    switch ((imaginary ? 4 : 0) + (w.contiguous ? 2 : 0) + (w.flat ? 1 : 0)) {
    case 0: sv_rotate_tiles(psi, &w, c, g, kb, false, false, false); break;
    case 1: sv_rotate_tiles(psi, &w, c, g, kb, false, false, true); break;
    case 2: sv_rotate_tiles(psi, &w, c, g, kb, false, true, false); break;
    case 3: sv_rotate_tiles(psi, &w, c, g, kb, false, true, true); break;
    case 4: sv_rotate_tiles(psi, &w, c, g, kb, true, false, false); break;
    case 5: sv_rotate_tiles(psi, &w, c, g, kb, true, false, true); break;
    case 6: sv_rotate_tiles(psi, &w, c, g, kb, true, true, false); break;
    default: sv_rotate_tiles(psi, &w, c, g, kb, true, true, true); break;
    }
}

/*
 * <u|P|v> = (-i)^k S with S = Σ_b σ_b conj(u_b) v_{b⊕x}; by pairs (a, b = a⊕x), using
 * σ_b = (-1)^k σ_a, S = Σ σ_a (conj(u_a) v_b + (-1)^k conj(u_b) v_a). Since (-i)^k is real or
 * imaginary, each caller needs one part of S only (re: ur·vr + ui·vi, im: ur·vi − ui·vr),
 * and when u = v the two halves of a pair's term are equal (expect doubles the first).
 * One term per m; two lanes (even and odd m) keep the additions' latency off the critical
 * path.
 */
SV_VARIANT double sv_inner_term(const double *ua, const double *ub, const double *va,
                                   const double *vb, const SvWalk *w, size_t m, double kb,
                                   bool im_part, bool second, bool simple)
{
    size_t ia = simple ? 2 * m : 2 * (size_t)w->a[m], ib = simple ? 2 * m : 2 * (size_t)w->b[m];
    double t = im_part ? ua[ia] * vb[ib + 1] - ua[ia + 1] * vb[ib]
                       : ua[ia] * vb[ib] + ua[ia + 1] * vb[ib + 1];
    if (second)
        t += kb * (im_part ? ub[ib] * va[ia + 1] - ub[ib + 1] * va[ia]
                           : ub[ib] * va[ia] + ub[ib + 1] * va[ia + 1]);
    return simple ? t : w->sign[m] * t;
}

SV_VARIANT double sv_inner_tiles(const double *u, const double *v, const SvWalk *w,
                                    bool im_part, bool second, bool simple)
{
    double kb = (w->k & 1u) ? -1.0 : 1.0, total = 0;
    for (size_t t = 0; t < w->tiles; t++) {
        size_t base = sv_walk_base(w, t), partner = base ^ w->xhi;
        const double *ua = u + 2 * base, *ub = u + 2 * partner;
        const double *va = v + 2 * base, *vb = v + 2 * partner;
        double even = 0, odd = 0;
        size_t m = 0;
        for (; m + 1 < w->count; m += 2) {
            even += sv_inner_term(ua, ub, va, vb, w, m, kb, im_part, second, simple);
            odd += sv_inner_term(ua, ub, va, vb, w, m + 1, kb, im_part, second, simple);
        }
        if (m < w->count)
            even += sv_inner_term(ua, ub, va, vb, w, m, kb, im_part, second, simple);
        total += sv_tile_sign(w, base) * (even + odd);
    }
    return total;
}

/* Re S or Im S (im_part); same_vectors: u = v, so a pair's second half equals its first. */
static double sv_inner_part(const double *u, const double *v, uint32_t n, uint64_t x, uint64_t z,
                            bool im_part, bool same_vectors, unsigned *k)
{
    SvWalk w;
    sv_walk_init(&w, n, x, z);
    *k = w.k;
    bool simple = w.contiguous && w.flat;
    double scale = 1;
    bool second = w.kind != WALK_DIAGONAL;
    if (second && same_vectors) {
        second = false;
        scale = 2;
    }
    switch ((im_part ? 4 : 0) + (second ? 2 : 0) + (simple ? 1 : 0)) {
    case 0: return scale * sv_inner_tiles(u, v, &w, false, false, false);
    case 1: return scale * sv_inner_tiles(u, v, &w, false, false, true);
    case 2: return scale * sv_inner_tiles(u, v, &w, false, true, false);
    case 3: return scale * sv_inner_tiles(u, v, &w, false, true, true);
    case 4: return scale * sv_inner_tiles(u, v, &w, true, false, false);
    case 5: return scale * sv_inner_tiles(u, v, &w, true, false, true);
    case 6: return scale * sv_inner_tiles(u, v, &w, true, true, false);
    default: return scale * sv_inner_tiles(u, v, &w, true, true, true);
    }
}

double ans_sv_expect(const double *psi, uint32_t n, uint64_t x, uint64_t z)
{
    /* Re((-i)^k S): Re S, Im S, −Re S, −Im S for k = 0..3. */
    unsigned k = (unsigned)__builtin_popcountll(x & z) & 3u;
    double part = sv_inner_part(psi, psi, n, x, z, k & 1u, true, &k);
    return k >= 2 ? -part : part;
}

double ans_sv_im_inner(const double *lam, const double *psi, uint32_t n, uint64_t x, uint64_t z)
{
    /* Im((-i)^k S): Im S, −Re S, −Im S, Re S for k = 0..3. */
    unsigned k = (unsigned)__builtin_popcountll(x & z) & 3u;
    double part = sv_inner_part(lam, psi, n, x, z, !(k & 1u), false, &k);
    return k == 1 || k == 2 ? -part : part;
}

/* out_a += g·σ_a·v_b and, for pairs, out_b += g·(-1)^k·σ_a·v_a, g = coef·(-i)^k = g or i·g. */
SV_VARIANT void sv_add_tiles(double *out, const double *psi, const SvWalk *w, double g,
                                bool imaginary, bool pairs, bool simple)
{
    double kb = (w->k & 1u) ? -1.0 : 1.0;
    for (size_t t = 0; t < w->tiles; t++) {
        size_t base = sv_walk_base(w, t), partner = base ^ w->xhi;
        double gt = g * sv_tile_sign(w, base), gtb = gt * kb;
        double *oa = out + 2 * base, *ob = out + 2 * partner;
        const double *va = psi + 2 * base, *vb = psi + 2 * partner;
        for (size_t m = 0; m < w->count; m++) {
            size_t ia = simple ? 2 * m : 2 * (size_t)w->a[m];
            size_t ib = simple ? 2 * m : 2 * (size_t)w->b[m];
            double sg = simple ? 1.0 : w->sign[m], ga = sg * gt, gb = sg * gtb;
            if (imaginary) {
                double nga = -ga, ngb = -gb; /* sums, not differences: see sv_rotate_tiles */
                oa[ia] += nga * vb[ib + 1];
                oa[ia + 1] += ga * vb[ib];
                if (pairs) {
                    ob[ib] += ngb * va[ia + 1];
                    ob[ib + 1] += gb * va[ia];
                }
            } else {
                oa[ia] += ga * vb[ib];
                oa[ia + 1] += ga * vb[ib + 1];
                if (pairs) {
                    ob[ib] += gb * va[ia];
                    ob[ib + 1] += gb * va[ia + 1];
                }
            }
        }
    }
}

void ans_sv_add_pauli(double *out, const double *psi, uint32_t n, uint64_t x, uint64_t z,
                      double coef)
{
    SvWalk w;
    sv_walk_init(&w, n, x, z);
    double gre, gim;
    sv_minus_i_power(w.k, &gre, &gim);
    bool imaginary = gre == 0, simple = w.contiguous && w.flat;
    double g = coef * (imaginary ? gim : gre);
    if (w.kind == WALK_DIAGONAL) { /* k = 0: g is real */
        if (simple)
            sv_add_tiles(out, psi, &w, g, false, false, true);
        else
            sv_add_tiles(out, psi, &w, g, false, false, false);
        return;
    }
    switch ((imaginary ? 2 : 0) + (simple ? 1 : 0)) {
    case 0: sv_add_tiles(out, psi, &w, g, false, true, false); break;
    case 1: sv_add_tiles(out, psi, &w, g, false, true, true); break;
    case 2: sv_add_tiles(out, psi, &w, g, true, true, false); break;
    default: sv_add_tiles(out, psi, &w, g, true, true, true); break;
    }
}

/* ---- dense gates ------------------------------------------------------------------------- */

enum { SV_MAX_GATE_QUBITS = 10, SV_MAX_GATE_DIM = 1 << SV_MAX_GATE_QUBITS };

void ans_sv_apply(double *psi, uint32_t n, const uint32_t *qubits, uint32_t k, const double *u)
{
    size_t offset[SV_MAX_GATE_DIM];
    double in[2 * SV_MAX_GATE_DIM], out[2 * SV_MAX_GATE_DIM];
    size_t dim = (size_t)1 << k, mask = 0;
    for (size_t r = 0; r < dim; r++) {
        offset[r] = 0;
        for (uint32_t j = 0; j < k; j++)
            offset[r] |= ((r >> j) & 1u) << qubits[j];
    }
    for (uint32_t j = 0; j < k; j++)
        mask |= (size_t)1 << qubits[j];
    size_t blocks = (size_t)1 << (n - k), base = 0;
    for (size_t blk = 0; blk < blocks; blk++) {
        for (size_t r = 0; r < dim; r++) {
            in[2 * r] = psi[2 * (base + offset[r])];
            in[2 * r + 1] = psi[2 * (base + offset[r]) + 1];
        }
        for (size_t r = 0; r < dim; r++) {
            const double *row = u + 2 * r * dim;
            double re = 0, im = 0;
            for (size_t col = 0; col < dim; col++) {
                re += row[2 * col] * in[2 * col] - row[2 * col + 1] * in[2 * col + 1];
                im += row[2 * col] * in[2 * col + 1] + row[2 * col + 1] * in[2 * col];
            }
            out[2 * r] = re;
            out[2 * r + 1] = im;
        }
        for (size_t r = 0; r < dim; r++) {
            psi[2 * (base + offset[r])] = out[2 * r];
            psi[2 * (base + offset[r]) + 1] = out[2 * r + 1];
        }
        /* The next index with the target bits clear. */
        base = ((base | mask) + 1) & ~mask;
    }
}

enum { SV_EXP_CHUNK = 256 };

void ans_herm_exp(const double *vecs, const double *lambda, uint32_t dim, double phi, double *u)
{
    /* u = Σ_j e^{-iφλ_j} v_j v_j†, summed over chunks of j; row r of V times the chunk's
     * phases is formed once per (r, chunk). */
    double phase[2 * SV_EXP_CHUNK], row[2 * SV_EXP_CHUNK];
    memset(u, 0, 2 * (size_t)dim * dim * sizeof *u);
    for (uint32_t j0 = 0; j0 < dim; j0 += SV_EXP_CHUNK) {
        uint32_t len = dim - j0 < SV_EXP_CHUNK ? dim - j0 : SV_EXP_CHUNK;
        for (uint32_t j = 0; j < len; j++) {
            phase[2 * j] = cos(phi * lambda[j0 + j]);
            phase[2 * j + 1] = -sin(phi * lambda[j0 + j]);
        }
        for (uint32_t r = 0; r < dim; r++) {
            const double *vr = vecs + 2 * ((size_t)r * dim + j0);
            for (uint32_t j = 0; j < len; j++) {
                row[2 * j] = vr[2 * j] * phase[2 * j] - vr[2 * j + 1] * phase[2 * j + 1];
                row[2 * j + 1] = vr[2 * j] * phase[2 * j + 1] + vr[2 * j + 1] * phase[2 * j];
            }
            for (uint32_t col = 0; col < dim; col++) {
                const double *vc = vecs + 2 * ((size_t)col * dim + j0);
                double re = 0, im = 0;
                /* row_j · conj(vc_j) */
                for (uint32_t j = 0; j < len; j++) {
                    re += row[2 * j] * vc[2 * j] + row[2 * j + 1] * vc[2 * j + 1];
                    im += row[2 * j + 1] * vc[2 * j] - row[2 * j] * vc[2 * j + 1];
                }
                u[2 * ((size_t)r * dim + col)] += re;
                u[2 * ((size_t)r * dim + col) + 1] += im;
            }
        }
    }
}
