/*
 * test_mutation.c — deterministic mutation testing of the whole front end.
 *
 * The fuzzer (tests/fuzz/) explores for as long as it is given, but it needs clang and
 * finds different things on different days. This test is its fixed, repeatable half, in
 * the normal suite: every examples/NAME.ans (plus two sources built in here, so the test has
 * seeds even in a tree without examples) is mutated by a seeded xorshift generator into
 * several hundred mutants, and each mutant runs through parse, check and elaborate with
 * its diagnostics rendered as text, JSON and SARIF to /dev/null.
 *
 * A mutant may be right or wrong; what is asserted is the front end's contract on any
 * input: no crash (the ASan/UBSan build of the suite turns memory errors into crashes),
 * `ok` exactly when the sink counts no errors, a circuit whenever `ok`, and every
 * diagnostic and note with a source has a span inside that source. One Criterion test per
 * mutation operator (the MUTATIONS X-macro) keeps each under its own timeout, so a hang
 * fails with the operator's name.
 *
 * The mutants depend only on the seed and the bytes of the examples; to look at them,
 * set ANSC_MUTANT_DUMP=DIR and each is written there before it runs (a crash leaves the
 * culprit as the newest file). The targeted tests at the end pin down the limits: a
 * runaway loop ends with E071 (or E073, when the circuit's memory runs out first), a huge
 * size with E070, deep nesting with E005, deep gate inlining with E072.
 */
#include <criterion/criterion.h>

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis/analysis.h"
#include "frontend/frontend.h"
#include "testing.h"

#ifndef ANSC_SOURCE_DIR
#error "tests/CMakeLists.txt defines ANSC_SOURCE_DIR"
#endif

/* At least this many mutants over all seeds and operators together. */
enum { MUTANTS_TOTAL = 720, MUTANTS_MIN_PER_SEED = 6, MAX_SEEDS = 256 };

/* Seconds before a test counts as hung. One value for every test in the file: Criterion
 * 2.4 (BoxFort) leaks a timer entry when tests with different timeouts overlap, and the
 * ASan suite fails on any leak report. */
#define TEST_TIMEOUT 120

/* ---- sources ---------------------------------------------------------------------- */

typedef struct Seed {
    char *name;
    char *text;
    size_t len;
} Seed;

typedef struct SeedSet {
    Seed seeds[MAX_SEEDS];
    size_t len;
} SeedSet;

static const char builtin_tfim[] =
    "// Hamiltonian variational ansatz for the transverse-field Ising chain.\n"
    "ansatz tfim_hva(n = 8, layers = 3);\n"
    "\n"
    "qubit[n] q;\n"
    "param gamma[layers], beta[layers];\n"
    "state |+>;\n"
    "\n"
    "for l in [0:layers-1] {\n"
    "    evolve(gamma[l]) sum(i in [0:n-2]) Z(q[i]) * Z(q[i+1]);\n"
    "    evolve(beta[l])  sum(i in [0:n-1]) X(q[i]);\n"
    "}\n"
    "\n"
    "observe energy = -sum(i in [0:n-2]) Z(q[i]) * Z(q[i+1]) - sum(i in [0:n-1]) X(q[i]);\n"
    "expect dla.dim == n * n;\n";

static const char builtin_qcnn[] =
    "/* A small convolutional ansatz: gates, pooling by discard, if/else, lets. */\n"
    "ansatz qcnn_small(n = 8, depth = log2(n));\n"
    "qubit[n] q;\n"
    "param c[depth][2], p[depth];\n"
    "input x[n];\n"
    "gate conv(a, b) u, v { rzz(a) u, v; ry(b) u; ry(-b) v; }\n"
    "gate pool(t) u, v { crz(t) u, v; }\n"
    "for i in [0:n-1] { ry(x[i] + pi/2) q[i]; }\n"
    "evolve(x[0]) 0.5 * Z(q[0]) * X(q[n/2 - 1]) + Y(q[1]) / 2;\n"
    "let stride = 1;\n"
    "for d in [0:depth-1] {\n"
    "    let s = 2 ** d;\n"
    "    for i in [0:2*s:n-1-s] { conv(c[d][0], 0.5 * c[d][1]) q[i], q[i+s]; }\n"
    "    for i in [0:2*s:n-1-s] { pool(p[d]) q[i+s], q[i]; discard q[i+s]; }\n"
    "    if (d % 2 == 0) { barrier q; } else { h q[0]; }\n"
    "}\n"
    "observe Z(q[0]);\n"
    "observe zz = 0.5 * Z(q[0]) - 2*I;\n"
    "expect !barren_plateau;\n";

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    StrBuf sb = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        sb_putn(&sb, chunk, n);
    fclose(f);
    *len = sb.len;
    if (!sb.data)
        sb_putc(&sb, '\0');
    return sb.data;
}

