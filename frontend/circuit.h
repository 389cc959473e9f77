/*
 * circuit.h — the elaborated circuit: what the front end hands to the analysis and the
 * code generator. It is flat (no loops, no gate definitions, no names to resolve) and
 * self-contained (it owns copies of everything it refers to, in the compilation's arena).
 *
 * Every gate, fixed or parameterised, is the unitary exp(-i · angle · G) for its Pauli-sum
 * generator G (identity terms kept, so the matrix is exact, not only up to phase):
 *
 *   rx(θ)   = exp(-i θ X/2)                  G = X/2,          angle θ
 *   p(θ)    = diag(1, e^{iθ})                G = (Z - I)/2,    angle θ
 *   crz(θ)                                   G = (Z_t - Z_c Z_t)/4
 *   cx      = exp(-i π G)                    G = -(I - Z_c)(I - X_t)/4
 *   evolve(θ) H                              G = H
 *
 * and the angle is affine in at most one parameter or input element:
 * angle = coef · v + offset. Fixed gates have a constant angle (a multiple of π).
 * `u(θ, φ, λ)` is elaborated into rz(λ), ry(θ), rz(φ), each with the call's span.
 */
#ifndef ANSC_CIRCUIT_H
#define ANSC_CIRCUIT_H

#include "../core/core.h"

/* GATE(ID, name, qubits, angles, class) — the standard gates of language.md. */
#define GATE_LIST(GATE)                                                                       \
    GATE(ID, "id", 1, 0, GATE_CLIFFORD)                                                      \
    GATE(X, "x", 1, 0, GATE_CLIFFORD)                                                        \
    GATE(Y, "y", 1, 0, GATE_CLIFFORD)                                                        \
    GATE(Z, "z", 1, 0, GATE_CLIFFORD)                                                        \
    GATE(H, "h", 1, 0, GATE_CLIFFORD)                                                        \
    GATE(S, "s", 1, 0, GATE_CLIFFORD)                                                        \
    GATE(SDG, "sdg", 1, 0, GATE_CLIFFORD)                                                    \
    GATE(SX, "sx", 1, 0, GATE_CLIFFORD)                                                      \
    GATE(SXDG, "sxdg", 1, 0, GATE_CLIFFORD)                                                  \
    GATE(T, "t", 1, 0, GATE_FIXED)                                                           \
    GATE(TDG, "tdg", 1, 0, GATE_FIXED)                                                       \
    GATE(CX, "cx", 2, 0, GATE_CLIFFORD)                                                      \
    GATE(CY, "cy", 2, 0, GATE_CLIFFORD)                                                      \
    GATE(CZ, "cz", 2, 0, GATE_CLIFFORD)                                                      \
    GATE(SWAP, "swap", 2, 0, GATE_CLIFFORD)                                                  \
    GATE(ISWAP, "iswap", 2, 0, GATE_CLIFFORD)                                                \
    GATE(CCX, "ccx", 3, 0, GATE_FIXED)                                                       \
    GATE(RX, "rx", 1, 1, GATE_ROTATION)                                                      \
    GATE(RY, "ry", 1, 1, GATE_ROTATION)                                                      \
    GATE(RZ, "rz", 1, 1, GATE_ROTATION)                                                      \
    GATE(P, "p", 1, 1, GATE_ROTATION)                                                        \
    GATE(U, "u", 1, 3, GATE_ROTATION)                                                        \
    GATE(RXX, "rxx", 2, 1, GATE_ROTATION)                                                    \
    GATE(RYY, "ryy", 2, 1, GATE_ROTATION)                                                    \
    GATE(RZZ, "rzz", 2, 1, GATE_ROTATION)                                                    \
    GATE(RZX, "rzx", 2, 1, GATE_ROTATION)                                                    \
    GATE(CRX, "crx", 2, 1, GATE_ROTATION)                                                    \
    GATE(CRY, "cry", 2, 1, GATE_ROTATION)                                                    \
    GATE(CRZ, "crz", 2, 1, GATE_ROTATION)                                                    \
    GATE(CP, "cp", 2, 1, GATE_ROTATION)                                                      \
    GATE(EVOLVE, "evolve", 0, 1, GATE_ROTATION)

typedef enum {
#define GATE_ENUM(id, name, q, a, cls) GATE_##id,
    GATE_LIST(GATE_ENUM)
#undef GATE_ENUM
        GATE__COUNT
} GateKind;

