/*
 * test_real.c — exact rationals with a double beside them (core/real.c).
 *
 * The reference values are worked out by hand (1/3 + 1/6 = 1/2) and the doubles are
 * compared with the correctly rounded C arithmetic on the same operands (strtod, /), so
 * every assertion states what the number is, not what the code happened to compute.
 */
#include "core/core.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void assert_exact(Real r, int64_t num, int64_t den, const char *what)
{
    cr_assert(real_is_exact(r), "%s: should be exact", what);
    cr_assert_eq(r.num, num, "%s: numerator %lld, want %lld", what, (long long)r.num,
                 (long long)num);
    cr_assert_eq(r.den, den, "%s: denominator %lld, want %lld", what, (long long)r.den,
                 (long long)den);
    cr_assert_eq(r.value, (double)num / (double)den, "%s: value %.17g", what, r.value);
}

static char *real_text(Real r)
{
    StrBuf sb = {0};
    sb_put_real(&sb, r);
    return sb.data;
}

Test(real, constructors_reduce_with_sign_in_numerator)
{
    assert_exact(real_int(7), 7, 1, "7");
    assert_exact(real_int(-7), -7, 1, "-7");
    assert_exact(real_rational(6, -4), -3, 2, "6/-4");
    assert_exact(real_rational(-6, -4), 3, 2, "-6/-4");
    assert_exact(real_rational(0, -5), 0, 1, "0/-5");
    assert_exact(real_rational(12, 36), 1, 3, "12/36");
    assert_exact(real_rational(INT64_MAX, INT64_MAX), 1, 1, "max/max");
    Real a = real_approx(0.1);
    cr_assert_not(real_is_exact(a));
    cr_assert_eq(a.value, 0.1);
}

Test(real, arithmetic_exact)
{
    assert_exact(real_add(real_rational(1, 3), real_rational(1, 6)), 1, 2, "1/3 + 1/6");
    assert_exact(real_sub(real_rational(1, 2), real_rational(1, 2)), 0, 1, "1/2 - 1/2");
    assert_exact(real_sub(real_rational(1, 4), real_int(1)), -3, 4, "1/4 - 1");
    assert_exact(real_mul(real_rational(2, 3), real_rational(9, 4)), 3, 2, "2/3 · 9/4");
    assert_exact(real_mul(real_rational(-2, 3), real_rational(3, -2)), 1, 1, "-2/3 · 3/-2");
    assert_exact(real_mul(real_int(0), real_rational(5, 7)), 0, 1, "0 · 5/7");
    assert_exact(real_neg(real_rational(5, 7)), -5, 7, "-(5/7)");
    assert_exact(real_div(real_rational(1, 2), real_rational(-3, 4)), -2, 3, "(1/2)/(-3/4)");
    assert_exact(real_div(real_int(0), real_int(-3)), 0, 1, "0/-3");
    assert_exact(real_div(real_int(10), real_int(4)), 5, 2, "10/4");
    /* The quotient's double is the correctly rounded 1/3, not 1 · (1/3) rounded twice. */
    Real third = real_div(real_int(1), real_int(3));
    cr_assert_eq(third.value, 1.0 / 3.0);
    /* 0.1 + 0.2 is exactly 3/10 here, unlike in doubles. */
    Real s = real_add(real_parse("0.1", 3), real_parse("0.2", 3));
    assert_exact(s, 3, 10, "0.1 + 0.2");
    cr_assert(real_eq(s, real_parse("0.3", 3)));
}

Test(real, large_but_exact)
{
    /* 3037000499² < 2^63: fits. */
    Real r = real_mul(real_rational(1, 3037000499), real_rational(1, 3037000499));
    assert_exact(r, 1, INT64_C(9223372030926249001), "1/3037000499²");
    /* Cross-reduction keeps huge factors from overflowing. */
    Real big = real_mul(real_rational(INT64_MAX, 3), real_rational(3, INT64_MAX));
    assert_exact(big, 1, 1, "(max/3)(3/max)");
    Real sum = real_add(real_rational(1, INT64_C(1) << 62), real_rational(1, INT64_C(1) << 62));
    assert_exact(sum, 1, INT64_C(1) << 61, "2^-62 + 2^-62");
}

Test(real, overflow_turns_inexact_but_keeps_the_double)
{
    Real r = real_add(real_int(INT64_MAX), real_int(1));
    cr_assert_not(real_is_exact(r));
    cr_assert_eq(r.value, 9223372036854775808.0);
    Real p = real_mul(real_rational(1, INT64_C(1) << 32), real_rational(1, INT64_C(1) << 32));
    cr_assert_not(real_is_exact(p));
    cr_assert_eq(p.value, ldexp(1.0, -64));
    Real q = real_div(real_int(INT64_MAX), real_rational(1, 2));
    cr_assert_not(real_is_exact(q));
    cr_assert_eq(q.value, 2.0 * 9223372036854775807.0);
    Real n = real_neg(real_int(INT64_MIN));
    cr_assert_not(real_is_exact(n));
    cr_assert_eq(n.value, 9223372036854775808.0);
    Real d = real_sub(real_int(INT64_MIN), real_int(1));
    cr_assert_not(real_is_exact(d));
    cr_assert_eq(d.value, -9223372036854775808.0 - 1.0);
    /* Once inexact, always inexact; the double follows the operands' doubles. */
    Real e = real_mul(real_approx(0.5), real_int(4));
    cr_assert_not(real_is_exact(e));
    cr_assert_eq(e.value, 2.0);
    Real f = real_add(real_int(1), real_approx(ANS_PI));
    cr_assert_not(real_is_exact(f));
    cr_assert_eq(f.value, 1.0 + ANS_PI);
}

