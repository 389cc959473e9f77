/*
 * bench_frontend.c — how fast the front end elaborates, and how much memory it takes.
 *
 *   bench_frontend [--runs N] [--tsv] (FILE | --gen qcnn | --gen hea) [-D NAME=VALUE]...
 *
 * One case per invocation: the source (a file, or one of two sources generated here so
 * the benchmark works without the examples), with its size overrides. The whole front
 * end runs as `ansc check` runs it — source copy, parse, check, elaborate into a fresh
 * arena — once to warm the caches and then N times (20 by default), each timed with
 * CLOCK_MONOTONIC; the median and the minimum are reported, with the circuit's gate and
 * qubit counts and the arena's bytes (Arena.used: the tree and the circuit together), and
 * bytes per gate. Memory that grows linearly in the gates shows as the same bytes per gate
 * at two sizes; bench/run prints that ratio beside the timing targets.
 *
 * Output is a short report, or with --tsv one tab-separated line for scripts:
 *   case gates qubits runs median_ms min_ms arena_bytes bytes_per_gate
 * Exit status 1 when the source has errors (they are printed), 2 on bad usage.
 */
#include "frontend/frontend.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { BENCH_MAX_DEFINES = 16, BENCH_MAX_RUNS = 10000 };

/* The QCNN: a convolution on neighbouring pairs at stride 2^d, then pooling by a
 * controlled rotation and a discard, log2(n) levels; about 5n gates. */
static const char bench_qcnn_source[] =
    "ansatz qcnn_gen(n = 8, depth = log2(n));\n"
    "qubit[n] q;\n"
    "param c[depth][3], p[depth];\n"
    "gate conv(a, b, t) u, v { ry(a) u; ry(b) v; cx u, v; rz(t) v; }\n"
    "gate pool(t) u, v { crz(t) u, v; }\n"
    "for d in [0:depth-1] {\n"
    "    let s = 2 ** d;\n"
    "    for i in [0:2*s:n-1-s] { conv(c[d][0], c[d][1], c[d][2]) q[i], q[i+s]; }\n"
    "    for i in [0:2*s:n-1-s] { pool(p[d]) q[i+s], q[i]; discard q[i+s]; }\n"
    "}\n"
    "observe Z(q[0]);\n";

/* The hardware-efficient ansatz: per layer ry on every qubit and a cz ladder,
 * then a final rz layer; n = 64, layers = 100 gives 12,764 gates. */
static const char bench_hea_source[] =
    "ansatz hea_gen(n = 4, layers = 2);\n"
    "qubit[n] q;\n"
    "param theta[layers][n], phi[n];\n"
    "for l in [0:layers-1] {\n"
    "    for i in [0:n-1] { ry(theta[l][i]) q[i]; }\n"
    "    for i in [0:n-2] { cz q[i], q[i+1]; }\n"
    "}\n"
    "for i in [0:n-1] { rz(phi[i]) q[i]; }\n"
    "observe sum(i in [0:n-1]) Z(q[i]);\n";

typedef struct BenchCase {
    const char *label;
    char *text; /* malloc'd */
    size_t len;
    Define defines[BENCH_MAX_DEFINES];
    size_t ndefines;
    int runs;
    bool tsv;
} BenchCase;

typedef struct BenchSample {
    double ms;
    size_t gates, qubits, arena_bytes;
} BenchSample;

static int bench_usage(const char *why)
{
    fprintf(stderr,
            "bench_frontend: %s\n"
            "usage: bench_frontend [--runs N] [--tsv] (FILE | --gen qcnn | --gen hea) "
            "[-D NAME=VALUE]...\n",
            why);
    return 2;
}

static char *bench_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    StrBuf sb = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        sb_putn(&sb, chunk, n);
    bool failed = ferror(f) != 0;
    fclose(f);
    if (failed) {
        sb_free(&sb);
        return NULL;
    }
    *len = sb.len;
    if (!sb.data) /* an empty file: still a buffer to free */
        sb_putc(&sb, '\0');
    return sb.data;
}

/* NAME=VALUE into d (name points into arg). */
static bool bench_parse_define(char *arg, Define *d)
{
    char *eq = strchr(arg, '=');
    if (!eq || eq == arg)
        return false;
    *eq = '\0';
    char *end;
    long long v = strtoll(eq + 1, &end, 10);
    if (*end != '\0' || end == eq + 1)
        return false;
    d->name = arg;
    d->value = v;
    d->used = false;
    return true;
}

static double bench_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec * 1e-6;
}

/* One front-end run into a fresh arena. Returns false (and prints the diagnostics) when
 * the source has errors. */
