/*
 * test_elaborate.c — from checked tree to circuit. Each expectation is computed in the test
 * independently of the elaborator: vector layouts by hand, loop sequences by C loops,
 * integer semantics by C's own operators, gate products by dense matrices.
 */
#include "compile.h"
#include "dense.h"

#include <criterion/criterion.h>

static Circuit *ok(Compiled *c)
{
    cr_assert(c->result.ok, "elaboration failed: %s",
              c->diags.items.len ? c->diags.items.data[0].message : "(no diagnostic)");
    return c->result.circuit;
}

Test(elaborate, parameter_vector_is_row_major_in_declaration_order)
{
    Compiled *c = compile("ansatz a(n = 3, L = 2);\nqubit[n] q;\nparam a0, c[L][n];\n"
                          "input x[n];\nparam b;\n"
                          "rx(c[1][2]) q[0];\nry(b) q[1];\nrz(a0) q[2];\nrx(x[2]) q[0];\n"
                          "observe Z(q[0]);\n");
    Circuit *k = ok(c);
    cr_assert_eq(k->nparams, 1 + 2 * 3 + 1);
    cr_assert_eq(k->ninputs, 3);
    cr_assert_eq(k->gates.data[0].angle.index, 1 + (1 * 3 + 2)); /* c[1][2] */
    cr_assert_eq(k->gates.data[1].angle.index, 7);               /* b */
    cr_assert_eq(k->gates.data[2].angle.index, 0);               /* a0 */
    cr_assert_eq(k->gates.data[3].angle.source, ANGLE_INPUT);
    cr_assert_eq(k->gates.data[3].angle.index, 2);
    StrBuf sb = {0};
    sb_put_var_element(&sb, k, ANGLE_PARAM, 6);
    cr_assert_str_eq(sb.data, "c[1][2]");
    sb_free(&sb);
    compiled_free(c);
}

Test(elaborate, registers_are_numbered_globally)
{
    Compiled *c = compile("ansatz a;\nqubit[2] a;\nqubit b;\nqubit[3] c;\n"
                          "cz c[0], b;\nobserve Z(c[2]) * X(a[1]);\n");
    Circuit *k = ok(c);
    cr_assert_eq(k->nqubits, 6);
    cr_assert_eq(k->gates.data[0].qubits[0], 3);
    cr_assert_eq(k->gates.data[0].qubits[1], 2);
    const PauliSum *o = k->observables.data[0].op;
    cr_assert_eq(pauli_factor(psum_string(o, 0), o->words, 5), 'Z');
    cr_assert_eq(pauli_factor(psum_string(o, 0), o->words, 1), 'X');
    compiled_free(c);
}

/* The loop bodies emit rx on q[v]; compare with the same loop in C. */
static void check_loop(int lo, int step, int hi)
{
    char src[256];
    snprintf(src, sizeof src, "ansatz a;\nqubit[64] q;\nparam t;\n"
             "for v in [%d:%d:%d] { rx(t) q[v + 20]; }\nobserve Z(q[0]);\n", lo, step, hi);
    Compiled *c = compile(src);
    Circuit *k = ok(c);
    size_t i = 0;
    for (int v = lo; step > 0 ? v <= hi : v >= hi; v += step, i++) {
        cr_assert(i < k->gates.len);
        cr_assert_eq(k->gates.data[i].qubits[0], (uint32_t)(v + 20), "[%d:%d:%d] #%zu", lo, step, hi, i);
    }
    cr_assert_eq(k->gates.len, i, "[%d:%d:%d]: %zu gates, C loop %zu", lo, step, hi, k->gates.len, i);
    compiled_free(c);
}

Test(elaborate, ranges_are_inclusive_with_steps_both_ways)
{
    check_loop(0, 1, 5);
    check_loop(0, 2, 5);
    check_loop(0, 3, 6);
    check_loop(5, -1, 0);
    check_loop(7, -3, -5);
    check_loop(3, 1, 2); /* empty */
    check_loop(-4, 4, 12);
}

