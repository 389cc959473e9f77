/*
 * bench_pauli.c — the pauli method, compiled against interpreted.
 *
 *   bench_pauli [--runs N] [--truncate T] [--tsv] [--no-interpreted] [--max-slots S] [--plan-only]
 *               FILE [-D NAME=VALUE]...
 *   bench_pauli [--runs N] --read-bound COUNT
 *
 * --plan-only stops after (a) and prints the plan's size (the strings a weight keeps at a
 * size too large to compile).
 * --read-bound times one pass that reads COUNT doubles (their sum; best of N, the buffer
 * written first so its pages exist): a floor under any evaluation that must read COUNT
 * input values, such as Tr(ρP) for each of COUNT state strings. Prints milliseconds.
 *
 * For the first observable of FILE (with its size overrides) it times
 *   (a) planning: plan_pauli (best of N);
 *   (b) evaluation: pauli_run without and with the gradient (best of N each);
 *   (c) an interpreted propagation written here: a hash map from Pauli strings to
 *       coefficients, updated gate by gate from the last gate to the first at the given
 *       parameters — a fixed Clifford relabels every string (clifford_conjugate, into a
 *       second map that then takes the first's place); each term g·Q of a rotation's
 *       generator scans the map and branches, in place, every string P that anticommutes
 *       with Q into cos φ·P + sin φ·(−i·P·Q), merging with the strings present (new
 *       strings heavier than T dropped) (best of N). It does at run time, with the
 *       numbers, what the planner does once; it has no per-qubit index, so every term
 *       reads the whole map, as a dictionary-based propagator does.
 * (b) and (c) must agree (1e-9, relative to the larger of 1 and the value); the exit status
 * is 1 when they do not. Parameters are pseudo-random with a fixed seed. For `state input`
 * the state is a fixed random product state, Tr(ρP) = Π_q <P_q> from one Bloch vector per
 * qubit, so that every string the plan keeps contributes.
 *
 * Output: a short report, or with --tsv one tab-separated line for bench/run:
 *   case qubits gates truncate slots steps pairs plan_ms eval_ms grad_ms interp_ms
 *   interp/eval value |diff|
 * Exit status 2 on bad usage or a source with errors.
 */
#include "codegen/codegen.h"
#include "frontend/frontend.h"
#include "runtime/ansc_sim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { BENCH_MAX_DEFINES = 16, BENCH_MAX_RUNS = 1000 };

static double bench_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static uint64_t bench_random(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static double bench_uniform(uint64_t *s) { return (double)(bench_random(s) >> 11) * 0x1p-53; }

static char *bench_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (!text || fread(text, 1, (size_t)n, f) != (size_t)n) {
        free(text);
        fclose(f);
        return NULL;
    }
    text[n] = '\0';
    *len = (size_t)n;
    fclose(f);
    return text;
}

/* ---- the interpreted propagation -------------------------------------------------------- */

/* Strings -> coefficients: open addressing over entry ids, strings stored side by side. */
typedef struct Map {
    uint32_t words, len, cap;
    uint64_t *strings;
    double *coef;
    uint32_t *index, index_cap; /* id + 1, 0 empty */
} Map;

static void map_clear(Map *m)
{
    m->len = 0;
    if (m->index)
        memset(m->index, 0, m->index_cap * sizeof *m->index);
}

static void map_free(Map *m)
{
    free(m->strings);
    free(m->coef);
    free(m->index);
}

static void map_rehash(Map *m, uint32_t cap)
{
    free(m->index);
    m->index = calloc(cap, sizeof *m->index);
    if (!m->index)
        abort();
    m->index_cap = cap;
    for (uint32_t id = 0; id < m->len; id++) {
        uint32_t h = (uint32_t)pauli_hash(m->strings + (size_t)id * 2 * m->words, m->words) & (cap - 1);
        while (m->index[h])
            h = (h + 1) & (cap - 1);
        m->index[h] = id + 1;
    }
}