static void seeds_add(SeedSet *set, const char *name, char *text, size_t len)
{
    cr_assert(set->len < MAX_SEEDS, "more than %d seeds", MAX_SEEDS);
    set->seeds[set->len].name = strdup(name);
    set->seeds[set->len].text = text;
    set->seeds[set->len].len = len;
    set->len++;
}

static int seed_compare(const void *a, const void *b)
{
    return strcmp(((const Seed *)a)->name, ((const Seed *)b)->name);
}

/* The built-in sources, then the examples' .ans files in name order (readdir's order is not fixed). */
static void seeds_load(SeedSet *set)
{
    set->len = 0;
    seeds_add(set, "builtin:tfim", strdup(builtin_tfim), sizeof builtin_tfim - 1);
    seeds_add(set, "builtin:qcnn", strdup(builtin_qcnn), sizeof builtin_qcnn - 1);
    size_t first = set->len;
    DIR *dir = opendir(ANSC_SOURCE_DIR "/examples");
    if (!dir)
        return;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".ans") != 0)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/examples/%s", ANSC_SOURCE_DIR, e->d_name);
        size_t len = 0;
        char *text = read_file(path, &len);
        cr_assert(text != NULL, "cannot read %s", path);
        seeds_add(set, e->d_name, text, len);
    }
    closedir(dir);
    qsort(set->seeds + first, set->len - first, sizeof *set->seeds, seed_compare);
}

static void seeds_free(SeedSet *set)
{
    for (size_t i = 0; i < set->len; i++) {
        free(set->seeds[i].name);
        free(set->seeds[i].text);
    }
    set->len = 0;
}

/* ---- running the front end ---------------------------------------------------------- */

typedef struct Run {
    Arena arena;
    DiagSink sink;
    const Source *src;
    FrontendResult result;
} Run;

static void check_span(const Source *src, Span span, const char *what, const char *who)
{
    if (!src)
        return;
    cr_assert(span.start <= span.end && span.end <= src->len,
              "%s: %s span [%u, %u) outside the source (%u bytes)", who, what, span.start,
              span.end, src->len);
}

/* Runs the front end to elaboration on text (and the analysis on what elaborates), renders
 * the sink to null_out in every format and checks the contract. `who` names the input in failure messages. */
static void run_source(Run *run, const char *text, size_t len, Define *defines,
                       size_t ndefines, FILE *null_out, const char *who)
{
    arena_init(&run->arena);
    diag_init(&run->sink, &run->arena);
    run->src = source_new(&run->arena, "mutant.ans", text, len);
    run->result =
        frontend_run(&run->arena, &run->sink, run->src, defines, ndefines, STAGE_ELABORATE);

    const DiagSink *sink = &run->sink;
    cr_assert(run->result.ok == (sink->errors == 0), "%s: ok is %d but the sink has %zu errors",
              who, run->result.ok, sink->errors);
    cr_assert(!run->result.ok || run->result.circuit != NULL, "%s: ok without a circuit", who);
    if (run->result.ok) { /* what `ansc check` does next, with small budgets */
        AnalysisOptions options = {.max_dim = 1u << 10, .max_work = (uint64_t)1 << 18};
        Analysis *an = analyze_circuit(&run->arena, &run->sink, run->result.circuit, &options);
        analysis_conclude(&run->arena, &run->sink, an, NULL);
        StrBuf sb = {0};
        analysis_report_json(&sb, an, &run->sink);
        sb_free(&sb);
        analysis_free(an);
    }
    size_t errors = 0;
    for (size_t i = 0; i < sink->items.len; i++) {
        const Diag *d = &sink->items.data[i];
        cr_assert(d->code < DIAG__COUNT && d->message != NULL, "%s: malformed diagnostic", who);
        errors += d->severity == SEV_ERROR;
        check_span(d->src, d->span, diag_code_name(d->code), who);
        for (int k = 0; k < d->nnotes; k++)
            check_span(d->notes[k].src, d->notes[k].span, "note", who);
    }
    cr_assert(errors <= sink->errors, "%s: the sink lists more errors than it counts", who);

    diag_render(null_out, sink, DIAG_FORMAT_TEXT, false);
    diag_render(null_out, sink, DIAG_FORMAT_TEXT, true);
    diag_render(null_out, sink, DIAG_FORMAT_JSON, false);
    diag_render(null_out, sink, DIAG_FORMAT_SARIF, false);
}