Test(elaborate, integer_semantics_match_c)
{
    const long long values[] = {-17, -7, -3, -1, 1, 2, 3, 5, 7, 13, 100};
    size_t nv = sizeof values / sizeof values[0];
    for (size_t i = 0; i < nv; i++)
        for (size_t j = 0; j < nv; j++) {
            long long a = values[i], b = values[j];
            long long want[] = {a / b, a % b, a * b - b, (a < b) + 2 * (a == b) + 4 * (a >= b),
                                (a > 0 && b > 0) || a == -1, !a + !b};
            const char *forms[] = {"(%lld) / (%lld)", "(%lld) %% (%lld)", "(%lld) * (%lld) - (%lld)",
                                   "((%lld) < (%lld)) + 2 * ((%lld) == (%lld)) + 4 * ((%lld) >= (%lld))",
                                   "((%lld) > 0 && (%lld) > 0) || (%lld) == -1", "!(%lld) + !(%lld)"};
            for (size_t f = 0; f < sizeof want / sizeof want[0]; f++) {
                char expr[256], src[512];
                snprintf(expr, sizeof expr, forms[f], a, b, f == 2 ? b : a, b, a, b);
                if (f == 4)
                    snprintf(expr, sizeof expr, forms[f], a, b, a);
                snprintf(src, sizeof src, "ansatz a;\nqubit q;\nobserve Z(q);\nexpect dla.dim == %s;\n", expr);
                Compiled *c = compile(src);
                Circuit *k = ok(c);
                cr_assert_eq(k->expects.data[0].value, want[f], "%s = %lld, want %lld", expr,
                             (long long)k->expects.data[0].value, want[f]);
                compiled_free(c);
            }
        }
}

Test(elaborate, builtins_and_powers)
{
    const struct { const char *expr; long long value; } cases[] = {
        {"log2(1)", 0}, {"log2(1024)", 10}, {"log2(2 ** 62)", 62}, {"min(3, -2, 7)", -2},
        {"max(3, -2, 7)", 7}, {"abs(-9)", 9}, {"3 ** 4", 81}, {"(-2) ** 3", -8}, {"2 ** 0", 1},
        {"-2 ** 2", -4}, {"2 ** 3 ** 2", 512},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char src[256];
        snprintf(src, sizeof src, "ansatz a;\nqubit q;\nobserve Z(q);\nexpect dla.dim == %s;\n",
                 cases[i].expr);
        Compiled *c = compile(src);
        cr_assert_eq(ok(c)->expects.data[0].value, cases[i].value, "%s", cases[i].expr);
        compiled_free(c);
    }
}

Test(elaborate, defines_override_and_later_defaults_follow)
{
    Define d = {.name = "n", .value = 5};
    Compiled *c = compile_with("ansatz a(n = 4, m = 2 * n);\nqubit[m] q;\nobserve Z(q[0]);\n",
                               &d, 1, STAGE_ELABORATE);
    Circuit *k = ok(c);
    cr_assert_eq(k->nqubits, 10);
    cr_assert_eq(k->sizes.data[1].value, 10);
    compiled_free(c);
}

Test(elaborate, broadcasting_over_registers)
{
    Compiled *c = compile("ansatz a;\nqubit[3] a;\nqubit[3] b;\nqubit s;\nparam t;\n"
                          "h a;\ncz a, b;\ncrx(t) s, b;\ndiscard b;\nobserve Z(a[0]);\n");
    Circuit *k = ok(c);
    cr_assert_eq(k->gates.len, 9);
    for (uint32_t i = 0; i < 3; i++) {
        cr_assert_eq(k->gates.data[i].kind, GATE_H);
        cr_assert_eq(k->gates.data[i].qubits[0], i);
        cr_assert_eq(k->gates.data[3 + i].qubits[0], i);
        cr_assert_eq(k->gates.data[3 + i].qubits[1], 3 + i);
        cr_assert_eq(k->gates.data[6 + i].qubits[0], 6);
        cr_assert_eq(k->gates.data[6 + i].qubits[1], 3 + i);
    }
    cr_assert_eq(k->discards.len, 3);
    cr_assert_eq(k->discards.data[2].qubit, 5);
    cr_assert_eq(k->discards.data[2].before, 9);
    compiled_free(c);
}

