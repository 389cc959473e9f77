/*
 * gates.c — the standard gates and their Pauli-sum generators.
 *
 * Each gate is exp(-i · angle · G). For rotations the angle is the gate's argument; fixed
 * gates have a constant angle, a multiple of π, chosen so that the exponential is the
 * gate's matrix exactly, global phase included. A Hermitian unitary U (x, cz, swap, …) is
 * I - 2Π for the projector Π onto its -1 eigenspace, so U = exp(-iπ G) with
 * G = (U - I)/2 = -Π. The tests compare every entry of this table with the gate's matrix
 * (tests/unit/test_gates.c).
 *
 * A generator term is a coefficient num/den (times 1/√2 when root2 is set: only h) and a
 * pattern over the call's qubits: "Z0 X1" is Z on the first operand, X on the second.
 */
#include "frontend.h"

#include <string.h>

static const GateInfo gate_table[] = {
#define GATE_ROW(id, name, q, a, cls) {name, q, a, cls},
    GATE_LIST(GATE_ROW)
#undef GATE_ROW
};

const GateInfo *gate_info(GateKind kind) { return &gate_table[kind]; }

GateKind gate_lookup(const char *name)
{
    for (int i = 0; i < GATE__COUNT; i++)
        if (i != GATE_EVOLVE && strcmp(gate_table[i].name, name) == 0)
            return (GateKind)i;
    return GATE__COUNT;
}

typedef struct Term {
    int num, den;
    bool root2;
    const char *pattern;
} Term;

typedef struct Generator {
    int angle_num, angle_den; /* fixed angle = π · num/den; 0/1 for rotations */
    Term terms[8];
} Generator;

