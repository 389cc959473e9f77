/*
 * strbuf.c — a growable string for the printers and the renderer.
 *
 * Printers build their whole output in a StrBuf and write it once, so that a failure
 * half-way never leaves half an output. Doubles are printed in their shortest form that
 * reads back exactly, which keeps golden files readable and still exact.
 */
#include "core.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void sb_reserve(StrBuf *sb, size_t extra)
{
    if (sb->len + extra + 1 <= sb->cap)
        return;
    size_t n = sb->cap ? sb->cap * 2 : 256;
    while (n < sb->len + extra + 1)
        n *= 2;
    char *p = realloc(sb->data, n);
    if (!p) {
        fputs("ansc: out of memory\n", stderr);
        abort();
    }
    sb->data = p;
    sb->cap = n;
}

void sb_putn(StrBuf *sb, const char *s, size_t n)
{
    sb_reserve(sb, n);
    memcpy(sb->data + sb->len, s, n);
    sb->len += n;
    sb->data[sb->len] = '\0';
}

void sb_putc(StrBuf *sb, char c) { sb_putn(sb, &c, 1); }

void sb_puts(StrBuf *sb, const char *s) { sb_putn(sb, s, strlen(s)); }

void sb_printf(StrBuf *sb, const char *fmt, ...)
{
    va_list ap, copy;
    va_start(ap, fmt);
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n > 0) {
        sb_reserve(sb, (size_t)n);
        vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
        sb->len += (size_t)n;
    }
    va_end(ap);
}

void sb_free(StrBuf *sb)
{
    free(sb->data);
    sb->data = NULL;
    sb->len = sb->cap = 0;
}

void sb_put_double(StrBuf *sb, double v)
{
    if (isnan(v)) {
        sb_puts(sb, "nan");
        return;
    }
    if (isinf(v)) {
        sb_puts(sb, v < 0 ? "-inf" : "inf");
        return;
    }
    char buf[40];
    if (v == nearbyint(v) && fabs(v) < 1e15) { /* integral: 150.0, not 1.5e+02 */
        snprintf(buf, sizeof buf, "%.1f", v);
        sb_puts(sb, buf);
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    if (!strpbrk(buf, ".e"))
        strcat(buf, ".0"); /* "2.0", not "2": a real must not read back as an integer */
    sb_puts(sb, buf);
}
