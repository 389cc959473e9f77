/*
 * vectors.c — the simulator's input files: parameter and input vectors, batches of
 * samples, and state values.
 *
 * Every file is read whole, then walked line by line ('#' starts a comment that runs to the
 * end of its line; blank lines are skipped) and token by token (tokens are separated by
 * spaces, tabs and carriage returns, so CRLF files read the same). Numbers go through
 * strtod and must use the whole token and be finite: "1.2.3", "abc", "nan", "inf" and
 * "1e999" are rejected. The first fault is reported as FILE:LINE:COL (LINE alone when
 * a count is wrong and no single token is at fault) with what was expected, and the reader
 * returns 1, the simulator's exit status for bad input.
 *
 * State files name Pauli strings in the sparse form. Each name is parsed to its canonical
 * form (factors sorted by qubit), so "Z3 X0" matches the listed "X0 Z3"; entries are then
 * sorted, which finds duplicates, and every listed string is looked up by binary search,
 * so a state of 10^5 strings costs n log n, not n². A file in the listed order (as written
 * from --list-state-paulis) is matched line by line instead, in linear time.
 */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* ---- text, lines, tokens ------------------------------------------------------------ */

typedef struct VectorsText {
    const char *label;
    char *data;
    size_t size;
} VectorsText;

typedef struct VectorsLine {
    const char *text; /* comment stripped */
    size_t length;
    uint32_t number;
} VectorsLine;

typedef struct VectorsToken {
    const char *text;
    size_t length;
    uint32_t column;
} VectorsToken;

const char *ans_file_label(const char *path) { return strcmp(path, "-") == 0 ? "<stdin>" : path; }

static int vectors_load(VectorsText *text, const char *path, FILE *err)
{
    text->label = ans_file_label(path);
    text->data = NULL;
    text->size = 0;
    int from_stdin = strcmp(path, "-") == 0;
    FILE *f = from_stdin ? stdin : fopen(path, "rb");
    if (!f) {
        ans_report(err, text->label, 0, 0, "cannot open: %s", strerror(errno));
        return 1;
    }
    size_t capacity = 0;
    int status = 0;
    for (;;) {
        if (text->size + 4096 + 1 > capacity) {
            size_t grown = capacity ? capacity * 2 : 8192;
            char *p = realloc(text->data, grown);
            if (!p) {
                ans_report(err, text->label, 0, 0, "out of memory reading the file");
                status = 1;
                break;
            }
            text->data = p;
            capacity = grown;
        }
        size_t got = fread(text->data + text->size, 1, capacity - text->size - 1, f);
        text->size += got;
        if (got == 0) {
            if (ferror(f)) {
                ans_report(err, text->label, 0, 0, "cannot read: %s", strerror(errno));
                status = 1;
            }
            break;
        }
    }
    if (!from_stdin)
        fclose(f);
    if (status) {
        free(text->data);
        text->data = NULL;
        return status;
    }
    text->data[text->size] = '\0';
    return 0;
}

/* The next line after *at (1 while there is one), its comment cut off. */
static int vectors_next_line(const VectorsText *text, size_t *at, uint32_t *number,
                             VectorsLine *line)
{
    if (*at >= text->size)
        return 0;
    const char *start = text->data + *at;
    const char *newline = memchr(start, '\n', text->size - *at);
    size_t length = newline ? (size_t)(newline - start) : text->size - *at;
    *at += length + 1;
    const char *hash = memchr(start, '#', length);
    line->text = start;
    line->length = hash ? (size_t)(hash - start) : length;
    line->number = ++*number;
    return 1;
}

static int vectors_is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

/* The next token of line after *at (1 while there is one). */
static int vectors_next_token(const VectorsLine *line, size_t *at, VectorsToken *token)
{
    size_t i = *at;
    while (i < line->length && vectors_is_space(line->text[i]))
        i++;
    if (i == line->length)
        return 0;
    size_t start = i;
    while (i < line->length && !vectors_is_space(line->text[i]))
        i++;
    token->text = line->text + start;
    token->length = i - start;
    token->column = (uint32_t)start + 1;
    *at = i;
    return 1;
}