static void run_free(Run *run) { arena_free(&run->arena); }

static bool run_has_code(const Run *run, const char *code)
{
    DiagCode want = diag_code_lookup(code);
    cr_assert(want != DIAG__COUNT, "no diagnostic code %s", code);
    for (size_t i = 0; i < run->sink.items.len; i++)
        if (run->sink.items.data[i].code == want)
            return true;
    return false;
}

static char *run_codes(const Run *run, char *buf, size_t size)
{
    size_t at = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < run->sink.items.len && at + 6 < size; i++)
        at += (size_t)snprintf(buf + at, size - at, " %s",
                               diag_code_name(run->sink.items.data[i].code));
    return buf;
}

static FILE *open_null(void)
{
    FILE *f = fopen("/dev/null", "w");
    cr_assert(f != NULL, "cannot open /dev/null");
    return f;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0->tv_nsec);
}

/* ---- mutations ---------------------------------------------------------------------- */

static const char *const dictionary[] = {
    "(", ")", "{", "}", "[", "]", ";", ",", ":", "=", "for", "gate", "sum(", "**", "|+>",
    "|01+->", "|2>", "-D", "99999999999999999999", "1e999", "/*", "*/", "//", "q[100000]",
    "theta[0]*theta[1]", "ansatz", "qubit", "param", "input", "state", "let", "evolve",
    "discard", "observe", "expect", "barrier", "if", "else", "in", "X(q[0])", "I", "pi",
    "tau", "-", "/", "%", "0", "-1", "9223372036854775807", "-9223372036854775808",
    "2**63", "log2(", "min(", "abs(", "0.5", ".5", "2.", "1e-3", "12abc", "dla.dim", "!",
    "&&", "||", "==", "<=", "n", "q", "u(", "ccx", "evolve(0)", "\n", "'", "\"", "\\",
};

static const char *const odd_bytes[] = {
    "\x00", "\xFF", "\x80", "\xC3", "\xA9", "\xC3\xA9", "\xE2\x82", "\xE2\x82\xAC",
    "\xF0\x9F\x98", "\xF0\x9F\x98\x80", "\xED\xA0\x80", "\xC0\xAF", "\xEF\xBB\xBF", "\r",
    "\t", "\v", "\f", "\x1B[31m", "\x7F",
};

/* A mutant is built in a StrBuf (malloc'd, freed by the caller). */
typedef struct Text {
    const char *data;
    size_t len;
} Text;

static void put_span(StrBuf *out, Text t, size_t from, size_t to)
{
    if (to > from)
        sb_putn(out, t.data + from, to - from);
}

/* out = t with `ins` (n bytes) inserted at position at. */
static void insert_at(StrBuf *out, Text t, size_t at, const char *ins, size_t n)
{
    put_span(out, t, 0, at);
    sb_putn(out, ins, n);
    put_span(out, t, at, t.len);
}

static void mutate_flip(StrBuf *out, Text t, uint64_t *rng)
{
    put_span(out, t, 0, t.len);
    size_t flips = 1 + test_xorshift_below(rng, 8);
    for (size_t i = 0; i < flips && out->len > 0; i++) {
        size_t at = test_xorshift_below(rng, out->len);
        if (test_xorshift_below(rng, 3) == 0)
            out->data[at] = (char)test_xorshift_next(rng);
        else
            out->data[at] = (char)(out->data[at] ^ (1u << test_xorshift_below(rng, 8)));
    }
}

