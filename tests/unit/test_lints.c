/*
 * test_lints.c — each analysis lint (W032–W037, N031, N032) on a circuit that must trigger
 * it and on a near miss that must not, compiled from source and analysed with
 * analyze_circuit; exact counts of every lint code.
 *
 * Independent references: a dense state-vector simulation (dense.h, at most four qubits)
 * checks that a parameter W033 calls idle really leaves every expectation unchanged, and
 * that a W036 pair really depends only on one combination of its angles; a Monte Carlo
 * over Haar-random states checks W037's variance Σ c_P² / (2^k + 1).
 */
#include "analysis/analysis.h"
#include "compile.h"
#include "dense.h"
#include "testing.h"

#include <criterion/criterion.h>

#define LINT_TEST_PI 3.14159265358979323846

typedef struct Run {
    Compiled *c;
    Analysis *an;
} Run;

static Run run(const char *src)
{
    Run r = {.c = compile(src)};
    cr_assert(r.c->result.ok, "does not compile: %s\n%s",
              r.c->diags.items.len ? r.c->diags.items.data[0].message : "", src);
    r.an = analyze_circuit(&r.c->arena, &r.c->diags, r.c->result.circuit, NULL);
    return r;
}

static void finish(Run r)
{
    analysis_free(r.an);
    compiled_free(r.c);
}

static const char *const lint_codes[] = {"W032", "W033", "W034", "W035",
                                         "W036", "W037", "N031", "N032"};

/* want: the expected count of each of lint_codes, in order. */
static void expect_lints(const Run *r, const int want[8], const char *src)
{
    for (int i = 0; i < 8; i++) {
        int have = count_code(r->c, lint_codes[i]);
        const char *first = "";
        for (size_t j = 0; j < r->c->diags.items.len; j++)
            if (strcmp(diag_code_name(r->c->diags.items.data[j].code), lint_codes[i]) == 0) {
                first = r->c->diags.items.data[j].message;
                break;
            }
        cr_assert_eq(have, want[i], "%s: %d reported, expected %d (%s) for\n%s", lint_codes[i],
                     have, want[i], first, src);
    }
}

static const char *message_of(const Run *r, const char *code)
{
    for (size_t j = 0; j < r->c->diags.items.len; j++)
        if (strcmp(diag_code_name(r->c->diags.items.data[j].code), code) == 0)
            return r->c->diags.items.data[j].message;
    return "";
}

/* ---- dense reference ---------------------------------------------------------------- */

/* ⟨O⟩ for the circuit's observable `obs` at the parameter vector theta: the kets of the
 * state, every gate as exp(-i · angle · G) over all qubits (at most four, no inputs). */
static double expectation(const Circuit *c, const double *theta, size_t obs)
{
    unsigned n = c->nqubits, dim = 1u << n;
    cr_assert(n <= 4 && c->ninputs == 0 && !c->state_input);
    uint32_t all[4] = {0, 1, 2, 3};
    double complex psi[DENSE_MAX] = {1};
    for (unsigned q = 0; q < n; q++) { /* |ψ> ← |ψ> ⊗ ket(q), qubit 0 most significant */
        double complex k0 = 1, k1 = 0;
        switch (c->state[q]) {
        case KET_0: break;
        case KET_1: k0 = 0, k1 = 1; break;
        case KET_PLUS: k0 = k1 = 1 / sqrt(2); break;
        case KET_MINUS: k0 = 1 / sqrt(2), k1 = -1 / sqrt(2); break;
        }
        double complex next[DENSE_MAX] = {0};
        for (unsigned i = 0; i < (1u << q); i++) {
            next[2 * i] = psi[i] * k0;
            next[2 * i + 1] = psi[i] * k1;
        }
        memcpy(psi, next, sizeof next);
    }
    for (size_t g = 0; g < c->gates.len; g++) {
        const Gate *gate = &c->gates.data[g];
        double angle = gate->angle.offset;
        if (gate->angle.source == ANGLE_PARAM)
            angle += gate->angle.coef.value * theta[gate->angle.index];
        Dense h, u;
        cr_assert_eq(dense_from_psum(&h, gate->generator, all, n), 0u);
        dense_scale(&h, -I * angle);
        dense_expm(&u, &h);
        double complex next[DENSE_MAX] = {0};
        for (unsigned i = 0; i < dim; i++)
            for (unsigned j = 0; j < dim; j++)
                next[i] += u.a[i][j] * psi[j];
        memcpy(psi, next, sizeof next);
    }
    Dense o;
    cr_assert_eq(dense_from_psum(&o, c->observables.data[obs].op, all, n), 0u);
    double complex e = 0;
    for (unsigned i = 0; i < dim; i++)
        for (unsigned j = 0; j < dim; j++)
            e += conj(psi[i]) * o.a[i][j] * psi[j];
    return creal(e);
}

