/*
 * test_plan_pauli.c — the pauli method (codegen/plan_pauli.c) end to end: plan_pauli then
 * pauli_run, against independent references.
 *
 *   exact:      every example in examples/ (small sizes) and random circuits of Clifford,
 *               fixed and rotation gates against reference.h's dense state vector, at
 *               several random parameter and input vectors, to 1e-10;
 *   truncated:  against a Heisenberg propagation written here from first principles (a
 *               coefficient per string, indexed densely by (x, z); each gate's action
 *               computed from its dense matrix, dense.h) with the same truncation rule;
 *   gradients:  against central finite differences;
 *   state input: a random entangled state, Tr(ρP) for the strings the plan asks for;
 *   failures:   a non-commuting `evolve`, the slot budget.
 */
#include "codegen/codegen.h"
#include "runtime/ansc_sim.h"
#include "compile.h"
#include "dense.h"
#include "reference.h"
#include "testing.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>

/* ---- helpers ------------------------------------------------------------------------- */

/* The plan's tables are in range and each step's slots are distinct. */
static void check_structure(const PauliProgram *p)
{
    uint8_t *seen = calloc(p->nslots + 1u, 1);
    uint64_t pairs = 0, scaled = 0;
    for (size_t k = 0; k < p->steps.len; k++) {
        const PauliStep *st = &p->steps.data[k];
        memset(seen, 0, p->nslots);
        for (uint32_t i = 0; i < 2 * st->npairs; i++) {
            cr_assert_lt(st->pairs[i], p->nslots);
            cr_assert_eq(seen[st->pairs[i]]++, 0, "step %zu uses slot %u twice", k, st->pairs[i]);
        }
        for (uint32_t i = 0; i < st->nscaled; i++) {
            cr_assert_lt(st->scaled[i], p->nslots);
            cr_assert_eq(seen[st->scaled[i]]++, 0, "step %zu uses slot %u twice", k, st->scaled[i]);
        }
        pairs += st->npairs;
        scaled += st->nscaled;
    }
    cr_assert_eq(pairs, p->pairs_total);
    cr_assert_eq(scaled, p->scaled_total);
    for (uint32_t i = 0; i < p->reduction.n; i++)
        cr_assert_lt(p->reduction.slot[i], p->nslots);
    free(seen);
}

/* ---- an independent truncated Heisenberg propagation --------------------------------- */

/* O = constant + Σ c[x | z << n] · P(x, z), n ≤ 8. A gate conjugates every string that
 * meets its qubits by the gate's dense matrix (dense.h) and reads the result back string
 * by string (Tr(R·M)/2^k). Rotations go term by term, dropping each new string heavier
 * than t; a fixed Clifford goes as a whole, its image dropped when heavier than t. */
typedef struct Tp {
    uint32_t n, t;
    double constant;
    double *c, *next;     /* 4^n, dense */
    uint32_t *live, *out; /* the indices that may be nonzero in c, in next */
    uint32_t nlive, nout;
    uint8_t *seen;        /* in out already */
} Tp;

static void tp_add(Tp *tp, uint64_t at, double v)
{
    if (!tp->seen[at]) {
        tp->seen[at] = 1;
        tp->out[tp->nout++] = (uint32_t)at;
    }
    tp->next[at] += v;
}

static size_t tp_size(const Tp *tp) { return (size_t)1 << (2 * tp->n); }
static bool tp_heavy(const Tp *tp, uint64_t x, uint64_t z)
{
    return tp->t > 0 && (uint32_t)__builtin_popcountll(x | z) > tp->t;
}

/* The local string with code r (two bits a qubit, "IXZY"[bits], qubit j at bits 2j) as a
 * k-qubit matrix with one nonzero per row: row i holds value[i] in column col[i]. Written
 * from the matrices X = [[0,1],[1,0]], Y = [[0,-i],[i,0]], Z = diag(1,-1), qubit j at bit
 * k-1-j of the index (dense.h's order). */