Test(real, division_by_inexact_or_extreme)
{
    Real r = real_div(real_int(1), real_approx(4.0));
    cr_assert_not(real_is_exact(r));
    cr_assert_eq(r.value, 0.25);
    /* Dividing by INT64_MIN cannot negate the numerator: inexact, value still right. */
    Real m = real_div(real_int(1), real_int(INT64_MIN));
    cr_assert_eq(m.value, 1.0 / -9223372036854775808.0);
    if (real_is_exact(m))
        cr_assert(m.den > 0);
}

Test(real, zero_and_equality)
{
    cr_assert(real_is_zero(real_int(0)));
    cr_assert(real_is_zero(real_approx(0.0)));
    cr_assert(real_is_zero(real_approx(-0.0)));
    cr_assert_not(real_is_zero(real_rational(1, INT64_MAX)));
    cr_assert(real_eq(real_rational(2, 4), real_rational(1, 2)));
    cr_assert_not(real_eq(real_rational(1, 3), real_rational(1, 2)));
    cr_assert(real_eq(real_rational(1, 2), real_approx(0.5)));
    cr_assert_not(real_eq(real_rational(1, 3), real_approx(0.3333)));
}

static const struct { const char *text; int64_t num, den; } exact_literals[] = {
    {"0.5", 1, 2},        {"1e-3", 1, 1000},    {"2.", 2, 1},        {".25", 1, 4},
    {"1.25e2", 125, 1},   {"0", 0, 1},          {"007", 7, 1},       {"0.1", 1, 10},
    {"1E3", 1000, 1},     {"2.5e+1", 25, 1},    {"1e0", 1, 1},       {"0.000", 0, 1},
    {"123456789012345678", 123456789012345678, 1},
    {"1e18", INT64_C(1000000000000000000), 1},
    {"1e-18", 1, INT64_C(1000000000000000000)},
    {"3.14159", 314159, 100000},
};

Test(real, parse_exact_literals)
{
    for (size_t i = 0; i < sizeof exact_literals / sizeof *exact_literals; i++) {
        const char *t = exact_literals[i].text;
        Real r = real_parse(t, strlen(t));
        cr_assert(real_is_exact(r), "\"%s\" should be exact", t);
        cr_assert_eq(r.num, exact_literals[i].num, "\"%s\": num %lld", t, (long long)r.num);
        cr_assert_eq(r.den, exact_literals[i].den, "\"%s\": den %lld", t, (long long)r.den);
        cr_assert_eq(r.value, strtod(t, NULL), "\"%s\": value %.17g", t, r.value);
    }
}

Test(real, parse_stops_at_length)
{
    /* The literal is a prefix of a longer text (the lexer hands out spans). */
    const char *text = "0.75)*x";
    Real r = real_parse(text, 4);
    cr_assert(real_is_exact(r));
    cr_assert_eq(r.num, 3);
    cr_assert_eq(r.den, 4);
    Real s = real_parse("2e3e", 3);
    cr_assert(real_eq(s, real_int(2000)));
}

Test(real, parse_inexact_keeps_the_double)
{
    static const char *texts[] = {
        "1e300", "1e-300", "12345678901234567890123", "0.1234567890123456789012",
        "1e19",  "1e-19",  "9.9e99",
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        Real r = real_parse(texts[i], strlen(texts[i]));
        cr_assert_not(real_is_exact(r), "\"%s\" cannot be an exact 64-bit rational", texts[i]);
        cr_assert_eq(r.value, strtod(texts[i], NULL), "\"%s\"", texts[i]);
    }
}

Test(real, format)
{
    static const struct { Real r; const char *text; } cases[] = {
        {{3, 3, 1}, "3"},
        {{-0.25, -1, 4}, "-1/4"},
        {{0, 0, 1}, "0"},
        {{1.0 / 3, 1, 3}, "1/3"},
        {{-9223372036854775807.0, -INT64_MAX, 1}, "-9223372036854775807"},
        {{0.1, 0, 0}, "0.1"},
        {{-2.5, 0, 0}, "-2.5"},
        {{1e300, 0, 0}, "1e+300"},
        {{1.0 / 3, 0, 0}, "0.3333333333333333"},
        {{ANS_PI, 0, 0}, "3.141592653589793"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *t = real_text(cases[i].r);
        cr_assert_str_eq(t, cases[i].text);
        free(t);
    }
}

/* An inexact number reads back as the same double and never looks like an integer
 * (core.h: "always with a '.', 'e' or "inf""), so that printed output keeps its type. */
Test(real, inexact_format_reads_back)
{
    static const double values[] = {2.0, -3.0, 100.0, 123.0, 0.1, 1.0 / 3, 1e-7, 6.02214076e23,
                                    ANS_PI, -0.0, 5e-324, 1.7976931348623157e308};
    for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
        char *t = real_text(real_approx(values[i]));
        cr_assert_eq(strtod(t, NULL), values[i], "\"%s\" does not read back as %.17g", t,
                     values[i]);
        cr_assert(strpbrk(t, ".e") != NULL, "\"%s\" (inexact %.17g) looks like an integer", t,
                  values[i]);
        free(t);
    }
    StrBuf sb = {0};
    sb_put_double(&sb, INFINITY);
    sb_put_double(&sb, -INFINITY);
    cr_assert_str_eq(sb.data, "inf-inf");
    sb_free(&sb);
}
