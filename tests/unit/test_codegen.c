/*
 * test_codegen.c — every example, every method that applies, against an independent dense
 * state vector; gradients against central finite differences of that reference; the
 * JIT-compiled simulator against the same plan run without LLVM.
 *
 * The reference (reference.h) reads only the elaborated circuit. Each example runs at a
 * small size (n = 4) with several random parameter and input vectors; `state input`
 * examples start from a random entangled state, whose Tr(ρP) for the strings the plan
 * lists is computed by the reference.
 */
#include "codegen/codegen.h"
#include "compile.h"
#include "reference.h"
#include "testing.h"
#include "runtime/ansc_sim.h"

#include <criterion/criterion.h>
#include <stdio.h>

static const char *const examples[] = {
    "data_reuploading", "efficient_su2",  "free_fermion",  "hea_ry_rz_cz",   "heisenberg_per_bond",
    "particle_number",  "permutation_equivariant", "qaoa_maxcut", "qcnn", "quantum_autoencoder",
    "real_amplitudes",  "state_input",    "strongly_entangling", "tfim_hva_chain", "tfim_hva_ring",
    "tfim_multi_angle", "xxz_hva",
};
enum { NEXAMPLES = sizeof examples / sizeof examples[0] };

/* Tr(ρP) for the plan's state strings. */
static double *state_values(const Plan *p, const Circuit *c, const double complex *psi0)
{
    double *state = calloc(p->nstate_paulis + 1, sizeof *state);
    RefState psi = {.n = c->nqubits, .a = (double complex *)psi0};
    uint32_t words = pauli_words(c->nqubits);
    uint64_t *s = calloc(2 * words, sizeof *s);
    for (uint32_t i = 0; i < p->nstate_paulis; i++) {
        cr_assert(pauli_parse(p->state_paulis[i], s, words, c->nqubits), "bad string '%s'", p->state_paulis[i]);
        cr_assert(!pauli_is_identity(s, words), "the identity is listed");
        state[i] = ref_pauli_expectation(&psi, s[0], s[words]);
    }
    free(s);
    return state;
}

typedef struct JitCheck {
    const Plan *plan;
    const double *params, *inputs, *state;
    const char *what;
} JitCheck;

/* Called with the JIT-compiled simulator: eval and grad equal plan_run's. */
static int jit_compare(const AnsSim *sim, void *user)
{
    JitCheck *j = user;
    const Plan *p = j->plan;
    uint32_t no = p->nobservables, np = p->circuit->nparams;
    cr_expect_eq(sim->info->nobservables, no);
    cr_expect_eq(sim->info->nparams, np);
    cr_expect_eq(sim->info->nstate_paulis, p->nstate_paulis);
    cr_expect_str_eq(sim->info->method, method_name(p->method));
    /* the name arrays, unpacked by the first ans_sim_info call */
    for (uint32_t i = 0; i < p->nstate_paulis; i++)
        cr_expect_str_eq(sim->info->state_paulis[i], p->state_paulis[i], "%s: state string %u", j->what, i);
    for (uint32_t o = 0; o < no; o++)
        cr_expect_str_eq(sim->info->observable_names[o], p->circuit->observables.data[o].name);
    for (uint32_t k = 0; k < np; k++) {
        StrBuf sb = {0};
        sb_put_var_element(&sb, p->circuit, ANGLE_PARAM, k);
        cr_expect(strlen(sim->info->param_names[k]) == sb.len && memcmp(sim->info->param_names[k], sb.data, sb.len) == 0,
                  "%s: param %u is '%s'", j->what, k, sim->info->param_names[k]);
        sb_free(&sb);
    }
    double *v1 = calloc(no + 1, sizeof *v1), *v2 = calloc(no + 1, sizeof *v2), *v3 = calloc(no + 1, sizeof *v3);
    double *g1 = calloc((size_t)no * np + 1, sizeof *g1), *g2 = calloc((size_t)no * np + 1, sizeof *g2);
    cr_assert_eq(plan_run(p, j->params, j->inputs, j->state, v1, g1), ANS_OK);
    cr_assert_eq(sim->eval(j->params, j->inputs, j->state, v2), ANS_OK);
    cr_assert_eq(sim->grad(j->params, j->inputs, j->state, v3, g2), ANS_OK);
    for (uint32_t o = 0; o < no; o++) {
        cr_expect(fabs(v1[o] - v2[o]) <= 1e-12, "%s: jit eval %.17g, plan %.17g", j->what, v2[o], v1[o]);
        cr_expect(fabs(v1[o] - v3[o]) <= 1e-12, "%s: jit grad's value %.17g, plan %.17g", j->what, v3[o], v1[o]);
    }
    for (size_t i = 0; i < (size_t)no * np; i++)
        cr_expect(fabs(g1[i] - g2[i]) <= 1e-11, "%s: jit gradient[%zu] %.17g, plan %.17g", j->what, i, g2[i], g1[i]);
    free(v1);
    free(v2);
    free(v3);
    free(g1);
    free(g2);
    return 0;
}