static double rng_normal(uint64_t *s)
{
    double u = test_random_uniform(s), v = test_random_uniform(s);
    return sqrt(-2 * log(u + 0x1p-60)) * cos(2 * LINT_TEST_PI * v);
}

/* Largest change of any observable when parameter p moves, over a few random points. */
static double sensitivity(const Circuit *c, uint32_t p)
{
    uint64_t s = 12345;
    double theta[64], worst = 0;
    cr_assert(c->nparams <= 64);
    for (int trial = 0; trial < 4; trial++) {
        for (uint32_t i = 0; i < c->nparams; i++)
            theta[i] = 2 * LINT_TEST_PI * test_random_uniform(&s);
        for (size_t o = 0; o < c->observables.len; o++) {
            double before = expectation(c, theta, o);
            double keep = theta[p];
            theta[p] += 0.7 + test_random_uniform(&s);
            double after = expectation(c, theta, o);
            theta[p] = keep;
            worst = fmax(worst, fabs(after - before));
        }
    }
    return worst;
}

/* ---- W032 --------------------------------------------------------------------------- */

Test(lints, unused_parameter_elements_are_listed_per_array)
{
    const char *src = "ansatz t;\nqubit[2] q;\nparam theta[4], phi;\n"
                      "ry(theta[0]) q[0];\ncz q[0], q[1];\nry(theta[2]) q[1];\nry(phi) q[0];\n"
                      "observe X(q[0]) + X(q[1]);\n";
    Run r = run(src);
    expect_lints(&r, (int[8]){1, 0, 0, 0, 0, 0, 0, 0}, src);
    cr_assert(strstr(message_of(&r, "W032"), "'theta[1]', 'theta[3]' (2 of 4 elements)"), "%s",
              message_of(&r, "W032"));
    finish(r);

    const char *used = "ansatz t;\nqubit[2] q;\nparam theta[2];\n"
                       "ry(theta[0]) q[0];\ncz q[0], q[1];\nry(theta[1]) q[1];\n"
                       "observe X(q[0]) + X(q[1]);\n";
    Run s = run(used);
    expect_lints(&s, (int[8]){0, 0, 0, 0, 0, 0, 0, 0}, used);
    finish(s);
}

/* ---- W033 --------------------------------------------------------------------------- */

Test(lints, rotation_idle_before_the_readout_has_no_effect)
{
    const char *src = "ansatz t;\nqubit[2] q;\nparam a, b, c;\n"
                      "ry(a) q[0];\ncx q[0], q[1];\nry(c) q[1];\nrz(b) q[0];\n"
                      "observe Z(q[0]) + X(q[1]);\n";
    Run r = run(src);
    expect_lints(&r, (int[8]){0, 1, 0, 0, 0, 0, 0, 0}, src);
    cr_assert(strstr(message_of(&r, "W033"), "'b' has no effect"), "%s", message_of(&r, "W033"));
    const Circuit *c = r.c->result.circuit;
    cr_assert_lt(sensitivity(c, 1), 1e-12, "b changes an expectation");
    cr_assert_gt(sensitivity(c, 0), 1e-3, "a should matter");
    cr_assert_gt(sensitivity(c, 2), 1e-3, "c should matter");
    finish(r);

    const char *seen = "ansatz t;\nqubit[2] q;\nparam a, b, c;\n"
                       "ry(a) q[0];\ncx q[0], q[1];\nry(c) q[1];\nrz(b) q[0];\n"
                       "observe X(q[0]) + X(q[1]);\n";
    Run s = run(seen);
    expect_lints(&s, (int[8]){0, 0, 0, 0, 0, 0, 0, 0}, seen);
    finish(s);
}

/* A total charge: Σ Z_i commutes with every number-conserving operator, so a parameter that
 * drives rz on every qubit does nothing, although each rz alone would matter. Only the
 * module test with the summed generator sees it. */
