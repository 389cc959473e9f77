/*
 * test_frame.c — the Clifford frame (analysis/frame.c) against dense matrices.
 *
 * clifford_conjugate is checked, for every fixed Clifford gate and every Pauli string on its
 * qubits, against C† P C computed densely from the gate's matrix written out by hand here
 * (the OpenQASM 3 / Qiskit definitions, as test_gates.c writes them; nothing is derived from
 * frame.c's tables), sign included; then on scattered qubits of a 130-qubit string (three
 * words, operands in descending order) with random factors elsewhere that must stay put.
 *
 * frame_build is checked on random small circuits compiled from source text: the circuit's
 * unitary U (hand-written matrices for the Cliffords, exp(-i·angle·G) for the rest) must
 * equal F·V up to global phase, where V is the frame gates with their conjugated generators
 * and F the product of the Cliffords; and U† O U must equal V† O' V for each observable O and
 * its conjugate O' (so ⟨0|U† O U|0⟩ = ⟨0|V† O' V|0⟩). Hand-derived conjugations (H then rz
 * gives X/2, a cluster-state frame on 1,024 qubits) check the result's exact text.
 *
 * Qubit order: the first operand is the most significant qubit (dense.h).
 */
#include "analysis/analysis.h"
#include "compile.h"
#include "dense.h"
#include "gate_matrices.h"
#include "testing.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

/* A fixed Clifford gate's matrix, from gate_matrices.h. */
static void clifford_matrix(GateKind kind, Dense *m)
{
    cr_assert(gate_info(kind)->cls == GATE_CLIFFORD && standard_matrix(kind, 0, m),
              "no Clifford matrix for gate %d", (int)kind);
}

/* The k-qubit matrix m acting on qubits[0..k) (qubits[0] most significant) of n qubits. */
static void embed(Dense *out, const Dense *m, const uint32_t *qubits, unsigned k, unsigned n)
{
    unsigned dim = 1u << n, mask = 0;
    for (unsigned b = 0; b < k; b++)
        mask |= 1u << (n - 1 - qubits[b]);
    dense_zero(out, dim);
    for (unsigned i = 0; i < dim; i++)
        for (unsigned j = 0; j < dim; j++) {
            if ((i & ~mask) != (j & ~mask))
                continue;
            unsigned li = 0, lj = 0;
            for (unsigned b = 0; b < k; b++) {
                li = li << 1 | ((i >> (n - 1 - qubits[b])) & 1u);
                lj = lj << 1 | ((j >> (n - 1 - qubits[b])) & 1u);
            }
            out->a[i][j] = m->a[li][lj];
        }
}

/* Sets the factor 'I', 'X', 'Y', 'Z' on qubit q from the raw bits (pauli_set not trusted). */
static void raw_set(uint64_t *s, uint32_t words, uint32_t q, char f)
{
    uint64_t bit = (uint64_t)1 << (q % 64);
    s[q / 64] &= ~bit;
    s[words + q / 64] &= ~bit;
    if (f == 'X' || f == 'Y')
        s[q / 64] |= bit;
    if (f == 'Z' || f == 'Y')
        s[words + q / 64] |= bit;
}

/* ---- clifford_conjugate ----------------------------------------------------------------- */

typedef struct CliffordCase {
    GateKind kind;
    char name[8];
    unsigned qubits;
} CliffordCase;

static const CliffordCase CLIFFORD_CASES[] = {
    {GATE_ID, "id", 1},   {GATE_X, "x", 1},       {GATE_Y, "y", 1},       {GATE_Z, "z", 1},
    {GATE_H, "h", 1},     {GATE_S, "s", 1},       {GATE_SDG, "sdg", 1},   {GATE_SX, "sx", 1},
    {GATE_SXDG, "sxdg", 1}, {GATE_CX, "cx", 2},   {GATE_CY, "cy", 2},     {GATE_CZ, "cz", 2},
    {GATE_SWAP, "swap", 2}, {GATE_ISWAP, "iswap", 2},
};
enum { NCLIFFORD = sizeof CLIFFORD_CASES / sizeof *CLIFFORD_CASES };