/* One example with one method: values against the reference, gradients against finite
 * differences of the reference, the JIT against plan_run. Returns false when the method
 * does not apply. */
static bool check_method(const char *name, Compiled *cc, Method m, bool jit)
{
    const Circuit *c = cc->result.circuit;
    PlanOptions o;
    plan_options_default(&o);
    o.method = m;
    DiagSink diags;
    diag_init(&diags, &cc->arena);
    Plan *p = plan_build(&cc->arena, &diags, c, &o);
    if (!p)
        return false;
    cr_assert_eq(p->method, m);
    uint64_t seed = 0x5eed0000u + (uint64_t)m * 977u;
    uint32_t no = p->nobservables, np = c->nparams;
    double *params = calloc(np + 1, sizeof *params), *inputs = calloc(c->ninputs + 1, sizeof *inputs);
    double *values = calloc(no + 1, sizeof *values), *expect = calloc(no + 1, sizeof *expect);
    double *grad = calloc((size_t)no * np + 1, sizeof *grad);
    double *plus = calloc(no + 1, sizeof *plus), *minus = calloc(no + 1, sizeof *minus);
    for (int trial = 0; trial < 3; trial++) {
        for (uint32_t i = 0; i < np; i++)
            params[i] = 2 * ANS_PI * test_random_uniform(&seed);
        for (uint32_t i = 0; i < c->ninputs; i++)
            inputs[i] = 2 * test_random_uniform(&seed) - 1;
        double complex *psi0 = c->state_input ? test_random_state(c->nqubits, &seed) : NULL;
        double *state = c->state_input ? state_values(p, c, psi0) : NULL;
        cr_assert_eq(plan_run(p, params, inputs, state, values, grad), ANS_OK);
        ref_run(c, params, inputs, psi0, expect);
        for (uint32_t k = 0; k < no; k++)
            cr_expect(fabs(values[k] - expect[k]) <= 1e-10, "%s (%s), observable %u: %.17g, reference %.17g", name,
                      method_name(m), k, values[k], expect[k]);
        /* central differences of the reference, on a few parameters */
        const double h = 1e-5;
        for (uint32_t j = 0; j < np; j += 1 + np / 6) {
            double keep = params[j];
            params[j] = keep + h;
            ref_run(c, params, inputs, psi0, plus);
            params[j] = keep - h;
            ref_run(c, params, inputs, psi0, minus);
            params[j] = keep;
            for (uint32_t k = 0; k < no; k++) {
                double fd = (plus[k] - minus[k]) / (2 * h);
                cr_expect(fabs(grad[(size_t)k * np + j] - fd) <= 1e-6, "%s (%s): d O%u / d p%u = %.12g, differences %.12g",
                          name, method_name(m), k, j, grad[(size_t)k * np + j], fd);
            }
        }
        if (jit && trial == 0) {
            JitCheck jc = {p, params, inputs, state, name};
            int status = -1;
            const char *error = NULL;
            cr_expect(cg_jit(&cc->arena, p, 2, jit_compare, &jc, &status, &error), "%s: jit failed: %s", name,
                      error ? error : "?");
            cr_expect_eq(status, 0);
        }
        free(psi0);
        free(state);
    }
    free(params);
    free(inputs);
    free(values);
    free(expect);
    free(grad);
    free(plus);
    free(minus);
    return true;
}

static void check_example(const char *name, bool jit)
{
    Compiled *cc = test_compile_example(name, 4);
    bool any = false;
    for (Method m = METHOD_PAULI; m < METHOD__COUNT; m++)
        any |= check_method(name, cc, m, jit);
    cr_expect(any, "no method applies to %s", name);
    /* the state vector is exact for every product-state example of this size */
    if (!cc->result.circuit->state_input) {
        PlanOptions o;
        plan_options_default(&o);
        o.method = METHOD_STATEVECTOR;
        DiagSink d;
        diag_init(&d, &cc->arena);
        cr_expect(plan_build(&cc->arena, &d, cc->result.circuit, &o) != NULL, "statevector refused %s", name);
    }
    compiled_free(cc);
}

Test(codegen, every_example_every_method_against_the_reference)
{
    for (int i = 0; i < NEXAMPLES; i++)
        check_example(examples[i], false);
}

