/*
 * test_plan_dla.c — the dla method (codegen/plan_dla.c) end to end: plan_dla then dla_run,
 * against independent references.
 *
 *   values:     the examples at small sizes (summed generators, merged runs of rotations,
 *               inputs, u gates, fixed Cliffords before and between the rotations) and
 *               random circuits of Clifford, fixed and rotation gates, non-commuting
 *               `evolve` sums and runs of gates sharing a parameter, against reference.h's
 *               dense state vector at random parameter and input vectors, to 1e-10;
 *   gradients:  against central finite differences of the reference;
 *   state input: a random entangled state, Tr(ρP) computed by the reference for each
 *               string the plan put into the state strings;
 *   dimension:  the module equals the analysis' (analyze_circuit) wherever the gates'
 *               generators are the effective generators, and lie_close's directly;
 *   failures:   the dimension budget (NULL, with the budget in the reason);
 *   structure:  every table in range, each generator's eigenvectors unitary.
 */
#include "codegen/codegen.h"
#include "runtime/ansc_sim.h"
#include "reference.h"
#include "testing.h"

/* ---- helpers ------------------------------------------------------------------------- */

/* An example with up to two size definitions. */
static Compiled *compile_example(const char *file, const char *name1, int64_t v1,
                                 const char *name2, int64_t v2, char *what, size_t cap)
{
    char *text = test_read_example(file);
    Define d[2] = {{.name = name1, .value = v1}, {.name = name2, .value = v2}};
    int len = snprintf(what, cap, "%s.ans -D %s=%lld", file, name1, (long long)v1);
    if (name2 && len > 0 && (size_t)len < cap)
        snprintf(what + len, cap - (size_t)len, " -D %s=%lld", name2, (long long)v2);
    Compiled *c = test_compile_text(text, d, name2 ? 2 : 1, what);
    free(text);
    return c;
}

static double expected(const Circuit *c, uint32_t k, const double *params, const double *inputs,
                       const double complex *psi)
{
    double values[64];
    cr_assert_leq(c->observables.len, 64);
    ref_run(c, params, inputs, psi, values);
    return values[k];
}

/* Tables in range; for each generator r ≤ d/2 eigenvalues, all positive, and W's r
 * columns orthonormal (‖W†W − I‖ small). */
static void check_structure(const DlaProgram *p, const char *what)
{
    uint32_t d = p->dim;
    for (size_t k = 0; k < p->steps.len; k++)
        cr_assert_lt(p->steps.data[k].generator, p->ngenerators, "%s", what);
    for (uint32_t i = 0; i < p->reduction.n; i++)
        cr_assert_lt(p->reduction.slot[i], d, "%s", what);
    for (uint32_t g = 0; g < p->ngenerators && d <= 300; g++) {
        const double *w = p->generators[g].w;
        uint32_t rank = p->generators[g].rank;
        cr_assert_leq(2 * rank, d, "%s: generator %u: rank 2·%u of a %u × %u matrix", what, g, rank, d, d);
        for (uint32_t j = 0; j < rank; j++)
            cr_assert_gt(p->generators[g].lambda[j], 0, "%s: generator %u", what, g);
        double worst = 0;
        for (uint32_t i = 0; i < rank; i++)
            for (uint32_t j = 0; j < rank; j++) {
                double complex s = 0;
                for (uint32_t r = 0; r < d; r++)
                    s += conj(w[2 * ((size_t)r * rank + i)] + I * w[2 * ((size_t)r * rank + i) + 1]) *
                         (w[2 * ((size_t)r * rank + j)] + I * w[2 * ((size_t)r * rank + j) + 1]);
                worst = fmax(worst, cabs(s - (i == j)));
            }
        cr_assert_lt(worst, 1e-12, "%s: generator %u: ‖W†W − I‖ = %g", what, g, worst);
    }
}

typedef struct CheckStats {
    int planned, over_budget, values, gradients;
    uint32_t largest_dim;
    size_t strings_state; /* state strings asked for, over all state-input plans */
} CheckStats;

/* Plans every observable of c and compares values (and, when grads, gradients) with the
 * reference at `vectors` random points. A plan may be refused only for its budget. */