/* For every local string (4^k of them) on `qubits` of a words-wide string with the given
 * background: the conjugate matches the dense C† P C with sign, and the background stays. */
static void check_all_strings(const CliffordCase *cc, const uint32_t *qubits, uint32_t words,
                              const uint64_t *background)
{
    static const char f[] = "IXYZ";
    unsigned k = cc->qubits, count = 1u << (2 * k);
    Dense c, cd;
    clifford_matrix(cc->kind, &c);
    dense_adjoint(&cd, &c);
    uint64_t p[8], before[8];
    for (unsigned s = 0; s < count; s++) {
        memcpy(p, background, 2u * words * sizeof *p);
        char local[3] = {0};
        for (unsigned b = 0; b < k; b++) {
            local[b] = f[(s >> (2 * b)) & 3];
            raw_set(p, words, qubits[b], local[b]);
        }
        memcpy(before, p, sizeof before);
        Dense mp, want, got;
        dense_from_string(&mp, p, words, qubits, k);
        dense_mul(&want, &cd, &mp);
        dense_mul(&want, &want, &c);
        int sign = clifford_conjugate(cc->kind, qubits, p, words);
        cr_assert(sign == 1 || sign == -1, "%s %s: sign %d", cc->name, local, sign);
        dense_from_string(&got, p, words, qubits, k);
        dense_scale(&got, sign);
        double diff = dense_max_diff(&got, &want);
        cr_assert_lt(diff, 1e-12, "%s on qubits %u,%u: C† %s C differs by %g (sign %d)", cc->name,
                     qubits[0], k > 1 ? qubits[1] : 0, local, diff, sign);
        for (uint32_t q = 0; q < 64 * words; q++) {
            bool operand = false;
            for (unsigned b = 0; b < k; b++)
                operand = operand || qubits[b] == q;
            if (!operand)
                cr_assert_eq(dense_raw_factor(p, words, q), dense_raw_factor(before, words, q),
                             "%s: qubit %u outside the gate changed", cc->name, q);
        }
    }
}

ParameterizedTestParameters(frame, clifford_table_matches_matrix)
{
    return cr_make_param_array(CliffordCase, CLIFFORD_CASES, NCLIFFORD);
}

/* Every Pauli string on the gate's own qubits (0, 1 of a one-word string) and on (1, 0). */
ParameterizedTest(const CliffordCase *cc, frame, clifford_table_matches_matrix)
{
    const uint64_t none[2] = {0, 0};
    check_all_strings(cc, (const uint32_t[]){0, 1}, 1, none);
    check_all_strings(cc, (const uint32_t[]){1, 0}, 1, none);
}

ParameterizedTestParameters(frame, clifford_on_scattered_qubits)
{
    return cr_make_param_array(CliffordCase, CLIFFORD_CASES, NCLIFFORD);
}

/* The gate on scattered qubits of a 130-qubit (three-word) string, operands in either order,
 * with random factors on the other qubits. */
ParameterizedTest(const CliffordCase *cc, frame, clifford_on_scattered_qubits)
{
    static const uint32_t placements[][2] = {{129, 3}, {64, 63}, {0, 127},
                                             {1, 0},   {70, 128}, {5, 6}};
    uint64_t rng = 0x5eed + (uint64_t)cc->kind;
    for (size_t i = 0; i < sizeof placements / sizeof *placements; i++) {
        uint64_t background[6] = {0};
        for (uint32_t q = 0; q < 130; q++)
            raw_set(background, 3, q, "IXYZ"[test_random_below(&rng, 4)]);
        check_all_strings(cc, placements[i], 3, background);
    }
}

Test(frame, clifford_conjugate_rejects_other_gates)
{
    const GateKind others[] = {GATE_T, GATE_TDG, GATE_CCX, GATE_RX, GATE_RZZ, GATE_EVOLVE};
    const uint32_t qubits[3] = {0, 1, 2};
    for (size_t i = 0; i < sizeof others / sizeof *others; i++) {
        uint64_t p[2] = {0x5, 0x3};
        cr_assert_eq(clifford_conjugate(others[i], qubits, p, 1), 0);
        cr_assert(p[0] == 0x5 && p[1] == 0x3);
    }
}

