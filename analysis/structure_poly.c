/*
 * structure_poly.c — polynomials over F_p, p = 2^61 − 1, for structure_sum.c: the
 * characteristic polynomial (Hessenberg reduction), the minimal polynomial of a linearly
 * recurrent sequence (Berlekamp–Massey), the simple roots in F_p (gcd with x^p − x, then
 * Cantor–Zassenhaus splitting), and Yun's square-free decomposition.
 *
 * Coefficients low to high; deg = −1 is the zero polynomial. Results are malloc'd
 * (modp_poly_free). Degrees stay below p, so derivatives never vanish spuriously.
 */
#include "analysis.h"

#include <stdlib.h>
#include <string.h>

/* ---- polynomials over F_p (coefficients low to high; deg −1 is the zero polynomial) ---- */


ModpPoly modp_poly_new(uint32_t cap)
{
    ModpPoly p = {-1, modp_alloc(cap + 1, sizeof(uint64_t)), cap + 1};
    return p;
}
void modp_poly_free(ModpPoly *p) { free(p->c); }
static void modp_poly_fit(ModpPoly *p, uint32_t cap)
{
    if (cap + 1 > p->cap) {
        p->c = realloc(p->c, (cap + 1) * sizeof *p->c);
        if (!p->c)
            abort();
        p->cap = cap + 1;
    }
}
static void modp_poly_trim(ModpPoly *p)
{
    while (p->deg >= 0 && !p->c[p->deg])
        p->deg--;
}
static void modp_poly_copy(ModpPoly *dst, const ModpPoly *src)
{
    modp_poly_fit(dst, src->deg < 0 ? 0 : (uint32_t)src->deg);
    dst->deg = src->deg;
    if (src->deg >= 0)
        memcpy(dst->c, src->c, (size_t)(src->deg + 1) * sizeof *dst->c);
}

static ModpPoly modp_poly_copy_new(const ModpPoly *src)
{
    ModpPoly p = modp_poly_new(src->deg < 0 ? 0 : (uint32_t)src->deg);
    modp_poly_copy(&p, src);
    return p;
}

/* c_i ← c_i − v, growing the polynomial to degree i when needed. */
static void modp_poly_sub_at(ModpPoly *p, int i, uint64_t v)
{
    modp_poly_fit(p, (uint32_t)i);
    for (int j = p->deg + 1; j <= i; j++)
        p->c[j] = 0;
    if (p->deg < i)
        p->deg = i;
    p->c[i] = modp_sub(p->c[i], v);
    modp_poly_trim(p);
}

uint64_t modp_poly_eval(const ModpPoly *p, uint64_t x)
{
    uint64_t r = 0;
    for (int i = p->deg; i >= 0; i--)
        r = modp_add(modp_mul(r, x), p->c[i]);
    return r;
}

/* a ← a mod f (f nonzero); the quotient goes to q when q is not NULL. */
static void modp_poly_divmod(ModpPoly *a, const ModpPoly *f, ModpPoly *q)
{
    uint64_t inv = modp_inv(f->c[f->deg]);
    if (q) {
        q->deg = a->deg - f->deg;
        modp_poly_fit(q, q->deg < 0 ? 0 : (uint32_t)q->deg);
        if (q->deg >= 0)
            memset(q->c, 0, (size_t)(q->deg + 1) * sizeof *q->c);
    }
    for (int i = a->deg; i >= f->deg; i--) {
        uint64_t t = modp_mul(a->c[i], inv);
        if (q)
            q->c[i - f->deg] = t;
        if (!t)
            continue;
        for (int j = 0; j <= f->deg; j++)
            a->c[i - f->deg + j] = modp_sub(a->c[i - f->deg + j], modp_mul(t, f->c[j]));
    }
    if (a->deg >= f->deg)
        a->deg = f->deg - 1;
    modp_poly_trim(a);
}

/* r ← a·b mod f, deg a, deg b < deg f. */
static void modp_poly_mulmod(ModpPoly *r, const ModpPoly *a, const ModpPoly *b, const ModpPoly *f)
{
    ModpPoly t = modp_poly_new((uint32_t)(a->deg + b->deg + 1 > 0 ? a->deg + b->deg + 1 : 1));
    t.deg = a->deg < 0 || b->deg < 0 ? -1 : a->deg + b->deg;
    for (int i = 0; i <= t.deg; i++) {
        ModpWide acc = 0;
        int lo = i - b->deg > 0 ? i - b->deg : 0, hi = i < a->deg ? i : a->deg;
        for (int j = lo, n = 0; j <= hi; j++, n++) {
            acc += (ModpWide)a->c[j] * b->c[i - j];
            if (n % 60 == 59)
                acc = modp_fold(acc);
        }
        t.c[i] = modp_fold(acc);
    }
    modp_poly_trim(&t);
    modp_poly_divmod(&t, f, NULL);
    modp_poly_copy(r, &t);
    modp_poly_free(&t);
}