static void check_circuit(const Circuit *c, uint32_t max_dim, uint64_t *seed, int vectors,
                          bool grads, const char *what, CheckStats *stats)
{
    double *params = calloc(c->nparams + 1u, sizeof *params);
    double *inputs = calloc(c->ninputs + 1u, sizeof *inputs);
    double *grad = calloc(c->nparams + 1u, sizeof *grad);
    Arena a;
    arena_init(&a);
    Frame *f = frame_build(&a, c);
    for (uint32_t k = 0; k < c->observables.len; k++) {
        StringSet ss;
        stringset_init(&ss, pauli_words(c->nqubits));
        const char *why = NULL;
        DlaProgram *p = plan_dla(&a, c, f, k, max_dim, c->state_input ? &ss : NULL, &why);
        if (!p) {
            cr_assert_not_null(why, "%s: NULL without a reason", what);
            cr_assert(strstr(why, "exceeds"), "%s, observable %u: refused: %s", what, k, why);
            stats->over_budget++;
            stringset_free(&ss);
            continue;
        }
        stats->planned++;
        stats->largest_dim = p->dim > stats->largest_dim ? p->dim : stats->largest_dim;
        stats->strings_state += ss.len;
        check_structure(p, what);
        for (int v = 0; v < vectors; v++) {
            test_random_angles(params, c->nparams, seed);
            test_random_angles(inputs, c->ninputs, seed);
            double complex *psi = c->state_input ? test_random_state(c->nqubits, seed) : NULL;
            double *state = c->state_input ? test_state_values(&ss, psi, c->nqubits) : NULL;
            double value = NAN, want = expected(c, k, params, inputs, psi);
            bool with_grad = grads && v == 0;
            memset(grad, 0, (c->nparams + 1u) * sizeof *grad);
            cr_assert_eq(dla_run(p, params, inputs, state, &value, with_grad ? grad : NULL),
                         ANS_OK);
            cr_assert(fabs(value - want) < 1e-10, "%s, %s: dla %.15g, expected %.15g (dim %u)",
                      what, c->observables.data[k].name, value, want, p->dim);
            stats->values++;
            for (uint32_t j = 0; with_grad && j < c->nparams; j++) {
                const double h = 1e-6, keep = params[j];
                params[j] = keep + h;
                double up = expected(c, k, params, inputs, psi);
                params[j] = keep - h;
                double down = expected(c, k, params, inputs, psi);
                params[j] = keep;
                double fd = (up - down) / (2 * h);
                cr_assert(fabs(grad[j] - fd) < 1e-6, "%s, %s: d/dparam[%u] %.10g, finite "
                          "differences %.10g", what, c->observables.data[k].name, j, grad[j], fd);
                stats->gradients++;
            }
            free(psi);
            free(state);
        }
        stringset_free(&ss);
    }
    arena_free(&a);
    free(params);
    free(inputs);
    free(grad);
}

/* ---- the examples -------------------------------------------------------------------- */

typedef struct ExampleSize {
    const char *file, *name1;
    int64_t v1;
    const char *name2;
    int64_t v2;
} ExampleSize;

static const ExampleSize examples[] = {
    {"xxz_hva", "n", 4, "layers", 2},
    {"xxz_hva", "n", 6, "layers", 2},
    {"heisenberg_per_bond", "n", 4, "layers", 2},
    {"heisenberg_per_bond", "n", 5, "layers", 2},
    {"tfim_hva_chain", "n", 4, "layers", 2},
    {"tfim_hva_chain", "n", 7, "layers", 3},
    {"tfim_hva_ring", "n", 4, "layers", 3},
    {"tfim_hva_ring", "n", 6, "layers", 2},
    {"particle_number", "n", 4, "layers", 2},
    {"particle_number", "n", 6, "layers", 1},
    {"permutation_equivariant", "n", 4, "layers", 2},
    {"permutation_equivariant", "n", 5, "layers", 2},
    {"qaoa_maxcut", "n", 5, "p", 2},
    {"qaoa_maxcut", "n", 6, "p", 2},
    {"free_fermion", "n", 4, "layers", 2},
    {"free_fermion", "n", 6, "layers", 2},
    {"tfim_multi_angle", "n", 4, "layers", 2},
    {"data_reuploading", "n", 3, "layers", 2},
    {"hea_ry_rz_cz", "n", 3, NULL, 0},
    {"efficient_su2", "n", 3, "reps", 2},
    {"strongly_entangling", "n", 3, NULL, 0},
    {"real_amplitudes", "n", 4, NULL, 0},
};

