/*
 * test_gates.c — the standard gate table (frontend/gates.c) against the gates' matrices.
 *
 * Every gate is exp(-i · angle · G) for the Pauli-sum generator gate_generator returns. Here
 * the exponential is computed densely (dense.h: scaling and squaring) and compared, entry by
 * entry and global phase included, with the gate's matrix written out by hand from the
 * OpenQASM 3 / Qiskit definitions (docs: language.md, "Standard gates").
 *
 * Qubit order: the first operand is the most significant qubit (textbook order, |c t>), so
 * cx is [[1,0,0,0],[0,1,0,0],[0,0,0,1],[0,0,1,0]] with the control first. Qiskit prints its
 * matrices with qubit 0 least significant; the entries below are the same operators written
 * in this order (rzx: Z on the first operand, X on the second).
 *
 * The spec table GATE_CASES is written from language.md, not from the gate table, so the
 * names, arities and classes are checked against the spec too; a gate added to GATE_LIST
 * without a row here fails `gates.every_gate_has_a_case`.
 */
#include "dense.h"
#include "gate_matrices.h"
#include "frontend/circuit.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

typedef struct GateCase {
    GateKind kind;
    char name[8]; /* an array, not a pointer: Criterion copies parameters into a worker
                     process that is a new exec of this binary, where addresses differ */
    unsigned qubits, angles;
    GateClass cls;
} GateCase;

static const GateCase GATE_CASES[] = {
    {GATE_ID, "id", 1, 0, GATE_CLIFFORD},     {GATE_X, "x", 1, 0, GATE_CLIFFORD},
    {GATE_Y, "y", 1, 0, GATE_CLIFFORD},       {GATE_Z, "z", 1, 0, GATE_CLIFFORD},
    {GATE_H, "h", 1, 0, GATE_CLIFFORD},       {GATE_S, "s", 1, 0, GATE_CLIFFORD},
    {GATE_SDG, "sdg", 1, 0, GATE_CLIFFORD},   {GATE_SX, "sx", 1, 0, GATE_CLIFFORD},
    {GATE_SXDG, "sxdg", 1, 0, GATE_CLIFFORD}, {GATE_T, "t", 1, 0, GATE_FIXED},
    {GATE_TDG, "tdg", 1, 0, GATE_FIXED},      {GATE_CX, "cx", 2, 0, GATE_CLIFFORD},
    {GATE_CY, "cy", 2, 0, GATE_CLIFFORD},     {GATE_CZ, "cz", 2, 0, GATE_CLIFFORD},
    {GATE_SWAP, "swap", 2, 0, GATE_CLIFFORD}, {GATE_ISWAP, "iswap", 2, 0, GATE_CLIFFORD},
    {GATE_CCX, "ccx", 3, 0, GATE_FIXED},      {GATE_RX, "rx", 1, 1, GATE_ROTATION},
    {GATE_RY, "ry", 1, 1, GATE_ROTATION},     {GATE_RZ, "rz", 1, 1, GATE_ROTATION},
    {GATE_P, "p", 1, 1, GATE_ROTATION},       {GATE_RXX, "rxx", 2, 1, GATE_ROTATION},
    {GATE_RYY, "ryy", 2, 1, GATE_ROTATION},   {GATE_RZZ, "rzz", 2, 1, GATE_ROTATION},
    {GATE_RZX, "rzx", 2, 1, GATE_ROTATION},   {GATE_CRX, "crx", 2, 1, GATE_ROTATION},
    {GATE_CRY, "cry", 2, 1, GATE_ROTATION},   {GATE_CRZ, "crz", 2, 1, GATE_ROTATION},
    {GATE_CP, "cp", 2, 1, GATE_ROTATION},
};
enum { NCASES = sizeof GATE_CASES / sizeof *GATE_CASES };

static const double ANGLES[] = {0.0, 0.3, -1.7, ANS_PI, 5.0};


/* exp(-i · angle · G) on the global qubits `qubits` (dense order = call order). */
static void generator_matrix(const PauliSum *g, const uint32_t *qubits, unsigned k, double angle,
                             Dense *u, const char *name)
{
    Dense dg;
    cr_assert_eq(dense_from_psum(&dg, g, qubits, k), 0u, "%s: generator acts outside its operands",
                 name);
    dense_scale(&dg, -I * angle);
    dense_expm(u, &dg);
}