/* r ← (x + a)^e mod f. */
static void modp_poly_powmod_linear(ModpPoly *r, uint64_t a, uint64_t e, const ModpPoly *f)
{
    ModpPoly base = modp_poly_new(2);
    base.deg = 1, base.c[0] = a, base.c[1] = 1;
    modp_poly_divmod(&base, f, NULL);
    modp_poly_fit(r, 1);
    r->deg = 0, r->c[0] = 1;
    int top = 63;
    while (top > 0 && !(e >> top & 1))
        top--;
    for (int b = top; b >= 0; b--) {
        modp_poly_mulmod(r, r, r, f);
        if (e >> b & 1)
            modp_poly_mulmod(r, r, &base, f);
    }
    modp_poly_free(&base);
}

/* a ← gcd(a, b), monic; b is destroyed. */
static void modp_poly_gcd(ModpPoly *a, ModpPoly *b)
{
    while (b->deg >= 0) {
        modp_poly_divmod(a, b, NULL);
        ModpPoly t = *a;
        *a = *b, *b = t;
    }
    if (a->deg >= 0) {
        uint64_t inv = modp_inv(a->c[a->deg]);
        for (int i = 0; i <= a->deg; i++)
            a->c[i] = modp_mul(a->c[i], inv);
    }
}

/* One root of h, a product of distinct monic linear factors (Cantor–Zassenhaus: for a
 * random a, gcd((x + a)^((p−1)/2) − 1, h) takes each root with probability 1/2; keep the
 * smaller side until one factor is left). */
uint64_t modp_one_root(const ModpPoly *h, uint64_t *rng)
{
    ModpPoly cur = modp_poly_copy_new(h), g = modp_poly_new((uint32_t)h->deg);
    ModpPoly t = modp_poly_new((uint32_t)h->deg), q = modp_poly_new((uint32_t)h->deg);
    for (int tries = 0; cur.deg > 1 && tries < 400; tries++) {
        modp_poly_powmod_linear(&g, modp_random(rng), (LIE_PRIME - 1) / 2, &cur);
        modp_poly_sub_at(&g, 0, 1);
        modp_poly_copy(&t, &cur);
        modp_poly_gcd(&t, &g); /* t = gcd(cur, g) */
        if (t.deg <= 0 || t.deg >= cur.deg)
            continue;
        if (2 * t.deg > cur.deg) { /* keep the smaller factor */
            ModpPoly rest = modp_poly_copy_new(&cur);
            modp_poly_divmod(&rest, &t, &q);
            modp_poly_copy(&t, &q);
            modp_poly_free(&rest);
        }
        modp_poly_copy(&cur, &t);
    }
    uint64_t root = cur.deg == 1 ? modp_neg(modp_mul(cur.c[0], modp_inv(cur.c[1]))) : 0;
    modp_poly_free(&cur), modp_poly_free(&g), modp_poly_free(&t), modp_poly_free(&q);
    return root;
}

ModpPoly modp_simple_root_part(const ModpPoly *f)
{
    ModpPoly xp = modp_poly_new((uint32_t)f->deg), g1 = modp_poly_copy_new(f);
    ModpPoly df = modp_poly_new((uint32_t)f->deg);
    modp_poly_powmod_linear(&xp, 0, LIE_PRIME, f); /* x^p mod f */
    modp_poly_sub_at(&xp, 1, 1);
    modp_poly_gcd(&g1, &xp); /* gcd(f, x^p − x): the distinct roots in F_p */
    df.deg = f->deg - 1;
    for (int i = 0; i < f->deg; i++)
        df.c[i] = modp_mul((uint64_t)(i + 1), f->c[i + 1]);
    modp_poly_trim(&df);
    ModpPoly g2 = modp_poly_copy_new(&g1), q = modp_poly_new((uint32_t)f->deg);
    modp_poly_gcd(&g2, &df); /* the roots that are multiple in f */
    modp_poly_divmod(&g1, &g2, &q);
    modp_poly_free(&xp), modp_poly_free(&g1), modp_poly_free(&df), modp_poly_free(&g2);
    return q;
}