Test(codegen, jit_matches_the_plan)
{
    static const char *const some[] = {"tfim_hva_chain", "data_reuploading", "xxz_hva", "state_input", "qcnn"};
    for (size_t i = 0; i < sizeof some / sizeof *some; i++)
        check_example(some[i], true);
}

Test(codegen, auto_picks_an_exact_method_that_applies)
{
    for (int i = 0; i < NEXAMPLES; i++) {
        Compiled *cc = test_compile_example(examples[i], 4);
        PlanOptions o;
        plan_options_default(&o);
        DiagSink d;
        diag_init(&d, &cc->arena);
        Plan *p = plan_build(&cc->arena, &d, cc->result.circuit, &o);
        cr_expect(p != NULL, "auto found no method for %s", examples[i]);
        if (p)
            cr_expect(p->method != METHOD_AUTO && p->why != NULL);
        compiled_free(cc);
    }
}

/* auto takes a given string budget as it is: the QCNN (state input, so no state vector;
 * its module too large for auto's dla) is pauli within its own string count, and nothing
 * fits one string below it (E101 naming the budget). */
Test(codegen, auto_keeps_a_given_string_budget)
{
    Compiled *cc = test_compile_example("qcnn", 8);
    const Circuit *c = cc->result.circuit;
    PlanOptions o;
    plan_options_default(&o);
    DiagSink d;
    diag_init(&d, &cc->arena);
    Plan *p = plan_build(&cc->arena, &d, c, &o);
    cr_assert(p != NULL && p->method == METHOD_PAULI, "auto did not take pauli");
    uint32_t need = 0;
    for (uint32_t k = 0; k < p->nobservables; k++)
        need = p->pauli[k].nslots > need ? p->pauli[k].nslots : need;
    o.max_slots = need;
    p = plan_build(&cc->arena, &d, c, &o);
    cr_expect(p != NULL && p->method == METHOD_PAULI, "auto within %u strings", need);
    o.max_slots = need - 1;
    cr_expect_eq(d.errors, 0);
    p = plan_build(&cc->arena, &d, c, &o);
    cr_expect(p == NULL, "auto planned %s under %u strings", p ? method_name(p->method) : "", need - 1);
    cr_assert_eq(d.errors, 1);
    cr_expect_eq(d.items.data[0].code, DIAG_E101);
    char *want = arena_printf(&cc->arena, "more than %u Pauli strings", need - 1);
    cr_expect(strstr(d.items.data[0].message, want) != NULL, "message: %s", d.items.data[0].message);
    compiled_free(cc);
}

Test(codegen, truncate_is_refused_for_other_methods)
{
    Compiled *cc = test_compile_example("tfim_hva_chain", 4);
    PlanOptions o;
    plan_options_default(&o);
    o.method = METHOD_DLA;
    o.truncate = 2;
    DiagSink d;
    diag_init(&d, &cc->arena);
    cr_expect(plan_build(&cc->arena, &d, cc->result.circuit, &o) == NULL);
    cr_expect_eq(d.errors, 1);
    cr_expect_eq(d.items.data[0].code, DIAG_E100);
    compiled_free(cc);
}

Test(codegen, statevector_refuses_state_input)
{
    Compiled *cc = test_compile_example("state_input", 4);
    PlanOptions o;
    plan_options_default(&o);
    o.method = METHOD_STATEVECTOR;
    DiagSink d;
    diag_init(&d, &cc->arena);
    cr_expect(plan_build(&cc->arena, &d, cc->result.circuit, &o) == NULL);
    cr_expect_eq(d.items.data[0].code, DIAG_E100);
    compiled_free(cc);
}

typedef struct SampleRun {
    int argc;
    char **argv;
    char *output;
    size_t size;
} SampleRun;

static int run_cli(const AnsSim *sim, void *user)
{
    SampleRun *r = user;
    FILE *out = open_memstream(&r->output, &r->size);
    int status = ans_main_streams(sim, r->argc, r->argv, out, stderr);
    fclose(out);
    return status;
}

