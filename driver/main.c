/*
 * main.c — the ansc driver: the command line, then the passes in order.
 *
 *   ansc check FILE…   parse → check → elaborate → analyse; diagnostics only
 *   ansc analyze FILE  the same, then the analysis report (text or json)
 *   ansc print FILE    parse → check → elaborate, then the circuit (or a stage's tree)
 *   ansc build FILE    parse → check → elaborate → plan → emit → object → link
 *   ansc run FILE      parse → check → elaborate → plan → emit → JIT → the simulator
 *
 * Usage errors exit 2, input errors 1, success 0. This is the only file that decides an
 * exit status; every pass reports into one DiagSink, which is rendered once at the end.
 * Results go to stdout, built whole in memory and written at once; diagnostics to stderr
 * (or to stdout as a document with --format json|sarif).
 */
#include "analysis/analysis.h"
#include "codegen/codegen.h"
#include "runtime/ansc_sim.h"
#include "frontend/frontend.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { EXIT_OK = 0, EXIT_ERRORS = 1, EXIT_USAGE = 2 };

typedef struct Options {
    const char *command;
    const char *files[256];
    int nfiles;
    Define defines[64];
    size_t ndefines;
    DiagFormat format;
    Stage stop_after;
    int color; /* -1 auto, 0 never, 1 always */
    uint32_t max_dim;
    const char *sweep;          /* --sweep NAME=a:b */
    int64_t sweep_lo, sweep_hi;
    /* build and run */
    const char *output; /* -o */
    bool library;       /* --lib */
    PlanOptions plan;
    unsigned opt; /* -O0..-O3 */
    char *sim_argv[256]; /* run: the simulator's own options, after FILE */
    int sim_argc;
} Options;

static const char usage_text[] =
    "usage: ansc COMMAND [options] FILE…\n"
    "\n"
    "commands:\n"
    "  check FILE…   parse, check, elaborate and analyse; print diagnostics only\n"
    "  analyze FILE  the analysis: generators, dynamical Lie algebra, centre, ideals,\n"
    "                observable modules; checks the file's expect statements\n"
    "  print FILE    print the elaborated circuit, one gate a line\n"
    "  build FILE -o OUT  compile a native simulator (--lib: a shared library OUT and\n"
    "                its header)\n"
    "  run FILE [simulator options]  JIT-compile the simulator and run it (the options\n"
    "                after FILE are the simulator's: --params, --random, --grad, ...)\n"
    "\n"
    "options:\n"
    "  -D NAME=VALUE              override a size of the ansatz (repeatable)\n"
    "  --format text|json|sarif   diagnostics format (check); report format (analyze:\n"
    "                             text or json)\n"
    "  --max-dim N                closure budget in algebra elements (default 1048576 for\n"
    "                             analyze, 65536 for check)\n"
    "  --stop-after=parse|check|elaborate\n"
    "                             print that stage's output (print)\n"
    "  --sweep NAME=a:b           the sizes of the scaling study (analyze; default n=2:10\n"
    "                             when the ansatz has a size n)\n"
    "  --color=auto|always|never  colored diagnostics (text format)\n"
    "  --method auto|pauli|dla|statevector\n"
    "                             the simulation method (build, run; default auto)\n"
    "  --truncate W               pauli: drop strings of weight above W\n"
    "  --max-strings N            pauli: strings per observable (default 4194304; auto\n"
    "                             tries pauli within 1048576)\n"
    "  -O0 … -O3                  optimisation level of the simulator (default -O2)\n"
    "  -o OUT, --lib              the output of build; a shared library and OUT.h\n"
    "  -h, --help                 this text\n"
    "  --version                  the version\n"
    "\n"
    "Exit status: 0 success, 1 errors in the input, 2 bad usage.\n";

static int usage_error(const char *fmt, const char *arg)
{
    fputs("ansc: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nTry 'ansc --help'.\n", stderr);
    return EXIT_USAGE;
}

static bool parse_define(Options *o, const char *text)
{
    const char *eq = strchr(text, '=');
    if (!eq || eq == text || o->ndefines == sizeof o->defines / sizeof o->defines[0])
        return false;
    for (const char *p = text; p < eq; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_' ||
              (p > text && *p >= '0' && *p <= '9')))
            return false;
    char *end;
    errno = 0;
    long long v = strtoll(eq + 1, &end, 10);
    if (errno || end == eq + 1 || *end)
        return false;
    o->defines[o->ndefines].name = strndup(text, (size_t)(eq - text));
    o->defines[o->ndefines].value = v;
    o->ndefines++;
    return true;
}