/* ---- frame_build: hand-derived cases ------------------------------------------------------ */

static Circuit *ok(Compiled *c)
{
    cr_assert(c->result.ok, "elaboration failed: %s",
              c->diags.items.len ? c->diags.items.data[0].message : "(no diagnostic)");
    return c->result.circuit;
}

static void expect_sum(const PauliSum *s, const char *want, const char *what)
{
    StrBuf sb = {0};
    sb_put_psum(&sb, s);
    cr_expect_str_eq(sb.data, want, "%s: got %s, want %s", what, sb.data, want);
    sb_free(&sb);
}

Test(frame, known_single_qubit_conjugations)
{
    /* H†ZH = X; S†XS = -Y; SX†ZSX = Y; cx (control q1): Z_t -> Z_c Z_t; p keeps no I term. */
    Compiled *c = compile("ansatz k();\nqubit[2] q;\nparam a;\n"
                          "h q[0];\nrz(a) q[0];\n"
                          "s q[1];\nrx(a) q[1];\n"
                          "sx q[0];\nrz(a) q[0];\n" /* F = SX·H: H SX† Z SX H = H Y H = -Y */
                          "cx q[1], q[0];\np(a) q[1];\n"
                          "observe Z(q[0]) + 2 * I;\n");
    Circuit *k = ok(c);
    Arena a;
    arena_init(&a);
    Frame *f = frame_build(&a, k);
    cr_assert_eq(f->cliffords, 4u);
    cr_assert_eq(f->gates.len, 4u);
    expect_sum(f->gates.data[0].generator, "1/2 X0", "rz after h");
    expect_sum(f->gates.data[1].generator, "-1/2 Y1", "rx after s");
    expect_sum(f->gates.data[2].generator, "-1/2 Y0", "rz after h, sx");
    /* p = (Z - I)/2; F† Z_1 F with cx(q1, q0) last: Z_1 (control) is fixed, then S† Z S = Z. */
    expect_sum(f->gates.data[3].generator, "1/2 Z1", "p after s, cx");
    cr_assert_eq(f->gates.data[3].gate, 7u);
    /* O' = F† Z_0 F: cx maps Z_0 (target) to Z_1 Z_0; then S on 1, SX·H on 0:
     * Z_1 -> Z_1, Z_0 -> -Y_0. */
    expect_sum(f->observables[0], "-Y0 Z1 + 2 I", "observable");
    arena_free(&a);
    compiled_free(c);
}

/* A cluster-state frame on 1,024 qubits (H everywhere, then five CZ brick rows: net one CZ
 * chain), rotations after it, then sx everywhere before the observables. */
Test(frame, cluster_frame_on_1024_qubits)
{
    Compiled *c = compile("ansatz big();\nqubit[1024] q;\nparam th;\n"
                          "for i in [0:1023] { h q[i]; }\n"
                          "for l in [0:4] {\n"
                          "  for i in [0:511] { cz q[2*i], q[2*i+1]; }\n"
                          "  for i in [0:510] { cz q[2*i+1], q[2*i+2]; }\n"
                          "}\n"
                          "rz(th) q[64];\nrx(th) q[64];\nrx(th) q[0];\nry(th) q[1023];\n"
                          "for i in [0:1023] { sx q[i]; }\n"
                          "observe Z(q[1023]);\nobserve X(q[500]);\n");
    Circuit *k = ok(c);
    Arena a;
    arena_init(&a);
    Frame *f = frame_build(&a, k);
    cr_assert_eq(f->cliffords, 1024u + 5u * 1023u + 1024u);
    cr_assert_eq(f->gates.len, 4u);
    /* F = CZchain·H: Z_j -> X_j; X_j -> Z_{j-1} X_j Z_{j+1} -> X_{j-1} Z_j X_{j+1}. */
    expect_sum(f->gates.data[0].generator, "1/2 X64", "rz q[64]");
    expect_sum(f->gates.data[1].generator, "1/2 X63 Z64 X65", "rx q[64]");
    expect_sum(f->gates.data[2].generator, "1/2 Z0 X1", "rx q[0]");
    /* CZ Y_1023 CZ = Z_1022 Y_1023 (Y = iXZ, X_1023 -> Z_1022 X_1023); H Z H = X, H Y H = -Y. */
    expect_sum(f->gates.data[3].generator, "-1/2 X1022 Y1023", "ry q[1023]");
    /* O' = H CZ SX† Z SX CZ H = H CZ Y CZ H on the last qubit; SX fixes X. */
    expect_sum(f->observables[0], "-X1022 Y1023", "Z(q[1023])");
    expect_sum(f->observables[1], "X499 Z500 X501", "X(q[500])");
    arena_free(&a);
    compiled_free(c);
}