static void tp_local_string(uint32_t r, unsigned k, uint8_t *col, double complex *value)
{
    for (unsigned i = 0; i < (1u << k); i++) {
        unsigned c = i;
        double complex v = 1;
        for (unsigned j = 0; j < k; j++) {
            unsigned bit = (i >> (k - 1 - j)) & 1, f = (r >> (2 * j)) & 3;
            if (f & 1)
                c ^= 1u << (k - 1 - j);
            if (f == 2)
                v *= bit ? -1 : 1;
            if (f == 3)
                v *= bit ? I : -I;
        }
        col[i] = (uint8_t)c;
        value[i] = v;
    }
}

/* tp ← U† tp U for the unitary u on qubits[0..k) (qubits[0] most significant). The image
 * of each of the 4^k local strings L is computed once, densely: table[l·4^k + r] =
 * Tr(R · U† L U) / 2^k. */
static void tp_conjugate(Tp *tp, const Dense *u, const uint32_t *qubits, unsigned k)
{
    uint64_t n = tp->n, mask = (1ull << n) - 1, local = 0;
    uint32_t nl = 1u << (2 * k), dim = 1u << k;
    for (unsigned j = 0; j < k; j++)
        local |= 1ull << qubits[j];
    double *table = calloc((size_t)nl * nl, sizeof *table);
    uint8_t(*col)[DENSE_MAX] = malloc(nl * sizeof *col);
    double complex(*value)[DENSE_MAX] = malloc(nl * sizeof *value);
    for (uint32_t r = 0; r < nl; r++)
        tp_local_string(r, k, col[r], value[r]);
    Dense ud;
    dense_adjoint(&ud, u);
    double worst_imag = 0;
    for (uint32_t l = 0; l < nl; l++) {
        Dense m;
        dense_zero(&m, dim);
        for (unsigned i = 0; i < dim; i++)
            m.a[i][col[l][i]] = value[l][i];
        dense_mul(&m, &ud, &m);
        dense_mul(&m, &m, u);
        for (uint32_t r = 0; r < nl; r++) {
            double complex t = 0;
            for (unsigned i = 0; i < dim; i++)
                t += value[r][i] * m.a[col[r][i]][i];
            t /= dim;
            worst_imag = fmax(worst_imag, fabs(cimag(t)));
            table[(size_t)l * nl + r] = fabs(creal(t)) < 1e-13 ? 0 : creal(t);
        }
    }
    cr_assert_lt(worst_imag, 1e-12, "conjugation of a Hermitian string is Hermitian");
    tp->nout = 0;
    for (uint32_t e = 0; e < tp->nlive; e++) {
        uint32_t i = tp->live[e];
        double ci = tp->c[i];
        tp->c[i] = 0;
        uint64_t x = i & mask, z = i >> n;
        if (ci == 0)
            continue;
        if (((x | z) & local) == 0) {
            tp_add(tp, i, ci);
            continue;
        }
        uint32_t l = 0;
        for (unsigned j = 0; j < k; j++)
            l |= (uint32_t)(((x >> qubits[j]) & 1) | ((z >> qubits[j]) & 1) << 1) << (2 * j);
        for (uint32_t r = 0; r < nl; r++) {
            double coef = table[(size_t)l * nl + r];
            if (coef == 0)
                continue;
            uint64_t rx = x & ~local, rz = z & ~local;
            for (unsigned j = 0; j < k; j++) {
                rx |= (uint64_t)((r >> (2 * j)) & 1) << qubits[j];
                rz |= (uint64_t)((r >> (2 * j + 1)) & 1) << qubits[j];
            }
            if (!tp_heavy(tp, rx, rz))
                tp_add(tp, rx | rz << n, ci * coef);
        }
    }
    free(table);
    free(col);
    free(value);
    double *t = tp->c; /* all zero again */
    tp->c = tp->next;
    tp->next = t;
    uint32_t *l = tp->live;
    tp->live = tp->out;
    tp->out = l;
    tp->nlive = tp->nout;
    for (uint32_t e = 0; e < tp->nlive; e++)
        tp->seen[tp->live[e]] = 0;
}