/* The options of `ansc run` that belong to the compiler even after the file. */
static bool is_compile_option(const char *a)
{
    return strncmp(a, "-D", 2) == 0 || strncmp(a, "--method", 8) == 0 || strncmp(a, "--truncate", 10) == 0 ||
           strncmp(a, "--max-strings", 13) == 0 ||
           (a[0] == '-' && a[1] == 'O' && a[2] >= '0' && a[2] <= '3' && !a[3]);
}

/* Returns EXIT_OK, or the status to exit with (help and version exit 0 through *done). */
static int parse_args(int argc, char **argv, Options *o, bool *done)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (o->command && strcmp(o->command, "run") == 0 && o->nfiles == 1 && !is_compile_option(a)) {
            /* run: what follows the file is the simulator's, but for -D, --method, … */
            if (o->sim_argc == (int)(sizeof o->sim_argv / sizeof o->sim_argv[0]) - 2)
                return usage_error("%s", "too many simulator options");
            o->sim_argv[1 + o->sim_argc++] = argv[i];
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage_text, stdout);
            *done = true;
            return EXIT_OK;
        } else if (strcmp(a, "--version") == 0) {
            printf("ansc %s\n", ANSC_VERSION);
            *done = true;
            return EXIT_OK;
        } else if (strncmp(a, "-D", 2) == 0) {
            const char *def = a[2] ? a + 2 : (i + 1 < argc ? argv[++i] : NULL);
            if (!def || !parse_define(o, def))
                return usage_error("-D expects NAME=INTEGER, got '%s'", def ? def : "");
        } else if (strncmp(a, "--format=", 9) == 0 || strcmp(a, "--format") == 0) {
            const char *f = a[8] == '=' ? a + 9 : (i + 1 < argc ? argv[++i] : "");
            if (strcmp(f, "text") == 0)
                o->format = DIAG_FORMAT_TEXT;
            else if (strcmp(f, "json") == 0)
                o->format = DIAG_FORMAT_JSON;
            else if (strcmp(f, "sarif") == 0)
                o->format = DIAG_FORMAT_SARIF;
            else
                return usage_error("unknown format '%s' (text, json or sarif)", f);
        } else if (strncmp(a, "--stop-after=", 13) == 0) {
            const char *s = a + 13;
            if (strcmp(s, "parse") == 0)
                o->stop_after = STAGE_PARSE;
            else if (strcmp(s, "check") == 0)
                o->stop_after = STAGE_CHECK;
            else if (strcmp(s, "elaborate") == 0)
                o->stop_after = STAGE_ELABORATE;
            else
                return usage_error("unknown stage '%s' (parse, check or elaborate)", s);
        } else if (strncmp(a, "--max-dim=", 10) == 0 || strcmp(a, "--max-dim") == 0) {
            const char *v = a[9] == '=' ? a + 10 : (i + 1 < argc ? argv[++i] : "");
            char *end;
            errno = 0;
            unsigned long n = strtoul(v, &end, 10);
            if (errno || end == v || *end || n == 0 || n > (1ul << 26))
                return usage_error("--max-dim expects a whole number from 1 to 67108864, got '%s'", v);
            o->max_dim = (uint32_t)n;
        } else if (strncmp(a, "--sweep=", 8) == 0 || strcmp(a, "--sweep") == 0) {
            const char *v = a[7] == '=' ? a + 8 : (i + 1 < argc ? argv[++i] : "");
            const char *eq = strchr(v, '=');
            long long lo, hi;
            int used = 0;
            if (!eq || eq == v || sscanf(eq + 1, "%lld:%lld%n", &lo, &hi, &used) != 2 ||
                eq[1 + used] != '\0' || lo > hi || hi - lo > 64)
                return usage_error("--sweep expects NAME=a:b with a <= b and at most 65 sizes, "
                                   "got '%s'", v);
            o->sweep = strndup(v, (size_t)(eq - v));
            o->sweep_lo = lo;
            o->sweep_hi = hi;
        } else if (strncmp(a, "--color=", 8) == 0) {
            const char *c = a + 8;
            o->color = strcmp(c, "always") == 0 ? 1 : strcmp(c, "never") == 0 ? 0
                       : strcmp(c, "auto") == 0 ? -1 : -2;
            if (o->color == -2)
                return usage_error("unknown color mode '%s' (auto, always or never)", c);
        } else if (strcmp(a, "--method") == 0 || strncmp(a, "--method=", 9) == 0) {
            const char *m = a[8] == '=' ? a + 9 : (i + 1 < argc ? argv[++i] : "");
            o->plan.method = method_lookup(m);
            if (o->plan.method == METHOD__COUNT)
                return usage_error("unknown method '%s' (auto, pauli, dla or statevector)", m);
        } else if (strcmp(a, "--truncate") == 0 || strncmp(a, "--truncate=", 11) == 0) {
            const char *v = a[10] == '=' ? a + 11 : (i + 1 < argc ? argv[++i] : "");
            char *end;
            errno = 0;
            unsigned long w = strtoul(v, &end, 10);
            if (errno || end == v || *end || w == 0 || w > 65536)
                return usage_error("--truncate expects a Pauli weight from 1 to 65536, got '%s'", v);
            o->plan.truncate = (uint32_t)w;
        } else if (strcmp(a, "--max-strings") == 0 || strncmp(a, "--max-strings=", 14) == 0) {
            const char *v = a[13] == '=' ? a + 14 : (i + 1 < argc ? argv[++i] : "");
            char *end;
            errno = 0;
            unsigned long long n = strtoull(v, &end, 10);
            if (errno || end == v || *end || *v == '-' || n == 0 || n > UINT32_MAX - 1)
                return usage_error("--max-strings expects a count from 1 to 4294967294, got '%s'", v);
            o->plan.max_slots = n;
        } else if (a[0] == '-' && a[1] == 'O' && a[2] >= '0' && a[2] <= '3' && !a[3]) {
            o->opt = (unsigned)(a[2] - '0');
        } else if (strcmp(a, "-o") == 0) {
            if (i + 1 >= argc)
                return usage_error("%s", "-o expects a file name");
            o->output = argv[++i];
        } else if (strcmp(a, "--lib") == 0) {
            o->library = true;
        } else if (a[0] == '-' && a[1] != '\0') {
            return usage_error("unknown option '%s'", a);
        } else if (!o->command) {
            o->command = a;
        } else if (o->nfiles < (int)(sizeof o->files / sizeof o->files[0])) {
            o->files[o->nfiles++] = a;
        } else {
            return usage_error("too many files (the limit is %s)", "256");
        }
    }
    if (!o->command)
        return usage_error("%s", "no command given");
    bool check = strcmp(o->command, "check") == 0, print = strcmp(o->command, "print") == 0,
         analyze = strcmp(o->command, "analyze") == 0, build = strcmp(o->command, "build") == 0,
         run = strcmp(o->command, "run") == 0;
    if (!check && !print && !analyze && !build && !run)
        return usage_error("unknown command '%s' (check, analyze, print, build or run)", o->command);
    if (!build && (o->output || o->library))
        return usage_error("'%s' takes no output (-o, --lib are for build)", o->command);
    if (o->nfiles == 0)
        return usage_error("'%s' needs a file", o->command);
    if (build && !o->output)
        return usage_error("%s", "'build' needs an output: -o OUT");
    if (!check && o->nfiles != 1)
        return usage_error("'%s' takes one file", o->command);
    if (analyze && o->format == DIAG_FORMAT_SARIF)
        return usage_error("'%s' reports as text or json", "analyze");
    return EXIT_OK;
}