static const Generator generators[GATE__COUNT] = {
    [GATE_ID] = {0, 1, {{0}}},
    /* Single-qubit Clifford and phase gates: a Hermitian P is exp(-iπ (P - I)/2). */
    [GATE_X] = {1, 1, {{1, 2, 0, "X0"}, {-1, 2, 0, "I"}}},
    [GATE_Y] = {1, 1, {{1, 2, 0, "Y0"}, {-1, 2, 0, "I"}}},
    [GATE_Z] = {1, 1, {{1, 2, 0, "Z0"}, {-1, 2, 0, "I"}}},
    [GATE_H] = {1, 1, {{1, 2, 1, "X0"}, {1, 2, 1, "Z0"}, {-1, 2, 0, "I"}}},
    /* p(θ) = exp(-iθ (Z - I)/2): s = p(π/2), t = p(π/4). */
    [GATE_S] = {1, 2, {{1, 2, 0, "Z0"}, {-1, 2, 0, "I"}}},
    [GATE_SDG] = {-1, 2, {{1, 2, 0, "Z0"}, {-1, 2, 0, "I"}}},
    [GATE_T] = {1, 4, {{1, 2, 0, "Z0"}, {-1, 2, 0, "I"}}},
    [GATE_TDG] = {-1, 4, {{1, 2, 0, "Z0"}, {-1, 2, 0, "I"}}},
    /* sx = √X = exp(-iπ/2 · (X - I)/2). */
    [GATE_SX] = {1, 2, {{1, 2, 0, "X0"}, {-1, 2, 0, "I"}}},
    [GATE_SXDG] = {-1, 2, {{1, 2, 0, "X0"}, {-1, 2, 0, "I"}}},
    /* Controlled Paulis: -|1><1| ⊗ (I - P)/2 = -(I - Z0)(I - P1)/4. */
    [GATE_CX] = {1, 1, {{-1, 4, 0, "I"}, {1, 4, 0, "Z0"}, {1, 4, 0, "X1"}, {-1, 4, 0, "Z0 X1"}}},
    [GATE_CY] = {1, 1, {{-1, 4, 0, "I"}, {1, 4, 0, "Z0"}, {1, 4, 0, "Y1"}, {-1, 4, 0, "Z0 Y1"}}},
    [GATE_CZ] = {1, 1, {{-1, 4, 0, "I"}, {1, 4, 0, "Z0"}, {1, 4, 0, "Z1"}, {-1, 4, 0, "Z0 Z1"}}},
    /* swap = (I + XX + YY + ZZ)/2, so (swap - I)/2 = (XX + YY + ZZ - I)/4. */
    [GATE_SWAP] = {1, 1, {{1, 4, 0, "X0 X1"}, {1, 4, 0, "Y0 Y1"}, {1, 4, 0, "Z0 Z1"}, {-1, 4, 0, "I"}}},
    /* iswap = exp(iπ/4 (XX + YY)). */
    [GATE_ISWAP] = {1, 1, {{-1, 4, 0, "X0 X1"}, {-1, 4, 0, "Y0 Y1"}}},
    /* Toffoli: -(I - Z0)(I - Z1)(I - X2)/8. */
    [GATE_CCX] = {1, 1, {{-1, 8, 0, "I"}, {1, 8, 0, "Z0"}, {1, 8, 0, "Z1"}, {1, 8, 0, "X2"},
                          {-1, 8, 0, "Z0 Z1"}, {-1, 8, 0, "Z0 X2"}, {-1, 8, 0, "Z1 X2"},
                          {1, 8, 0, "Z0 Z1 X2"}}},
    [GATE_RX] = {0, 1, {{1, 2, 0, "X0"}}},
    [GATE_RY] = {0, 1, {{1, 2, 0, "Y0"}}},
    [GATE_RZ] = {0, 1, {{1, 2, 0, "Z0"}}},
    [GATE_P] = {0, 1, {{1, 2, 0, "Z0"}, {-1, 2, 0, "I"}}},
    [GATE_RXX] = {0, 1, {{1, 2, 0, "X0 X1"}}},
    [GATE_RYY] = {0, 1, {{1, 2, 0, "Y0 Y1"}}},
    [GATE_RZZ] = {0, 1, {{1, 2, 0, "Z0 Z1"}}},
    [GATE_RZX] = {0, 1, {{1, 2, 0, "Z0 X1"}}},
    /* Controlled rotations: |1><1| ⊗ P/2 = (P1 - Z0 P1)/4. */
    [GATE_CRX] = {0, 1, {{1, 4, 0, "X1"}, {-1, 4, 0, "Z0 X1"}}},
    [GATE_CRY] = {0, 1, {{1, 4, 0, "Y1"}, {-1, 4, 0, "Z0 Y1"}}},
    [GATE_CRZ] = {0, 1, {{1, 4, 0, "Z1"}, {-1, 4, 0, "Z0 Z1"}}},
    /* cp(θ) = diag(1, 1, 1, e^{iθ}): G = -|11><11| = -(I - Z0)(I - Z1)/4. */
    [GATE_CP] = {0, 1, {{-1, 4, 0, "I"}, {1, 4, 0, "Z0"}, {1, 4, 0, "Z1"}, {-1, 4, 0, "Z0 Z1"}}},
};

PauliSum *gate_generator(Arena *a, GateKind kind, const uint32_t *qubits, uint32_t nqubits,
                         double *fixed_angle)
{
    const Generator *g = &generators[kind];
    PauliSum *sum = psum_new(a, nqubits);
    uint64_t *p = arena_alloc(a, 2u * sum->words * sizeof *p);
    for (int i = 0; i < 8 && g->terms[i].pattern; i++) {
        const Term *t = &g->terms[i];
        memset(p, 0, 2u * sum->words * sizeof *p);
        for (const char *c = t->pattern; *c; c++)
            if (*c == 'X' || *c == 'Y' || *c == 'Z')
                pauli_set(p, sum->words, qubits[c[1] - '0'], *c);
        Real coef = real_rational(t->num, t->den);
        if (t->root2)
            coef = real_approx(coef.value * ANS_SQRT1_2);
        psum_add(a, sum, p, coef);
    }
    if (fixed_angle)
        *fixed_angle = ANS_PI * g->angle_num / g->angle_den;
    return sum;
}