/* exp(-i·angle·H) for the sum H on qubits[0..k). */
static void tp_unitary(Dense *u, const PauliSum *h, const uint32_t *qubits, unsigned k, double angle)
{
    Dense g;
    cr_assert_eq(dense_from_psum(&g, h, qubits, k), 0);
    dense_scale(&g, -I * angle);
    dense_expm(u, &g);
}

static double tp_run(const Circuit *c, const PauliSum *obs, uint32_t t, const double *params,
                     const double *inputs, const double complex *psi)
{
    Tp tp = {.n = c->nqubits, .t = t};
    cr_assert_leq(tp.n, 8);
    tp.c = calloc(tp_size(&tp), sizeof *tp.c);
    tp.next = calloc(tp_size(&tp), sizeof *tp.next);
    tp.live = calloc(tp_size(&tp), sizeof *tp.live);
    tp.out = calloc(tp_size(&tp), sizeof *tp.out);
    tp.seen = calloc(tp_size(&tp), 1);
    for (uint32_t i = 0; i < obs->len; i++) {
        uint64_t x = psum_string(obs, i)[0], z = psum_string(obs, i)[obs->words];
        if ((x | z) == 0)
            tp.constant += obs->coef[i].value;
        else if (!tp_heavy(&tp, x, z)) {
            tp.c[x | z << tp.n] += obs->coef[i].value;
            tp.live[tp.nlive++] = (uint32_t)(x | z << tp.n);
        }
    }
    for (size_t k = c->gates.len; k-- > 0;) {
        const Gate *g = &c->gates.data[k];
        double angle = ref_angle(g, params, inputs);
        Dense u;
        if (gate_info(g->kind)->cls == GATE_CLIFFORD) {
            tp_unitary(&u, g->generator, g->qubits, g->nqubits, angle);
            tp_conjugate(&tp, &u, g->qubits, g->nqubits);
            continue;
        }
        for (uint32_t i = 0; i < g->generator->len; i++) {
            const uint64_t *q = psum_string(g->generator, i);
            if ((q[0] | q[g->generator->words]) == 0)
                continue;
            uint32_t qubits[8];
            unsigned nq = 0;
            for (uint32_t b = 0; b < c->nqubits; b++)
                if (((q[0] | q[g->generator->words]) >> b) & 1)
                    qubits[nq++] = b;
            cr_assert_leq(nq, 4);
            Arena scratch;
            arena_init(&scratch);
            PauliSum *one = psum_new(&scratch, c->nqubits);
            psum_add(&scratch, one, q, g->generator->coef[i]);
            tp_unitary(&u, one, qubits, nq, angle);
            arena_free(&scratch);
            tp_conjugate(&tp, &u, qubits, nq);
        }
    }
    double e = tp.constant;
    uint64_t mask = (1ull << tp.n) - 1;
    RefState st = {.n = tp.n, .a = (double complex *)psi};
    for (size_t i = 0; i < tp_size(&tp); i++) {
        if (tp.c[i] == 0)
            continue;
        uint64_t x = i & mask, z = i >> tp.n;
        double f = 1;
        if (psi)
            f = ref_pauli_expectation(&st, x, z);
        else
            for (uint32_t q = 0; q < tp.n; q++) {
                int fx = (int)((x >> q) & 1), fz = (int)((z >> q) & 1);
                Ket ket = c->state[q];
                if (fx && fz)
                    f = 0;
                else if (fz)
                    f *= ket == KET_0 ? 1 : ket == KET_1 ? -1 : 0;
                else if (fx)
                    f *= ket == KET_PLUS ? 1 : ket == KET_MINUS ? -1 : 0;
            }
        e += tp.c[i] * f;
    }
    free(tp.c);
    free(tp.next);
    free(tp.live);
    free(tp.out);
    free(tp.seen);
    return e;
}

/* ---- checking one circuit ------------------------------------------------------------ */

/* Whether some gate's generator has non-identity terms that do not commute (read from the
 * raw bits: the test's own check). */