static uint32_t vectors_count_tokens(const VectorsLine *line)
{
    uint32_t n = 0;
    size_t at = 0;
    VectorsToken token;
    while (vectors_next_token(line, &at, &token))
        n++;
    return n;
}

/* ---- numbers ------------------------------------------------------------------------ */

/* Parse a finite real; otherwise report it (what: the value expected) and return 1. */
static int vectors_real(const VectorsText *text, const VectorsLine *line,
                        const VectorsToken *token, const char *what, double *value, FILE *err)
{
    char buffer[512];
    char shown[200];
    int malformed = token->length >= sizeof buffer;
    if (!malformed) {
        memcpy(buffer, token->text, token->length);
        buffer[token->length] = '\0';
        char *end;
        *value = strtod(buffer, &end);
        malformed = end != buffer + token->length || token->length == 0;
    }
    if (!malformed && isfinite(*value))
        return 0;
    ans_quote(shown, sizeof shown, token->text, token->length);
    if (malformed)
        ans_report(err, text->label, line->number, token->column,
                   "malformed number '%s' (expected %s)", shown, what);
    else
        ans_report(err, text->label, line->number, token->column,
                   "'%s' is not a finite number (expected %s)", shown, what);
    return 1;
}

/* ---- vectors -------------------------------------------------------------------------- */

int ans_read_reals(const char *path, const char *noun, double *values, uint32_t n, FILE *err)
{
    VectorsText text;
    if (vectors_load(&text, path, err))
        return 1;
    char what[64];
    snprintf(what, sizeof what, "%s %s value", strchr("aeiou", noun[0]) ? "an" : "a", noun);
    size_t at = 0;
    uint32_t number = 0, count = 0, last_line = 1, extra_line = 0, extra_column = 0;
    VectorsLine line;
    int status = 0;
    while (!status && vectors_next_line(&text, &at, &number, &line)) {
        size_t position = 0;
        VectorsToken token;
        while (vectors_next_token(&line, &position, &token)) {
            last_line = line.number;
            if (count < n) {
                if (vectors_real(&text, &line, &token, what, &values[count], err)) {
                    status = 1;
                    break;
                }
            } else if (!extra_line) {
                extra_line = line.number;
                extra_column = token.column;
            }
            count++;
        }
    }
    if (!status && count != n) {
        ans_report(err, text.label, extra_line ? extra_line : last_line, extra_column,
                   "expected %u %s%s, found %u", (unsigned)n, noun, n == 1 ? "" : "s",
                   (unsigned)count);
        status = 1;
    }
    free(text.data);
    return status;
}

static int vectors_rows_grow(AnsRows *rows, uint32_t *capacity)
{
    if (rows->count < *capacity)
        return 0;
    /* Doubling past 2^31 rows would wrap to 0, and realloc(p, 0) frees p: refuse instead
     * (out of memory long before, in practice). */
    if (*capacity > UINT32_MAX / 2)
        return 1;
    uint32_t grown = *capacity ? *capacity * 2 : 64;
    size_t width = rows->width ? rows->width : 1;
    if ((size_t)grown > SIZE_MAX / width / sizeof(double))
        return 1;
    double *values = realloc(rows->values, (size_t)grown * width * sizeof *values);
    if (values)
        rows->values = values;
    double *labels = realloc(rows->labels, (size_t)grown * sizeof *labels);
    if (labels)
        rows->labels = labels;
    uint32_t *lines = realloc(rows->lines, (size_t)grown * sizeof *lines);
    if (lines)
        rows->lines = lines;
    if (!values || !labels || !lines)
        return 1;
    *capacity = grown;
    return 0;
}

