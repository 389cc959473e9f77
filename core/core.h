/*
 * core.h — the layer every stage of ansc stands on.
 *
 * Sections, one per file of core/:
 *   arena.c   one arena per compilation: bump allocation, freed at once at the end,
 *             so that LeakSanitizer stays quiet without per-object frees;
 *   strbuf.c  a growable string for printers (malloc-based, freed by its owner);
 *   source.c  a source text with its line table; line/column are computed when a
 *             diagnostic is rendered, never stored in the tree;
 *   diag.c    the diagnostics sink and its one renderer (text, JSON, SARIF);
 *   real.c    real numbers that stay exact rationals while they can (coefficients
 *             from the source), with a double beside them for everything numeric;
 *   pauli.c   Pauli strings as packed x/z words for any qubit count, and Pauli sums.
 *
 * Nothing here knows about the language; nothing here prints unless asked to, and
 * nothing exits. Errors are values or diagnostics in a sink.
 */
#ifndef ANSC_CORE_H
#define ANSC_CORE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ANSC_VERSION "0.1.0"

#define ANS_PI 3.14159265358979323846
#define ANS_SQRT1_2 0.70710678118654752440

#if defined(__GNUC__)
#define ANS_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define ANS_PRINTF(f, a)
#endif

/* ---- arena.c ---------------------------------------------------------------- */

typedef struct ArenaChunk ArenaChunk;
typedef struct Arena {
    ArenaChunk *head;
    size_t used; /* bytes handed out, for budgets and benchmarks */
} Arena;

void arena_init(Arena *a);
void arena_free(Arena *a);
/* Zeroed, 16-byte aligned. Out of memory aborts: budgets upstream keep it from happening. */
void *arena_alloc(Arena *a, size_t size);
/* Copy of old (old_size bytes) into a new block of new_size bytes. */
void *arena_grow(Arena *a, const void *old, size_t old_size, size_t new_size);
char *arena_strndup(Arena *a, const char *s, size_t n);
char *arena_strdup(Arena *a, const char *s);
char *arena_printf(Arena *a, const char *fmt, ...) ANS_PRINTF(2, 3);
char *arena_vprintf(Arena *a, const char *fmt, va_list ap);

/* A growable array in an arena (cproc's struct array): VEC(Gate) gates; vec_push(a, &gates, g). */
#define VEC(T)                                                                                \
    struct {                                                                                  \
        T *data;                                                                              \
        size_t len, cap;                                                                      \
    }
void vec_reserve_(Arena *a, void **data, size_t *cap, size_t need, size_t elem);
#define vec_push(arena, v, x)                                                                 \
    (vec_reserve_((arena), (void **)&(v)->data, &(v)->cap, (v)->len + 1, sizeof *(v)->data),  \
     (v)->data[(v)->len++] = (x))

/* ---- strbuf.c ----------------------------------------------------------------- */

typedef struct StrBuf {
    char *data;
    size_t len, cap;
} StrBuf;

void sb_putc(StrBuf *sb, char c);
void sb_puts(StrBuf *sb, const char *s);
void sb_putn(StrBuf *sb, const char *s, size_t n);
void sb_printf(StrBuf *sb, const char *fmt, ...) ANS_PRINTF(2, 3);
void sb_free(StrBuf *sb);
/* Shortest "%.*g" that reads back as the same double (always with a '.', 'e' or "inf"). */
void sb_put_double(StrBuf *sb, double v);

/* ---- source.c ----------------------------------------------------------------- */

/* A half-open byte range [start, end) in one source text. */
typedef struct Span {
    uint32_t start, end;
} Span;

typedef struct Source {
    const char *name; /* as given on the command line */
    const char *text; /* NUL-terminated copy; may contain other NULs */
    uint32_t len;
    uint32_t *line_starts; /* byte offset of each line's first byte */
    uint32_t nlines;
} Source;

#define ANS_MAX_SOURCE_BYTES (16u << 20)

/* Copies text into the arena and indexes its lines. */
Source *source_new(Arena *a, const char *name, const char *text, size_t len);
/* 1-based line; column is 1-based in bytes (what editors that speak gcc's format expect). */
void source_position(const Source *s, uint32_t offset, uint32_t *line, uint32_t *column);
/* The line containing offset, without its newline. */
const char *source_line(const Source *s, uint32_t line, uint32_t *length);