static void mutate_insert_bytes(StrBuf *out, Text t, uint64_t *rng)
{
    StrBuf ins = {0};
    size_t n = 1 + test_xorshift_below(rng, 4);
    for (size_t i = 0; i < n; i++) {
        if (test_xorshift_below(rng, 4) == 0) {
            sb_putc(&ins, (char)test_xorshift_next(rng));
        } else {
            size_t k = test_xorshift_below(rng, sizeof odd_bytes / sizeof *odd_bytes);
            /* "\x00" has strlen 0: write its one byte explicitly */
            if (k == 0)
                sb_putc(&ins, '\0');
            else
                sb_puts(&ins, odd_bytes[k]);
        }
    }
    insert_at(out, t, test_xorshift_below(rng, t.len + 1), ins.data, ins.len);
    sb_free(&ins);
}

static void mutate_delete(StrBuf *out, Text t, uint64_t *rng)
{
    size_t at = test_xorshift_below(rng, t.len + 1);
    size_t max = test_xorshift_below(rng, 4) == 0 ? t.len / 2 + 1 : 64;
    size_t end = at + 1 + test_xorshift_below(rng, max);
    if (end > t.len)
        end = t.len;
    put_span(out, t, 0, at);
    put_span(out, t, end, t.len);
}

static void mutate_duplicate(StrBuf *out, Text t, uint64_t *rng)
{
    size_t from = test_xorshift_below(rng, t.len + 1);
    size_t to = from + 1 + test_xorshift_below(rng, 80);
    if (to > t.len)
        to = t.len;
    size_t at = test_xorshift_below(rng, 2) ? to : test_xorshift_below(rng, t.len + 1);
    size_t copies = test_xorshift_below(rng, 4) == 0 ? 1 + test_xorshift_below(rng, 50) : 1;
    put_span(out, t, 0, at);
    for (size_t i = 0; i < copies; i++)
        put_span(out, t, from, to);
    put_span(out, t, at, t.len);
}

/* Swaps two whole lines (or moves a line to the end when the text has one line). */
static void mutate_swap_lines(StrBuf *out, Text t, uint64_t *rng)
{
    size_t starts[4096], nlines = 0;
    starts[nlines++] = 0;
    for (size_t i = 0; i < t.len && nlines < 4095; i++)
        if (t.data[i] == '\n')
            starts[nlines++] = i + 1;
    starts[nlines] = t.len;
    size_t a = test_xorshift_below(rng, nlines), b = test_xorshift_below(rng, nlines);
    if (a > b) {
        size_t s = a;
        a = b;
        b = s;
    }
    if (a == b) {
        put_span(out, t, 0, t.len);
        return;
    }
    put_span(out, t, 0, starts[a]);
    put_span(out, t, starts[b], starts[b + 1]);
    put_span(out, t, starts[a + 1], starts[b]);
    put_span(out, t, starts[a], starts[a + 1]);
    put_span(out, t, starts[b + 1], t.len);
}

static void mutate_truncate(StrBuf *out, Text t, uint64_t *rng)
{
    put_span(out, t, 0, test_xorshift_below(rng, t.len + 1));
}

static void mutate_token(StrBuf *out, Text t, uint64_t *rng)
{
    StrBuf ins = {0};
    size_t n = 1 + test_xorshift_below(rng, 3);
    for (size_t i = 0; i < n; i++) {
        if (test_xorshift_below(rng, 2))
            sb_putc(&ins, ' ');
        sb_puts(&ins, dictionary[test_xorshift_below(rng, sizeof dictionary / sizeof *dictionary)]);
    }
    /* Replace a short span as often as inserting: `n - 2` becomes `n - 99999999999999999999`. */
    size_t at = test_xorshift_below(rng, t.len + 1);
    size_t cut = test_xorshift_below(rng, 2) ? 0 : test_xorshift_below(rng, 8);
    if (at + cut > t.len)
        cut = t.len - at;
    put_span(out, t, 0, at);
    sb_putn(out, ins.data, ins.len);
    put_span(out, t, at + cut, t.len);
    sb_free(&ins);
}