/* coef[p] += c, adding p when new. */
static void map_add(Map *m, const uint64_t *p, double c)
{
    if ((size_t)(m->len + 1) * 2 > m->index_cap)
        map_rehash(m, m->index_cap ? 2 * m->index_cap : 1024);
    size_t n = 2u * m->words;
    uint32_t mask = m->index_cap - 1, h = (uint32_t)pauli_hash(p, m->words) & mask;
    for (uint32_t e; (e = m->index[h]) != 0; h = (h + 1) & mask)
        if (memcmp(m->strings + (size_t)(e - 1) * n, p, n * sizeof *p) == 0) {
            m->coef[e - 1] += c;
            return;
        }
    if (m->len == m->cap) {
        m->cap = m->cap ? 2 * m->cap : 1024;
        m->strings = realloc(m->strings, (size_t)m->cap * n * sizeof *m->strings);
        m->coef = realloc(m->coef, (size_t)m->cap * sizeof *m->coef);
        if (!m->strings || !m->coef)
            abort();
    }
    memcpy(m->strings + (size_t)m->len * n, p, n * sizeof *p);
    m->coef[m->len] = c;
    m->index[h] = ++m->len;
}

static bool heavy(const uint64_t *p, uint32_t words, uint32_t t)
{
    return t > 0 && pauli_weight(p, words) > t;
}

/* Tr(ρP) for the product state of the circuit, or for the Bloch vectors. */
static double product_trace(const Circuit *c, const double *bloch, const uint64_t *p, uint32_t words)
{
    double e = 1;
    for (uint32_t q = 0; q < c->nqubits && e != 0; q++) {
        int f = pauli_get(p, words, q);
        if (!f)
            continue;
        if (bloch) {
            e *= bloch[3 * q + (f == 1 ? 0 : f == 3 ? 1 : 2)];
            continue;
        }
        Ket k = c->state[q];
        e *= f == 2 ? (k == KET_0 ? 1 : k == KET_1 ? -1 : 0)
           : f == 1 ? (k == KET_PLUS ? 1 : k == KET_MINUS ? -1 : 0) : 0;
    }
    return e;
}

static double interpret(const Circuit *c, const PauliSum *obs, uint32_t t, const double *params,
                        const double *inputs, const double *bloch, size_t *peak)
{
    uint32_t words = pauli_words(c->nqubits);
    Map cur = {.words = words}, next = {.words = words};
    uint64_t *r = calloc(2u * words, sizeof *r);
    uint32_t *hit = NULL;
    double *old = NULL;
    size_t nhit = 0, hit_cap = 0;
    double constant = 0;
    for (uint32_t i = 0; i < obs->len; i++) {
        const uint64_t *p = psum_string(obs, i);
        if (pauli_is_identity(p, words))
            constant += obs->coef[i].value;
        else if (!heavy(p, words, t))
            map_add(&cur, p, obs->coef[i].value);
    }
    *peak = cur.len;
    for (size_t k = c->gates.len; k-- > 0;) {
        const Gate *g = &c->gates.data[k];
        double theta = g->angle.offset;
        if (g->angle.source == ANGLE_PARAM)
            theta += g->angle.coef.value * params[g->angle.index];
        else if (g->angle.source == ANGLE_INPUT)
            theta += g->angle.coef.value * inputs[g->angle.index];
        if (gate_info(g->kind)->cls == GATE_CLIFFORD) {
            map_clear(&next);
            for (uint32_t i = 0; i < cur.len; i++) {
                memcpy(r, cur.strings + (size_t)i * 2 * words, 2u * words * sizeof *r);
                int sign = clifford_conjugate(g->kind, g->qubits, r, words);
                if (!heavy(r, words, t))
                    map_add(&next, r, sign * cur.coef[i]);
            }
            Map swap = cur;
            cur = next;
            next = swap;
            continue;
        }
        for (uint32_t term = 0; term < g->generator->len; term++) {
            const uint64_t *q = psum_string(g->generator, term);
            double phi = 2 * g->generator->coef[term].value * theta;
            if (pauli_is_identity(q, words) || phi == 0)
                continue;
            /* in place: the strings that anticommute with Q, with their old coefficients,
             * then P ← cos φ·P and R += ±sin φ·c_P from the old values */
            double cs = cos(phi), sn = sin(phi);
            nhit = 0;
            for (uint32_t i = 0; i < cur.len; i++)
                if (!pauli_commutes(cur.strings + (size_t)i * 2 * words, q, words)) {
                    if (nhit == hit_cap) {
                        hit_cap = hit_cap ? 2 * hit_cap : 1024;
                        hit = realloc(hit, hit_cap * sizeof *hit);
                        old = realloc(old, hit_cap * sizeof *old);
                        if (!hit || !old)
                            abort();
                    }
                    hit[nhit] = i;
                    old[nhit++] = cur.coef[i];
                    cur.coef[i] *= cs;
                }
            for (size_t h = 0; h < nhit; h++) {
                unsigned ph = pauli_product(cur.strings + (size_t)hit[h] * 2 * words, q, r, words);
                if (!heavy(r, words, t)) /* −i·P·Q = ±R */
                    map_add(&cur, r, (ph == 1 ? sn : -sn) * old[h]);
            }
            if (cur.len > *peak)
                *peak = cur.len;
        }
    }
    double e = constant;
    for (uint32_t i = 0; i < cur.len; i++)
        e += cur.coef[i] * product_trace(c, bloch, cur.strings + (size_t)i * 2 * words, words);
    map_free(&cur);
    map_free(&next);
    free(r);
    free(hit);
    free(old);
    return e;
}