Test(lints, summed_generator_commuting_with_the_module_has_no_effect)
{
    const char *src = "ansatz t(n = 3, layers = 2);\nqubit[n] q;\nparam t[layers][n - 1], mu[layers];\n"
                      "x q[0];\n"
                      "for l in [0:layers - 1] {\n"
                      "  for i in [0:n - 1] { rz(mu[l]) q[i]; }\n"
                      "  for i in [0:n - 2] { evolve(t[l][i]) X(q[i]) * X(q[i+1]) + Y(q[i]) * Y(q[i+1]); }\n"
                      "}\nobserve Z(q[2]);\n";
    Run r = run(src);
    expect_lints(&r, (int[8]){0, 1, 0, 0, 0, 0, 1, 0}, src); /* 6 parameters, dim g = 4 */
    cr_assert(strstr(message_of(&r, "W033"), "all 2 elements of 'mu'"), "%s", message_of(&r, "W033"));
    const Circuit *c = r.c->result.circuit;
    cr_assert_lt(sensitivity(c, 4), 1e-12);
    cr_assert_lt(sensitivity(c, 5), 1e-12);
    cr_assert_gt(sensitivity(c, 2), 1e-3);
    finish(r);

    /* One parameter per qubit: relative phases change the interference of later hops. */
    const char *apart = "ansatz t(n = 3, layers = 2);\nqubit[n] q;\nparam t[layers][n - 1], mu[layers][n];\n"
                        "x q[0];\n"
                        "for l in [0:layers - 1] {\n"
                        "  for i in [0:n - 1] { rz(mu[l][i]) q[i]; }\n"
                        "  for i in [0:n - 2] { evolve(t[l][i]) X(q[i]) * X(q[i+1]) + Y(q[i]) * Y(q[i+1]); }\n"
                        "}\nobserve Z(q[2]);\n";
    Run s = run(apart);
    /* Only the first layer, which meets a basis state: a phase. 10 parameters for u(3). */
    expect_lints(&s, (int[8]){0, 1, 0, 0, 0, 0, 1, 0}, apart);
    cr_assert(strstr(message_of(&s, "W033"), "'mu[0][0]', 'mu[0][1]', 'mu[0][2]' (3 of 6"), "%s",
              message_of(&s, "W033"));
    cr_assert_lt(sensitivity(s.c->result.circuit, 4), 1e-12);
    cr_assert_gt(sensitivity(s.c->result.circuit, 4 + 3), 1e-3, "mu[1][0] should matter");
    finish(s);
}

/* ---- W034 --------------------------------------------------------------------------- */

Test(lints, global_observable_with_a_large_module)
{
    const char *src = "ansatz t(n = 4);\nqubit[n] q;\nparam a[n], b[n];\n"
                      "for i in [0:n-1] { rx(a[i]) q[i]; ry(b[i]) q[i]; }\n"
                      "observe Z(q[0]) * Z(q[1]) * Z(q[2]) * Z(q[3]);\n";
    Run r = run(src);
    expect_lints(&r, (int[8]){0, 0, 1, 0, 0, 0, 0, 0}, src);
    finish(r);

    /* Weight 2 of 4: not global. */
    const char *local = "ansatz t(n = 4);\nqubit[n] q;\nparam a[n], b[n];\n"
                        "for i in [0:n-1] { rx(a[i]) q[i]; ry(b[i]) q[i]; }\n"
                        "observe Z(q[0]) * Z(q[1]) + Z(q[2]) * Z(q[3]);\n";
    Run s = run(local);
    expect_lints(&s, (int[8]){0, 0, 0, 0, 0, 0, 0, 1}, local); /* two modules of 9 */
    finish(s);

    /* Global, but only two qubits rotate: a module of 3^2 < 2^4, variance 1/9. */
    const char *fixed = "ansatz t(n = 4);\nqubit[n] q;\nparam a[2], b[2];\n"
                        "for i in [0:1] { rx(a[i]) q[i]; ry(b[i]) q[i]; }\n"
                        "observe Z(q[0]) * Z(q[1]) * Z(q[2]) * Z(q[3]);\n";
    Run u = run(fixed);
    expect_lints(&u, (int[8]){0, 0, 0, 0, 0, 0, 0, 1}, fixed);
    finish(u);
}

/* ---- W035 and N031 ------------------------------------------------------------------- */