static bool has_noncommuting_gate(const Circuit *c)
{
    for (size_t k = 0; k < c->gates.len; k++) {
        const PauliSum *g = c->gates.data[k].generator;
        if (gate_info(c->gates.data[k].kind)->cls == GATE_CLIFFORD)
            continue;
        for (uint32_t s = 0; s < g->len; s++)
            for (uint32_t t = s + 1; t < g->len; t++) {
                uint32_t odd = 0;
                for (uint32_t w = 0; w < g->words; w++) {
                    const uint64_t *a = psum_string(g, s), *b = psum_string(g, t);
                    odd += (uint32_t)__builtin_popcountll((a[w] & b[g->words + w]) ^
                                                          (a[g->words + w] & b[w]));
                }
                if (odd & 1)
                    return true;
            }
    }
    return false;
}

/* The expected <O_k>: the dense reference when nothing is truncated, else tp_run. */
static double expected(const Circuit *c, uint32_t k, uint32_t t, const double *params,
                       const double *inputs, const double complex *psi)
{
    if (t == 0 || t >= c->nqubits) {
        double *values = calloc(c->observables.len, sizeof *values);
        ref_run(c, params, inputs, psi, values);
        double v = values[k];
        free(values);
        return v;
    }
    return tp_run(c, c->observables.data[k].op, t, params, inputs, psi);
}

typedef struct CheckStats {
    int planned, refused, truncation_mattered;
    uint64_t steps, slots;
} CheckStats;

/* Plans every observable with truncation t and compares pauli_run with the expectation at
 * `vectors` random parameter/input (and, for `state input`, state) vectors; the gradient
 * against central differences of the expectation at the first. */
static void check_circuit(const Circuit *c, uint32_t t, uint64_t *seed, int vectors, bool grads,
                          const char *what, CheckStats *stats)
{
    double *params = calloc(c->nparams + 1u, sizeof *params);
    double *inputs = calloc(c->ninputs + 1u, sizeof *inputs);
    double *grad = calloc(c->nparams + 1u, sizeof *grad);
    for (uint32_t k = 0; k < c->observables.len; k++) {
        Arena a;
        arena_init(&a);
        StringSet ss;
        stringset_init(&ss, pauli_words(c->nqubits));
        const char *why = NULL;
        PauliProgram *p = plan_pauli(&a, c, c->observables.data[k].op, t, (uint64_t)1 << 22,
                                     c->state_input ? &ss : NULL, &why);
        if (!p) {
            cr_assert_not_null(why, "%s: NULL without a reason", what);
            cr_assert(strstr(why, "do not commute") && has_noncommuting_gate(c),
                      "%s: refused: %s", what, why);
            stats->refused++;
            stringset_free(&ss);
            arena_free(&a);
            continue;
        }
        stats->planned++;
        stats->steps += p->steps.len;
        stats->slots += p->nslots;
        check_structure(p);
        for (int v = 0; v < vectors; v++) {
            test_random_angles(params, c->nparams, seed);
            test_random_angles(inputs, c->ninputs, seed);
            double complex *psi = c->state_input ? test_random_state(c->nqubits, seed) : NULL;
            double *state = c->state_input ? test_state_values(&ss, psi, c->nqubits) : NULL;
            double value = NAN, want = expected(c, k, t, params, inputs, psi);
            bool with_grad = grads && v == 0;
            memset(grad, 0, (c->nparams + 1u) * sizeof *grad);
            cr_assert_eq(pauli_run(p, params, inputs, state, &value, with_grad ? grad : NULL), ANS_OK);
            cr_assert(fabs(value - want) < 1e-10, "%s, %s, truncate %u: pauli %.15g, expected %.15g",
                      what, c->observables.data[k].name, t, value, want);
            if (t > 0 && t < c->nqubits) {
                double exact = expected(c, k, 0, params, inputs, psi);
                stats->truncation_mattered += fabs(exact - want) > 1e-6;
            }
            /* truncated: differences of pauli_run itself, whose values were just checked */
            for (uint32_t j = 0; with_grad && j < c->nparams; j++) {
                const double h = 1e-6, keep = params[j];
                double up, down;
                params[j] = keep + h;
                if (t == 0 || t >= c->nqubits)
                    up = expected(c, k, t, params, inputs, psi);
                else
                    pauli_run(p, params, inputs, state, &up, NULL);
                params[j] = keep - h;
                if (t == 0 || t >= c->nqubits)
                    down = expected(c, k, t, params, inputs, psi);
                else
                    pauli_run(p, params, inputs, state, &down, NULL);
                params[j] = keep;
                double fd = (up - down) / (2 * h);
                cr_assert(fabs(grad[j] - fd) < 1e-6, "%s, %s, truncate %u: d/dparam[%u] %.10g, "
                          "finite differences %.10g", what, c->observables.data[k].name, t, j,
                          grad[j], fd);
            }
            free(psi);
            free(state);
        }
        stringset_free(&ss);
        arena_free(&a);
    }
    free(params);
    free(inputs);
    free(grad);
}