/* ---- main ----------------------------------------------------------------------------------- */

/* The JIT-compiled simulator's timings (cg_jit's callback). */
typedef struct Native {
    int runs;
    const double *params, *inputs, *state;
    double eval_s, grad_s, value;
} Native;

static int native_time(const struct AnsSim *sim, void *user)
{
    Native *n = user;
    double *grad = calloc((size_t)sim->info->nparams + 1u, sizeof *grad), value, gvalue;
    for (int r = 0; r < n->runs; r++) {
        double t0 = bench_now();
        if (sim->eval(n->params, n->inputs, n->state, &value) != ANS_OK)
            return 1;
        n->eval_s = fmin(n->eval_s, bench_now() - t0);
        t0 = bench_now();
        if (sim->grad(n->params, n->inputs, n->state, &gvalue, grad) != ANS_OK)
            return 1;
        n->grad_s = fmin(n->grad_s, bench_now() - t0);
    }
    n->value = value;
    free(grad);
    return 0;
}

static int usage(void)
{
    fputs("usage: bench_pauli [--runs N] [--truncate T] [--tsv] [--no-interpreted] "
          "[--max-slots S] [--plan-only] FILE [-D NAME=VALUE]...\n"
          "       bench_pauli [--runs N] --read-bound COUNT\n", stderr);
    return 2;
}

/* --read-bound: the best time of `runs` passes summing n doubles. */
static int bench_read_bound(uint64_t n, int runs)
{
    double *v = malloc(n * sizeof *v);
    if (!v) {
        fprintf(stderr, "bench_pauli: cannot allocate %llu doubles\n", (unsigned long long)n);
        return 1;
    }
    for (uint64_t i = 0; i < n; i++)
        v[i] = (double)(i & 1023) * 0x1p-10;
    double best = INFINITY, sum = 0;
    for (int r = 0; r < runs; r++) {
        double t0 = bench_now(), s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        uint64_t i = 0;
        for (; i + 4 <= n; i += 4) {
            s0 += v[i];
            s1 += v[i + 1];
            s2 += v[i + 2];
            s3 += v[i + 3];
        }
        for (; i < n; i++)
            s0 += v[i];
        best = fmin(best, bench_now() - t0);
        sum += s0 + s1 + s2 + s3;
    }
    printf("%.3f\n", 1e3 * best);
    fprintf(stderr, "(sum %g)\n", sum); /* keeps the reads */
    free(v);
    return 0;
}

