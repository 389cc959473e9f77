/*
 * pauli.c — Pauli strings and Pauli sums.
 *
 * A string is symplectic: x and z bit vectors packed in uint64_t words (Stim's layout), with
 * the Hermitian convention P = i^{x·z} X^x Z^z. Product, commutation and weight are
 * XOR/AND/popcount over the words, so 1,024 qubits cost 16 words a vector.
 *
 * A sum keeps its terms in first-insertion order (so printing follows the source) and merges
 * equal strings. Small sums are searched linearly; from 16 terms on an open-addressed index
 * of term numbers takes over.
 */
#include "core.h"

#include <string.h>

void pauli_set(uint64_t *s, uint32_t words, uint32_t q, char factor)
{
    uint64_t bit = (uint64_t)1 << (q % 64);
    int x = factor == 'X' || factor == 'Y', z = factor == 'Z' || factor == 'Y';
    s[q / 64] = x ? s[q / 64] | bit : s[q / 64] & ~bit;
    s[words + q / 64] = z ? s[words + q / 64] | bit : s[words + q / 64] & ~bit;
}

char pauli_factor(const uint64_t *s, uint32_t words, uint32_t q)
{
    return "IXZY"[pauli_get(s, words, q)];
}

bool pauli_is_identity(const uint64_t *s, uint32_t words)
{
    for (uint32_t i = 0; i < 2 * words; i++)
        if (s[i])
            return false;
    return true;
}

bool pauli_equal(const uint64_t *a, const uint64_t *b, uint32_t words)
{
    return memcmp(a, b, 2u * words * sizeof *a) == 0;
}

bool pauli_commutes(const uint64_t *a, const uint64_t *b, uint32_t words)
{
    uint64_t acc = 0;
    for (uint32_t i = 0; i < words; i++)
        acc ^= (a[i] & b[words + i]) ^ (a[words + i] & b[i]);
    return (__builtin_popcountll(acc) & 1) == 0;
}

bool pauli_disjoint(const uint64_t *a, const uint64_t *b, uint32_t words)
{
    for (uint32_t i = 0; i < words; i++)
        if ((a[i] | a[words + i]) & (b[i] | b[words + i]))
            return false;
    return true;
}

uint32_t pauli_weight(const uint64_t *s, uint32_t words)
{
    uint32_t w = 0;
    for (uint32_t i = 0; i < words; i++)
        w += (uint32_t)__builtin_popcountll(s[i] | s[words + i]);
    return w;
}

/*
 * With P = i^{x·z} X^x Z^z: P1 P2 = i^{x1·z1 + x2·z2} X^{x1} Z^{z1} X^{x2} Z^{z2}, and moving
 * Z^{z1} past X^{x2} gives (-1)^{z1·x2}. The result string is X^{x3} Z^{z3} times
 * i^{-x3·z3} relative to P3, so k = x1·z1 + x2·z2 - x3·z3 + 2·z1·x2 (mod 4).
 */
unsigned pauli_product(const uint64_t *a, const uint64_t *b, uint64_t *out, uint32_t words)
{
    unsigned k = 0;
    for (uint32_t i = 0; i < words; i++) {
        uint64_t x1 = a[i], z1 = a[words + i], x2 = b[i], z2 = b[words + i];
        uint64_t x3 = x1 ^ x2, z3 = z1 ^ z2;
        k += (unsigned)__builtin_popcountll(x1 & z1) + (unsigned)__builtin_popcountll(x2 & z2);
        k += 3u * (unsigned)__builtin_popcountll(x3 & z3); /* -1 ≡ 3 (mod 4) */
        k += 2u * (unsigned)__builtin_popcountll(z1 & x2);
        out[i] = x3;
        out[words + i] = z3;
    }
    return k & 3u;
}

uint64_t pauli_hash(const uint64_t *s, uint32_t words)
{
    uint64_t h = 0x9E3779B97F4A7C15ull;
    for (uint32_t i = 0; i < 2 * words; i++) {
        h ^= s[i] + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
        h *= 0xBF58476D1CE4E5B9ull;
        h ^= h >> 31;
    }
    return h;
}