/* ---- the examples -------------------------------------------------------------------- */

typedef void (*ExampleFn)(const Circuit *c, const char *what, uint64_t *seed, CheckStats *stats);

/* Calls fn on every example at -D n=4 and at its own sizes (where it fits the reference). */
static int for_each_example(ExampleFn fn, CheckStats *stats)
{
    DIR *dir = opendir(ANSC_SOURCE_DIR "/examples");
    cr_assert_not_null(dir);
    int files = 0;
    uint64_t seed = 42;
    for (struct dirent *e; (e = readdir(dir)) != NULL;) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".ans") != 0)
            continue;
        char path[512];
        snprintf(path, sizeof path, "%s/examples/%s", ANSC_SOURCE_DIR, e->d_name);
        char *text = test_read_file(path);
        files++;
        for (int with_n = 1; with_n >= 0; with_n--) {
            Define d = {.name = "n", .value = 4};
            char what[600];
            snprintf(what, sizeof what, "%s%s", e->d_name, with_n ? " -D n=4" : "");
            Compiled *c = test_compile_text(text, &d, with_n ? 1 : 0, what);
            if (c->result.circuit->nqubits <= 8)
                fn(c->result.circuit, what, &seed, stats);
            compiled_free(c);
        }
        free(text);
    }
    closedir(dir);
    return files;
}

static void exact_example(const Circuit *c, const char *what, uint64_t *seed, CheckStats *stats)
{
    check_circuit(c, 0, seed, 3, true, what, stats);
}

Test(plan_pauli, every_example_matches_the_dense_reference)
{
    CheckStats stats = {0};
    int files = for_each_example(exact_example, &stats);
    cr_assert_geq(files, 17, "the examples directory has %d files", files);
    cr_assert_geq(stats.planned, 2 * files, "planned %d observables", stats.planned);
    cr_assert_eq(stats.refused, 0, "every example's generators commute term by term");
}

static void truncated_example(const Circuit *c, const char *what, uint64_t *seed, CheckStats *stats)
{
    check_circuit(c, 2, seed, 2, false, what, stats);
    check_circuit(c, c->nqubits, seed, 1, false, what, stats);
}

Test(plan_pauli, every_example_truncated_matches_the_independent_propagation)
{
    CheckStats stats = {0};
    for_each_example(truncated_example, &stats);
    cr_assert_gt(stats.truncation_mattered, 5, "truncation to weight 2 changed %d values",
                 stats.truncation_mattered);
}

Test(plan_pauli, state_input_example_from_an_entangled_state)
{
    char *text = test_read_file(ANSC_SOURCE_DIR "/examples/state_input.ans");
    Define d[2] = {{.name = "n", .value = 6}, {.name = "depth", .value = 2}};
    Compiled *c = test_compile_text(text, d, 2, "state_input.ans");
    const Circuit *circ = c->result.circuit;
    cr_assert(circ->state_input);
    uint64_t seed = 7;
    CheckStats stats = {0};
    check_circuit(circ, 0, &seed, 4, true, "state_input.ans -D n=6", &stats);
    check_circuit(circ, 2, &seed, 2, true, "state_input.ans -D n=6", &stats);
    cr_assert_eq(stats.planned, 4);

    /* the strings asked for are exactly those the reduction weighs, each once */
    Arena a;
    arena_init(&a);
    StringSet ss;
    stringset_init(&ss, pauli_words(circ->nqubits));
    const char *why;
    PauliProgram *p = plan_pauli(&a, circ, circ->observables.data[0].op, 0, 1u << 20, &ss, &why);
    cr_assert_not_null(p);
    cr_assert_eq(p->reduction.n, ss.len);
    cr_assert_not_null(p->reduction.state_index);
    for (uint32_t i = 0; i < ss.len; i++)
        cr_assert(!pauli_is_identity(stringset_get(&ss, i), ss.words));
    stringset_free(&ss);
    arena_free(&a);
    compiled_free(c);
    free(text);
}