/* ---- diag.c ------------------------------------------------------------------- */

#include "diag_codes.h"

typedef enum {
#define DIAG_ENUM(id, sev, title) DIAG_##id,
    DIAG_CODES(DIAG_ENUM)
#undef DIAG_ENUM
        DIAG__COUNT
} DiagCode;

typedef enum { SEV_ERROR, SEV_WARNING, SEV_NOTE } Severity;

typedef struct DiagNote {
    const Source *src; /* NULL: no position */
    Span span;
    const char *message;
} DiagNote;

#define DIAG_MAX_NOTES 4

typedef struct Diag {
    DiagCode code;
    Severity severity;
    const Source *src; /* NULL: no position (e.g. an unreadable file) */
    const char *file;  /* name to print when src is NULL */
    Span span;
    const char *message;
    DiagNote notes[DIAG_MAX_NOTES];
    int nnotes;
} Diag;

typedef struct DiagSink {
    Arena *arena;
    VEC(Diag) items;
    size_t errors, warnings;
    uint64_t *seen; /* keys of (code, place) reported so far */
    size_t seen_len, seen_cap;
} DiagSink;

typedef enum { DIAG_FORMAT_TEXT, DIAG_FORMAT_JSON, DIAG_FORMAT_SARIF } DiagFormat;

void diag_init(DiagSink *sink, Arena *a);
/* Report a diagnostic with the code's own severity. The returned pointer stays valid only
 * until the next report (use it to add notes at once). An identical code at an identical
 * place is reported once (loops would otherwise repeat it); then NULL is returned. */
Diag *diag_report(DiagSink *sink, DiagCode code, const Source *src, Span span, const char *fmt, ...)
    ANS_PRINTF(5, 6);
Diag *diag_vreport(DiagSink *sink, DiagCode code, const Source *src, Span span, const char *fmt,
                   va_list ap);
/* A diagnostic about a whole file, with no position. */
Diag *diag_report_file(DiagSink *sink, DiagCode code, const char *file, const char *fmt, ...)
    ANS_PRINTF(4, 5);
void diag_note(DiagSink *sink, Diag *d, const Source *src, Span span, const char *fmt, ...)
    ANS_PRINTF(5, 6);

const char *diag_code_name(DiagCode code); /* "E012" */
const char *diag_code_title(DiagCode code);
Severity diag_code_severity(DiagCode code);
/* Code by its name ("E012"), or DIAG__COUNT. */
DiagCode diag_code_lookup(const char *name);

/* The one renderer. text: file:line:col: error[CODE]: message, the source line, caret and
 * tildes, then notes; color adds ANSI colors. json and sarif write one document for the
 * whole sink. */
void diag_render(FILE *out, const DiagSink *sink, DiagFormat format, bool color);
/* The diagnostics as a jansson array (the "diagnostics" of the JSON formats), for reports
 * that embed them; the caller owns the reference. */
struct json_t;
struct json_t *diag_json_list(const DiagSink *sink);

/* ---- real.c ------------------------------------------------------------------- */

/* A real number: value always; when den != 0 it is exactly num/den (den > 0, reduced). */
typedef struct Real {
    double value;
    int64_t num, den;
} Real;

Real real_int(int64_t v);
Real real_rational(int64_t num, int64_t den); /* den != 0 */
Real real_approx(double v);                   /* not exact */
/* A decimal literal ("0.5", "1e-3", "2."), exact when the rational fits in 64 bits. */
Real real_parse(const char *text, size_t len);
Real real_add(Real a, Real b);
Real real_sub(Real a, Real b);
Real real_mul(Real a, Real b);
Real real_div(Real a, Real b); /* b != 0 */
Real real_neg(Real a);
bool real_is_zero(Real a);
bool real_is_exact(Real a);
bool real_eq(Real a, Real b); /* exactly equal when both exact, else equal values */
/* "3", "-1/4", or the shortest round-trip double when inexact. */
void sb_put_real(StrBuf *sb, Real r);