void sb_put_pauli(StrBuf *sb, const uint64_t *s, uint32_t words, uint32_t nqubits)
{
    bool any = false;
    for (uint32_t w = 0; w < words; w++) {
        uint64_t m = s[w] | s[words + w];
        while (m) {
            uint32_t q = w * 64 + (uint32_t)__builtin_ctzll(m);
            m &= m - 1;
            if (q >= nqubits)
                break;
            if (any)
                sb_putc(sb, ' ');
            sb_printf(sb, "%c%u", pauli_factor(s, words, q), q);
            any = true;
        }
    }
    if (!any)
        sb_putc(sb, 'I');
}

bool pauli_parse(const char *text, uint64_t *s, uint32_t words, uint32_t nqubits)
{
    memset(s, 0, 2u * words * sizeof *s);
    const char *p = text;
    while (*p == ' ')
        p++;
    if (p[0] == 'I' && (p[1] == '\0' || p[1] == ' ')) {
        p++;
        while (*p == ' ')
            p++;
        return *p == '\0';
    }
    bool any = false;
    while (*p) {
        char f = *p++;
        if (f != 'X' && f != 'Y' && f != 'Z')
            return false;
        if (*p < '0' || *p > '9')
            return false;
        uint64_t q = 0;
        while (*p >= '0' && *p <= '9') {
            q = q * 10 + (uint64_t)(*p++ - '0');
            if (q >= nqubits)
                return false;
        }
        if (pauli_get(s, words, (uint32_t)q) != 0)
            return false;
        pauli_set(s, words, (uint32_t)q, f);
        any = true;
        if (*p && *p != ' ')
            return false;
        while (*p == ' ')
            p++;
    }
    return any;
}

/* ---- sums ------------------------------------------------------------------------ */

enum { PSUM_LINEAR_MAX = 16 };

PauliSum *psum_new(Arena *a, uint32_t nqubits)
{
    PauliSum *s = arena_alloc(a, sizeof *s);
    s->nqubits = nqubits;
    s->words = pauli_words(nqubits ? nqubits : 1);
    return s;
}

static void psum_reindex(Arena *a, PauliSum *s, uint32_t cap)
{
    s->index = arena_alloc(a, cap * sizeof *s->index);
    s->index_cap = cap;
    for (uint32_t i = 0; i < s->len; i++) {
        uint32_t h = (uint32_t)pauli_hash(psum_string(s, i), s->words) & (cap - 1);
        while (s->index[h])
            h = (h + 1) & (cap - 1);
        s->index[h] = i + 1;
    }
}

static int64_t psum_find(const PauliSum *s, const uint64_t *p, uint32_t *slot)
{
    if (!s->index) {
        for (uint32_t i = 0; i < s->len; i++)
            if (pauli_equal(psum_string(s, i), p, s->words))
                return i;
        return -1;
    }
    uint32_t mask = s->index_cap - 1;
    uint32_t h = (uint32_t)pauli_hash(p, s->words) & mask;
    while (s->index[h]) {
        uint32_t i = s->index[h] - 1;
        if (pauli_equal(psum_string(s, i), p, s->words))
            return i;
        h = (h + 1) & mask;
    }
    *slot = h;
    return -1;
}

void psum_add(Arena *a, PauliSum *s, const uint64_t *p, Real c)
{
    uint32_t slot = 0;
    int64_t i = psum_find(s, p, &slot);
    if (i >= 0) {
        s->coef[i] = real_add(s->coef[i], c);
        return;
    }
    if (s->len == s->cap) {
        uint32_t cap = s->cap ? s->cap * 2 : 1;
        size_t sw = 2u * s->words * sizeof *s->strings;
        s->strings = arena_grow(a, s->strings, s->len * sw, cap * sw);
        s->coef = arena_grow(a, s->coef, s->len * sizeof *s->coef, cap * sizeof *s->coef);
        s->cap = cap;
    }
    memcpy(psum_string(s, s->len), p, 2u * s->words * sizeof *p);
    s->coef[s->len] = c;
    s->len++;
    if (s->index && s->len * 2 <= s->index_cap) {
        s->index[slot] = s->len;
    } else if (s->len > PSUM_LINEAR_MAX) {
        uint32_t cap = 64;
        while (cap < s->len * 4)
            cap *= 2;
        psum_reindex(a, s, cap);
    }
}

void psum_add_sum(Arena *a, PauliSum *dst, const PauliSum *src, Real scale)
{
    for (uint32_t i = 0; i < src->len; i++)
        psum_add(a, dst, psum_string(src, i), real_mul(scale, src->coef[i]));
}

