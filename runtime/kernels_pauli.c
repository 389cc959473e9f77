/*
 * kernels_pauli.c — the pauli method's kernels: one rotation step over a vector of Pauli
 * string coefficients, its adjoint, and the final reduction with its adjoint.
 *
 * Design. The planner (codegen/plan_pauli.c) has already done all the string algebra: a
 * rotation exp(-i·φ/2·Q) conjugating the observable mixes each string P that anticommutes
 * with Q with its partner ±(−i·P·Q), and the planner hands over the pairs of slots so
 * oriented that every pair is the same 2×2 rotation
 *     v[a] ← c·v[a] − s·v[b],   v[b] ← c·v[b] + s·v[a],
 * plus the slots whose partner was truncated away (v ← c·v). So a step is a gather/scatter
 * loop with no branches and no string work; the pairs of one step are disjoint, so the
 * update is done in place.
 *
 * Gradients use the adjoint method: the forward pass records each step's old values on a
 * tape (2·npairs + nscaled doubles, layout in kernels.h); the backward pass maps vbar
 * through the transposed rotation and accumulates dE/dφ = Σ vbar_new · d(new)/dφ, where
 * d a'/dφ = −s·a − c·b and d b'/dφ = c·a − s·b for old values (a, b).
 */
#include "kernels.h"

void ans_pauli_rotate(double *v, const uint32_t *pairs, uint32_t npairs, const uint32_t *scaled,
                      uint32_t nscaled, double c, double s, double *tape)
{
    if (tape) {
        for (uint32_t i = 0; i < npairs; i++) {
            uint32_t a = pairs[2 * i], b = pairs[2 * i + 1];
            double va = v[a], vb = v[b];
            tape[2 * i] = va;
            tape[2 * i + 1] = vb;
            v[a] = c * va - s * vb;
            v[b] = c * vb + s * va;
        }
        double *rest = tape + 2 * (size_t)npairs;
        for (uint32_t k = 0; k < nscaled; k++) {
            rest[k] = v[scaled[k]];
            v[scaled[k]] *= c;
        }
        return;
    }
    for (uint32_t i = 0; i < npairs; i++) {
        uint32_t a = pairs[2 * i], b = pairs[2 * i + 1];
        double va = v[a], vb = v[b];
        v[a] = c * va - s * vb;
        v[b] = c * vb + s * va;
    }
    for (uint32_t k = 0; k < nscaled; k++)
        v[scaled[k]] *= c;
}

double ans_pauli_rotate_adjoint(double *vbar, const uint32_t *pairs, uint32_t npairs,
                                const uint32_t *scaled, uint32_t nscaled, double c, double s,
                                const double *tape)
{
    double dphi = 0;
    for (uint32_t i = 0; i < npairs; i++) {
        uint32_t a = pairs[2 * i], b = pairs[2 * i + 1];
        double va = tape[2 * i], vb = tape[2 * i + 1];
        double ga = vbar[a], gb = vbar[b];
        dphi += ga * (-s * va - c * vb) + gb * (c * va - s * vb);
        vbar[a] = c * ga + s * gb;
        vbar[b] = c * gb - s * ga;
    }
    const double *rest = tape + 2 * (size_t)npairs;
    for (uint32_t k = 0; k < nscaled; k++) {
        double g = vbar[scaled[k]];
        dphi -= g * s * rest[k];
        vbar[scaled[k]] = c * g;
    }
    return dphi;
}

double ans_reduce(const double *v, const uint32_t *slot, const double *weight,
                  const uint32_t *state_index, const double *state, uint32_t n)
{
    double e = 0;
    if (!state_index) {
        for (uint32_t i = 0; i < n; i++)
            e += weight[i] * v[slot[i]];
        return e;
    }
    for (uint32_t i = 0; i < n; i++) {
        double f = state_index[i] == UINT32_MAX ? 1.0 : state[state_index[i]];
        e += weight[i] * v[slot[i]] * f;
    }
    return e;
}

void ans_reduce_adjoint(double *vbar, const uint32_t *slot, const double *weight,
                        const uint32_t *state_index, const double *state, uint32_t n,
                        double scale)
{
    for (uint32_t i = 0; i < n; i++) {
        double f = !state_index || state_index[i] == UINT32_MAX ? 1.0 : state[state_index[i]];
        vbar[slot[i]] += scale * weight[i] * f;
    }
}