void modp_poly_remove_common(ModpPoly *h, const ModpPoly *g)
{
    ModpPoly c = modp_poly_copy_new(h), t = modp_poly_copy_new(g);
    ModpPoly q = modp_poly_new((uint32_t)h->deg);
    modp_poly_gcd(&c, &t);
    if (c.deg > 0) {
        modp_poly_divmod(h, &c, &q);
        modp_poly_copy(h, &q);
    }
    modp_poly_free(&c), modp_poly_free(&t), modp_poly_free(&q);
}

ModpPoly modp_poly_div_linear(const ModpPoly *f, uint64_t root)
{
    ModpPoly q = modp_poly_new(f->deg > 0 ? (uint32_t)f->deg - 1 : 0);
    q.deg = f->deg - 1;
    uint64_t carry = 0;
    for (int i = f->deg; i >= 1; i--) { /* synthetic division */
        carry = modp_add(f->c[i], modp_mul(carry, root));
        q.c[i - 1] = carry;
    }
    return q;
}

ModpPoly modp_berlekamp_massey(const uint64_t *a, uint32_t n)
{
    /* Connection polynomials C (current) and B (before the last length change). */
    ModpPoly C = modp_poly_new(n + 1), B = modp_poly_new(n + 1), T = modp_poly_new(n + 1);
    C.deg = B.deg = 0, C.c[0] = B.c[0] = 1;
    uint32_t L = 0, shift = 1;
    uint64_t b = 1;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t delta = a[i];
        for (uint32_t j = 1; j <= L && (int)j <= C.deg; j++)
            delta = modp_add(delta, modp_mul(C.c[j], a[i - j]));
        if (!delta) {
            shift++;
            continue;
        }
        uint64_t coef = modp_mul(delta, modp_inv(b));
        bool grow = 2 * L <= i;
        if (grow)
            modp_poly_copy(&T, &C);
        for (int j = 0; j <= B.deg; j++) /* C −= coef · x^shift · B */
            modp_poly_sub_at(&C, j + (int)shift, modp_mul(coef, B.c[j]));
        if (grow) {
            L = i + 1 - L;
            modp_poly_copy(&B, &T);
            b = delta;
            shift = 1;
        } else {
            shift++;
        }
    }
    /* The minimal polynomial is the reverse of C at degree L: x^L C(1/x). */
    ModpPoly mu = modp_poly_new(L);
    mu.deg = (int)L;
    for (uint32_t j = 0; j <= L; j++)
        mu.c[L - j] = (int)j <= C.deg ? C.c[j] : 0;
    modp_poly_free(&C), modp_poly_free(&B), modp_poly_free(&T);
    return mu;
}

/* col_{j+1} += Σ_{k > j+1} u_k·col_k of the n×n matrix m, row by row. */
static void add_columns(uint64_t *m, uint32_t n, uint32_t j, const uint64_t *u)
{
    for (uint32_t r = 0; r < n; r++) {
        uint64_t *row = m + (size_t)r * n, sum = 0;
        for (uint32_t k = j + 2; k < n;) {
            uint32_t end = n - k > 60 ? k + 60 : n;
            ModpWide acc = 0;
            for (; k < end; k++)
                acc += (ModpWide)u[k] * row[k];
            sum = modp_add(sum, modp_fold(acc));
        }
        row[j + 1] = modp_add(row[j + 1], sum);
    }
}

/* The characteristic polynomial of the n×n matrix a (destroyed): similarity to upper
 * Hessenberg form, then the recurrence over its leading blocks (Cohen, Algorithm 2.2.9).
 * When x is not NULL (n×n, identity on entry) it receives T^{-1} with H = T a T^{-1}, so
 * that an eigenvector h of H gives the eigenvector x·h of a. */