PauliSum *psum_copy(Arena *a, const PauliSum *s)
{
    PauliSum *c = psum_new(a, s->nqubits);
    psum_add_sum(a, c, s, real_int(1));
    return c;
}

void psum_scale(PauliSum *s, Real c)
{
    for (uint32_t i = 0; i < s->len; i++)
        s->coef[i] = real_mul(s->coef[i], c);
}

void psum_compact(Arena *a, PauliSum *s)
{
    uint32_t n = 0;
    size_t sw = 2u * s->words;
    for (uint32_t i = 0; i < s->len; i++) {
        if (real_is_zero(s->coef[i]))
            continue;
        if (n != i) {
            memcpy(s->strings + n * sw, s->strings + i * sw, sw * sizeof *s->strings);
            s->coef[n] = s->coef[i];
        }
        n++;
    }
    if (n == s->len)
        return;
    s->len = n;
    s->index = NULL;
    s->index_cap = 0;
    if (n > PSUM_LINEAR_MAX) {
        uint32_t cap = 64;
        while (cap < n * 4)
            cap *= 2;
        psum_reindex(a, s, cap);
    }
}

bool psum_lookup(const PauliSum *s, const uint64_t *p, Real *c)
{
    uint32_t slot = 0;
    int64_t i = psum_find(s, p, &slot);
    if (i < 0)
        return false;
    *c = s->coef[i];
    return true;
}

PauliSum *psum_without_identity(Arena *a, const PauliSum *s)
{
    PauliSum *r = psum_new(a, s->nqubits);
    for (uint32_t i = 0; i < s->len; i++)
        if (!pauli_is_identity(psum_string(s, i), s->words) && !real_is_zero(s->coef[i]))
            psum_add(a, r, psum_string(s, i), s->coef[i]);
    return r;
}

bool psum_is_zero(const PauliSum *s)
{
    for (uint32_t i = 0; i < s->len; i++)
        if (!real_is_zero(s->coef[i]))
            return false;
    return true;
}

PauliSum *psum_mul_disjoint(Arena *a, const PauliSum *x, const PauliSum *y, uint32_t *clash)
{
    uint32_t w = x->words;
    for (uint32_t i = 0; i < x->len; i++) {
        const uint64_t *p = psum_string(x, i);
        for (uint32_t j = 0; j < y->len; j++) {
            const uint64_t *q = psum_string(y, j);
            for (uint32_t k = 0; k < w; k++) {
                uint64_t m = (p[k] | p[w + k]) & (q[k] | q[w + k]);
                if (m) {
                    *clash = k * 64 + (uint32_t)__builtin_ctzll(m);
                    return NULL;
                }
            }
        }
    }
    PauliSum *r = psum_new(a, x->nqubits);
    uint64_t *buf = arena_alloc(a, 2u * w * sizeof *buf);
    for (uint32_t i = 0; i < x->len; i++)
        for (uint32_t j = 0; j < y->len; j++) {
            /* Disjoint supports: the product string is the XOR, with phase i^0. */
            pauli_product(psum_string(x, i), psum_string(y, j), buf, w);
            psum_add(a, r, buf, real_mul(x->coef[i], y->coef[j]));
        }
    return r;
}

uint32_t psum_support(const PauliSum *s, uint32_t *qubits)
{
    uint32_t n = 0;
    for (uint32_t w = 0; w < s->words; w++) {
        uint64_t m = 0;
        for (uint32_t i = 0; i < s->len; i++) {
            const uint64_t *p = psum_string(s, i);
            m |= p[w] | p[s->words + w];
        }
        while (m) {
            qubits[n++] = w * 64 + (uint32_t)__builtin_ctzll(m);
            m &= m - 1;
        }
    }
    return n;
}

void sb_put_psum(StrBuf *sb, const PauliSum *s)
{
    bool first = true;
    for (uint32_t i = 0; i < s->len; i++) {
        Real c = s->coef[i];
        if (real_is_zero(c))
            continue;
        bool negative = c.value < 0;
        if (negative)
            c = real_neg(c);
        if (first)
            sb_puts(sb, negative ? "-" : "");
        else
            sb_puts(sb, negative ? " - " : " + ");
        if (!(real_is_exact(c) && c.num == 1 && c.den == 1)) {
            sb_put_real(sb, c);
            sb_putc(sb, ' ');
        }
        sb_put_pauli(sb, psum_string(s, i), s->words, s->nqubits);
        first = false;
    }
    if (first)
        sb_putc(sb, '0');
}