int ans_read_rows(const char *path, uint32_t width, AnsLabels labels, AnsRows *rows, FILE *err)
{
    *rows = (AnsRows){.width = width};
    VectorsText text;
    if (vectors_load(&text, path, err))
        return 1;
    size_t at = 0;
    uint32_t number = 0, capacity = 0;
    VectorsLine line;
    int status = 0;
    while (!status && vectors_next_line(&text, &at, &number, &line)) {
        uint32_t found = vectors_count_tokens(&line);
        if (found == 0)
            continue;
        int labelled = found == width + 1;
        if (!(labelled || (found == width && labels == ANS_LABELS_OPTIONAL))) {
            ans_report(err, text.label, line.number, 0, "expected %u input value%s%s, found %u",
                       (unsigned)width, width == 1 ? "" : "s",
                       labels == ANS_LABELS_REQUIRED ? " and a label"
                                                     : ", optionally followed by a label",
                       (unsigned)found);
            status = 1;
            break;
        }
        if (vectors_rows_grow(rows, &capacity)) {
            ans_report(err, text.label, line.number, 0, "out of memory");
            status = 1;
            break;
        }
        double *row = rows->values + (size_t)rows->count * width;
        size_t position = 0;
        VectorsToken token;
        for (uint32_t i = 0; i < found && !status; i++) {
            vectors_next_token(&line, &position, &token);
            double *slot = i < width ? &row[i] : &rows->labels[rows->count];
            status = vectors_real(&text, &line, &token, i < width ? "an input value" : "a label",
                                  slot, err);
        }
        if (!labelled)
            rows->labels[rows->count] = NAN;
        rows->lines[rows->count++] = line.number;
    }
    free(text.data);
    if (status)
        ans_rows_free(rows);
    return status;
}

void ans_rows_free(AnsRows *rows)
{
    free(rows->values);
    free(rows->labels);
    free(rows->lines);
    *rows = (AnsRows){.width = rows->width};
}

/* ---- Pauli strings ----------------------------------------------------------------- */

static int vectors_compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

int ans_pauli_canonical(const char *text, size_t length, uint32_t nqubits, char *buffer,
                        size_t size, char *why, size_t why_size)
{
    VectorsLine line = {.text = text, .length = length, .number = 0};
    uint32_t n = vectors_count_tokens(&line);
    char shown[200];
    if (n == 0) {
        snprintf(why, why_size, "empty Pauli string");
        return 1;
    }
    /* One factor as qubit · 4 + letter, so sorting the keys sorts by qubit. */
    uint64_t *factors = malloc(n * sizeof *factors);
    if (!factors) {
        snprintf(why, why_size, "out of memory");
        return 1;
    }
    size_t position = 0;
    VectorsToken token;
    int status = 0;
    for (uint32_t i = 0; i < n && !status; i++) {
        vectors_next_token(&line, &position, &token);
        ans_quote(shown, sizeof shown, token.text, token.length);
        if (token.length == 1 && token.text[0] == 'I') {
            if (n == 1) {
                free(factors);
                if (size < 2) {
                    snprintf(why, why_size, "no room");
                    return 1;
                }
                memcpy(buffer, "I", 2);
                return 0;
            }
            snprintf(why, why_size, "'I' is the identity and stands alone");
            status = 1;
            break;
        }
        const char *letters = "XYZ";
        const char *letter = token.length ? memchr(letters, token.text[0], 3) : NULL;
        uint64_t qubit = 0;
        int digits = token.length >= 2 && token.length <= 11;
        for (size_t k = 1; digits && k < token.length; k++) {
            if (token.text[k] < '0' || token.text[k] > '9')
                digits = 0;
            else
                qubit = qubit * 10 + (uint64_t)(token.text[k] - '0');
        }
        if (!letter || !digits || qubit > UINT32_MAX) {
            snprintf(why, why_size,
                     "'%s' is not a Pauli factor (X, Y or Z followed by a qubit index)", shown);
            status = 1;
        } else if (nqubits && qubit >= nqubits) {
            snprintf(why, why_size, "qubit %llu in '%s' is out of range (%u qubits)",
                     (unsigned long long)qubit, shown, (unsigned)nqubits);
            status = 1;
        } else {
            factors[i] = qubit << 2 | (uint64_t)(letter - letters);
        }
    }
    if (!status) {
        qsort(factors, n, sizeof *factors, vectors_compare_u64);
        size_t at = 0;
        for (uint32_t i = 0; i < n && !status; i++) {
            unsigned long long qubit = factors[i] >> 2;
            if (i && qubit == factors[i - 1] >> 2) {
                snprintf(why, why_size, "qubit %llu appears twice", qubit);
                status = 1;
                break;
            }
            int wrote = snprintf(buffer + at, size - at, "%s%c%llu", i ? " " : "",
                                 "XYZ"[factors[i] & 3], qubit);
            if (wrote < 0 || (size_t)wrote >= size - at) {
                snprintf(why, why_size, "no room");
                status = 1;
            }
            at += (size_t)wrote;
        }
    }
    free(factors);
    return status;
}