Test(lints, under_parameterised_against_dim_g)
{
    const char *src = "ansatz t(n = 5, reps = 2);\nqubit[n] q;\nparam theta[reps + 1][n];\n"
                      "for r in [0:reps - 1] {\n"
                      "  for i in [0:n - 1] { ry(theta[r][i]) q[i]; }\n"
                      "  for i in [n - 2:-1:0] { cx q[i], q[i + 1]; }\n"
                      "}\nfor i in [0:n - 1] { ry(theta[reps][i]) q[i]; }\n"
                      "observe sum(i in [0:n - 1]) Z(q[i]);\n";
    Run r = run(src);
    expect_lints(&r, (int[8]){0, 0, 0, 1, 0, 0, 0, 0}, src);
    cr_assert(strstr(message_of(&r, "W035"), "15 parameters for an algebra of dimension 496"),
              "%s", message_of(&r, "W035"));
    finish(r);

    /* A t gate makes the algebra an upper bound: quiet. */
    const char *bound = "ansatz t(n = 5, reps = 2);\nqubit[n] q;\nparam theta[reps + 1][n];\n"
                        "t q[0];\n"
                        "for r in [0:reps - 1] {\n"
                        "  for i in [0:n - 1] { ry(theta[r][i]) q[i]; }\n"
                        "  for i in [n - 2:-1:0] { cx q[i], q[i + 1]; }\n"
                        "}\nfor i in [0:n - 1] { ry(theta[reps][i]) q[i]; }\n"
                        "observe sum(i in [0:n - 1]) Z(q[i]);\n";
    Run s = run(bound);
    cr_assert_eq(count_code(s.c, "W035"), 0);
    cr_assert_eq(count_code(s.c, "N030"), 1);
    finish(s);
}

Test(lints, over_parameterised_against_dim_g)
{
    /* X0, X1, Z0Z1 generate so(4), dimension 6. */
    const char *src = "ansatz t(layers = 3);\nqubit[2] q;\nparam a[layers], b[layers], g[layers];\n"
                      "for l in [0:layers - 1] { rx(a[l]) q[0]; rx(b[l]) q[1]; rzz(g[l]) q[0], q[1]; }\n"
                      "observe X(q[0]);\n";
    Run r = run(src);
    expect_lints(&r, (int[8]){0, 0, 0, 0, 0, 0, 1, 0}, src);
    cr_assert(strstr(message_of(&r, "N031"), "9 parameters for an algebra of dimension 6"), "%s",
              message_of(&r, "N031"));
    finish(r);

    const char *two = "ansatz t(layers = 2);\nqubit[2] q;\nparam a[layers], b[layers], g[layers];\n"
                      "for l in [0:layers - 1] { rx(a[l]) q[0]; rx(b[l]) q[1]; rzz(g[l]) q[0], q[1]; }\n"
                      "observe X(q[0]);\n";
    Run s = run(two);
    expect_lints(&s, (int[8]){0, 0, 0, 0, 0, 0, 0, 0}, two); /* 6 = dim g: not more */
    finish(s);
}

/* ---- W036 --------------------------------------------------------------------------- */

Test(lints, rotations_about_one_axis_merge)
{
    const char *src = "ansatz t;\nqubit[2] q;\nparam a, b, c;\n"
                      "ry(c) q[0];\nrz(a) q[0];\ncz q[0], q[1];\nrz(b) q[0];\nobserve X(q[0]);\n";
    Run r = run(src);
    expect_lints(&r, (int[8]){0, 0, 0, 0, 1, 0, 0, 0}, src);
    cr_assert(strstr(message_of(&r, "W036"), "'b' is redundant"), "%s", message_of(&r, "W036"));
    /* Dense check: only a + b matters. */
    const Circuit *c = r.c->result.circuit;
    double theta[3] = {0.3, 1.1, 0.7}, moved[3] = {0.3 + 0.4, 1.1 - 0.4, 0.7};
    double e1 = expectation(c, theta, 0), e2 = expectation(c, moved, 0);
    cr_assert_lt(fabs(e1 - e2), 1e-12);
    moved[1] = 1.1;
    cr_assert_gt(fabs(expectation(c, moved, 0) - e1), 1e-3);
    finish(r);

    /* p and rz are parallel (identity dropped); t is p(pi/4): a fixed partner. */
    const char *phase = "ansatz t;\nqubit[1] q;\nparam a, b, c;\n"
                        "ry(c) q[0];\nrz(a) q[0];\np(b) q[0];\nobserve X(q[0]);\n";
    Run s = run(phase);
    cr_assert_eq(count_code(s.c, "W036"), 1);
    finish(s);

    const char *blocked = "ansatz t;\nqubit[2] q;\nparam a, b, c;\n"
                          "ry(c) q[0];\nrz(a) q[0];\ncx q[1], q[0];\nrz(b) q[0];\nobserve X(q[0]);\n";
    Run u = run(blocked);
    cr_assert_eq(count_code(u.c, "W036"), 0, "a cx targeting q[0] does not commute with Z");
    finish(u);

    const char *fixed = "ansatz t;\nqubit[1] q;\nparam a, c;\nry(c) q[0];\nrz(a) q[0];\nt q[0];\n"
                        "observe X(q[0]);\n";
    Run v = run(fixed);
    cr_assert_eq(count_code(v.c, "W036"), 1);
    cr_assert(strstr(message_of(&v, "W036"), "fixed gate"), "%s", message_of(&v, "W036"));
    finish(v);
}

