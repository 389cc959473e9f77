/*
 * arena.c — one arena per compilation.
 *
 * Every object of a compilation (tokens' text, tree nodes, the elaborated circuit, Pauli
 * sums) lives in the compilation's arena and dies with it in one arena_free. Chunks grow
 * geometrically; a request larger than a chunk gets a chunk of its own, so huge arrays do
 * not waste the rest of a shared chunk. `used` counts what was handed out, which the
 * elaborator compares with its memory budget and the benchmarks report.
 */
#include "core.h"

#include <stdlib.h>
#include <string.h>

struct ArenaChunk {
    ArenaChunk *next;
    size_t size, off;
    _Alignas(16) unsigned char data[];
};

enum { ARENA_MIN_CHUNK = 64 * 1024 };

void arena_init(Arena *a)
{
    a->head = NULL;
    a->used = 0;
}

void arena_free(Arena *a)
{
    ArenaChunk *c = a->head;
    while (c) {
        ArenaChunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
    a->used = 0;
}

static ArenaChunk *arena_chunk(size_t size)
{
    ArenaChunk *c = malloc(sizeof *c + size);
    if (!c) {
        /* Budgets in the elaborator keep a compilation far below the machine's memory;
         * reaching this is a bug, and there is no sane way to continue. */
        fputs("ansc: out of memory\n", stderr);
        abort();
    }
    c->size = size;
    c->off = 0;
    return c;
}

void *arena_alloc(Arena *a, size_t size)
{
    size = (size + 15u) & ~(size_t)15u;
    if (size == 0)
        size = 16;
    ArenaChunk *c = a->head;
    if (!c || c->size - c->off < size) {
        size_t want = c ? c->size * 2 : ARENA_MIN_CHUNK;
        if (want > (64u << 20))
            want = 64u << 20;
        if (size > want / 4) {
            /* A large block gets its own chunk behind the current one. */
            ArenaChunk *big = arena_chunk(size);
            big->off = size;
            if (c) {
                big->next = c->next;
                c->next = big;
            } else {
                big->next = NULL;
                a->head = big;
            }
            a->used += size;
            memset(big->data, 0, size);
            return big->data;
        }
        c = arena_chunk(want);
        c->next = a->head;
        a->head = c;
    }
    void *p = c->data + c->off;
    c->off += size;
    a->used += size;
    memset(p, 0, size);
    return p;
}

void *arena_grow(Arena *a, const void *old, size_t old_size, size_t new_size)
{
    void *p = arena_alloc(a, new_size);
    if (old && old_size)
        memcpy(p, old, old_size < new_size ? old_size : new_size);
    return p;
}

char *arena_strndup(Arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(Arena *a, const char *s) { return arena_strndup(a, s, strlen(s)); }

char *arena_vprintf(Arena *a, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        n = 0;
    char *p = arena_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *arena_printf(Arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

void vec_reserve_(Arena *a, void **data, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return;
    size_t n = *cap ? *cap * 2 : 8;
    while (n < need)
        n *= 2;
    *data = arena_grow(a, *data, *cap * elem, n * elem);
    *cap = n;
}
