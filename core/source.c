/*
 * source.c — source texts and their line tables.
 *
 * Tree nodes carry byte spans only; line and column are computed here, when something is
 * shown to a person, by binary search over the line starts.
 */
#include "core.h"

#include <string.h>

Source *source_new(Arena *a, const char *name, const char *text, size_t len)
{
    Source *s = arena_alloc(a, sizeof *s);
    s->name = arena_strdup(a, name);
    char *copy = arena_alloc(a, len + 1);
    memcpy(copy, text, len);
    copy[len] = '\0';
    s->text = copy;
    s->len = (uint32_t)len;
    uint32_t n = 1;
    for (size_t i = 0; i < len; i++)
        n += text[i] == '\n';
    s->line_starts = arena_alloc(a, n * sizeof *s->line_starts);
    s->nlines = 0;
    s->line_starts[s->nlines++] = 0;
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\n')
            s->line_starts[s->nlines++] = (uint32_t)i + 1;
    return s;
}

void source_position(const Source *s, uint32_t offset, uint32_t *line, uint32_t *column)
{
    if (offset > s->len)
        offset = s->len;
    uint32_t lo = 0, hi = s->nlines;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (s->line_starts[mid] <= offset)
            lo = mid;
        else
            hi = mid;
    }
    *line = lo + 1;
    *column = offset - s->line_starts[lo] + 1;
}

const char *source_line(const Source *s, uint32_t line, uint32_t *length)
{
    if (line == 0 || line > s->nlines) {
        *length = 0;
        return "";
    }
    uint32_t start = s->line_starts[line - 1];
    uint32_t end = line < s->nlines ? s->line_starts[line] - 1 : s->len;
    if (end > start && s->text[end - 1] == '\r')
        end--;
    *length = end - start;
    return s->text + start;
}