static bool bench_once(BenchCase *bc, BenchSample *out)
{
    for (size_t i = 0; i < bc->ndefines; i++)
        bc->defines[i].used = false;
    Arena arena;
    arena_init(&arena);
    DiagSink sink;
    diag_init(&sink, &arena);
    double t0 = bench_now_ms();
    const Source *src = source_new(&arena, bc->label, bc->text, bc->len);
    FrontendResult r =
        frontend_run(&arena, &sink, src, bc->defines, bc->ndefines, STAGE_ELABORATE);
    double t1 = bench_now_ms();
    bool ok = r.ok && r.circuit;
    if (ok) {
        out->ms = t1 - t0;
        out->gates = r.circuit->gates.len;
        out->qubits = r.circuit->nqubits;
        out->arena_bytes = arena.used;
    } else {
        diag_render(stderr, &sink, DIAG_FORMAT_TEXT, false);
    }
    arena_free(&arena);
    return ok;
}

static int bench_compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int bench_run(BenchCase *bc)
{
    BenchSample warm;
    if (!bench_once(bc, &warm))
        return 1;
    double *ms = malloc((size_t)bc->runs * sizeof *ms);
    if (!ms)
        return 1;
    BenchSample s = warm;
    for (int i = 0; i < bc->runs; i++) {
        if (!bench_once(bc, &s)) {
            free(ms);
            return 1;
        }
        ms[i] = s.ms;
    }
    qsort(ms, (size_t)bc->runs, sizeof *ms, bench_compare_double);
    double median = bc->runs % 2 ? ms[bc->runs / 2]
                                 : 0.5 * (ms[bc->runs / 2 - 1] + ms[bc->runs / 2]);
    double min = ms[0];
    free(ms);
    double per_gate = s.gates ? (double)s.arena_bytes / (double)s.gates : 0.0;

    StrBuf label = {0};
    sb_puts(&label, bc->label);
    for (size_t i = 0; i < bc->ndefines; i++)
        sb_printf(&label, " -D %s=%lld", bc->defines[i].name, (long long)bc->defines[i].value);
    if (bc->tsv)
        printf("%s\t%zu\t%zu\t%d\t%.3f\t%.3f\t%zu\t%.1f\n", label.data, s.gates, s.qubits,
               bc->runs, median, min, s.arena_bytes, per_gate);
    else
        printf("%s\n  gates %zu, qubits %zu\n  %d runs: median %.3f ms, min %.3f ms\n"
               "  arena %zu bytes, %.1f bytes per gate\n",
               label.data, s.gates, s.qubits, bc->runs, median, min, s.arena_bytes, per_gate);
    sb_free(&label);
    return 0;
}

int main(int argc, char **argv)
{
    BenchCase bc = {.runs = 20};
    const char *file = NULL, *gen = NULL;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--runs") == 0 && i + 1 < argc) {
            bc.runs = atoi(argv[++i]);
            if (bc.runs < 1 || bc.runs > BENCH_MAX_RUNS)
                return bench_usage("--runs wants 1 to 10000");
        } else if (strcmp(arg, "--tsv") == 0) {
            bc.tsv = true;
        } else if (strcmp(arg, "--gen") == 0 && i + 1 < argc) {
            gen = argv[++i];
        } else if (strncmp(arg, "-D", 2) == 0) {
            char *def = arg[2] ? argv[i] + 2 : (i + 1 < argc ? argv[++i] : NULL);
            if (bc.ndefines == BENCH_MAX_DEFINES)
                return bench_usage("too many -D");
            if (!def || !bench_parse_define(def, &bc.defines[bc.ndefines]))
                return bench_usage("-D wants NAME=INTEGER");
            bc.ndefines++;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            return bench_usage("unknown option");
        } else if (!file) {
            file = arg;
        } else {
            return bench_usage("one source per run");
        }
    }
    if ((file != NULL) == (gen != NULL))
        return bench_usage("give a FILE or --gen");

    if (gen) {
        const char *text = strcmp(gen, "qcnn") == 0  ? bench_qcnn_source
                           : strcmp(gen, "hea") == 0 ? bench_hea_source
                                                     : NULL;
        if (!text)
            return bench_usage("--gen wants qcnn or hea");
        bc.label = strcmp(gen, "qcnn") == 0 ? "gen:qcnn" : "gen:hea";
        bc.len = strlen(text);
        bc.text = malloc(bc.len + 1);
        if (!bc.text)
            return 1;
        memcpy(bc.text, text, bc.len + 1);
    } else {
        bc.label = file;
        bc.text = bench_read_file(file, &bc.len);
        if (!bc.text) {
            fprintf(stderr, "bench_frontend: cannot read %s\n", file);
            return 1;
        }
    }
    int status = bench_run(&bc);
    free(bc.text);
    return status;
}