Test(plan_dla, examples_match_the_dense_reference, .timeout = 900)
{
    CheckStats stats = {0};
    uint64_t seed = 42;
    size_t count = sizeof examples / sizeof *examples;
    for (size_t e = 0; e < count; e++) {
        char what[256];
        const ExampleSize *x = &examples[e];
        Compiled *c = compile_example(x->file, x->name1, x->v1, x->name2, x->v2, what, sizeof what);
        check_circuit(c->result.circuit, 1200, &seed, 2, true, what, &stats);
        compiled_free(c);
    }
    cr_assert_eq(stats.over_budget, 0, "%d observables over the budget", stats.over_budget);
    cr_assert_geq(stats.planned, (int)count);
    cr_assert_gt(stats.gradients, 100);
}

/* The gates' generators are the effective ones in these (one gate per parameter, or runs
 * that merge): the module is the analysis' module for the same observable. */
Test(plan_dla, module_dimension_is_the_analysis_module)
{
    static const ExampleSize same[] = {
        {"tfim_hva_chain", "n", 6, "layers", 2},
        {"tfim_hva_ring", "n", 6, "layers", 2},
        {"heisenberg_per_bond", "n", 5, "layers", 2},
        {"particle_number", "n", 5, "layers", 2},
        {"permutation_equivariant", "n", 5, "layers", 2},
        {"xxz_hva", "n", 6, "layers", 2},
        {"qaoa_maxcut", "n", 6, "p", 2},
        {"free_fermion", "n", 5, "layers", 2},
        {"tfim_multi_angle", "n", 4, "layers", 2},
    };
    for (size_t e = 0; e < sizeof same / sizeof *same; e++) {
        char what[256];
        const ExampleSize *x = &same[e];
        Compiled *cc =
            compile_example(x->file, x->name1, x->v1, x->name2, x->v2, what, sizeof what);
        const Circuit *c = cc->result.circuit;
        Analysis *an = analyze_circuit(&cc->arena, &cc->diags, c, NULL);
        cr_assert_not_null(an);
        for (uint32_t k = 0; k < c->observables.len; k++) {
            const char *why = NULL;
            DlaProgram *p = plan_dla(&cc->arena, c, an->frame, k, 4096, NULL, &why);
            cr_assert_not_null(p, "%s: %s", what, why);
            cr_assert(an->observables[k].module_complete);
            cr_assert_eq(p->dim, an->observables[k].module_dim, "%s, observable %u: dla %u, "
                         "analysis %u", what, k, p->dim, an->observables[k].module_dim);
            /* and lie_close's own closure under the effective generators */
            size_t ng = an->generators->list.len;
            PauliSum **gens = arena_alloc(&cc->arena, (ng + 1) * sizeof *gens);
            for (size_t g = 0; g < ng; g++)
                gens[g] = an->generators->list.data[g].op;
            PauliSum *seed = psum_without_identity(&cc->arena, an->frame->observables[k]);
            LieSpace *s = lie_close(c->nqubits, gens, ng, &seed, 1, 1u << 20);
            cr_assert_eq(p->dim, s->dim, "%s: dla %u, lie_close %u", what, p->dim, s->dim);
            lie_space_free(s);
        }
        analysis_free(an);
        compiled_free(cc);
    }
}

Test(plan_dla, runs_sharing_a_parameter_are_one_step)
{
    /* qaoa: each layer's eight rzz(2γ) edges are one step, its six rx(2β) another */
    char what[256];
    Compiled *cc = compile_example("qaoa_maxcut", "n", 6, "p", 3, what, sizeof what);
    const Circuit *c = cc->result.circuit;
    Frame *f = frame_build(&cc->arena, c);
    const char *why = NULL;
    DlaProgram *p = plan_dla(&cc->arena, c, f, 0, 4096, NULL, &why);
    cr_assert_not_null(p, "%s", why);
    cr_assert_eq(p->steps.len, 6);
    cr_assert_eq(p->ngenerators, 2, "cost and mixer, shared by the layers");
    for (size_t k = 0; k < p->steps.len; k++) {
        cr_assert_eq(p->steps.data[k].angle.source, ANGLE_PARAM);
        cr_assert_eq(p->steps.data[k].angle.b, 0.0);
    }
    compiled_free(cc);
}

Test(plan_dla, state_input_from_an_entangled_state)
{
    char what[256];
    CheckStats stats = {0};
    uint64_t seed = 7;
    Compiled *c = compile_example("state_input", "n", 4, "depth", 2, what, sizeof what);
    cr_assert(c->result.circuit->state_input);
    check_circuit(c->result.circuit, 4096, &seed, 4, true, what, &stats);
    compiled_free(c);
    c = compile_example("state_input", "n", 6, "depth", 1, what, sizeof what);
    check_circuit(c->result.circuit, 4096, &seed, 2, true, what, &stats);
    compiled_free(c);
    c = compile_example("qcnn", "n", 4, NULL, 0, what, sizeof what);
    check_circuit(c->result.circuit, 4096, &seed, 2, true, what, &stats);
    compiled_free(c);
    cr_assert_eq(stats.over_budget, 0);
    cr_assert_geq(stats.planned, 5);
    cr_assert_gt(stats.strings_state, 0);
}