/* ---- state ---------------------------------------------------------------------------- */

typedef struct StateEntry {
    char *key; /* canonical */
    uint32_t line;
    double value;
} StateEntry;

static int vectors_compare_entries(const void *a, const void *b)
{
    const StateEntry *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->line > y->line) - (x->line < y->line);
}

static int vectors_compare_keys(const void *a, const void *b)
{
    return strcmp(((const StateEntry *)a)->key, ((const StateEntry *)b)->key);
}

static void vectors_free_entries(StateEntry *entries, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(entries[i].key);
    free(entries);
}

/* One line "PAULI VALUE" into entry (key allocated); 1 after reporting a fault. */
static int vectors_state_line(const VectorsText *text, const VectorsLine *line, uint32_t nqubits,
                              StateEntry *entry, FILE *err)
{
    uint32_t n = vectors_count_tokens(line);
    size_t position = 0;
    VectorsToken first, token;
    vectors_next_token(line, &position, &first);
    if (n < 2) {
        ans_report(err, text->label, line->number, first.column,
                   "expected a Pauli string and its value Tr(rho P), as in 'X0 Z3 0.25'");
        return 1;
    }
    token = first;
    for (uint32_t i = 1; i < n - 1; i++)
        vectors_next_token(line, &position, &token);
    size_t pauli_length = (size_t)(token.text + token.length - first.text);
    VectorsToken value;
    vectors_next_token(line, &position, &value);
    char why[256];
    entry->key = malloc(pauli_length + 2);
    if (!entry->key) {
        ans_report(err, text->label, line->number, 0, "out of memory");
        return 1;
    }
    if (ans_pauli_canonical(first.text, pauli_length, nqubits, entry->key, pauli_length + 2, why,
                            sizeof why)) {
        ans_report(err, text->label, line->number, first.column, "%s", why);
        return 1;
    }
    entry->line = line->number;
    if (vectors_real(text, line, &value, "a value Tr(rho P) in [-1, 1]", &entry->value, err))
        return 1;
    /* Values come from other programs' arithmetic: allow rounding, not more. */
    const double slack = 1e-9;
    if (strcmp(entry->key, "I") == 0 && fabs(entry->value - 1) > slack) {
        ans_report(err, text->label, line->number, value.column,
                   "Tr(rho I) = Tr rho must be 1, found %.17g", entry->value);
        return 1;
    }
    if (fabs(entry->value) > 1 + slack) {
        ans_report(err, text->label, line->number, value.column,
                   "|Tr(rho P)| is at most 1 for a state, found %.17g for %s", entry->value,
                   entry->key);
        return 1;
    }
    return 0;
}

/* Read every line of the file into entries (not yet sorted). */
static int vectors_state_entries(const VectorsText *text, uint32_t nqubits, StateEntry **entries,
                                 size_t *count, FILE *err)
{
    size_t at = 0, capacity = 0;
    uint32_t number = 0;
    VectorsLine line;
    while (vectors_next_line(text, &at, &number, &line)) {
        if (vectors_count_tokens(&line) == 0)
            continue;
        if (*count == capacity) {
            capacity = capacity ? capacity * 2 : 64;
            StateEntry *grown = realloc(*entries, capacity * sizeof *grown);
            if (!grown) {
                ans_report(err, text->label, line.number, 0, "out of memory");
                return 1;
            }
            *entries = grown;
        }
        StateEntry *entry = &(*entries)[*count];
        *entry = (StateEntry){0};
        ++*count; /* counted now so that its key is freed whatever happens */
        if (vectors_state_line(text, &line, nqubits, entry, err))
            return 1;
    }
    return 0;
}