/* Reads a whole file (or stdin for "-") into the arena; NULL after reporting E006/E007. */
static const Source *read_source(Arena *a, DiagSink *diags, const char *path)
{
    bool is_stdin = strcmp(path, "-") == 0;
    const char *name = is_stdin ? "<stdin>" : path;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f) {
        diag_report_file(diags, DIAG_E006, name, "cannot open: %s", strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    bool too_large = false, failed = false;
    while (buf) {
        if (len == cap) {
            if (cap > ANS_MAX_SOURCE_BYTES) {
                too_large = true;
                break;
            }
            char *grown = realloc(buf, cap * 2);
            if (!grown)
                break;
            buf = grown;
            cap *= 2;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0) {
            failed = ferror(f) != 0;
            break;
        }
    }
    int saved = errno;
    if (!is_stdin)
        fclose(f);
    const Source *src = NULL;
    if (!buf || failed)
        diag_report_file(diags, DIAG_E006, name, "cannot read: %s", strerror(saved));
    else if (too_large || len > ANS_MAX_SOURCE_BYTES)
        diag_report_file(diags, DIAG_E007, name, "the file is larger than %u MiB",
                         ANS_MAX_SOURCE_BYTES >> 20);
    else
        src = source_new(a, name, buf, len);
    free(buf);
    return src;
}

/* The scaling study: the file elaborated and analysed again at each size of the swept
 * size, each in its own arena and sink (errors at other sizes are not the file's), with a
 * smaller budget per point. Points that do not elaborate (QCNN needs powers of two) are
 * left out. */
static Scaling *sweep_sizes(Arena *arena, const Source *src, const Options *o, const Circuit *c)
{
    const char *name = o->sweep;
    int64_t lo = o->sweep_lo, hi = o->sweep_hi;
    if (!name) {
        for (size_t i = 0; i < c->sizes.len && !name; i++)
            if (strcmp(c->sizes.data[i].name, "n") == 0)
                name = "n";
        lo = 2;
        hi = 10;
    }
    if (!name)
        return NULL;
    Scaling *sc = arena_alloc(arena, sizeof *sc);
    sc->size = arena_strdup(arena, name);
    Define defines[65];
    size_t nd = 0;
    for (size_t i = 0; i < o->ndefines && nd < 64; i++)
        if (strcmp(o->defines[i].name, name) != 0)
            defines[nd++] = o->defines[i];
    AnalysisOptions point_options = {.max_dim = 1u << 16, .max_work = (uint64_t)1 << 25,
                                     .no_lints = true};
    for (int64_t v = lo; v <= hi; v++) {
        Arena scratch;
        arena_init(&scratch);
        DiagSink quiet;
        diag_init(&quiet, &scratch);
        defines[nd] = (Define){.name = name, .value = v};
        FrontendResult r = frontend_run(&scratch, &quiet, src, defines, nd + 1, STAGE_ELABORATE);
        if (r.ok) {
            Analysis *an = analyze_circuit(&scratch, &quiet, r.circuit, &point_options);
            ScalingPoint p = {.size = v, .qubits = r.circuit->nqubits, .dla_dim = an->dla->dim,
                              .dla_complete = an->dla->complete, .variance = NAN};
            if (r.circuit->observables.len) {
                p.module_dim = an->observables[0].module_dim;
                p.module_complete = an->observables[0].module_complete;
                p.in_dla = an->observables[0].in_dla;
                p.variance = an->observables[0].variance;
            }
            vec_push(arena, &sc->points, p);
            analysis_free(an);
        }
        arena_free(&scratch);
    }
    return sc;
}

static bool wants_verdict(const Circuit *c)
{
    for (size_t i = 0; i < c->expects.len; i++)
        if (c->expects.data[i].fact == FACT_SIMULABLE || c->expects.data[i].fact == FACT_BARREN_PLATEAU)
            return true;
    return false;
}

typedef struct RunArgs {
    int argc;
    char **argv;
} RunArgs;

static int run_simulator(const AnsSim *sim, void *user)
{
    RunArgs *r = user;
    fflush(stdout);
    return ans_main(sim, r->argc, r->argv);
}

/* build and run: read → parse → check → elaborate → plan → emit, then link or JIT. The
 * analysis proper is not needed: the planners compute what they use. */
static int build_or_run(Options *o)
{
    bool run = strcmp(o->command, "run") == 0;
    bool color = o->color == 1 || (o->color == -1 && isatty(STDERR_FILENO) && !getenv("NO_COLOR"));
    Arena arena;
    arena_init(&arena);
    DiagSink diags;
    diag_init(&diags, &arena);
    const Plan *plan = NULL;
    const Source *src = read_source(&arena, &diags, o->files[0]);
    if (src) {
        FrontendResult r = frontend_run(&arena, &diags, src, o->defines, o->ndefines, STAGE_ELABORATE);
        if (r.ok && diags.errors == 0)
            plan = plan_build(&arena, &diags, r.circuit, &o->plan);
    }
    diag_render(stderr, &diags, DIAG_FORMAT_TEXT, color);
    int status = EXIT_ERRORS;
    const char *error = NULL;
    if (plan && diags.errors == 0) {
        if (run) {
            o->sim_argv[0] = (char *)o->files[0];
            RunArgs args = {o->sim_argc + 1, o->sim_argv};
            if (!cg_jit(&arena, plan, o->opt, run_simulator, &args, &status, &error))
                status = EXIT_ERRORS;
        } else {
            CgTarget t = {.output = o->output, .library = o->library, .opt = o->opt};
            status = cg_build(&arena, plan, &t, &error) ? EXIT_OK : EXIT_ERRORS;
        }
        if (error)
            fprintf(stderr, "ansc: error: %s\n", error);
    }
    arena_free(&arena);
    return status;
}

int main(int argc, char **argv)
{
    Options o = {.format = DIAG_FORMAT_TEXT, .stop_after = STAGE_ELABORATE, .color = -1, .opt = 2};
    plan_options_default(&o.plan);
    bool done = false;
    int status = parse_args(argc, argv, &o, &done);
    if (status != EXIT_OK || done) {
        for (size_t i = 0; i < o.ndefines; i++)
            free((char *)o.defines[i].name);
        free((char *)o.sweep);
        return status;
    }
    if (strcmp(o.command, "build") == 0 || strcmp(o.command, "run") == 0) {
        status = build_or_run(&o);
        for (size_t i = 0; i < o.ndefines; i++)
            free((char *)o.defines[i].name);
        free((char *)o.sweep);
        return status;
    }
    bool print = strcmp(o.command, "print") == 0, analyze = strcmp(o.command, "analyze") == 0;
    /* check serves editors: a budget of about a second; analyze may take minutes. */
    AnalysisOptions analysis_options = {
        .max_dim = o.max_dim ? o.max_dim : analyze ? ANALYSIS_DEFAULT_MAX_DIM : 1u << 16,
        .max_work = analyze ? LIE_DEFAULT_WORK : (uint64_t)1 << 24};
    Analysis *analysis = NULL;
    bool color = o.color == 1 || (o.color == -1 && isatty(STDERR_FILENO) && !getenv("NO_COLOR"));

    Arena arena;
    arena_init(&arena);
    DiagSink diags;
    diag_init(&diags, &arena);
    StrBuf out = {0};

    /* The passes: read → parse → check → elaborate (frontend_run) → analyse, per file. */
    for (int i = 0; i < o.nfiles; i++) {
        const Source *src = read_source(&arena, &diags, o.files[i]);
        if (!src)
            continue;
        FrontendResult r = frontend_run(&arena, &diags, src, o.defines, o.ndefines,
                                        print ? o.stop_after : STAGE_ELABORATE);
        if (!r.ok)
            continue;
        if (print && o.stop_after == STAGE_ELABORATE)
            circuit_print(&out, r.circuit);
        else if (print)
            ast_dump(&out, r.program);
        else {
            Analysis *an = analyze_circuit(&arena, &diags, r.circuit, &analysis_options);
            Scaling *sc = analyze || wants_verdict(r.circuit) || o.sweep
                              ? sweep_sizes(&arena, src, &o, r.circuit)
                              : NULL;
            analysis_conclude(&arena, &diags, an, sc);
            if (analyze)
                analysis = an;
            else
                analysis_free(an);
        }
    }

    bool json_report = analyze && o.format == DIAG_FORMAT_JSON && analysis;
    if (json_report)
        analysis_report_json(&out, analysis, &diags);
    else if (analysis && diags.errors == 0)
        analysis_report_text(&out, analysis);
    if (o.format == DIAG_FORMAT_TEXT)
        diag_render(stderr, &diags, DIAG_FORMAT_TEXT, color);
    else if (!json_report)
        diag_render(print ? stderr : stdout, &diags, o.format, false);
    if ((diags.errors == 0 || json_report) && out.len)
        fwrite(out.data, 1, out.len, stdout);
    status = diags.errors ? EXIT_ERRORS : EXIT_OK;

    analysis_free(analysis);
    sb_free(&out);
    arena_free(&arena);
    for (size_t i = 0; i < o.ndefines; i++)
        free((char *)o.defines[i].name);
    free((char *)o.sweep);
    return status;
}