/* ---- frame_build: random circuits against dense unitaries --------------------------------- */

typedef struct Menu {
    const char *name;
    unsigned qubits, angles; /* angles: 0 fixed, 1 rotation, 3 u, 9 evolve */
} Menu;

static const Menu CLIFFORD_MENU[] = {
    {"id", 1, 0},   {"x", 1, 0},  {"y", 1, 0},  {"z", 1, 0},    {"h", 1, 0},
    {"s", 1, 0},    {"sdg", 1, 0}, {"sx", 1, 0}, {"sxdg", 1, 0}, {"cx", 2, 0},
    {"cy", 2, 0},   {"cz", 2, 0}, {"swap", 2, 0}, {"iswap", 2, 0},
};
static const Menu OTHER_MENU[] = {
    {"rx", 1, 1},  {"ry", 1, 1},  {"rz", 1, 1},  {"p", 1, 1},   {"u", 1, 3},
    {"rxx", 2, 1}, {"ryy", 2, 1}, {"rzz", 2, 1}, {"rzx", 2, 1}, {"crx", 2, 1},
    {"cry", 2, 1}, {"crz", 2, 1}, {"cp", 2, 1},  {"t", 1, 0},   {"tdg", 1, 0},
    {"ccx", 3, 0}, {"evolve", 0, 9},
};

enum { NPARAMS = 4 };

static void put_angle(StrBuf *sb, uint64_t *rng)
{
    switch (test_random_below(rng, 3)) {
    case 0: sb_printf(sb, "%.4f", 4 * test_random_uniform(rng) - 2); break;
    case 1: sb_printf(sb, "th[%u]", test_random_below(rng, NPARAMS)); break;
    default:
        sb_printf(sb, "%.3f * th[%u] + %.3f", 3 * test_random_uniform(rng) - 1.5,
                  test_random_below(rng, NPARAMS), test_random_uniform(rng));
    }
}

/* A random Pauli sum on the live qubits: one term is always a non-identity string. */
static void put_pauli_sum(StrBuf *sb, uint64_t *rng, const uint32_t *live, unsigned nlive)
{
    unsigned terms = 1 + test_random_below(rng, 3);
    for (unsigned t = 0; t < terms; t++) {
        static const double coefs[] = {0.5, 1, 1.5, 2, 0.25, 3};
        sb_printf(sb, "%s%g", t ? " + " : "", coefs[test_random_below(rng, 6)]);
        bool any = false;
        for (unsigned i = 0; i < nlive; i++)
            if (test_random_below(rng, 2) || (t == 0 && !any && i == nlive - 1)) {
                sb_printf(sb, " * %c(q[%u])", "XYZ"[test_random_below(rng, 3)], live[i]);
                any = true;
            }
        if (!any)
            sb_puts(sb, " * I");
    }
}

