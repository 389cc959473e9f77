/*
 * test_variance.c — the predicted variance against Monte Carlo sampling of deep circuits.
 *
 * The reference is independent of the analysis: the exact state-vector simulator of
 * reference.h (qubit q is bit q of the basis index), fed the elaborated circuit, run at many
 * random parameter vectors (uniform in [0, 2π)); the sample variance of <O>, with its
 * standard error from the fourth central moment, must contain the Ragone et al. prediction
 * (physics.md) within four standard errors. Deep circuits (many layers) approximate a
 * 2-design over the group e^g, where the formula holds.
 *
 * The ansätze cover a simple algebra (so(2n), su(2^n)), a reductive one with several simple
 * ideals and a centre (per-bond Heisenberg: u(1) ⊕ su(3) ⊕ su(2) at n = 4), a split
 * string algebra (XX, YY per bond: so(4) ⊕ so(4) = four su(2)), and a summed generator set
 * (u(1) ⊕ su(n)); closed forms from physics.md are checked as well where they exist.
 */
#include "analysis/analysis.h"
#include "compile.h"
#include "reference.h"
#include "testing.h"

#include <complex.h>
#include <criterion/criterion.h>
#include <math.h>

enum { SV_MAX_QUBITS = 6 };

typedef struct Estimate {
    double mean, variance, error; /* error: standard error of the sample variance */
} Estimate;

static Estimate sample(const Circuit *c, int samples, uint64_t seed)
{
    double *theta = calloc(c->nparams + 1, sizeof *theta), *values = calloc((size_t)samples, sizeof *values);
    for (int s = 0; s < samples; s++) {
        for (uint32_t p = 0; p < c->nparams; p++)
            theta[p] = 2 * ANS_PI * test_random_uniform(&seed);
        double value[8];
        ref_run(c, theta, NULL, NULL, value);
        values[s] = value[0];
    }
    Estimate e = {0};
    for (int s = 0; s < samples; s++)
        e.mean += values[s] / samples;
    double m2 = 0, m4 = 0;
    for (int s = 0; s < samples; s++) {
        double d = values[s] - e.mean;
        m2 += d * d / samples;
        m4 += d * d * d * d / samples;
    }
    e.variance = m2 * samples / (samples - 1);
    e.error = sqrt(fmax(m4 - m2 * m2, 0) / samples) + 1e-12;
    free(theta);
    free(values);
    return e;
}

/* Compiles, analyses, samples; checks the prediction against the samples, and returns it. */
static double check(const char *src, int samples)
{
    Compiled *c = compile(src);
    cr_assert(c->result.ok, "does not compile: %s", c->diags.items.len ? c->diags.items.data[0].message : "");
    const Circuit *k = c->result.circuit;
    cr_assert_leq(k->nqubits, SV_MAX_QUBITS);
    Analysis *an = analyze_circuit(&c->arena, &c->diags, k, NULL);
    double predicted = an->observables[0].variance;
    cr_assert(isfinite(predicted), "no prediction: %s",
              an->observables[0].variance_reason ? an->observables[0].variance_reason : "(no reason)");
    Estimate e = sample(k, samples, 20261121);
    cr_assert_leq(fabs(e.variance - predicted), 4 * e.error,
                  "predicted %.6f, sampled %.6f ± %.6f (%s)", predicted, e.variance, e.error,
                  an->observables[0].variance_reason);
    analysis_free(an);
    compiled_free(c);
    return predicted;
}

Test(variance, ising_per_term_chain_matches_the_closed_form, .timeout = 300)
{
    /* physics.md: per-term Ising, open chain, g = so(2n), |0…0>, O = Z0 Z1 in ig:
     * Var = (n − 1)/(n(2n − 1)); n = 4: 3/28. */
    double v = check("ansatz a(n = 4, L = 30);\nqubit[n] q;\nparam t[L][2 * n - 1];\n"
                     "for l in [0:L-1] {\n"
                     "  for i in [0:n-2] { rzz(t[l][i]) q[i], q[i+1]; }\n"
                     "  for i in [0:n-1] { rx(t[l][n - 1 + i]) q[i]; }\n}\n"
                     "observe Z(q[0]) * Z(q[1]);\n",
                     3000);
    cr_assert_float_eq(v, 3.0 / 28.0, 1e-12);
}

Test(variance, hardware_efficient_su_matches_the_closed_form, .timeout = 300)
{
    /* su(2^n), O a Pauli string in ig, |0…0>: Var = 1/(2^n + 1); n = 3: 1/9. */
    double v = check("ansatz a(n = 3, L = 20);\nqubit[n] q;\nparam a[L][n], b[L][n];\n"
                     "for l in [0:L-1] {\n  for i in [0:n-1] { ry(a[l][i]) q[i]; rz(b[l][i]) q[i]; }\n"
                     "  for i in [0:n-2] { cz q[i], q[i+1]; }\n}\nobserve Z(q[0]);\n",
                     3000);
    cr_assert_float_eq(v, 1.0 / 9.0, 1e-12);
}

Test(variance, heisenberg_per_bond_reductive_with_centre, .timeout = 300)
{
    /* u(1) ⊕ su(3) ⊕ su(2) at n = 4 (spin sectors S = 1, 0 by multiplicity). */
    check("ansatz a(n = 4, L = 30);\nqubit[n] q;\nparam t[L][n - 1];\nstate |0101>;\n"
          "for l in [0:L-1] {\n  for i in [0:n-2] {\n"
          "    evolve(t[l][i]) X(q[i]) * X(q[i+1]) + Y(q[i]) * Y(q[i+1]) + Z(q[i]) * Z(q[i+1]);\n"
          "  }\n}\nobserve X(q[1]) * X(q[2]) + Y(q[1]) * Y(q[2]) + Z(q[1]) * Z(q[2]);\n",
          3000);
}

Test(variance, several_ideals_and_a_centre, .timeout = 300)
{
    /* su(4) on q0,q1 ⊕ su(2) on q2 ⊕ su(2) on q3 ⊕ u(1) (Z4 commutes with everything). */
    check("ansatz a(n = 5, L = 20);\nqubit[n] q;\nparam a[L][9], z[L];\nstate |0+0+0>;\n"
          "for l in [0:L-1] {\n  rx(a[l][0]) q[0];\n  ry(a[l][1]) q[1];\n  rx(a[l][7]) q[1];\n  ry(a[l][8]) q[0];\n  rzz(a[l][2]) q[0], q[1];\n"
          "  rx(a[l][3]) q[2];\n  ry(a[l][4]) q[2];\n  rx(a[l][5]) q[3];\n  ry(a[l][6]) q[3];\n"
          "  rz(z[l]) q[4];\n}\nobserve Z(q[0]) + X(q[2]) + Z(q[3]) + Z(q[4]);\n",
          3000);
}

Test(variance, summed_ising_u1_plus_su, .timeout = 300)
{
    /* Shared parameters: Σ Z_i Z_{i+1} and Σ X_i, g = u(1) ⊕ su(n) (physics.md: n²). */
    check("ansatz a(n = 3, L = 60);\nqubit[n] q;\nparam g[L], b[L];\nstate |+>;\n"
          "for l in [0:L-1] {\n  evolve(g[l]) sum(i in [0:n-2]) Z(q[i]) * Z(q[i+1]);\n"
          "  evolve(b[l]) sum(i in [0:n-1]) X(q[i]);\n}\n"
          "observe sum(i in [0:n-2]) Z(q[i]) * Z(q[i+1]);\n",
          3000);
}