Test(lints, merging_parameters_that_drive_other_gates_are_not_redundant)
{
    /* rz(a) q0 · rz(b) q0 and rz(b) q1: the angles a + b and b are independent. */
    const char *src = "ansatz t;\nqubit[2] q;\nparam a, b, c;\n"
                      "ry(c) q[0];\nry(c) q[1];\nrz(a) q[0];\nrz(b) q[0];\nrz(b) q[1];\n"
                      "observe X(q[0]) + X(q[1]);\n";
    Run r = run(src);
    cr_assert_eq(count_code(r.c, "W036"), 0);
    finish(r);
}

/* ---- W037 --------------------------------------------------------------------------- */

static const char *hea4 = "ansatz t(n = 4, layers = 4);\nqubit[n] q;\n"
                          "param theta[layers][n], phi[layers][n];\n"
                          "for l in [0:layers - 1] {\n"
                          "  for i in [0:n - 1] { ry(theta[l][i]) q[i]; rz(phi[l][i]) q[i]; }\n"
                          "  for i in [0:n - 2] { cz q[i], q[i + 1]; }\n"
                          "}\nobserve sum(i in [0:n - 1]) X(q[i]) / n;\n";

Test(lints, full_algebra_gives_the_haar_variance)
{
    Run r = run(hea4);
    expect_lints(&r, (int[8]){0, 0, 0, 0, 0, 1, 0, 0}, hea4);
    /* Σ c² = 4 · (1/4)² = 1/4; variance 0.25 / 17. */
    const char *m = message_of(&r, "W037");
    cr_assert(strstr(m, "su(2^4)") && strstr(m, "0.25/(2^4 + 1) = 0.0147 (0.25: "), "%s", m);

    /* Monte Carlo over Haar-random states |u> = U|0>: Var <u|O|u>. */
    const Circuit *c = r.c->result.circuit;
    uint32_t all[4] = {0, 1, 2, 3};
    Dense o;
    dense_from_psum(&o, c->observables.data[0].op, all, 4);
    uint64_t s = 99;
    double sum = 0, sum2 = 0;
    const int samples = 200000;
    for (int k = 0; k < samples; k++) {
        double complex u[16];
        double norm = 0;
        for (int i = 0; i < 16; i++) {
            u[i] = rng_normal(&s) + I * rng_normal(&s);
            norm += creal(u[i] * conj(u[i]));
        }
        double complex e = 0;
        for (int i = 0; i < 16; i++)
            for (int j = 0; j < 16; j++)
                e += conj(u[i]) * o.a[i][j] * u[j];
        double v = creal(e) / norm;
        sum += v;
        sum2 += v * v;
    }
    double mean = sum / samples, var = sum2 / samples - mean * mean;
    double want = 0.25 / 17;
    cr_assert_lt(fabs(var - want), 0.02 * want, "Monte Carlo %g, formula %g", var, want);
    finish(r);
}

Test(lints, expressive_lint_needs_four_qubits_and_an_exact_algebra)
{
    const char *three = "ansatz t(n = 3, layers = 4);\nqubit[n] q;\n"
                        "param theta[layers][n], phi[layers][n];\n"
                        "for l in [0:layers - 1] {\n"
                        "  for i in [0:n - 1] { ry(theta[l][i]) q[i]; rz(phi[l][i]) q[i]; }\n"
                        "  for i in [0:n - 2] { cz q[i], q[i + 1]; }\n"
                        "}\nobserve sum(i in [0:n - 1]) X(q[i]) / n;\n";
    Run r = run(three);
    cr_assert_eq(count_code(r.c, "W037"), 0);
    finish(r);

    char bound[1024];
    snprintf(bound, sizeof bound, "%s", hea4);
    char *at = strstr(bound, "for l");
    memmove(at + 8, at, strlen(at) + 1);
    memcpy(at, "t q[0];\n", 8);
    Run s = run(bound);
    cr_assert_eq(count_code(s.c, "W037"), 0, "a t gate makes the algebra an upper bound");
    finish(s);
}