Test(elaborate, affine_angles)
{
    Compiled *c = compile("ansatz a;\nqubit q;\nparam t[3];\ninput x[2];\n"
                          "rx(2 * t[1] + pi / 2) q;\nry(t[0] / 4 - t[0] * 0.25 + 1) q;\n"
                          "rz(-x[1]) q;\np(3 * (t[2] - 1) / 2) q;\nobserve Z(q);\n");
    Circuit *k = ok(c);
    Angle a0 = k->gates.data[0].angle, a1 = k->gates.data[1].angle, a2 = k->gates.data[2].angle,
          a3 = k->gates.data[3].angle;
    cr_assert(a0.source == ANGLE_PARAM && a0.index == 1 && a0.coef.num == 2 && a0.coef.den == 1);
    cr_assert_float_eq(a0.offset, 3.14159265358979323846 / 2, 1e-15);
    cr_assert_eq(a1.source, ANGLE_CONST); /* t/4 - 0.25 t cancels exactly */
    cr_assert_eq(a1.offset, 1.0);
    cr_assert(a2.source == ANGLE_INPUT && a2.index == 1 && a2.coef.num == -1);
    cr_assert(a3.coef.num == 3 && a3.coef.den == 2 && a3.offset == -1.5);
    compiled_free(c);
}

Test(elaborate, gate_arguments_are_substituted)
{
    Compiled *c = compile("ansatz a;\nqubit[2] q;\nparam t;\n"
                          "gate g(a, b) x, y { rx(2 * a + 1) x; cry(b) y, x; }\n"
                          "g(t / 2 - 1, pi) q[1], q[0];\nobserve Z(q[0]);\n");
    Circuit *k = ok(c);
    cr_assert_eq(k->gates.len, 2);
    Angle a = k->gates.data[0].angle;
    cr_assert(a.source == ANGLE_PARAM && a.coef.num == 1 && a.coef.den == 1 && a.offset == -1.0);
    cr_assert_eq(k->gates.data[0].qubits[0], 1);
    cr_assert_eq(k->gates.data[1].qubits[0], 0); /* control */
    cr_assert_eq(k->gates.data[1].qubits[1], 1);
    compiled_free(c);
}

/* exp(-i·angle·G) of a gate, as a dense matrix on the given qubits. */
static void gate_matrix(Dense *out, const Gate *g, double angle, const uint32_t *qubits, unsigned n)
{
    Dense h;
    cr_assert_eq(dense_from_psum(&h, g->generator, qubits, n), 0);
    dense_scale(&h, -I * angle);
    dense_expm(out, &h);
}

Test(elaborate, u_is_rz_ry_rz_up_to_phase)
{
    /* OpenQASM 3: U(θ,φ,λ) = [[cos θ/2, -e^{iλ} sin θ/2], [e^{iφ} sin θ/2, e^{i(φ+λ)} cos θ/2]]. */
    const double th = 0.7, ph = -1.3, la = 2.1;
    Compiled *c = compile("ansatz a;\nqubit q;\nu(0.7, -1.3, 2.1) q;\nobserve Z(q);\n");
    Circuit *k = ok(c);
    cr_assert_eq(k->gates.len, 3);
    uint32_t q0 = 0;
    Dense m, g;
    dense_identity(&m, 2);
    for (size_t i = 0; i < 3; i++) { /* circuit order: the later gate multiplies on the left */
        gate_matrix(&g, &k->gates.data[i], k->gates.data[i].angle.offset, &q0, 1);
        dense_mul(&m, &g, &m);
    }
    Dense want;
    dense_zero(&want, 2);
    want.a[0][0] = cos(th / 2);
    want.a[0][1] = -cexp(I * la) * sin(th / 2);
    want.a[1][0] = cexp(I * ph) * sin(th / 2);
    want.a[1][1] = cexp(I * (ph + la)) * cos(th / 2);
    double complex phase = want.a[0][0] / m.a[0][0];
    cr_assert_float_eq(cabs(phase), 1.0, 1e-12);
    dense_scale(&m, phase);
    cr_assert_lt(dense_max_diff(&m, &want), 1e-12);
    compiled_free(c);
}