Test(codegen, sample_variance_matches_the_predicted_variance)
{
    /* A deep per-term Ising chain: g = so(2n), O = Z0 Z1 in ig, |0000>: the analysis predicts
     * Var = (n − 1)/(n(2n − 1)) = 3/28 (physics.md). The compiled simulator's --sample (its
     * own documented generator) must contain it within four standard errors, the error from
     * the fourth moment of an independent sample drawn through plan_run. */
    Compiled *cc = compile("ansatz a(n = 4, L = 30);\nqubit[n] q;\nparam t[L][2 * n - 1];\n"
                           "for l in [0:L-1] {\n"
                           "  for i in [0:n-2] { rzz(t[l][i]) q[i], q[i+1]; }\n"
                           "  for i in [0:n-1] { rx(t[l][n - 1 + i]) q[i]; }\n}\n"
                           "observe zz = Z(q[0]) * Z(q[1]);\n");
    cr_assert(cc->result.ok);
    const Circuit *c = cc->result.circuit;
    Analysis *an = analyze_circuit(&cc->arena, &cc->diags, c, NULL);
    double predicted = an->observables[0].variance;
    cr_assert_float_eq(predicted, 3.0 / 28.0, 1e-12);
    analysis_free(an);

    PlanOptions o;
    plan_options_default(&o);
    DiagSink d;
    diag_init(&d, &cc->arena);
    Plan *p = plan_build(&cc->arena, &d, c, &o);
    cr_assert(p);
    const int samples = 4000;
    uint64_t seed = 99;
    double *params = calloc(c->nparams, sizeof *params), value, mean = 0, m2 = 0, m4 = 0;
    double *values = calloc(samples, sizeof *values);
    for (int s = 0; s < samples; s++) {
        for (uint32_t i = 0; i < c->nparams; i++)
            params[i] = 2 * ANS_PI * test_random_uniform(&seed);
        cr_assert_eq(plan_run(p, params, NULL, NULL, &value, NULL), ANS_OK);
        values[s] = value;
        mean += value / samples;
    }
    for (int s = 0; s < samples; s++) {
        double x = values[s] - mean;
        m2 += x * x / samples;
        m4 += x * x * x * x / samples;
    }
    double error = sqrt((m4 - m2 * m2) / samples);

    char *argv[] = {"sim", "--random", "20261121", "--sample", "4000", NULL};
    SampleRun r = {5, argv, NULL, 0};
    int status = -1;
    const char *err = NULL;
    cr_assert(cg_jit(&cc->arena, p, 2, run_cli, &r, &status, &err), "%s", err ? err : "");
    cr_assert_eq(status, 0);
    double smean, svar;
    cr_assert_eq(sscanf(r.output, "zz mean %lf variance %lf", &smean, &svar), 2, "output: %s", r.output);
    cr_expect_leq(fabs(svar - predicted), 4 * error, "sampled %.6f, predicted %.6f, error %.6f", svar, predicted, error);
    cr_expect_leq(fabs(smean), 4 * sqrt(predicted / samples), "mean %.6f", smean);
    free(r.output);
    free(params);
    free(values);
    compiled_free(cc);
}

Test(codegen, large_plans_run_as_table_loops_with_the_same_results)
{
    /* QCNN at 32 qubits, weight-2 truncation: hundreds of steps, above the straight-line
     * limit, so the emitted code loops over a step table. It must reproduce plan_run. */
    Compiled *cc = test_compile_example("qcnn", 32);
    const Circuit *c = cc->result.circuit;
    PlanOptions o;
    plan_options_default(&o);
    o.method = METHOD_PAULI;
    o.truncate = 2;
    DiagSink d;
    diag_init(&d, &cc->arena);
    Plan *p = plan_build(&cc->arena, &d, c, &o);
    cr_assert(p);
    cr_assert_gt(p->pauli[0].steps.len, 200);
    uint64_t seed = 17;
    double *params = calloc(c->nparams, sizeof *params), *state = calloc(p->nstate_paulis, sizeof *state);
    for (uint32_t i = 0; i < c->nparams; i++)
        params[i] = 2 * ANS_PI * test_random_uniform(&seed);
    for (uint32_t i = 0; i < p->nstate_paulis; i++)
        state[i] = 2 * test_random_uniform(&seed) - 1;
    JitCheck jc = {p, params, NULL, state, "qcnn n=32 truncate 2"};
    int status = -1;
    const char *error = NULL;
    cr_expect(cg_jit(&cc->arena, p, 2, jit_compare, &jc, &status, &error), "jit failed: %s", error ? error : "?");
    cr_expect_eq(status, 0);
    free(params);
    free(state);
    compiled_free(cc);
}

Test(codegen, large_statevector_plans_loop_and_match_the_reference)
{
    /* A deep hardware-efficient circuit: hundreds of rotations, so the emitted code loops
     * over a table of statevector records; values and gradients against the reference
     * (through check_method, JIT included). */
    char *text = test_read_example("hea_ry_rz_cz");
    Define d[] = {{.name = "n", .value = 4}, {.name = "layers", .value = 24}};
    Compiled *cc = test_compile_text(text, d, 2, "hea_ry_rz_cz.ans -D n=4 -D layers=24");
    free(text);
    cr_assert_gt(cc->result.circuit->gates.len, 3 * 64);
    cr_assert(check_method("hea_ry_rz_cz (deep)", cc, METHOD_STATEVECTOR, true));
    compiled_free(cc);
}