/* Whether U maps every Pauli string to ± one Pauli string under P -> U P U†. */
static bool maps_strings_to_strings(const Dense *u, unsigned k)
{
    static const char f[] = "IXYZ";
    unsigned dim = 1u << k, count = 1u << (2 * k);
    Dense ud;
    dense_adjoint(&ud, u);
    for (unsigned p = 0; p < count; p++) {
        char fp[3];
        for (unsigned j = 0; j < k; j++)
            fp[j] = f[(p >> (2 * j)) & 3];
        Dense mp, img;
        dense_from_factors(&mp, fp, k);
        dense_mul(&img, u, &mp);
        dense_mul(&img, &img, &ud);
        unsigned nonzero = 0;
        bool unit = false;
        for (unsigned q = 0; q < count; q++) {
            char fq[3];
            for (unsigned j = 0; j < k; j++)
                fq[j] = f[(q >> (2 * j)) & 3];
            Dense mq, prod;
            dense_from_factors(&mq, fq, k);
            dense_mul(&prod, &mq, &img);
            double complex coef = dense_trace(&prod) / dim;
            if (cabs(coef) > 1e-9) {
                nonzero++;
                unit = fabs(cimag(coef)) < 1e-12 && fabs(fabs(creal(coef)) - 1) < 1e-12;
            }
        }
        if (nonzero != 1 || !unit)
            return false;
    }
    return true;
}

ParameterizedTestParameters(gates, generator_matches_matrix)
{
    return cr_make_param_array(GateCase, GATE_CASES, NCASES);
}

/* For every gate and angle: exp(-i angle G) equals the hand-written matrix, entrywise. */
ParameterizedTest(const GateCase *gc, gates, generator_matches_matrix)
{
    Arena a;
    arena_init(&a);
    const uint32_t qubits[3] = {0, 1, 2};
    double fixed = -99;
    PauliSum *g = gate_generator(&a, gc->kind, qubits, gc->qubits, &fixed);
    cr_assert_eq(g->nqubits, gc->qubits);
    int nangles = gc->angles ? (int)(sizeof ANGLES / sizeof *ANGLES) : 1;
    for (int i = 0; i < nangles; i++) {
        double angle = gc->angles ? ANGLES[i] : fixed;
        Dense u, want;
        generator_matrix(g, qubits, gc->qubits, angle, &u, gc->name);
        cr_assert(standard_matrix(gc->kind, angle, &want), "no standard matrix for %s", gc->name);
        double diff = dense_max_diff(&u, &want);
        cr_assert_lt(diff, 1e-12, "%s(%g): exp(-i angle G) differs from the matrix by %g", gc->name,
                     angle, diff);
    }
    if (!gc->angles) {
        /* A constant angle, a multiple of π/4 (so exact for the analysis's frame). */
        double quarters = fixed / (ANS_PI / 4);
        cr_assert_lt(fabs(quarters - round(quarters)), 1e-12, "%s: fixed angle %g", gc->name, fixed);
    } else {
        /* Rotation generators are exact rationals: dimensions are decided on them. */
        for (uint32_t i = 0; i < g->len; i++)
            cr_assert(real_is_exact(g->coef[i]), "%s: term %u inexact", gc->name, i);
    }
    arena_free(&a);
}

ParameterizedTestParameters(gates, operands_map_to_global_qubits)
{
    return cr_make_param_array(GateCase, GATE_CASES, NCASES);
}

/* The same gate called on scattered qubits of a 1,024-qubit circuit, in an order that is not
 * ascending: the generator must put the pattern's operand j on qubits[j], and nothing else. */
ParameterizedTest(const GateCase *gc, gates, operands_map_to_global_qubits)
{
    static const uint32_t placements[][3] = {{900, 3, 64}, {5, 1023, 63}, {127, 128, 0}};
    for (int p = 0; p < 3; p++) {
        Arena a;
        arena_init(&a);
        const uint32_t *qubits = placements[p];
        double fixed = 0;
        PauliSum *g = gate_generator(&a, gc->kind, qubits, 1024, &fixed);
        cr_assert_eq(g->nqubits, 1024u);
        double angle = gc->angles ? 0.3 : fixed;
        Dense u, want;
        generator_matrix(g, qubits, gc->qubits, angle, &u, gc->name);
        cr_assert(standard_matrix(gc->kind, angle, &want), "no standard matrix for %s", gc->name);
        cr_assert_lt(dense_max_diff(&u, &want), 1e-12, "%s on qubits %u, %u, %u", gc->name,
                     qubits[0], qubits[1], qubits[2]);
        uint32_t support[8];
        cr_assert_leq(psum_support(g, support), gc->qubits);
        arena_free(&a);
    }
}

ParameterizedTestParameters(gates, info_and_lookup)
{
    return cr_make_param_array(GateCase, GATE_CASES, NCASES);
}

ParameterizedTest(const GateCase *gc, gates, info_and_lookup)
{
    const GateInfo *info = gate_info(gc->kind);
    cr_assert_str_eq(info->name, gc->name);
    cr_assert_eq(info->qubits, gc->qubits, "%s", gc->name);
    cr_assert_eq(info->angles, gc->angles, "%s", gc->name);
    cr_assert_eq(info->cls, gc->cls, "%s", gc->name);
    cr_assert_eq(gate_lookup(gc->name), gc->kind, "%s", gc->name);
}