/* ---- N032 --------------------------------------------------------------------------- */

Test(lints, small_module_is_simulable)
{
    const char *ring = "ansatz t(n = 4, layers = 2);\nqubit[n] q;\nparam gamma[layers], beta[layers];\n"
                       "state |+>;\nfor l in [0:layers - 1] {\n"
                       "  evolve(gamma[l]) sum(i in [0:n - 1]) Z(q[i]) * Z(q[(i + 1) % n]);\n"
                       "  evolve(beta[l]) sum(i in [0:n - 1]) X(q[i]);\n}\n"
                       "observe energy = -sum(i in [0:n - 1]) Z(q[i]) * Z(q[(i + 1) % n]) - sum(i in [0:n - 1]) X(q[i]);\n";
    Run r = run(ring);
    expect_lints(&r, (int[8]){0, 0, 0, 0, 0, 0, 0, 1}, ring);
    cr_assert(strstr(message_of(&r, "N032"), "dimension 10 <= n^3 = 64"), "%s",
              message_of(&r, "N032"));
    finish(r);

    Run s = run(hea4); /* su(16): the module of a traceless O in it is all 255 */
    cr_assert_eq(count_code(s.c, "N032"), 0);
    finish(s);

    /* An offset on one of gamma's merged gates leaves exp(-i/2 Z0 Z1) outside every
     * generator: dim g and V_O no longer describe the circuit, so nothing is claimed. */
    const char *offset = "ansatz t(n = 4, layers = 2);\nqubit[n] q;\nparam gamma[layers], beta[layers];\n"
                         "state |+>;\nfor l in [0:layers - 1] {\n"
                         "  rzz(2 * gamma[l] + 1) q[0], q[1];\n"
                         "  evolve(gamma[l]) sum(i in [1:n - 1]) Z(q[i]) * Z(q[(i + 1) % n]);\n"
                         "  evolve(beta[l]) sum(i in [0:n - 1]) X(q[i]);\n}\n"
                         "observe energy = -sum(i in [0:n - 1]) Z(q[i]) * Z(q[(i + 1) % n]) - sum(i in [0:n - 1]) X(q[i]);\n";
    Run u = run(offset);
    expect_lints(&u, (int[8]){0, 0, 0, 0, 0, 0, 0, 0}, offset);
    finish(u);
    const char *plain = "ansatz t(n = 4, layers = 2);\nqubit[n] q;\nparam gamma[layers], beta[layers];\n"
                        "state |+>;\nfor l in [0:layers - 1] {\n"
                        "  rzz(2 * gamma[l]) q[0], q[1];\n"
                        "  evolve(gamma[l]) sum(i in [1:n - 1]) Z(q[i]) * Z(q[(i + 1) % n]);\n"
                        "  evolve(beta[l]) sum(i in [0:n - 1]) X(q[i]);\n}\n"
                        "observe energy = -sum(i in [0:n - 1]) Z(q[i]) * Z(q[(i + 1) % n]) - sum(i in [0:n - 1]) X(q[i]);\n";
    Run v = run(plain);
    expect_lints(&v, (int[8]){0, 0, 0, 0, 0, 0, 0, 1}, plain);
    finish(v);
}

Test(lints, nothing_to_say_without_parameters_or_observables)
{
    const char *src = "ansatz t;\nqubit[2] q;\nh q[0];\ncx q[0], q[1];\n";
    Run r = run(src);
    expect_lints(&r, (int[8]){0, 0, 0, 0, 0, 0, 0, 0}, src);
    finish(r);
}

/* ---- W033 against brute force on random circuits ------------------------------------ */

/* Random circuits on two or three qubits with shared parameters, Cliffords, fixed gates and
 * summed generators: every parameter W033 calls idle must leave every expectation
 * unchanged in the dense simulation (a false "no effect" is the error that matters). */
