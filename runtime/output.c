/*
 * output.c — how the simulator prints numbers, JSON strings and error messages.
 *
 * Values are printed with %.17g, which reads back to the same double. The C library
 * spells non-finite values differently from one platform to the next (nan, -nan, NaN), so
 * text output spells them itself, and JSON, which has no such numbers, gets null. JSON is
 * written by hand (the runtime links nothing but libc and libm): names are escaped here,
 * bytes above 0x7f pass through (names come from the source, which is UTF-8).
 */
#include "cli.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

void ans_put_real(FILE *out, double value)
{
    if (isnan(value))
        fputs("nan", out);
    else if (isinf(value))
        fputs(value > 0 ? "inf" : "-inf", out);
    else
        fprintf(out, "%.17g", value);
}

void ans_put_json_real(FILE *out, double value)
{
    if (isfinite(value))
        fprintf(out, "%.17g", value);
    else
        fputs("null", out);
}

void ans_put_json_string(FILE *out, const char *text)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)(text ? text : ""); *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        case '\b': fputs("\\b", out); break;
        case '\f': fputs("\\f", out); break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                fprintf(out, "\\u%04x", *p);
            else
                fputc(*p, out);
        }
    }
    fputc('"', out);
}

void ans_put_json_reals(FILE *out, const double *values, size_t n)
{
    fputc('[', out);
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputs(", ", out);
        ans_put_json_real(out, values[i]);
    }
    fputc(']', out);
}

void ans_put_json_strings(FILE *out, const char *const *names, size_t n)
{
    fputc('[', out);
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputs(", ", out);
        ans_put_json_string(out, names ? names[i] : NULL);
    }
    fputc(']', out);
}

void ans_report(FILE *err, const char *file, uint32_t line, uint32_t column, const char *format,
                ...)
{
    if (file) {
        fputs(file, err);
        if (line)
            fprintf(err, ":%u", (unsigned)line);
        if (line && column)
            fprintf(err, ":%u", (unsigned)column);
        fputs(": ", err);
    }
    fputs("error: ", err);
    va_list args;
    va_start(args, format);
    vfprintf(err, format, args);
    va_end(args);
    fputc('\n', err);
}

void ans_quote(char *buffer, size_t size, const char *text, size_t length)
{
    enum { SHOWN = 40 };
    size_t at = 0;
    for (size_t i = 0; i < length && i < SHOWN && at + 5 < size; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c >= 0x20 && c < 0x7f)
            buffer[at++] = (char)c;
        else
            at += (size_t)snprintf(buffer + at, size - at, "\\x%02x", c);
    }
    if (length > SHOWN && at + 4 < size) {
        memcpy(buffer + at, "...", 3);
        at += 3;
    }
    buffer[at < size ? at : size - 1] = '\0';
}