Test(plan_dla, state_input_needs_the_state_strings)
{
    char what[256];
    Compiled *cc = compile_example("state_input", "n", 4, "depth", 1, what, sizeof what);
    Frame *f = frame_build(&cc->arena, cc->result.circuit);
    const char *why = NULL;
    cr_assert_null(plan_dla(&cc->arena, cc->result.circuit, f, 0, 4096, NULL, &why));
    cr_assert(why && strstr(why, "state strings"), "%s", why ? why : "(none)");
    compiled_free(cc);
}

Test(plan_dla, over_budget_is_refused_with_the_budget)
{
    char what[256];
    Compiled *cc = compile_example("hea_ry_rz_cz", "n", 3, NULL, 0, what, sizeof what);
    Frame *f = frame_build(&cc->arena, cc->result.circuit);
    const char *why = NULL;
    DlaProgram *p = plan_dla(&cc->arena, cc->result.circuit, f, 0, 40, NULL, &why);
    cr_assert_null(p);
    cr_assert(why && strstr(why, "exceeds 40 dimensions"), "%s", why ? why : "(none)");
    p = plan_dla(&cc->arena, cc->result.circuit, f, 0, 63, NULL, &why); /* su(8): exactly 63 */
    cr_assert_not_null(p, "%s", why);
    cr_assert_eq(p->dim, 63);
    compiled_free(cc);
}

Test(plan_dla, constant_and_untouched_observables)
{
    const char *src = "ansatz t(n = 3);\nqubit[n] q;\nparam a[2];\nstate |0+1>;\n"
                      "rx(a[0]) q[0];\nrzz(a[1]) q[0], q[1];\n"
                      "observe 0.75 * I;\n"
                      "observe Z(q[2]) - 0.5 * I;\n"
                      "observe X(q[1]) + Z(q[0]);\n";
    Compiled *cc = test_compile_text(src, NULL, 0, "constant observables");
    const Circuit *c = cc->result.circuit;
    Frame *f = frame_build(&cc->arena, c);
    const char *why = NULL;
    DlaProgram *p0 = plan_dla(&cc->arena, c, f, 0, 100, NULL, &why);
    DlaProgram *p1 = plan_dla(&cc->arena, c, f, 1, 100, NULL, &why);
    DlaProgram *p2 = plan_dla(&cc->arena, c, f, 2, 100, NULL, &why);
    cr_assert(p0 && p1 && p2);
    cr_assert_eq(p0->dim, 0);
    cr_assert_eq(p1->dim, 1); /* Z(q[2]) commutes with both generators */
    double params[2] = {0.4, -1.1}, grad[2] = {0, 0}, value;
    cr_assert_eq(dla_run(p0, params, NULL, NULL, &value, grad), ANS_OK);
    cr_assert_eq(value, 0.75);
    cr_assert_eq(grad[0], 0.0);
    cr_assert_eq(dla_run(p1, params, NULL, NULL, &value, grad), ANS_OK);
    cr_assert_float_eq(value, -1.5, 1e-15); /* <1|Z|1> − 1/2 */
    double want[3];
    ref_run(c, params, NULL, NULL, want);
    cr_assert_eq(dla_run(p2, params, NULL, NULL, &value, NULL), ANS_OK);
    cr_assert_float_eq(value, want[2], 1e-12);
    compiled_free(cc);
}

Test(plan_dla, clifford_only_circuit_has_a_one_dimensional_module)
{
    /* no frame gate: the module is the span of F†OF itself, a sum of strings */
    const char *src = "ansatz t(n = 3);\nqubit[n] q;\nstate |0+1>;\n"
                      "h q[0];\ncx q[0], q[1];\ns q[2];\ncz q[1], q[2];\n"
                      "observe 0.5 * X(q[0]) * X(q[1]) - Z(q[2]) + 0.3 * Y(q[1]) + 0.125 * I;\n";
    Compiled *cc = test_compile_text(src, NULL, 0, "clifford only");
    const Circuit *c = cc->result.circuit;
    Frame *f = frame_build(&cc->arena, c);
    const char *why = NULL;
    DlaProgram *p = plan_dla(&cc->arena, c, f, 0, 100, NULL, &why);
    cr_assert_not_null(p, "%s", why);
    cr_assert_eq(p->dim, 1);
    cr_assert_eq(p->ngenerators, 0);
    cr_assert_eq(p->steps.len, 0);
    double value, want;
    ref_run(c, NULL, NULL, NULL, &want);
    cr_assert_eq(dla_run(p, NULL, NULL, NULL, &value, NULL), ANS_OK);
    cr_assert_float_eq(value, want, 1e-14, "dla %.17g, reference %.17g", value, want);
    compiled_free(cc);
}

