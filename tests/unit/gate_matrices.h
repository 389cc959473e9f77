/*
 * gate_matrices.h — the standard gates' matrices written out from their published
 * definitions (OpenQASM 3 / Qiskit), the independent reference for tests/unit/test_gates.c
 * and test_frame.c. Qubit order: the first operand is the most significant (dense.h).
 */
#ifndef ANSC_TEST_GATE_MATRICES_H
#define ANSC_TEST_GATE_MATRICES_H

#include "dense.h"
#include "frontend/circuit.h"

/* Fills rows of a dim×dim matrix from a flat list. */
static inline void set_rows(Dense *m, unsigned dim, const double complex *entries)
{
    dense_zero(m, dim);
    for (unsigned i = 0; i < dim; i++)
        for (unsigned j = 0; j < dim; j++)
            m->a[i][j] = entries[i * dim + j];
}

/* |0><0| ⊗ I + |1><1| ⊗ u for a 2×2 u given by rows. */
static inline void controlled(Dense *m, double complex u00, double complex u01, double complex u10,
                       double complex u11)
{
    const double complex e[16] = {1, 0, 0,   0,   0, 1, 0,   0,
                                  0, 0, u00, u01, 0, 0, u10, u11};
    set_rows(m, 4, e);
}

/* The gate's matrix from its published definition. */
static inline bool standard_matrix(GateKind kind, double t, Dense *m)
{
    const double complex c = cos(t / 2), s = sin(t / 2), is = I * sin(t / 2);
    const double complex em = cexp(-I * t / 2), ep = cexp(I * t / 2);
    const double r = ANS_SQRT1_2;
    switch (kind) {
    case GATE_ID: set_rows(m, 2, (const double complex[]){1, 0, 0, 1}); break;
    case GATE_X: set_rows(m, 2, (const double complex[]){0, 1, 1, 0}); break;
    case GATE_Y: set_rows(m, 2, (const double complex[]){0, -I, I, 0}); break;
    case GATE_Z: set_rows(m, 2, (const double complex[]){1, 0, 0, -1}); break;
    case GATE_H: set_rows(m, 2, (const double complex[]){r, r, r, -r}); break;
    case GATE_S: set_rows(m, 2, (const double complex[]){1, 0, 0, I}); break;
    case GATE_SDG: set_rows(m, 2, (const double complex[]){1, 0, 0, -I}); break;
    case GATE_SX:
        set_rows(m, 2, (const double complex[]){(1 + I) / 2, (1 - I) / 2, (1 - I) / 2, (1 + I) / 2});
        break;
    case GATE_SXDG:
        set_rows(m, 2, (const double complex[]){(1 - I) / 2, (1 + I) / 2, (1 + I) / 2, (1 - I) / 2});
        break;
    case GATE_T: set_rows(m, 2, (const double complex[]){1, 0, 0, (1 + I) * r}); break;
    case GATE_TDG: set_rows(m, 2, (const double complex[]){1, 0, 0, (1 - I) * r}); break;
    case GATE_CX: controlled(m, 0, 1, 1, 0); break;
    case GATE_CY: controlled(m, 0, -I, I, 0); break;
    case GATE_CZ: controlled(m, 1, 0, 0, -1); break;
    case GATE_SWAP:
        set_rows(m, 4, (const double complex[]){1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1});
        break;
    case GATE_ISWAP:
        set_rows(m, 4, (const double complex[]){1, 0, 0, 0, 0, 0, I, 0, 0, I, 0, 0, 0, 0, 0, 1});
        break;
    case GATE_CCX:
        dense_identity(m, 8);
        m->a[6][6] = m->a[7][7] = 0;
        m->a[6][7] = m->a[7][6] = 1;
        break;
    case GATE_RX: set_rows(m, 2, (const double complex[]){c, -is, -is, c}); break;
    case GATE_RY: set_rows(m, 2, (const double complex[]){c, -s, s, c}); break;
    case GATE_RZ: set_rows(m, 2, (const double complex[]){em, 0, 0, ep}); break;
    case GATE_P: set_rows(m, 2, (const double complex[]){1, 0, 0, cexp(I * t)}); break;
    case GATE_RXX:
        set_rows(m, 4, (const double complex[]){c, 0, 0, -is, 0, c, -is, 0,
                                                0, -is, c, 0, -is, 0, 0, c});
        break;
    case GATE_RYY:
        set_rows(m, 4, (const double complex[]){c, 0, 0, is, 0, c, -is, 0,
                                                0, -is, c, 0, is, 0, 0, c});
        break;
    case GATE_RZZ:
        set_rows(m, 4, (const double complex[]){em, 0, 0, 0, 0, ep, 0, 0,
                                                0, 0, ep, 0, 0, 0, 0, em});
        break;
    case GATE_RZX: /* exp(-iθ/2 Z⊗X): rx(θ) on the target when the first qubit is 0, rx(-θ) else */
        set_rows(m, 4, (const double complex[]){c, -is, 0, 0, -is, c, 0, 0,
                                                0, 0, c, is, 0, 0, is, c});
        break;
    case GATE_CRX: controlled(m, c, -is, -is, c); break;
    case GATE_CRY: controlled(m, c, -s, s, c); break;
    case GATE_CRZ: controlled(m, em, 0, 0, ep); break;
    case GATE_CP: controlled(m, 1, 0, 0, cexp(I * t)); break;
    default:
        return false; /* u and evolve: no single matrix */
    }
    return true;
}

#endif