/* Deep nesting, balanced or not, at a random place or in a well-formed program. */
static void mutate_nesting(StrBuf *out, Text t, uint64_t *rng)
{
    static const char *const openers[] = {"(", "{", "[", "-", "!", "+", "sum(i in [0:1]) ",
                                          "for i in [0:1000000000] { "};
    static const char *const closers[] = {")", "}", "]", "", "", "", "", "}"};
    size_t kind = test_xorshift_below(rng, sizeof openers / sizeof *openers);
    size_t depth = test_xorshift_below(rng, 2) ? 5000 : 1 + test_xorshift_below(rng, 3000);
    StrBuf ins = {0};
    bool balanced = test_xorshift_below(rng, 2);
    bool in_program = test_xorshift_below(rng, 2);
    if (in_program)
        sb_puts(&ins, kind == 7 ? "\n" : "\nobserve evolve_me = ");
    for (size_t i = 0; i < depth; i++)
        sb_puts(&ins, openers[kind]);
    if (in_program)
        sb_puts(&ins, kind == 7 ? "x q[0];" : kind == 6 ? "Z(q[i])" : "Z(q[0])");
    if (balanced)
        for (size_t i = 0; i < depth; i++)
            sb_puts(&ins, closers[kind]);
    if (in_program && kind != 7)
        sb_putc(&ins, ';');
    /* In a program: at the end, where a statement may stand; else anywhere. */
    insert_at(out, t, in_program ? t.len : test_xorshift_below(rng, t.len + 1), ins.data, ins.len);
    sb_free(&ins);
}

static void mutate_havoc(StrBuf *out, Text t, uint64_t *rng);

/* MUTATION(id, name, function) */
#define MUTATIONS(M)                                                                          \
    M(FLIP, flip_bytes, mutate_flip)                                                          \
    M(INSERT_BYTES, insert_bytes, mutate_insert_bytes)                                        \
    M(DELETE, delete_span, mutate_delete)                                                     \
    M(DUPLICATE, duplicate_span, mutate_duplicate)                                            \
    M(SWAP_LINES, swap_lines, mutate_swap_lines)                                              \
    M(TRUNCATE, truncate, mutate_truncate)                                                    \
    M(TOKEN, insert_tokens, mutate_token)                                                     \
    M(NESTING, deep_nesting, mutate_nesting)                                                  \
    M(HAVOC, havoc, mutate_havoc)

typedef enum {
#define MUTATION_ENUM(id, name, fn) MUT_##id,
    MUTATIONS(MUTATION_ENUM)
#undef MUTATION_ENUM
        MUT__COUNT
} Mutation;

typedef void (*MutateFn)(StrBuf *out, Text t, uint64_t *rng);

static const struct {
    const char *name;
    MutateFn fn;
} mutations[] = {
#define MUTATION_ROW(id, name, fn) {#name, fn},
    MUTATIONS(MUTATION_ROW)
#undef MUTATION_ROW
};

/* Two to six of the small mutations stacked (libFuzzer's "havoc"); no nesting, which
 * would make every mutant a nesting one. */
static void mutate_havoc(StrBuf *out, Text t, uint64_t *rng)
{
    StrBuf cur = {0};
    put_span(&cur, t, 0, t.len);
    size_t steps = 2 + test_xorshift_below(rng, 5);
    for (size_t i = 0; i < steps; i++) {
        StrBuf next = {0};
        Mutation m = (Mutation)test_xorshift_below(rng, MUT_NESTING);
        mutations[m].fn(&next, (Text){cur.data ? cur.data : "", cur.len}, rng);
        sb_free(&cur);
        cur = next;
    }
    put_span(out, (Text){cur.data ? cur.data : "", cur.len}, 0, cur.len);
    sb_free(&cur);
}

static void dump_mutant(const char *dir, Mutation m, const char *seed, size_t k, const StrBuf *sb)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s-%s-%03zu.ans", dir, mutations[m].name, seed, k);
    for (char *p = path + strlen(dir) + 1; *p; p++)
        if (*p == ':' || *p == '/')
            *p = '_';
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(sb->data ? sb->data : "", 1, sb->len, f);
        fclose(f);
    }
}

