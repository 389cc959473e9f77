/*
 * reference.h — an exact dense state-vector simulator, the tests' independent reference
 * for whole circuits (at most REF_MAX_QUBITS qubits).
 *
 * It is written from first principles and shares nothing with the code under test but the
 * elaborated Circuit it reads: a Hermitian string acts as P = i^{|x∧z|} X^x Z^z on basis
 * states (qubit q is bit q of the index); a gate exp(-i·angle·G) is a product of
 * cos − i sin P factors when G's terms commute, else a Taylor series in small steps (exact
 * to double rounding). Fixed gates, discards (no effect on the remaining qubits' statistics)
 * and the initial kets are taken as the language defines them.
 */
#ifndef ANSC_TEST_REFERENCE_H
#define ANSC_TEST_REFERENCE_H

#include "frontend/circuit.h"

#include <complex.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { REF_MAX_QUBITS = 10 };

typedef struct RefState {
    uint32_t n;
    double complex *a; /* 2^n */
} RefState;

static inline RefState ref_state_new(uint32_t n)
{
    RefState s = {.n = n, .a = calloc((size_t)1 << n, sizeof(double complex))};
    return s;
}
static inline void ref_state_free(RefState *s) { free(s->a); }

/* out = P·in for the Hermitian string with masks (x, z). */
static inline void ref_apply_string(const RefState *in, RefState *out, uint64_t x, uint64_t z)
{
    double complex phase = cpow(I, __builtin_popcountll(x & z));
    for (uint64_t b = 0; b < ((uint64_t)1 << in->n); b++) {
        double sign = (__builtin_popcountll(b & z) & 1) ? -1.0 : 1.0;
        out->a[b ^ x] = phase * sign * in->a[b];
    }
}

static inline void ref_masks(const PauliSum *g, uint32_t t, uint64_t *x, uint64_t *z)
{
    *x = psum_string(g, t)[0];
    *z = psum_string(g, t)[g->words];
}

/* psi ← exp(-i·angle·G) psi. */
static inline void ref_apply_gate(RefState *psi, const PauliSum *g, double angle)
{
    size_t dim = (size_t)1 << psi->n;
    RefState p = ref_state_new(psi->n);
    bool commuting = true;
    for (uint32_t s = 0; s < g->len && commuting; s++)
        for (uint32_t t = s + 1; t < g->len && commuting; t++) {
            uint64_t xs, zs, xt, zt;
            ref_masks(g, s, &xs, &zs);
            ref_masks(g, t, &xt, &zt);
            commuting = ((__builtin_popcountll(xs & zt) + __builtin_popcountll(zs & xt)) & 1) == 0;
        }
    if (commuting) {
        for (uint32_t t = 0; t < g->len; t++) {
            uint64_t x, z;
            ref_masks(g, t, &x, &z);
            ref_apply_string(psi, &p, x, z);
            double a = angle * g->coef[t].value;
            for (size_t b = 0; b < dim; b++)
                psi->a[b] = cos(a) * psi->a[b] - I * sin(a) * p.a[b];
        }
        ref_state_free(&p);
        return;
    }
    double norm = 0;
    for (uint32_t t = 0; t < g->len; t++)
        norm += fabs(g->coef[t].value);
    int steps = 1 + (int)(fabs(angle) * norm / 0.25);
    double h = angle / steps;
    RefState term = ref_state_new(psi->n), gt = ref_state_new(psi->n);
    for (int s = 0; s < steps; s++) {
        memcpy(term.a, psi->a, dim * sizeof *term.a);
        for (int k = 1; k <= 18; k++) {
            memset(gt.a, 0, dim * sizeof *gt.a);
            for (uint32_t t = 0; t < g->len; t++) {
                uint64_t x, z;
                ref_masks(g, t, &x, &z);
                ref_apply_string(&term, &p, x, z);
                for (size_t b = 0; b < dim; b++)
                    gt.a[b] += g->coef[t].value * p.a[b];
            }
            for (size_t b = 0; b < dim; b++) {
                term.a[b] = -I * h * gt.a[b] / k;
                psi->a[b] += term.a[b];
            }
        }
    }
    ref_state_free(&term);
    ref_state_free(&gt);
    ref_state_free(&p);
}

/* <psi|O|psi>. */
static inline double ref_expectation(const RefState *psi, const PauliSum *o)
{
    double complex e = 0;
    RefState p = ref_state_new(psi->n);
    for (uint32_t t = 0; t < o->len; t++) {
        uint64_t x, z;
        ref_masks(o, t, &x, &z);
        ref_apply_string(psi, &p, x, z);
        double complex dot = 0;
        for (uint64_t b = 0; b < ((uint64_t)1 << psi->n); b++)
            dot += conj(psi->a[b]) * p.a[b];
        e += o->coef[t].value * dot;
    }
    ref_state_free(&p);
    return creal(e);
}

/* The circuit's product state. */
static inline void ref_initial_state(RefState *psi, const Circuit *c)
{
    for (uint64_t b = 0; b < ((uint64_t)1 << c->nqubits); b++) {
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

/* The angle of gate g for these vectors. */
static inline double ref_angle(const Gate *g, const double *params, const double *inputs)
{
    double v = 0;
    if (g->angle.source == ANGLE_PARAM)
        v = params[g->angle.index];
    else if (g->angle.source == ANGLE_INPUT)
        v = inputs[g->angle.index];
    return g->angle.offset + (g->angle.source == ANGLE_CONST ? 0 : g->angle.coef.value * v);
}

/* Runs the circuit from psi0 (NULL: its product state) and writes <O_k> to values. */
static inline void ref_run(const Circuit *c, const double *params, const double *inputs,
                           const double complex *psi0, double *values)
{
    RefState psi = ref_state_new(c->nqubits);
    if (psi0)
        memcpy(psi.a, psi0, ((size_t)1 << c->nqubits) * sizeof *psi.a);
    else
        ref_initial_state(&psi, c);
    for (size_t k = 0; k < c->gates.len; k++) {
        const Gate *g = &c->gates.data[k];
        ref_apply_gate(&psi, g->generator, ref_angle(g, params, inputs));
    }
    for (size_t o = 0; o < c->observables.len; o++)
        values[o] = ref_expectation(&psi, c->observables.data[o].op);
    ref_state_free(&psi);
}

/* Tr(ρP) for the pure state psi and the string given in sparse text: <psi|P|psi>. */
static inline double ref_pauli_expectation(const RefState *psi, uint64_t x, uint64_t z)
{
    RefState p = ref_state_new(psi->n);
    ref_apply_string(psi, &p, x, z);
    double complex dot = 0;
    for (uint64_t b = 0; b < ((uint64_t)1 << psi->n); b++)
        dot += conj(psi->a[b]) * p.a[b];
    ref_state_free(&p);
    return creal(dot);
}

#endif