/* Sorted entries: report the earliest line that repeats an earlier string. */
static int vectors_state_duplicates(const VectorsText *text, const StateEntry *entries,
                                    size_t count, FILE *err)
{
    const StateEntry *repeat = NULL, *original = NULL;
    for (size_t i = 1; i < count; i++)
        if (strcmp(entries[i].key, entries[i - 1].key) == 0 &&
            (i < 2 || strcmp(entries[i - 1].key, entries[i - 2].key) != 0) &&
            (!repeat || entries[i].line < repeat->line)) {
            repeat = &entries[i];
            original = &entries[i - 1];
        }
    if (!repeat)
        return 0;
    ans_report(err, text->label, repeat->line, 0, "%s is given twice (first at line %u)",
               repeat->key, (unsigned)original->line);
    return 1;
}

/* The common case, a file written from --list-state-paulis: the entries are the listed
 * strings in the listed order (then there are no repeats, the listed ones being distinct).
 * Fills state and returns true; false leaves the general path to sort and search. */
static bool vectors_state_in_order(const StateEntry *entries, size_t count, const AnsSimInfo *info,
                                   double *state)
{
    if (count != info->nstate_paulis)
        return false;
    for (size_t i = 0; i < count; i++) {
        /* the compiler lists canonical strings, so the text itself is compared */
        if (strcmp(entries[i].key, info->state_paulis[i]) != 0)
            return false;
    }
    for (size_t i = 0; i < count; i++)
        state[i] = entries[i].value;
    return true;
}

int ans_read_state(const char *path, const AnsSimInfo *info, double *state, FILE *err)
{
    VectorsText text;
    if (vectors_load(&text, path, err))
        return 1;
    StateEntry *entries = NULL;
    size_t count = 0;
    int status = vectors_state_entries(&text, info->nqubits, &entries, &count, err);
    if (!status && vectors_state_in_order(entries, count, info, state)) {
        vectors_free_entries(entries, count);
        free(text.data);
        return 0;
    }
    /* A file without entries leaves entries NULL, which qsort and bsearch may not see even
     * for zero elements. */
    if (!status && count) {
        qsort(entries, count, sizeof *entries, vectors_compare_entries);
        status = vectors_state_duplicates(&text, entries, count, err);
    }
    uint32_t missing = 0, first_missing = 0;
    for (uint32_t i = 0; i < info->nstate_paulis && !status; i++) {
        const char *listed = info->state_paulis[i];
        size_t length = strlen(listed);
        char *key = malloc(length + 2);
        char why[256];
        if (!key) {
            ans_report(err, text.label, 0, 0, "out of memory");
            status = 1;
            break;
        }
        /* The compiler lists canonical strings; fall back to the text if one is not. */
        if (ans_pauli_canonical(listed, length, 0, key, length + 2, why, sizeof why))
            memcpy(key, listed, length + 1);
        StateEntry probe = {.key = key};
        const StateEntry *found = count ? bsearch(&probe, entries, count, sizeof *entries,
                                                  vectors_compare_keys)
                                        : NULL;
        free(key);
        if (found)
            state[i] = found->value;
        else if (missing++ == 0)
            first_missing = i;
    }
    if (!status && missing) {
        if (missing == 1)
            ans_report(err, text.label, 0, 0, "no value for %s (--list-state-paulis lists the "
                       "strings the state must give)",
                       info->state_paulis[first_missing]);
        else
            ans_report(err, text.label, 0, 0, "no value for %s, nor for %u more of the %u "
                       "strings --list-state-paulis lists",
                       info->state_paulis[first_missing], (unsigned)(missing - 1),
                       (unsigned)info->nstate_paulis);
        status = 1;
    }
    vectors_free_entries(entries, count);
    free(text.data);
    return status;
}