ParameterizedTestParameters(gates, clifford_class_matches_conjugation)
{
    return cr_make_param_array(GateCase, GATE_CASES, NCASES);
}

/* Clifford gates map every string to ± one string (checked on the generator's
 * exponential, the operator the analysis uses); t, tdg and ccx do not. */
ParameterizedTest(const GateCase *gc, gates, clifford_class_matches_conjugation)
{
    if (gc->cls == GATE_ROTATION)
        return;
    Arena a;
    arena_init(&a);
    const uint32_t qubits[3] = {0, 1, 2};
    double fixed = 0;
    PauliSum *g = gate_generator(&a, gc->kind, qubits, gc->qubits, &fixed);
    Dense u;
    generator_matrix(g, qubits, gc->qubits, fixed, &u, gc->name);
    bool clifford = maps_strings_to_strings(&u, gc->qubits);
    cr_assert_eq(clifford, gc->cls == GATE_CLIFFORD, "%s: Clifford by conjugation = %d", gc->name,
                 clifford);
    arena_free(&a);
}

Test(gates, every_gate_has_a_case)
{
    for (int k = 0; k < GATE__COUNT; k++) {
        int found = 0;
        for (int i = 0; i < NCASES; i++)
            found += GATE_CASES[i].kind == (GateKind)k;
        int want = k == GATE_U || k == GATE_EVOLVE ? 0 : 1;
        cr_assert_eq(found, want, "gate %s has %d rows in GATE_CASES", gate_info((GateKind)k)->name,
                     found);
    }
}

Test(gates, u_and_evolve_info)
{
    const GateInfo *u = gate_info(GATE_U);
    cr_assert_str_eq(u->name, "u");
    cr_assert_eq(u->qubits, 1u);
    cr_assert_eq(u->angles, 3u);
    cr_assert_eq(u->cls, GATE_ROTATION);
    cr_assert_eq(gate_lookup("u"), GATE_U);
    const GateInfo *e = gate_info(GATE_EVOLVE);
    cr_assert_eq(e->qubits, 0u); /* its generator decides */
    cr_assert_eq(e->angles, 1u);
    /* evolve is a statement, not a callable gate name. */
    cr_assert_eq(gate_lookup("evolve"), GATE__COUNT);
}

Test(gates, lookup_rejects_unknown_names)
{
    static const char *names[] = {"", "CX", "cnot", "X", "rx ", "toffoli", "u3", "c", "ccz"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        cr_assert_eq(gate_lookup(names[i]), GATE__COUNT, "\"%s\"", names[i]);
}

/* t is p(π/4) and s is p(π/2) (language.md), and t·t = s, sx·sx = x: a consistency check
 * on the fixed angles through products of the generators' exponentials. */
Test(gates, fixed_gate_identities)
{
    Arena a;
    arena_init(&a);
    const uint32_t q[1] = {0};
    Dense m[GATE__COUNT];
    const GateKind kinds[] = {GATE_T, GATE_S, GATE_SX, GATE_X, GATE_P, GATE_SDG, GATE_TDG, GATE_SXDG,
                              GATE_Z};
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
        double fixed = 0;
        PauliSum *g = gate_generator(&a, kinds[i], q, 1, &fixed);
        generator_matrix(g, q, 1, kinds[i] == GATE_P ? ANS_PI / 4 : fixed, &m[kinds[i]],
                         gate_info(kinds[i])->name);
    }
    Dense prod;
    cr_assert_lt(dense_max_diff(&m[GATE_T], &m[GATE_P]), 1e-12, "t = p(pi/4)");
    dense_mul(&prod, &m[GATE_T], &m[GATE_T]);
    cr_assert_lt(dense_max_diff(&prod, &m[GATE_S]), 1e-12, "t·t = s");
    dense_mul(&prod, &m[GATE_S], &m[GATE_S]);
    cr_assert_lt(dense_max_diff(&prod, &m[GATE_Z]), 1e-12, "s·s = z");
    dense_mul(&prod, &m[GATE_SX], &m[GATE_SX]);
    cr_assert_lt(dense_max_diff(&prod, &m[GATE_X]), 1e-12, "sx·sx = x");
    Dense id;
    dense_identity(&id, 2);
    dense_mul(&prod, &m[GATE_S], &m[GATE_SDG]);
    cr_assert_lt(dense_max_diff(&prod, &id), 1e-12, "s·sdg = id");
    dense_mul(&prod, &m[GATE_T], &m[GATE_TDG]);
    cr_assert_lt(dense_max_diff(&prod, &id), 1e-12, "t·tdg = id");
    dense_mul(&prod, &m[GATE_SX], &m[GATE_SXDG]);
    cr_assert_lt(dense_max_diff(&prod, &id), 1e-12, "sx·sxdg = id");
    arena_free(&a);
}