Test(elaborate, summed_generator_equals_loop_of_rzz)
{
    /* evolve(g) Σ Z_i Z_{i+1} and the loop of rzz(2g) are the same unitary. */
    const double g = 0.37;
    Compiled *a = compile("ansatz a;\nqubit[3] q;\nparam g;\n"
                          "evolve(g) sum(i in [0:1]) Z(q[i]) * Z(q[i + 1]);\nobserve Z(q[0]);\n");
    Compiled *b = compile("ansatz a;\nqubit[3] q;\nparam g;\n"
                          "for i in [0:1] { rzz(2 * g) q[i], q[i + 1]; }\nobserve Z(q[0]);\n");
    Circuit *ka = ok(a), *kb = ok(b);
    uint32_t qs[3] = {0, 1, 2};
    Dense ua, ub, step;
    const Gate *ga = &ka->gates.data[0];
    gate_matrix(&ua, ga, ga->angle.coef.value * g + ga->angle.offset, qs, 3);
    dense_identity(&ub, 8);
    for (size_t i = 0; i < kb->gates.len; i++) {
        const Gate *gb = &kb->gates.data[i];
        gate_matrix(&step, gb, gb->angle.coef.value * g + gb->angle.offset, qs, 3);
        dense_mul(&ub, &step, &ub);
    }
    cr_assert_lt(dense_max_diff(&ua, &ub), 1e-12);
    compiled_free(a);
    compiled_free(b);
}

Test(elaborate, pauli_sums_merge_and_distribute)
{
    Compiled *c = compile("ansatz a;\nqubit[3] q;\n"
                          "observe h = 0.5 * Z(q[0]) + Z(q[0]) / 4 - (X(q[1]) + Y(q[2])) * Z(q[0]) + 2 * I;\n");
    Circuit *k = ok(c);
    const PauliSum *o = k->observables.data[0].op;
    StrBuf sb = {0};
    sb_put_psum(&sb, o);
    cr_assert_str_eq(sb.data, "3/4 Z0 - Z0 X1 - Z0 Y2 + 2 I");
    sb_free(&sb);
    compiled_free(c);
}

Test(elaborate, unnamed_observables_are_numbered)
{
    Compiled *c = compile("ansatz a;\nqubit[3] q;\nobserve Z(q[0]);\nobserve e = X(q[0]);\n"
                          "for i in [1:2] { observe Z(q[i]); }\n");
    Circuit *k = ok(c);
    const char *names[] = {"obs0", "e", "obs1", "obs2"};
    cr_assert_eq(k->observables.len, 4);
    for (size_t i = 0; i < 4; i++)
        cr_assert_str_eq(k->observables.data[i].name, names[i]);
    compiled_free(c);
}

Test(elaborate, states)
{
    Compiled *c = compile("ansatz a;\nqubit[4] q;\nstate |01+->;\nobserve Z(q[0]);\n");
    Circuit *k = ok(c);
    Ket want[] = {KET_0, KET_1, KET_PLUS, KET_MINUS};
    for (int i = 0; i < 4; i++)
        cr_assert_eq(k->state[i], want[i]);
    compiled_free(c);
    c = compile("ansatz a;\nqubit[4] q;\nobserve Z(q[0]);\n");
    for (int i = 0; i < 4; i++)
        cr_assert_eq(ok(c)->state[i], KET_0);
    compiled_free(c);
    c = compile("ansatz a;\nqubit[4] q;\nstate input;\nobserve Z(q[0]);\n");
    cr_assert(ok(c)->state_input);
    compiled_free(c);
}