typedef enum {
    GATE_CLIFFORD, /* fixed, maps Pauli strings to Pauli strings */
    GATE_FIXED,    /* fixed, not Clifford (t, tdg, ccx) */
    GATE_ROTATION  /* takes angles */
} GateClass;

typedef struct GateInfo {
    const char *name;
    unsigned qubits; /* 0 for evolve: its generator decides */
    unsigned angles;
    GateClass cls;
} GateInfo;

const GateInfo *gate_info(GateKind kind);
/* The gate of that name, or GATE__COUNT. */
GateKind gate_lookup(const char *name);
/* The generator G of a gate (not u, not evolve) acting on the global qubits `qubits` (in
 * call order) of a circuit of `nqubits` qubits, such that
 * gate(θ) = exp(-i θ G) for rotations; for fixed gates *fixed_angle receives the constant
 * angle (a multiple of π) with gate = exp(-i · fixed_angle · G). */
PauliSum *gate_generator(Arena *a, GateKind kind, const uint32_t *qubits, uint32_t nqubits,
                         double *fixed_angle);

typedef enum { ANGLE_CONST, ANGLE_PARAM, ANGLE_INPUT } AngleSource;

/* angle = coef · v + offset, v the element `index` of the parameter or input vector. */
typedef struct Angle {
    AngleSource source;
    uint32_t index;
    Real coef;
    double offset;
} Angle;

typedef struct Gate {
    GateKind kind; /* never GATE_U: it is elaborated into three rotations */
    uint32_t nqubits;
    uint32_t *qubits; /* call order for named gates (control first); the support, ascending,
                         for evolve */
    Angle angle;
    PauliSum *generator;
    Span span; /* the call in the source (for a gate inside a user gate: the innermost call) */
} Gate;

/* A named parameter or input array; its elements are the vector entries
 * [offset, offset + count), row-major. */
typedef struct VarArray {
    const char *name;
    uint32_t ndims;
    uint32_t dims[8];
    uint32_t offset, count;
    Span span;
} VarArray;

typedef struct Register {
    const char *name;
    uint32_t offset, size;
    bool scalar; /* declared as `qubit q;` */
    Span span;
} Register;

typedef enum { KET_0, KET_1, KET_PLUS, KET_MINUS } Ket;

typedef struct Observable {
    const char *name;
    PauliSum *op;
    Span span;
} Observable;

/* `discard q[i];` takes effect between gates[before - 1] and gates[before]. */
typedef struct Discard {
    uint32_t qubit;
    uint32_t before;
    Span span;
} Discard;

#define EXPECT_FACTS(F)                                                                       \
    F(DLA_DIM, "dla.dim")                                                                     \
    F(DLA_CENTER, "dla.center")                                                               \
    F(MODULE_DIM, "module.dim")                                                               \
    F(SIMULABLE, "simulable")                                                                 \
    F(BARREN_PLATEAU, "barren_plateau")

typedef enum {
#define FACT_ENUM(id, text) FACT_##id,
    EXPECT_FACTS(FACT_ENUM)
#undef FACT_ENUM
        FACT__COUNT
} ExpectFact;

typedef enum { CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE } CmpOp;

typedef struct Expect {
    ExpectFact fact;
    CmpOp op;      /* for the numeric facts */
    int64_t value; /* for the numeric facts */
    bool negated;  /* `!simulable` */
    Span span;
} Expect;

typedef struct SizeValue {
    const char *name;
    int64_t value;
} SizeValue;

typedef struct Circuit {
    const char *name; /* the ansatz */
    const Source *src;
    VEC(SizeValue) sizes; /* in header order, after -D */
    uint32_t nqubits;
    VEC(Register) registers;
    VEC(VarArray) params;
    VEC(VarArray) inputs;
    uint32_t nparams, ninputs; /* vector lengths */
    bool state_input;          /* `state input;` */
    Ket *state;                /* nqubits kets when !state_input */
    VEC(Gate) gates;
    VEC(Observable) observables;
    VEC(Discard) discards;
    VEC(Expect) expects;
} Circuit;

/* "theta[2][1]" for element `index` of the parameter (or input) vector. */
void sb_put_var_element(StrBuf *sb, const Circuit *c, AngleSource source, uint32_t index);
/* "q[3]" for global qubit q. */
void sb_put_qubit(StrBuf *sb, const Circuit *c, uint32_t qubit);
/* The whole circuit as text: `ansc print`. */
void circuit_print(StrBuf *sb, const Circuit *c);

#endif