/* ---- pauli.c ------------------------------------------------------------------ */

/*
 * A Pauli string on n qubits is the pair of bit vectors (x, z), each `words` uint64_t
 * long, with the Hermitian convention P = i^{x·z} X^x Z^z (so x=z=1 is Y). Strings are
 * stored as 2·words consecutive words: x first, then z.
 */
static inline uint32_t pauli_words(uint32_t nqubits) { return (nqubits + 63u) / 64u; }

static inline int pauli_get(const uint64_t *s, uint32_t words, uint32_t q)
{
    int x = (int)((s[q / 64] >> (q % 64)) & 1u);
    int z = (int)((s[words + q / 64] >> (q % 64)) & 1u);
    return x | (z << 1); /* 0 = I, 1 = X, 2 = Z, 3 = Y */
}
void pauli_set(uint64_t *s, uint32_t words, uint32_t q, char factor); /* 'I','X','Y','Z' */
char pauli_factor(const uint64_t *s, uint32_t words, uint32_t q);
bool pauli_is_identity(const uint64_t *s, uint32_t words);
bool pauli_equal(const uint64_t *a, const uint64_t *b, uint32_t words);
bool pauli_commutes(const uint64_t *a, const uint64_t *b, uint32_t words);
/* True when a and b act on no common qubit. */
bool pauli_disjoint(const uint64_t *a, const uint64_t *b, uint32_t words);
uint32_t pauli_weight(const uint64_t *s, uint32_t words);
/* out = the string of a·b; returns k with a·b = i^k · out. out may alias neither input. */
unsigned pauli_product(const uint64_t *a, const uint64_t *b, uint64_t *out, uint32_t words);
uint64_t pauli_hash(const uint64_t *s, uint32_t words);
/* Sparse form: "X0 Z3", "I". */
void sb_put_pauli(StrBuf *sb, const uint64_t *s, uint32_t words, uint32_t nqubits);
/* Parse the sparse form into s (zeroed first). Returns false on a malformed string, a qubit
 * out of range, or a qubit named twice. */
bool pauli_parse(const char *text, uint64_t *s, uint32_t words, uint32_t nqubits);

/* A Pauli sum: terms in first-insertion order, merged by string through a hash index. */
typedef struct PauliSum {
    uint32_t nqubits, words;
    uint32_t len, cap;
    uint64_t *strings; /* len × 2·words */
    Real *coef;
    uint32_t *index; /* open addressing: term+1, 0 empty; NULL while len is small */
    uint32_t index_cap;
} PauliSum;

static inline uint64_t *psum_string(const PauliSum *s, uint32_t i)
{
    return s->strings + (size_t)i * 2u * s->words;
}
PauliSum *psum_new(Arena *a, uint32_t nqubits);
/* Adds c·P (P given as 2·words words), merging with an equal string. */
void psum_add(Arena *a, PauliSum *s, const uint64_t *p, Real c);
void psum_add_sum(Arena *a, PauliSum *dst, const PauliSum *src, Real scale);
PauliSum *psum_copy(Arena *a, const PauliSum *s);
void psum_scale(PauliSum *s, Real c);
/* Removes terms whose coefficient is zero. */
void psum_compact(Arena *a, PauliSum *s);
/* The coefficient of the string p in s; false when p is not a term. */
bool psum_lookup(const PauliSum *s, const uint64_t *p, Real *c);
/* A copy without the identity term and without zero terms. */
PauliSum *psum_without_identity(Arena *a, const PauliSum *s);
bool psum_is_zero(const PauliSum *s);
/* a·b for sums whose terms act on disjoint qubits pairwise (then every product is a
 * Hermitian string with phase 1). Returns NULL and sets *clash to a shared qubit otherwise. */
PauliSum *psum_mul_disjoint(Arena *a, const PauliSum *x, const PauliSum *y, uint32_t *clash);
/* Union of the qubits the terms act on, as an ascending list; returns its length. */
uint32_t psum_support(const PauliSum *s, uint32_t *qubits);
/* "Z0 Z1 + 1/2 X0 - 1/4 I"; "0" for the empty sum. */
void sb_put_psum(StrBuf *sb, const PauliSum *s);

#endif