int main(int argc, char **argv)
{
    int runs = 5;
    uint32_t truncate = 0;
    uint64_t max_slots = (uint64_t)1 << 22; /* an explicit pauli method's default */
    uint64_t read_bound = 0;
    bool plan_only = false;
    bool tsv = false, skip_interpreted = false;
    const char *file = NULL;
    Define defines[BENCH_MAX_DEFINES];
    size_t ndefines = 0;
    char label[256] = "";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (strcmp(argv[i], "--truncate") == 0 && i + 1 < argc)
            truncate = (uint32_t)atoi(argv[++i]);
        else if (strcmp(argv[i], "--tsv") == 0)
            tsv = true;
        else if (strcmp(argv[i], "--max-slots") == 0 && i + 1 < argc)
            max_slots = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--read-bound") == 0 && i + 1 < argc)
            read_bound = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--plan-only") == 0)
            plan_only = true;
        else if (strcmp(argv[i], "--no-interpreted") == 0)
            skip_interpreted = true;
        else if (strcmp(argv[i], "-D") == 0 && i + 1 < argc && ndefines < BENCH_MAX_DEFINES) {
            char *eq = strchr(argv[++i], '=');
            if (!eq)
                return usage();
            *eq = '\0';
            defines[ndefines++] = (Define){.name = argv[i], .value = atoll(eq + 1)};
            size_t at = strlen(label);
            snprintf(label + at, sizeof label - at, " %s=%s", argv[i], eq + 1);
        } else if (!file && argv[i][0] != '-')
            file = argv[i];
        else
            return usage();
    }
    if (read_bound && runs >= 1 && runs <= BENCH_MAX_RUNS)
        return bench_read_bound(read_bound, runs);
    if (!file || runs < 1 || runs > BENCH_MAX_RUNS)
        return usage();
    size_t len = 0;
    char *text = bench_read(file, &len);
    if (!text) {
        fprintf(stderr, "bench_pauli: cannot read %s\n", file);
        return 2;
    }
    Arena arena;
    arena_init(&arena);
    DiagSink diags;
    diag_init(&diags, &arena);
    const Source *src = source_new(&arena, file, text, len);
    free(text);
    FrontendResult fr = frontend_run(&arena, &diags, src, defines, ndefines, STAGE_ELABORATE);
    if (!fr.ok || !fr.circuit->observables.len) {
        diag_render(stderr, &diags, DIAG_FORMAT_TEXT, false);
        fprintf(stderr, "bench_pauli: %s gives no circuit with an observable\n", file);
        arena_free(&arena);
        return 2;
    }
    const Circuit *c = fr.circuit;
    const PauliSum *obs = c->observables.data[0].op;

    /* (a) planning; the last run's plan is kept */
    double plan_s = INFINITY;
    PauliProgram *p = NULL;
    StringSet ss;
    stringset_init(&ss, pauli_words(c->nqubits));
    Arena keep;
    arena_init(&keep);
    for (int r = 0; r < runs; r++) {
        arena_free(&keep);
        arena_init(&keep);
        stringset_free(&ss);
        const char *why = NULL;
        double t0 = bench_now();
        p = plan_pauli(&keep, c, obs, truncate, max_slots, c->state_input ? &ss : NULL, &why);
        plan_s = fmin(plan_s, bench_now() - t0);
        if (!p) {
            fprintf(stderr, "bench_pauli: no plan after %.3f s: %s\n", plan_s, why ? why : "?");
            arena_free(&keep);
            arena_free(&arena);
            stringset_free(&ss);
            return 2;
        }
        if (plan_only && r + 1 == runs) {
            printf("%s: %u qubits, truncate %u: plan %.3f s, %u slots, %llu pairs, %llu scaled\n",
                   file, c->nqubits, truncate, plan_s, p->nslots, (unsigned long long)p->pairs_total,
                   (unsigned long long)p->scaled_total);
            arena_free(&keep);
            arena_free(&arena);
            stringset_free(&ss);
            return 0;
        }
    }

    /* vectors */
    uint64_t seed = 2024;
    double *params = calloc(c->nparams + 1u, sizeof *params);
    double *inputs = calloc(c->ninputs + 1u, sizeof *inputs);
    double *grad = calloc(c->nparams + 1u, sizeof *grad);
    double *bloch = NULL, *state = NULL;
    for (uint32_t i = 0; i < c->nparams; i++)
        params[i] = (2 * bench_uniform(&seed) - 1) * ANS_PI;
    for (uint32_t i = 0; i < c->ninputs; i++)
        inputs[i] = 2 * bench_uniform(&seed) - 1;
    if (c->state_input) {
        bloch = calloc(3u * c->nqubits, sizeof *bloch);
        for (uint32_t q = 0; q < c->nqubits; q++) {
            double ct = 2 * bench_uniform(&seed) - 1, ph = 2 * ANS_PI * bench_uniform(&seed);
            double st = sqrt(1 - ct * ct);
            bloch[3 * q] = st * cos(ph);
            bloch[3 * q + 1] = st * sin(ph);
            bloch[3 * q + 2] = ct;
        }
        state = calloc(ss.len + 1u, sizeof *state);
        for (uint32_t i = 0; i < ss.len; i++)
            state[i] = product_trace(c, bloch, stringset_get(&ss, i), ss.words);
    }

    /* (b) compiled evaluation and gradient */
    double eval_s = INFINITY, grad_s = INFINITY, value = NAN, gvalue = NAN;
    for (int r = 0; r < runs; r++) {
        double t0 = bench_now();
        if (pauli_run(p, params, inputs, state, &value, NULL) != ANS_OK)
            return 2;
        eval_s = fmin(eval_s, bench_now() - t0);
        memset(grad, 0, (c->nparams + 1u) * sizeof *grad);
        t0 = bench_now();
        if (pauli_run(p, params, inputs, state, &gvalue, grad) != ANS_OK)
            return 2;
        grad_s = fmin(grad_s, bench_now() - t0);
    }

    /* (d) the native simulator: plan_build + emit + optimise + object + link, timed whole;
     * then the same code JIT-compiled in this process, its eval and grad timed */
    Native native = {.runs = runs, .params = params, .inputs = inputs, .state = state,
                     .eval_s = INFINITY, .grad_s = INFINITY, .value = NAN};
    double compile_s = NAN;
    {
        PlanOptions po;
        plan_options_default(&po);
        po.method = METHOD_PAULI;
        po.truncate = truncate;
        po.max_slots = max_slots;
        char out[] = "/tmp/bench_pauli_simXXXXXX";
        int fd = mkstemp(out);
        if (fd >= 0)
            close(fd);
        double t0 = bench_now();
        Plan *plan = plan_build(&keep, &diags, c, &po);
        const char *error = NULL;
        CgTarget t = {.output = out, .library = false, .opt = 2};
        bool built = plan && cg_build(&keep, plan, &t, &error);
        compile_s = bench_now() - t0;
        unlink(out);
        int status = 0;
        if (!built || !cg_jit(&keep, plan, 2, native_time, &native, &status, &error)) {
            fprintf(stderr, "bench_pauli: the native simulator failed: %s\n", error ? error : "no plan");
            return 2;
        }
    }

    /* (c) interpreted */
    double interp_s = INFINITY, ivalue = NAN;
    size_t peak = 0;
    for (int r = 0; r < runs && !skip_interpreted; r++) {
        double t0 = bench_now();
        ivalue = interpret(c, obs, truncate, params, inputs, bloch, &peak);
        interp_s = fmin(interp_s, bench_now() - t0);
    }

    double diff = fmax(fmax(fabs(value - ivalue), fabs(gvalue - value)), fabs(native.value - value));
    if (skip_interpreted)
        diff = fmax(fabs(gvalue - value), fabs(native.value - value));
    bool agree = diff <= 1e-9 * fmax(1.0, fabs(value));
    char name[512];
    snprintf(name, sizeof name, "%s%s", strrchr(file, '/') ? strrchr(file, '/') + 1 : file, label);
    if (tsv)
        printf("%s\t%u\t%zu\t%u\t%u\t%zu\t%llu\t%.3f\t%.3f\t%.3f\t%.3f\t%.1f\t%.12g\t%.2g\t%.3f\t%.3f\t%.3f\t%.1f\n",
               name, c->nqubits, c->gates.len, truncate, p->nslots, p->steps.len,
               (unsigned long long)p->pairs_total, 1e3 * plan_s, 1e3 * eval_s, 1e3 * grad_s,
               1e3 * interp_s, interp_s / eval_s, value, diff, 1e3 * compile_s, 1e3 * native.eval_s,
               1e3 * native.grad_s, interp_s / native.eval_s);
    else {
        printf("%s: %u qubits, %zu gates, truncate %u\n", name, c->nqubits, c->gates.len, truncate);
        printf("  plan        %10.3f ms  (%u slots, %zu steps, %llu pairs, %llu scaled)\n",
               1e3 * plan_s, p->nslots, p->steps.len, (unsigned long long)p->pairs_total,
               (unsigned long long)p->scaled_total);
        printf("  eval        %10.3f ms\n  eval+grad   %10.3f ms  (pauli_run, the plan through the kernels)\n",
               1e3 * eval_s, 1e3 * grad_s);
        printf("  native      %10.3f ms compile (plan, emit, -O2, link), %.3f ms eval, %.3f ms eval+grad\n",
               1e3 * compile_s, 1e3 * native.eval_s, 1e3 * native.grad_s);
        printf("  interpreted %10.3f ms  (peak %zu strings)  %.1fx the compiled eval\n",
               1e3 * interp_s, peak, interp_s / eval_s);
        printf("  value %.15g, interpreted %.15g, |diff| %.2g%s\n", value, ivalue, diff,
               agree ? "" : "  MISMATCH");
    }
    free(params);
    free(inputs);
    free(grad);
    free(bloch);
    free(state);
    stringset_free(&ss);
    arena_free(&keep);
    arena_free(&arena);
    return agree ? 0 : 1;
}