/* Every seed, `per_seed` mutants each by operator m; returns the count run. */
static size_t mutate_all(Mutation m)
{
    SeedSet *set = calloc(1, sizeof *set);
    cr_assert(set != NULL);
    seeds_load(set);
    size_t per_seed = (MUTANTS_TOTAL + MUT__COUNT * set->len - 1) / (MUT__COUNT * set->len);
    if (per_seed < MUTANTS_MIN_PER_SEED)
        per_seed = MUTANTS_MIN_PER_SEED;
    const char *dump_dir = getenv("ANSC_MUTANT_DUMP");
    FILE *null_out = open_null();
    size_t count = 0, accepted = 0;
    for (size_t s = 0; s < set->len; s++) {
        const Seed *seed = &set->seeds[s];
        for (size_t k = 0; k < per_seed; k++) {
            /* Seeded by operator, seed index and mutant index only: fixed across runs. */
            uint64_t rng = 0x9E3779B97F4A7C15ull ^ ((uint64_t)m << 48) ^ ((uint64_t)s << 24) ^
                           (uint64_t)(k + 1);
            for (int warm = 0; warm < 4; warm++)
                test_xorshift_next(&rng);
            StrBuf mutant = {0};
            mutations[m].fn(&mutant, (Text){seed->text, seed->len}, &rng);
            if (dump_dir)
                dump_mutant(dump_dir, m, seed->name, k, &mutant);
            char who[512];
            snprintf(who, sizeof who, "mutant %s #%zu of %s", mutations[m].name, k, seed->name);
            Run run;
            run_source(&run, mutant.data ? mutant.data : "", mutant.len, NULL, 0, null_out, who);
            accepted += run.result.ok;
            run_free(&run);
            sb_free(&mutant);
            count++;
        }
    }
    cr_log_info("%s: %zu mutants of %zu sources, %zu accepted", mutations[m].name, count,
                set->len, accepted);
    fclose(null_out);
    seeds_free(set);
    free(set);
    return count;
}

#define MUTATION_TEST(id, name, fn)                                                           \
    Test(mutation, name, .timeout = TEST_TIMEOUT)                                                      \
    {                                                                                         \
        size_t n = mutate_all(MUT_##id);                                                      \
        cr_assert(n * MUT__COUNT >= 500, "only %zu mutants per operator", n);                 \
    }
MUTATIONS(MUTATION_TEST)
#undef MUTATION_TEST

/* The examples themselves go through cleanly (they are the seeds' baseline). */
Test(mutation, seeds_are_valid, .timeout = TEST_TIMEOUT)
{
    SeedSet *set = calloc(1, sizeof *set);
    cr_assert(set != NULL);
    seeds_load(set);
    FILE *null_out = open_null();
    for (size_t s = 0; s < set->len; s++) {
        Run run;
        run_source(&run, set->seeds[s].text, set->seeds[s].len, NULL, 0, null_out,
                   set->seeds[s].name);
        char codes[512];
        cr_expect(run.result.ok, "%s does not elaborate:%s", set->seeds[s].name,
                  run_codes(&run, codes, sizeof codes));
        run_free(&run);
    }
    fclose(null_out);
    seeds_free(set);
    free(set);
}

/* ---- targeted inputs ---------------------------------------------------------------- */

/* Runs text (NUL-terminated) and checks the contract; the caller frees the run. */
static void run_text(Run *run, const char *text, Define *defines, size_t ndefines,
                     const char *who)
{
    FILE *null_out = open_null();
    run_source(run, text, strlen(text), defines, ndefines, null_out, who);
    fclose(null_out);
}

Test(mutation, empty_file_is_an_error, .timeout = TEST_TIMEOUT)
{
    Run run;
    run_text(&run, "", NULL, 0, "empty file");
    cr_assert(!run.result.ok && run.sink.errors > 0, "an empty file has no ansatz header");
    run_free(&run);
}

Test(mutation, header_only, .timeout = TEST_TIMEOUT)
{
    static const char *const texts[] = {"ansatz a;", "ansatz a();", "ansatz a(n = 4);",
                                        "ansatz a(n = 4)", "ansatz", ("\xEF\xBB\xBF" "ansatz a;")};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        Run run;
        run_text(&run, texts[i], NULL, 0, texts[i]);
        run_free(&run);
    }
}

Test(mutation, nul_and_high_bytes, .timeout = TEST_TIMEOUT)
{
    static const char text[] = "ansatz a(n = 2);\nqubit[n] q;\x00\xFF param t;\n"
                               "rx(t) q[0];\x80\xC3\n";
    FILE *null_out = open_null();
    Run run;
    run_source(&run, text, sizeof text - 1, NULL, 0, null_out, "NUL and high bytes");
    char codes[512];
    cr_assert(run_has_code(&run, "E001"), "expected E001, got:%s",
              run_codes(&run, codes, sizeof codes));
    run_free(&run);
    fclose(null_out);
}

/* Each iteration adds a gate, so the circuit's memory (E073) may run out before the step
 * budget (E071); either is right, a hang or a crash is not. */
