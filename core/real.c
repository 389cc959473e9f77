/*
 * real.c — reals that stay exact while they can.
 *
 * Coefficients in the source are decimal literals and small integers, combined with + - *
 * and /. Kept as reduced 64-bit rationals they let the analysis decide ranks exactly (no
 * tolerance decides a dimension). Anything that leaves the rationals — pi, an overflow —
 * turns the number inexact (den = 0) and only its double remains. The double is always
 * there, computed from the operands' doubles, so numeric code never needs the rational.
 */
#include "core.h"

#include <stdlib.h>
#include <string.h>

static int64_t gcd64(int64_t a, int64_t b)
{
    if (a < 0)
        a = -a;
    if (b < 0)
        b = -b;
    while (b) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

Real real_approx(double v) { return (Real){.value = v, .num = 0, .den = 0}; }

Real real_int(int64_t v) { return (Real){.value = (double)v, .num = v, .den = 1}; }

static Real real_make(int64_t num, int64_t den, double value)
{
    if (den == 0 || num == INT64_MIN || den == INT64_MIN)
        return real_approx(value);
    if (den < 0) {
        num = -num;
        den = -den;
    }
    int64_t g = gcd64(num, den);
    if (g > 1) {
        num /= g;
        den /= g;
    }
    return (Real){.value = (double)num / (double)den, .num = num, .den = den};
}

Real real_rational(int64_t num, int64_t den) { return real_make(num, den, (double)num / (double)den); }

bool real_is_exact(Real a) { return a.den != 0; }

bool real_is_zero(Real a) { return a.den ? a.num == 0 : a.value == 0.0; }

bool real_eq(Real a, Real b)
{
    if (a.den && b.den)
        return a.num == b.num && a.den == b.den;
    return a.value == b.value;
}

Real real_neg(Real a)
{
    if (a.den && a.num != INT64_MIN)
        return (Real){.value = -a.value, .num = -a.num, .den = a.den};
    return real_approx(-a.value);
}

Real real_add(Real a, Real b)
{
    double v = a.value + b.value;
    if (!a.den || !b.den)
        return real_approx(v);
    int64_t g = gcd64(a.den, b.den), l, x, y, n;
    if (__builtin_mul_overflow(a.den / g, b.den, &l) ||
        __builtin_mul_overflow(a.num, l / a.den, &x) ||
        __builtin_mul_overflow(b.num, l / b.den, &y) || __builtin_add_overflow(x, y, &n))
        return real_approx(v);
    return real_make(n, l, v);
}

Real real_sub(Real a, Real b) { return real_add(a, real_neg(b)); }

Real real_mul(Real a, Real b)
{
    double v = a.value * b.value;
    if (!a.den || !b.den)
        return real_approx(v);
    /* Cross-reduce first so that products stay small. */
    int64_t g1 = gcd64(a.num, b.den), g2 = gcd64(b.num, a.den);
    if (g1 == 0)
        g1 = 1;
    if (g2 == 0)
        g2 = 1;
    int64_t n, d;
    if (__builtin_mul_overflow(a.num / g1, b.num / g2, &n) ||
        __builtin_mul_overflow(a.den / g2, b.den / g1, &d))
        return real_approx(v);
    return real_make(n, d, v);
}

Real real_div(Real a, Real b)
{
    double v = a.value / b.value;
    if (!a.den || !b.den || b.num == 0 || b.num == INT64_MIN)
        return real_approx(v);
    Real inv = b.num < 0 ? (Real){.value = 1.0 / b.value, .num = -b.den, .den = -b.num}
                         : (Real){.value = 1.0 / b.value, .num = b.den, .den = b.num};
    Real r = real_mul(a, inv);
    r.value = v; /* the correctly rounded quotient, not a product of roundings */
    return r;
}

Real real_parse(const char *text, size_t len)
{
    char buf[128];
    if (len >= sizeof buf)
        return real_approx(strtod(text, NULL));
    memcpy(buf, text, len);
    buf[len] = '\0';
    double v = strtod(buf, NULL);
    /* digits [. digits] [e [+-] digits]: mantissa as an integer, scaled by 10^(exp - frac). */
    int64_t mant = 0;
    int scale = 0, zeros = 0; /* fraction zeros not yet multiplied in: 0.5000 stays 5/10 */
    size_t i = 0;
    bool ok = true, frac = false;
    for (; i < len && ok; i++) {
        char c = buf[i];
        if (frac && c == '0') {
            zeros++;
        } else if (c >= '0' && c <= '9') {
            for (; zeros > 0 && ok; zeros--, scale--)
                ok = !__builtin_mul_overflow(mant, 10, &mant);
            if (!ok || __builtin_mul_overflow(mant, 10, &mant) ||
                __builtin_add_overflow(mant, c - '0', &mant))
                ok = false;
            if (frac)
                scale--;
        } else if (c == '.') {
            frac = true;
        } else {
            break;
        }
    }
    if (ok && i < len && (buf[i] == 'e' || buf[i] == 'E')) {
        long e = strtol(buf + i + 1, NULL, 10);
        if (e > 40 || e < -40)
            ok = false;
        else
            scale += (int)e;
    }
    if (!ok || scale > 18 || scale < -18)
        return real_approx(v);
    int64_t p = 1;
    for (int k = 0; k < (scale < 0 ? -scale : scale); k++)
        p *= 10;
    if (scale >= 0) {
        int64_t n;
        if (__builtin_mul_overflow(mant, p, &n))
            return real_approx(v);
        Real r = real_make(n, 1, v);
        r.value = v;
        return r;
    }
    Real r = real_make(mant, p, v);
    r.value = v;
    return r;
}

void sb_put_real(StrBuf *sb, Real r)
{
    if (!r.den) {
        sb_put_double(sb, r.value);
        return;
    }
    if (r.den == 1)
        sb_printf(sb, "%lld", (long long)r.num);
    else
        sb_printf(sb, "%lld/%lld", (long long)r.num, (long long)r.den);
}