/* ---- random circuits ----------------------------------------------------------------- */

/* A random .ans source: n qubits (n >= 3), Clifford, fixed and rotation gates, commuting
 * evolves, inputs, a random product state and two observables. */
static char *random_source(uint64_t *seed, uint32_t n, uint32_t ngates)
{
    static const char *const sums[] = {
        "X(q[%1$u]) * X(q[%2$u]) + Y(q[%1$u]) * Y(q[%2$u])",
        "0.5 * Z(q[%1$u]) + Z(q[%1$u]) * Z(q[%2$u]) - 0.3 * Z(q[%2$u])",
        "X(q[%1$u]) * Y(q[%2$u]) * Z(q[%3$u]) - 0.7 * Y(q[%1$u]) * X(q[%2$u]) * Z(q[%3$u])",
        "X(q[%1$u]) + X(q[%2$u]) + 0.25 * I",
    };
    const uint32_t nparams = 6;
    StrBuf sb = {0};
    test_random_source_header(&sb, seed, n, nparams);
    for (uint32_t g = 0; g < ngates; g++) {
        uint32_t q[3];
        test_random_qubits(seed, n, q);
        uint32_t kind = test_random_below(seed, TEST_STANDARD_GATE_KINDS + 2);
        if (kind < TEST_STANDARD_GATE_KINDS) {
            test_random_standard_gate(&sb, seed, q, nparams, kind);
        } else { /* evolve of commuting terms */
            sb_puts(&sb, "evolve(");
            test_random_angle_text(&sb, seed, nparams);
            sb_puts(&sb, ") ");
            sb_printf(&sb, sums[test_random_below(seed, 4)], q[0], q[1], q[2]);
            sb_puts(&sb, ";\n");
        }
    }
    test_random_observables(&sb, seed, n);
    return sb.data;
}

Test(plan_pauli, random_circuits_match_the_dense_reference)
{
    uint64_t seed = 1234;
    CheckStats stats = {0};
    for (int r = 0; r < 60; r++) {
        uint32_t n = 3 + test_random_below(&seed, 3);
        char *text = random_source(&seed, n, 10 + test_random_below(&seed, 40));
        Compiled *c = test_compile_text(text, NULL, 0, text);
        check_circuit(c->result.circuit, 0, &seed, 3, true, text, &stats);
        check_circuit(c->result.circuit, n, &seed, 1, false, text, &stats); /* no cut at all */
        /* the independent propagation agrees with the dense reference when nothing is cut */
        double params[6], inputs[2], values[2];
        test_random_angles(params, 6, &seed);
        test_random_angles(inputs, 2, &seed);
        ref_run(c->result.circuit, params, inputs, NULL, values);
        for (int k = 0; k < 2; k++) {
            double tp = tp_run(c->result.circuit, c->result.circuit->observables.data[k].op, 0,
                               params, inputs, NULL);
            cr_assert_float_eq(tp, values[k], 1e-10, "test's propagation %.15g, reference %.15g\n%s",
                               tp, values[k], text);
        }
        compiled_free(c);
        free(text);
    }
    cr_assert_eq(stats.planned, 240);
}

Test(plan_pauli, random_circuits_truncated_match_the_independent_propagation)
{
    uint64_t seed = 99;
    CheckStats stats = {0};
    for (int r = 0; r < 60; r++) {
        uint32_t n = 4 + test_random_below(&seed, 3);
        char *text = random_source(&seed, n, 20 + test_random_below(&seed, 40));
        Compiled *c = test_compile_text(text, NULL, 0, text);
        uint32_t t = 1 + test_random_below(&seed, 3);
        check_circuit(c->result.circuit, t, &seed, 2, true, text, &stats);
        compiled_free(c);
        free(text);
    }
    cr_assert_eq(stats.planned, 120);
    cr_assert_gt(stats.truncation_mattered, 20, "truncation changed %d values",
                 stats.truncation_mattered);
}