Test(mutation, runaway_gate_loop_stops, .timeout = TEST_TIMEOUT)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    Run run;
    run_text(&run,
             "ansatz a(n=1); qubit[1] q; param t; for i in [0:2000000000] { rx(t) q[0]; }",
             NULL, 0, "runaway gate loop");
    char codes[512];
    cr_assert(run_has_code(&run, "E071") || run_has_code(&run, "E073"),
              "expected E071 or E073, got:%s", run_codes(&run, codes, sizeof codes));
    cr_assert(!run.result.ok);
    run_free(&run);
    cr_log_info("runaway gate loop stopped after %.2f s", seconds_since(&t0));
}

Test(mutation, runaway_empty_loop_stops, .timeout = TEST_TIMEOUT)
{
    Run run;
    run_text(&run,
             "ansatz a(n=1); qubit[1] q; param t;\n"
             "for i in [0:2000000000] { for j in [0:2000000000] { let k = i + j; } }\n"
             "rx(t) q[0];",
             NULL, 0, "runaway empty loop");
    char codes[512];
    cr_assert(run_has_code(&run, "E071"), "expected E071, got:%s",
              run_codes(&run, codes, sizeof codes));
    run_free(&run);
}

Test(mutation, too_many_qubits, .timeout = TEST_TIMEOUT)
{
    Define n = {.name = "n", .value = 100000000, .used = false};
    Run run;
    run_text(&run, "ansatz a(n = 2); qubit[n] q; param t; rx(t) q[0];", &n, 1,
             "-D n=100000000");
    char codes[512];
    cr_assert(run_has_code(&run, "E070"), "expected E070, got:%s",
              run_codes(&run, codes, sizeof codes));
    run_free(&run);
}

Test(mutation, too_many_parameters, .timeout = TEST_TIMEOUT)
{
    Run run;
    run_text(&run, "ansatz a(n = 2); qubit[n] q; param t[100000000]; rx(t[0]) q[0];", NULL,
             0, "param t[100000000]");
    char codes[512];
    cr_assert(run_has_code(&run, "E074"), "expected E074, got:%s",
              run_codes(&run, codes, sizeof codes));
    run_free(&run);
}

Test(mutation, deep_parentheses, .timeout = TEST_TIMEOUT)
{
    StrBuf sb = {0};
    sb_puts(&sb, "ansatz a(n = 2); qubit[n] q; param t; rx(");
    for (int i = 0; i < 5000; i++)
        sb_putc(&sb, '(');
    sb_putc(&sb, 't');
    for (int i = 0; i < 5000; i++)
        sb_putc(&sb, ')');
    sb_puts(&sb, ") q[0];");
    Run run;
    run_text(&run, sb.data, NULL, 0, "5000 parentheses");
    char codes[512];
    cr_assert(run_has_code(&run, "E005"), "expected E005, got:%s",
              run_codes(&run, codes, sizeof codes));
    run_free(&run);
    sb_free(&sb);
}

Test(mutation, deep_loops, .timeout = TEST_TIMEOUT)
{
    StrBuf sb = {0};
    sb_puts(&sb, "ansatz a(n = 2); qubit[n] q; param t;\n");
    for (int i = 0; i < 5000; i++)
        sb_puts(&sb, "for i in [0:1000000000] {");
    sb_puts(&sb, "rx(t) q[0];");
    for (int i = 0; i < 5000; i++)
        sb_putc(&sb, '}');
    Run run;
    run_text(&run, sb.data, NULL, 0, "5000 nested loops");
    cr_assert(!run.result.ok);
    run_free(&run);
    sb_free(&sb);
}

/* gate g0 a { x a; } gate g1 a { g0 a; } … g70 q[0]; nests 71 calls. */
Test(mutation, deep_gate_inlining, .timeout = TEST_TIMEOUT)
{
    StrBuf sb = {0};
    sb_puts(&sb, "ansatz a; qubit[1] q;\ngate g0 a { x a; }\n");
    for (int i = 1; i <= 70; i++)
        sb_printf(&sb, "gate g%d a { g%d a; }\n", i, i - 1);
    sb_puts(&sb, "g70 q[0];\n");
    Run run;
    run_text(&run, sb.data, NULL, 0, "70 nested gates");
    char codes[512];
    cr_assert(run_has_code(&run, "E072"), "expected E072, got:%s",
              run_codes(&run, codes, sizeof codes));
    run_free(&run);
    sb_free(&sb);
}