/* Source text of a random circuit on n qubits; sometimes a qubit is discarded part way. */
static char *random_circuit(uint64_t *rng, unsigned n)
{
    StrBuf sb = {0};
    sb_printf(&sb, "ansatz r();\nqubit[%u] q;\nparam th[%d];\n", n, NPARAMS);
    uint32_t live[4] = {0};
    unsigned nlive = n;
    for (unsigned i = 0; i < n; i++)
        live[i] = i;
    unsigned ngates = 1 + test_random_below(rng, 30);
    int discard_at =
        n >= 2 && test_random_below(rng, 3) == 0 ? (int)test_random_below(rng, ngates) : -1;
    for (unsigned g = 0; g < ngates; g++) {
        if ((int)g == discard_at) {
            unsigned d = test_random_below(rng, nlive);
            sb_printf(&sb, "discard q[%u];\n", live[d]);
            live[d] = live[--nlive];
        }
        enum { NCLIFFORD_MENU = sizeof CLIFFORD_MENU / sizeof *CLIFFORD_MENU,
               NOTHER_MENU = sizeof OTHER_MENU / sizeof *OTHER_MENU };
        const Menu *m = test_random_below(rng, 2)
            ? &CLIFFORD_MENU[test_random_below(rng, NCLIFFORD_MENU)]
            : &OTHER_MENU[test_random_below(rng, NOTHER_MENU)];
        if (m->angles == 9) {
            sb_puts(&sb, "evolve(");
            put_angle(&sb, rng);
            sb_puts(&sb, ") ");
            put_pauli_sum(&sb, rng, live, nlive);
            sb_puts(&sb, ";\n");
            continue;
        }
        if (m->qubits > nlive)
            continue;
        sb_puts(&sb, m->name);
        if (m->angles) {
            sb_putc(&sb, '(');
            for (unsigned i = 0; i < m->angles; i++) {
                if (i)
                    sb_puts(&sb, ", ");
                put_angle(&sb, rng);
            }
            sb_putc(&sb, ')');
        }
        uint32_t pick[4];
        memcpy(pick, live, sizeof pick);
        for (unsigned i = 0; i < m->qubits; i++) { /* a partial shuffle: distinct operands */
            unsigned j = i + test_random_below(rng, nlive - i);
            uint32_t tmp = pick[i];
            pick[i] = pick[j];
            pick[j] = tmp;
            sb_printf(&sb, "%s q[%u]", i ? "," : "", pick[i]);
        }
        sb_puts(&sb, ";\n");
    }
    unsigned nobs = 1 + test_random_below(rng, 2);
    for (unsigned o = 0; o < nobs; o++) {
        sb_puts(&sb, "observe ");
        put_pauli_sum(&sb, rng, live, nlive);
        sb_puts(&sb, ";\n");
    }
    return sb.data;
}

static double angle_value(const Angle *angle, const double *params)
{
    double v = angle->offset;
    if (angle->source == ANGLE_PARAM)
        v += angle->coef.value * params[angle->index];
    return v;
}

/* exp(-i · angle · G) on all n qubits. */
static void rotation_matrix(Dense *out, const PauliSum *g, double angle, unsigned n)
{
    const uint32_t all[4] = {0, 1, 2, 3};
    Dense dg;
    cr_assert_eq(dense_from_psum(&dg, g, all, n), 0u);
    dense_scale(&dg, -I * angle);
    dense_expm(out, &dg);
}

/* Max entry difference between a and b after removing b's global phase relative to a. */
static double diff_up_to_phase(const Dense *a, const Dense *b)
{
    unsigned bi = 0, bj = 0;
    for (unsigned i = 0; i < a->dim; i++)
        for (unsigned j = 0; j < a->dim; j++)
            if (cabs(a->a[i][j]) > cabs(a->a[bi][bj])) {
                bi = i;
                bj = j;
            }
    double complex phase = b->a[bi][bj] / a->a[bi][bj];
    if (fabs(cabs(phase) - 1) > 1e-9)
        return INFINITY;
    Dense scaled = *a;
    dense_scale(&scaled, phase);
    return dense_max_diff(&scaled, b);
}