Test(lints, no_effect_is_sound_on_random_circuits)
{
    static const char *const one[] = {"rx", "ry", "rz", "p", "h", "s", "x", "t"};
    static const char *const two[] = {"rzz", "rxx", "crz", "cx", "cz", "cp"};
    static const char paulis[] = "XYZ";
    uint64_t s = 2024;
    int flagged = 0, circuits = 0, missed = 0;
    for (int trial = 0; trial < 300; trial++) {
        unsigned n = 2 + (unsigned)(test_random_next(&s) % 2),
                 m = 2 + (unsigned)(test_random_next(&s) % 3);
        StrBuf src = {0};
        sb_printf(&src, "ansatz r;\nqubit[%u] q;\n", n);
        for (unsigned p = 0; p < m; p++)
            sb_printf(&src, "param p%u;\n", p);
        unsigned gates = 3 + (unsigned)(test_random_next(&s) % 8);
        for (unsigned g = 0; g < gates; g++) {
            unsigned a = (unsigned)(test_random_next(&s) % n),
                     b = (a + 1 + (unsigned)(test_random_next(&s) % (n - 1))) % n;
            unsigned p = (unsigned)(test_random_next(&s) % m),
                     kind = (unsigned)(test_random_next(&s) % 16);
            if (kind < 8) {
                const char *name = one[kind];
                bool angle = kind < 4;
                sb_printf(&src, "%s%s%s%s q[%u];\n", name, angle ? "(" : "",
                          angle ? (const char *[]){"p0", "p1", "p2", "p3"}[p] : "", angle ? ")" : "", a);
            } else if (kind < 14) {
                const char *name = two[kind - 8];
                bool angle = kind - 8 < 3 || kind - 8 == 5;
                sb_printf(&src, "%s%s%s%s q[%u], q[%u];\n", name, angle ? "(" : "",
                          angle ? (const char *[]){"p0", "p1", "p2", "p3"}[p] : "", angle ? ")" : "", a, b);
            } else { /* a summed generator: a total field on every qubit */
                char f = paulis[test_random_next(&s) % 3];
                sb_printf(&src, "evolve(p%u) sum(i in [0:%u]) %c(q[i]);\n", p, n - 1, f);
            }
        }
        sb_printf(&src, "observe %c(q[%u])", paulis[test_random_next(&s) % 3],
                  (unsigned)(test_random_next(&s) % n));
        if (test_random_next(&s) % 2)
            sb_printf(&src, " + 0.5 * %c(q[0]) * %c(q[%u])", paulis[test_random_next(&s) % 3],
                      paulis[test_random_next(&s) % 3], n - 1);
        sb_puts(&src, ";\n");
        Run r = run(src.data);
        circuits++;
        for (size_t j = 0; j < r.c->diags.items.len; j++) {
            const Diag *d = &r.c->diags.items.data[j];
            if (strcmp(diag_code_name(d->code), "W033") != 0)
                continue;
            unsigned p = 0;
            cr_assert_eq(sscanf(d->message, "'p%u'", &p), 1, "%s", d->message);
            flagged++;
            cr_assert_lt(sensitivity(r.c->result.circuit, p), 1e-9,
                         "W033 says 'p%u' has no effect, but it changes an expectation in\n%s", p,
                         src.data);
        }
        /* Not an error, but worth seeing: idle by brute force, not flagged (a rotation
         * idle only on this initial state, like rz first on |0>, is out of W033's reach). */
        const Circuit *c = r.c->result.circuit;
        for (unsigned p = 0; p < m; p++) {
            bool drives = false, said = false;
            for (size_t g = 0; g < c->gates.len; g++)
                drives = drives || (c->gates.data[g].angle.source == ANGLE_PARAM &&
                                    c->gates.data[g].angle.index == p);
            char name[16];
            snprintf(name, sizeof name, "'p%u'", p);
            for (size_t j = 0; j < r.c->diags.items.len; j++)
                said = said || (strcmp(diag_code_name(r.c->diags.items.data[j].code), "W033") == 0 &&
                                strncmp(r.c->diags.items.data[j].message, name, strlen(name)) == 0);
            missed += drives && !said && sensitivity(c, p) < 1e-9;
        }
        finish(r);
        sb_free(&src);
    }
    cr_log_info("%d idle parameters in %d circuits; %d more idle by brute force", flagged,
                circuits, missed);
    cr_assert_gt(flagged, 10, "only %d idle parameters in %d circuits: the test is too weak",
                 flagged, circuits);
}