ModpPoly modp_charpoly(uint64_t *a, uint32_t n, uint64_t *x)
{
#define H(i, j) a[(size_t)(i) * n + (j)]
    uint64_t *u = modp_alloc(n, sizeof *u);
    for (uint32_t j = 0; j + 2 < n; j++) {
        uint32_t i = j + 1;
        while (i < n && !H(i, j))
            i++;
        if (i == n)
            continue;
        if (i != j + 1) { /* swap rows and columns i, j+1 */
            for (uint32_t c = 0; c < n; c++) {
                uint64_t t = H(i, c);
                H(i, c) = H(j + 1, c), H(j + 1, c) = t;
            }
            for (uint32_t r = 0; r < n; r++) {
                uint64_t t = H(r, i);
                H(r, i) = H(r, j + 1), H(r, j + 1) = t;
                if (x) {
                    t = x[(size_t)r * n + i];
                    x[(size_t)r * n + i] = x[(size_t)r * n + j + 1], x[(size_t)r * n + j + 1] = t;
                }
            }
        }
        /* E = I − Σ_k u_k e_k e_{j+1}^T clears column j below the subdiagonal; a ← E a E^{-1}
         * is the row operations row_k −= u_k·row_{j+1}, then col_{j+1} += Σ_k u_k·col_k
         * (a dot product along each row, which keeps the access contiguous). */
        uint64_t inv = modp_inv(H(j + 1, j));
        for (uint32_t k = j + 2; k < n; k++) {
            u[k] = modp_mul(H(k, j), inv);
            if (u[k])
                modp_row_axpy(&H(k, 0), &H(j + 1, 0), u[k], j, n);
        }
        add_columns(a, n, j, u);
        if (x)
            add_columns(x, n, j, u);
    }
    /* p_m = (x − h_{m−1,m−1}) p_{m−1} − Σ_i (Π subdiagonal) h_{m−i−1,m−1} p_{m−i−1} */
    uint64_t *p = modp_alloc((size_t)(n + 1) * (n + 1), sizeof *p);
#define PC(m, k) p[(size_t)(m) * (n + 1) + (k)]
    PC(0, 0) = 1;
    for (uint32_t m = 1; m <= n; m++) {
        uint64_t h = H(m - 1, m - 1);
        for (uint32_t k = 0; k <= m; k++)
            PC(m, k) = modp_sub(k ? PC(m - 1, k - 1) : 0, k < m ? modp_mul(h, PC(m - 1, k)) : 0);
        uint64_t t = 1;
        for (uint32_t i = 1; i < m; i++) {
            t = modp_mul(t, H(m - i, m - i - 1));
            if (!t)
                break;
            uint64_t f = modp_mul(t, H(m - i - 1, m - 1));
            for (uint32_t k = 0; k <= m - i - 1; k++)
                PC(m, k) = modp_sub(PC(m, k), modp_mul(f, PC(m - i - 1, k)));
        }
    }
    ModpPoly r = modp_poly_new(n);
    r.deg = (int)n;
    for (uint32_t k = 0; k <= n; k++)
        r.c[k] = PC(n, k);
    free(p);
    free(u);
    return r;
#undef PC
#undef H
}

/* ---- polynomials: square-free decomposition ------------------------------------------ */

/* a / b for b dividing a. */
static ModpPoly modp_poly_quotient(const ModpPoly *a, const ModpPoly *b)
{
    ModpPoly r = modp_poly_copy_new(a), q = modp_poly_new(a->deg < 0 ? 0 : (uint32_t)a->deg);
    modp_poly_divmod(&r, b, &q);
    modp_poly_free(&r);
    return q;
}

static ModpPoly modp_poly_derivative(const ModpPoly *f)
{
    ModpPoly d = modp_poly_new(f->deg < 1 ? 0 : (uint32_t)f->deg);
    d.deg = f->deg - 1;
    for (int i = 0; i < f->deg; i++)
        d.c[i] = modp_mul((uint64_t)(i + 1), f->c[i + 1]);
    modp_poly_trim(&d);
    return d;
}

/* Yun's square-free decomposition of the monic f = Π_k s_k^k: count[k] = deg s_k. */
void modp_squarefree_degrees(const ModpPoly *f, uint32_t *count)
{
    ModpPoly df = modp_poly_derivative(f), a = modp_poly_copy_new(f), t = modp_poly_copy_new(&df);
    modp_poly_gcd(&a, &t); /* a = gcd(f, f') */
    ModpPoly b = modp_poly_quotient(f, &a), c = modp_poly_quotient(&df, &a);
    for (uint32_t k = 1; b.deg > 0; k++) {
        ModpPoly db = modp_poly_derivative(&b), dd = modp_poly_copy_new(&c);
        for (int i = 0; i <= db.deg; i++) /* dd = c − b' */
            modp_poly_sub_at(&dd, i, db.c[i]);
        ModpPoly g = modp_poly_copy_new(&b), t2 = modp_poly_copy_new(&dd);
        modp_poly_gcd(&g, &t2);
        count[k] = g.deg > 0 ? (uint32_t)g.deg : 0;
        ModpPoly nb = modp_poly_quotient(&b, &g), nc = modp_poly_quotient(&dd, &g);
        modp_poly_free(&b), modp_poly_free(&c), modp_poly_free(&db);
        modp_poly_free(&dd), modp_poly_free(&g), modp_poly_free(&t2);
        b = nb, c = nc;
    }
    modp_poly_free(&df), modp_poly_free(&a), modp_poly_free(&t);
    modp_poly_free(&b), modp_poly_free(&c);
}

