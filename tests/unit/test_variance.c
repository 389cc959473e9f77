/*
 * test_variance.c — the predicted variance against Monte Carlo sampling of deep circuits.
 *
 * The reference is independent of the analysis: an exact state-vector simulator written
 * here (qubit q is bit q of the basis index), fed the elaborated circuit, run at many
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

#include <complex.h>
#include <criterion/criterion.h>
#include <math.h>

enum { SV_MAX_QUBITS = 6 };

typedef struct State {
    uint32_t n;
    double complex a[1u << SV_MAX_QUBITS];
} State;

/* The string's x and z masks (qubits < 64) and its phase: P = i^{|x∧z|} X^x Z^z. */
static void string_masks(const uint64_t *s, uint32_t words, uint64_t *x, uint64_t *z)
{
    *x = s[0];
    *z = s[words];
}

/* out = P·in for the Hermitian string P. */
static void apply_string(const State *in, State *out, uint64_t x, uint64_t z)
{
    double complex phase = cpow(I, __builtin_popcountll(x & z));
    out->n = in->n;
    for (uint64_t b = 0; b < (1u << in->n); b++) {
        double sign = (__builtin_popcountll(b & z) & 1) ? -1.0 : 1.0;
        out->a[b ^ x] = phase * sign * in->a[b];
    }
}

/* ψ ← exp(-i·angle·G) ψ. Commuting terms: the product of exp(-i·angle·c·P) = cos − i sin P
 * (P² = I); otherwise a Taylor series in small steps (exact to double rounding). */
static void apply_gate(State *psi, const PauliSum *g, double angle)
{
    bool commuting = true;
    for (uint32_t s = 0; s < g->len && commuting; s++)
        for (uint32_t t = s + 1; t < g->len && commuting; t++)
            commuting = pauli_commutes(psum_string(g, s), psum_string(g, t), g->words);
    if (commuting) {
        for (uint32_t t = 0; t < g->len; t++) {
            uint64_t x, z;
            string_masks(psum_string(g, t), g->words, &x, &z);
            State p;
            apply_string(psi, &p, x, z);
            double a = angle * g->coef[t].value;
            for (uint64_t b = 0; b < (1u << psi->n); b++)
                psi->a[b] = cos(a) * psi->a[b] - I * sin(a) * p.a[b];
        }
        return;
    }
    double norm = 0;
    for (uint32_t t = 0; t < g->len; t++)
        norm += fabs(g->coef[t].value);
    int steps = 1 + (int)(fabs(angle) * norm / 0.25);
    double h = angle / steps;
    for (int s = 0; s < steps; s++) {
        State term = *psi, next, acc = *psi;
        for (int k = 1; k <= 18; k++) {
            /* term ← (-i h G) term / k */
            State gt = {.n = psi->n};
            for (uint32_t t = 0; t < g->len; t++) {
                uint64_t x, z;
                string_masks(psum_string(g, t), g->words, &x, &z);
                apply_string(&term, &next, x, z);
                for (uint64_t b = 0; b < (1u << psi->n); b++)
                    gt.a[b] += g->coef[t].value * next.a[b];
            }
            for (uint64_t b = 0; b < (1u << psi->n); b++) {
                term.a[b] = -I * h * gt.a[b] / k;
                acc.a[b] += term.a[b];
            }
        }
        *psi = acc;
    }
}

static double expectation(const State *psi, const PauliSum *o)
{
    double complex e = 0;
    State p;
    for (uint32_t t = 0; t < o->len; t++) {
        uint64_t x, z;
        string_masks(psum_string(o, t), o->words, &x, &z);
        apply_string(psi, &p, x, z);
        double complex dot = 0;
        for (uint64_t b = 0; b < (1u << psi->n); b++)
            dot += conj(psi->a[b]) * p.a[b];
        e += o->coef[t].value * dot;
    }
    return creal(e);
}

static void initial_state(State *psi, const Circuit *c)
{
    psi->n = c->nqubits;
    for (uint64_t b = 0; b < (1u << c->nqubits); b++) {
        double complex amp = 1;
        for (uint32_t q = 0; q < c->nqubits; q++) {
            int bit = (int)((b >> q) & 1);
            switch (c->state[q]) {
            case KET_0: amp *= bit ? 0 : 1; break;
            case KET_1: amp *= bit ? 1 : 0; break;
            case KET_PLUS: amp *= ANS_SQRT1_2; break;
            case KET_MINUS: amp *= bit ? -ANS_SQRT1_2 : ANS_SQRT1_2; break;
            }
        }
        psi->a[b] = amp;
    }
}

static uint64_t next_random(uint64_t *s)
{
    *s += 0x9E3779B97F4A7C15ull;
    uint64_t z = *s;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

typedef struct Estimate {
    double mean, variance, error; /* error: standard error of the sample variance */
} Estimate;

static Estimate sample(const Circuit *c, int samples, uint64_t seed)
{
    double *theta = calloc(c->nparams + 1, sizeof *theta), *values = calloc((size_t)samples, sizeof *values);
    for (int s = 0; s < samples; s++) {
        for (uint32_t p = 0; p < c->nparams; p++)
            theta[p] = 2 * ANS_PI * (double)(next_random(&seed) >> 11) / 9007199254740992.0;
        State psi;
        initial_state(&psi, c);
        for (size_t k = 0; k < c->gates.len; k++) {
            const Gate *g = &c->gates.data[k];
            double angle = g->angle.offset +
                           (g->angle.source == ANGLE_PARAM ? g->angle.coef.value * theta[g->angle.index] : 0);
            apply_gate(&psi, g->generator, angle);
        }
        values[s] = expectation(&psi, c->observables.data[0].op);
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