/* Eight qubits and many gates: thousands of strings, so that the planner's string table
 * grows, collides and, under the Cliffords, removes and re-inserts many entries. */
Test(plan_pauli, large_random_circuits_exercise_the_string_table)
{
    uint64_t seed = 4242;
    CheckStats stats = {0};
    for (int r = 0; r < 4; r++) {
        char *text = random_source(&seed, 8, 150);
        Compiled *c = test_compile_text(text, NULL, 0, text);
        check_circuit(c->result.circuit, 0, &seed, 1, false, text, &stats);
        check_circuit(c->result.circuit, 4, &seed, 1, false, text, &stats);
        compiled_free(c);
        free(text);
    }
    cr_assert_eq(stats.planned, 16);
    cr_assert_gt(stats.slots, 20000, "only %llu slots", (unsigned long long)stats.slots);
}

/* ---- refusals --------------------------------------------------------------------------- */

Test(plan_pauli, noncommuting_evolve_is_refused_with_its_line)
{
    Compiled *c = test_compile_text("ansatz a(n = 2);\nqubit[n] q;\nparam t;\nrx(t) q[0];\n"
                             "evolve(t) X(q[0]) + Z(q[0]) * X(q[1]);\nobserve Z(q[0]);\n",
                             NULL, 0, "non-commuting evolve");
    Arena a;
    arena_init(&a);
    const char *why = NULL;
    PauliProgram *p = plan_pauli(&a, c->result.circuit, c->result.circuit->observables.data[0].op,
                                 0, 1000, NULL, &why);
    cr_assert_null(p);
    cr_assert_not_null(why);
    cr_assert(strstr(why, "do not commute") && strstr(why, "evolve") && strstr(why, "line 5"),
              "why: %s", why);
    arena_free(&a);
    compiled_free(c);
}

Test(plan_pauli, slot_budget_is_enforced)
{
    Compiled *c = test_compile_text("ansatz a(n = 4);\nqubit[n] q;\nparam t[8];\n"
                             "for i in [0:n - 1] { rx(t[i]) q[i]; }\n"
                             "for i in [0:n - 2] { cx q[i], q[i + 1]; }\n"
                             "for i in [0:n - 1] { ry(t[i + 4]) q[i]; }\n"
                             "observe Z(q[0]) * Z(q[1]) + X(q[3]);\n",
                             NULL, 0, "budget");
    const Circuit *circ = c->result.circuit;
    Arena a;
    arena_init(&a);
    const char *why = NULL;
    PauliProgram *full = plan_pauli(&a, circ, circ->observables.data[0].op, 0, 1u << 20, NULL, &why);
    cr_assert_not_null(full);
    cr_assert_gt(full->nslots, 4);
    cr_assert_null(plan_pauli(&a, circ, circ->observables.data[0].op, 0, full->nslots - 1, NULL, &why));
    cr_assert(strstr(why, "Pauli strings"), "why: %s", why);
    cr_assert_not_null(plan_pauli(&a, circ, circ->observables.data[0].op, 0, full->nslots, NULL, &why));
    arena_free(&a);
    compiled_free(c);
}

Test(plan_pauli, state_input_needs_the_state_strings)
{
    Compiled *c = test_compile_text("ansatz a(n = 2);\nqubit[n] q;\nparam t;\nstate input;\n"
                             "ry(t) q[0];\nobserve Z(q[0]);\n", NULL, 0, "state input");
    Arena a;
    arena_init(&a);
    const char *why = NULL;
    cr_assert_null(plan_pauli(&a, c->result.circuit, c->result.circuit->observables.data[0].op, 0,
                              100, NULL, &why));
    cr_assert_not_null(why);
    arena_free(&a);
    compiled_free(c);
}
