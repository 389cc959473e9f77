/*
 * test_kernels_pauli.c — the pauli kernels of runtime/kernels_pauli.c: a rotation step
 * against the 2×2 rotation written out by hand, the tape's layout, the adjoint against
 * central finite differences of a loss through several steps, and the reduction with and
 * without state factors.
 */
#include "runtime/kernels.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

Test(kernels_pauli, rotate_matches_hand_computation)
{
    double v[6] = {1, 2, 3, 4, 5, 6};
    const uint32_t pairs[4] = {0, 2, 3, 1};
    const uint32_t scaled[1] = {5};
    double c = cos(0.3), s = sin(0.3);
    ans_pauli_rotate(v, pairs, 2, scaled, 1, c, s, NULL);
    cr_assert_float_eq(v[0], c * 1 - s * 3, 1e-15);
    cr_assert_float_eq(v[2], c * 3 + s * 1, 1e-15);
    cr_assert_float_eq(v[3], c * 4 - s * 2, 1e-15);
    cr_assert_float_eq(v[1], c * 2 + s * 4, 1e-15);
    cr_assert_float_eq(v[4], 5, 0); /* untouched */
    cr_assert_float_eq(v[5], c * 6, 1e-15);
}

Test(kernels_pauli, quarter_turn_moves_the_coefficient)
{
    double v[2] = {1, 0};
    const uint32_t pairs[2] = {0, 1};
    ans_pauli_rotate(v, pairs, 1, NULL, 0, 0.0, 1.0, NULL);
    cr_assert_float_eq(v[0], 0, 0);
    cr_assert_float_eq(v[1], 1, 0);
}

Test(kernels_pauli, tape_holds_the_old_values)
{
    double v[5] = {1, 2, 3, 4, 5}, tape[5] = {0};
    const uint32_t pairs[4] = {4, 0, 1, 3};
    const uint32_t scaled[1] = {2};
    double with[5], without[5];
    memcpy(with, v, sizeof v);
    memcpy(without, v, sizeof v);
    ans_pauli_rotate(with, pairs, 2, scaled, 1, 0.6, 0.8, tape);
    ans_pauli_rotate(without, pairs, 2, scaled, 1, 0.6, 0.8, NULL);
    const double want[5] = {5, 1, 2, 4, 3};
    for (int i = 0; i < 5; i++) {
        cr_assert_float_eq(tape[i], want[i], 0, "tape[%d]", i);
        cr_assert_float_eq(with[i], without[i], 0, "the tape changes nothing");
    }
}

/* Three steps over 7 slots, then E = Σ w_i v_i. */
typedef struct Chain {
    uint32_t pairs[3][6];
    uint32_t npairs[3];
    uint32_t scaled[3][2];
    uint32_t nscaled[3];
    double phi[3];
    double w[7];
} Chain;

static double chain_forward(const Chain *ch, const double *v0, double *tape)
{
    double v[7];
    memcpy(v, v0, sizeof v);
    double *at = tape;
    for (int k = 0; k < 3; k++) {
        ans_pauli_rotate(v, ch->pairs[k], ch->npairs[k], ch->scaled[k], ch->nscaled[k],
                         cos(ch->phi[k]), sin(ch->phi[k]), at);
        if (at)
            at += 2 * ch->npairs[k] + ch->nscaled[k];
    }
    double e = 0;
    for (int i = 0; i < 7; i++)
        e += ch->w[i] * v[i];
    return e;
}

Test(kernels_pauli, adjoint_matches_finite_differences)
{
    Chain ch = {
        .pairs = {{0, 1, 2, 3, 4, 5}, {1, 2, 6, 0, 0, 0}, {5, 3, 0, 0, 0, 0}},
        .npairs = {3, 2, 1},
        .scaled = {{6, 0}, {3, 4}, {1, 2}},
        .nscaled = {1, 2, 2},
        .phi = {0.7, -1.3, 2.1},
        .w = {0.3, -1.1, 0.8, 0.5, -0.2, 1.7, 0.9},
    };
    double v0[7] = {0.4, -0.9, 1.2, 0.1, -0.5, 0.75, -0.3};
    double tape[32];
    chain_forward(&ch, v0, tape);

    double vbar[7];
    memcpy(vbar, ch.w, sizeof vbar);
    double dphi[3];
    size_t offs[3] = {0, 2 * 3 + 1, 2 * 3 + 1 + 2 * 2 + 2};
    for (int k = 2; k >= 0; k--)
        dphi[k] = ans_pauli_rotate_adjoint(vbar, ch.pairs[k], ch.npairs[k], ch.scaled[k],
                                           ch.nscaled[k], cos(ch.phi[k]), sin(ch.phi[k]),
                                           tape + offs[k]);
    const double h = 1e-6;
    for (int k = 0; k < 3; k++) {
        Chain p = ch, m = ch;
        p.phi[k] += h;
        m.phi[k] -= h;
        double fd = (chain_forward(&p, v0, NULL) - chain_forward(&m, v0, NULL)) / (2 * h);
        cr_assert_float_eq(dphi[k], fd, 1e-8, "dE/dphi[%d] = %g, finite differences %g", k,
                           dphi[k], fd);
    }
    for (int i = 0; i < 7; i++) {
        double vp[7], vm[7];
        memcpy(vp, v0, sizeof vp);
        memcpy(vm, v0, sizeof vm);
        vp[i] += h;
        vm[i] -= h;
        double fd = (chain_forward(&ch, vp, NULL) - chain_forward(&ch, vm, NULL)) / (2 * h);
        cr_assert_float_eq(vbar[i], fd, 1e-8, "dE/dv0[%d] = %g, finite differences %g", i,
                           vbar[i], fd);
    }
}

Test(kernels_pauli, reduce_with_and_without_state)
{
    const double v[4] = {1.5, -2, 0.25, 4};
    const uint32_t slot[3] = {3, 0, 2};
    const double weight[3] = {0.5, -1, 2};
    cr_assert_float_eq(ans_reduce(v, slot, weight, NULL, NULL, 3), 2 - 1.5 + 0.5, 1e-15);
    const uint32_t index[3] = {1, UINT32_MAX, 0};
    const double state[2] = {-0.3, 0.7};
    double want = 0.5 * 4 * 0.7 + (-1) * 1.5 + 2 * 0.25 * -0.3;
    cr_assert_float_eq(ans_reduce(v, slot, weight, index, state, 3), want, 1e-15);

    double vbar[4] = {1, 1, 1, 1};
    ans_reduce_adjoint(vbar, slot, weight, index, state, 3, 2.0);
    cr_assert_float_eq(vbar[3], 1 + 2 * 0.5 * 0.7, 1e-15);
    cr_assert_float_eq(vbar[0], 1 + 2 * -1.0, 1e-15);
    cr_assert_float_eq(vbar[2], 1 + 2 * 2 * -0.3, 1e-15);
    cr_assert_float_eq(vbar[1], 1, 0);
    double nbar[4] = {0};
    ans_reduce_adjoint(nbar, slot, weight, NULL, NULL, 3, 1.0);
    cr_assert_float_eq(nbar[3], 0.5, 0);
    cr_assert_float_eq(nbar[0], -1, 0);
    cr_assert_float_eq(nbar[2], 2, 0);
}