Test(elaborate, wide_registers_use_many_words)
{
    Compiled *c = compile("ansatz a(n = 1024);\nqubit[n] q;\nparam t;\n"
                          "evolve(t) Z(q[1000]) * X(q[63]) * Y(q[64]);\nobserve Z(q[1023]);\n");
    Circuit *k = ok(c);
    const PauliSum *g = k->gates.data[0].generator;
    cr_assert_eq(g->words, 16);
    const uint64_t *s = psum_string(g, 0);
    cr_assert_eq(pauli_factor(s, 16, 1000), 'Z');
    cr_assert_eq(pauli_factor(s, 16, 63), 'X');
    cr_assert_eq(pauli_factor(s, 16, 64), 'Y');
    cr_assert_eq(pauli_weight(s, 16), 3);
    cr_assert_eq(k->gates.data[0].nqubits, 3);
    cr_assert_eq(k->gates.data[0].qubits[0], 63); /* support ascending */
    compiled_free(c);
}

Test(elaborate, runtime_errors_with_positions)
{
    const struct { const char *src; const char *code; const char *at; } cases[] = {
        {"ansatz a;\nqubit[2] q;\nfor i in [0:2] {\n  h q[i];\n}\n", "E012", "4:7"},
        {"ansatz a;\nqubit[2] q;\nparam t;\nrx(t * t) q[0];\n", "E046", "4:6"},
        {"ansatz a;\nqubit[2] q;\nparam t[2];\nrx(t[0] - t[1]) q[0];\n", "E047", "4:4"},
        {"ansatz a;\nqubit[2] q;\nfor i in [0:1] { cz q[i], q[0]; }\n", "E044", "3:18"},
        {"ansatz a;\nqubit[2] q;\ndiscard q[0];\nh q[0];\n", "E045", "4:1"},
        {"ansatz a;\nqubit[2] q;\nobserve X(q[0]) * X(q[0]);\n", "E048", "3:17"},
        {"ansatz a;\nqubit[2] q;\nlet k = 1 % (1 - 1);\n", "E040", "3:14"},
        {"ansatz a(n = 3);\nlet k = log2(n);\n", "E042", "2:9"},
        {"ansatz a;\nqubit[2] a2;\nqubit[3] b;\ncz a2, b;\n", "E051", "4:8"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        Compiled *c = compile(cases[i].src);
        char buf[32];
        cr_assert(!c->result.ok, "case %zu should fail", i);
        cr_assert_str_eq(where(c, cases[i].code, buf, sizeof buf), cases[i].at, "case %zu (%s)", i,
                         cases[i].code);
        compiled_free(c);
    }
}

Test(elaborate, limits_stop_runaway_programs)
{
    Define d = {.name = "n", .value = 100000000};
    Compiled *c = compile_with("ansatz a(n = 2);\nqubit[n] q;\n", &d, 1, STAGE_ELABORATE);
    cr_assert_eq(count_code(c, "E070"), 1);
    compiled_free(c);
    c = compile("ansatz a;\nqubit q;\nparam t;\nfor i in [0:2000000000] { rx(t) q; }\n");
    cr_assert_eq(count_code(c, "E071") + count_code(c, "E073"), 1);
    compiled_free(c);
    c = compile("ansatz a;\nparam t[1000000][1000];\n");
    cr_assert_eq(count_code(c, "E074"), 1);
    compiled_free(c);
}

Test(elaborate, a_failed_declaration_does_not_cascade)
{
    Compiled *c = compile("ansatz a(n = 0);\nqubit[n] q;\nparam t[100000000];\nrx(t[0]) q[0];\n"
                          "h q;\nobserve Z(q[0]);\n");
    cr_assert_eq(count_code(c, "E043"), 1);
    cr_assert_eq(count_code(c, "E074"), 1);
    cr_assert_eq(c->diags.errors, 2, "only the two declarations are errors, got %zu",
                 c->diags.errors);
    compiled_free(c);
}