/* ---- random circuits ----------------------------------------------------------------- */

/* A random source on n >= 3 qubits: Clifford, fixed and rotation gates, `evolve` of
 * commuting and non-commuting sums, runs of gates on one parameter (which merge when they
 * commute), inputs, a random product state and two observables. */
static char *random_source(uint64_t *seed, uint32_t n, uint32_t ngates)
{
    static const char *const rot1[] = {"rx", "ry", "rz"};
    static const char *const sums[] = {
        "X(q[%1$u]) * X(q[%2$u]) + Y(q[%1$u]) * Y(q[%2$u])",
        "0.5 * Z(q[%1$u]) + Z(q[%1$u]) * Z(q[%2$u]) - 0.3 * Z(q[%2$u])",
        "X(q[%1$u]) + 0.7 * Z(q[%1$u]) * Y(q[%3$u])",             /* non-commuting */
        "X(q[%1$u]) * Z(q[%2$u]) - 0.4 * Y(q[%2$u]) + 0.25 * I", /* non-commuting */
    };
    const uint32_t nparams = 6;
    StrBuf sb = {0};
    test_random_source_header(&sb, seed, n, nparams);
    for (uint32_t g = 0; g < ngates; g++) {
        uint32_t q[3];
        test_random_qubits(seed, n, q);
        uint32_t kind = test_random_below(seed, TEST_STANDARD_GATE_KINDS + 4);
        if (kind < TEST_STANDARD_GATE_KINDS) {
            test_random_standard_gate(&sb, seed, q, nparams, kind);
        } else if (kind < TEST_STANDARD_GATE_KINDS + 2) { /* a run on one parameter: ZZ edges or mixed axes */
            uint32_t j = test_random_below(seed, nparams), len = 2 + test_random_below(seed, 3);
            bool commuting = test_random_below(seed, 2);
            for (uint32_t r = 0; r < len; r++) {
                test_random_qubits(seed, n, q);
                if (commuting)
                    sb_printf(&sb, "rzz(%s th[%u]) q[%u], q[%u];\n", r % 2 ? "2 *" : "-0.5 *", j,
                              q[0], q[1]);
                else
                    sb_printf(&sb, "%s(th[%u]) q[%u];\n", rot1[test_random_below(seed, 3)], j,
                              q[0]);
            }
        } else {
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

Test(plan_dla, random_circuits_match_the_dense_reference, .timeout = 600)
{
    uint64_t seed = 2024;
    CheckStats stats = {0};
    for (int r = 0; r < 80; r++) {
        uint32_t n = r % 8 ? 3 : 4; /* 4 qubits: modules up to 255 dimensions, and slower */
        char *text = random_source(&seed, n, 8 + test_random_below(&seed, 30));
        Compiled *c = test_compile_text(text, NULL, 0, text);
        check_circuit(c->result.circuit, 300, &seed, 2, true, text, &stats);
        compiled_free(c);
        free(text);
    }
    cr_assert_eq(stats.planned + stats.over_budget, 160);
    cr_assert_eq(stats.over_budget, 0);
    cr_assert_gt(stats.largest_dim, 100, "the largest module has %u dimensions", stats.largest_dim);
}

Test(plan_dla, random_circuits_from_entangled_states)
{
    /* the same circuits read their state as data */
    uint64_t seed = 77;
    CheckStats stats = {0};
    for (int r = 0; r < 20; r++) {
        char *text = random_source(&seed, 3, 6 + test_random_below(&seed, 20));
        char *at = strstr(text, "state |");
        char *end = strchr(at, ';');
        memset(at, ' ', (size_t)(end - at));
        memcpy(at, "state input", 11);
        Compiled *c = test_compile_text(text, NULL, 0, text);
        cr_assert(c->result.circuit->state_input);
        check_circuit(c->result.circuit, 300, &seed, 2, true, text, &stats);
        compiled_free(c);
        free(text);
    }
    cr_assert_gt(stats.planned, 30);
    cr_assert_gt(stats.strings_state, 30);
}