static void check_random_circuit(const char *text, unsigned n, const double *params)
{
    Compiled *c = compile(text);
    cr_assert(c->result.ok, "elaboration failed (%s) on:\n%s",
              c->diags.items.len ? c->diags.items.data[0].message : "?", text);
    const Circuit *k = c->result.circuit;
    Arena a;
    arena_init(&a);
    Frame *f = frame_build(&a, k);
    const uint32_t all[4] = {0, 1, 2, 3};
    unsigned dim = 1u << n;

    Dense u, frame, v, m;
    dense_identity(&u, dim);
    dense_identity(&frame, dim);
    dense_identity(&v, dim);
    uint32_t cliffords = 0;
    size_t next = 0;
    for (size_t g = 0; g < k->gates.len; g++) {
        const Gate *gate = &k->gates.data[g];
        if (gate_info(gate->kind)->cls == GATE_CLIFFORD) {
            Dense local;
            clifford_matrix(gate->kind, &local);
            embed(&m, &local, gate->qubits, gate->nqubits, n);
            dense_mul(&frame, &m, &frame);
            cliffords++;
        } else {
            double angle = angle_value(&gate->angle, params);
            rotation_matrix(&m, gate->generator, angle, n);
            cr_assert_lt(next, f->gates.len, "fewer frame gates than non-Clifford gates");
            const FrameGate *fg = &f->gates.data[next++];
            cr_assert_eq(fg->gate, (uint32_t)g, "frame gate %zu is gate %u, not %zu", next - 1,
                         fg->gate, g);
            /* Identity dropped, exact coefficients kept, one term per non-identity term. */
            uint32_t nonidentity = 0;
            for (uint32_t t = 0; t < gate->generator->len; t++)
                nonidentity += !pauli_is_identity(psum_string(gate->generator, t),
                                                  gate->generator->words) &&
                               !real_is_zero(gate->generator->coef[t]);
            cr_assert_eq(fg->generator->len, nonidentity, "gate %zu: %u terms, want %u", g,
                         fg->generator->len, nonidentity);
            for (uint32_t t = 0; t < fg->generator->len; t++) {
                cr_assert(!pauli_is_identity(psum_string(fg->generator, t), fg->generator->words));
                cr_assert(real_is_exact(fg->generator->coef[t]));
            }
            Dense r;
            rotation_matrix(&r, fg->generator, angle, n);
            dense_mul(&v, &r, &v);
        }
        dense_mul(&u, &m, &u);
    }
    cr_assert_eq(next, f->gates.len);
    cr_assert_eq(f->cliffords, cliffords);

    Dense fv;
    dense_mul(&fv, &frame, &v);
    double diff = diff_up_to_phase(&u, &fv);
    cr_assert_lt(diff, 1e-9, "U != F·V up to phase (%g) for:\n%s", diff, text);

    Dense ud, vd;
    dense_adjoint(&ud, &u);
    dense_adjoint(&vd, &v);
    for (size_t i = 0; i < k->observables.len; i++) {
        Dense o, o2, lhs, rhs;
        cr_assert_eq(dense_from_psum(&o, k->observables.data[i].op, all, n), 0u);
        cr_assert_eq(dense_from_psum(&o2, f->observables[i], all, n), 0u);
        dense_mul(&lhs, &ud, &o);
        dense_mul(&lhs, &lhs, &u);
        dense_mul(&rhs, &vd, &o2);
        dense_mul(&rhs, &rhs, &v);
        double complex e1 = lhs.a[0][0], e2 = rhs.a[0][0];
        cr_assert_lt(cabs(e1 - e2), 1e-9, "<0|U†OU|0> = %g, <0|V†O'V|0> = %g for:\n%s",
                     creal(e1), creal(e2), text);
        double d = dense_max_diff(&lhs, &rhs);
        cr_assert_lt(d, 1e-9, "U†OU != V†O'V (%g) for:\n%s", d, text);
        cr_assert_eq(f->observables[i]->len, k->observables.data[i].op->len);
    }
    arena_free(&a);
    compiled_free(c);
}

/* 100 random circuits for each n = 1 … 4. */
Test(frame, random_circuits_match_dense_unitaries, .timeout = 120)
{
    uint64_t rng = 20240611;
    for (unsigned n = 1; n <= 4; n++)
        for (int trial = 0; trial < 100; trial++) {
            double params[NPARAMS];
            for (int p = 0; p < NPARAMS; p++)
                params[p] = 6 * test_random_uniform(&rng) - 3;
            char *text = random_circuit(&rng, n);
            check_random_circuit(text, n, params);
            free(text);
        }
}
