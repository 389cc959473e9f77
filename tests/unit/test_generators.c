/*
 * test_generators.c — the sharing rule of language.md, case by case, with the expected
 * generators worked out by hand, and the exact bracket against dense matrices.
 */
#include "analysis/analysis.h"
#include "compile.h"
#include "dense.h"

#include <criterion/criterion.h>

typedef struct Run {
    Compiled *c;
    Frame *frame;
    Generators *gens;
} Run;

static Run run(const char *src)
{
    Run r = {.c = compile(src)};
    cr_assert(r.c->result.ok, "does not compile: %s",
              r.c->diags.items.len ? r.c->diags.items.data[0].message : "");
    r.frame = frame_build(&r.c->arena, r.c->result.circuit);
    r.gens = generators_build(&r.c->arena, &r.c->diags, r.c->result.circuit, r.frame);
    return r;
}

static const char *text(const PauliSum *s)
{
    static char buf[512];
    StrBuf sb = {0};
    sb_put_psum(&sb, s);
    snprintf(buf, sizeof buf, "%s", sb.data);
    sb_free(&sb);
    return buf;
}

static void expect_gens(const Run *r, const char *const *want, size_t n)
{
    cr_assert_eq(r->gens->list.len, n, "%zu generators, expected %zu (first: %s)",
                 r->gens->list.len, n, r->gens->list.len ? text(r->gens->list.data[0].op) : "-");
    for (size_t i = 0; i < n; i++)
        cr_assert_str_eq(text(r->gens->list.data[i].op), want[i], "generator %zu", i);
}

Test(generators, summed_evolve_and_a_loop_of_rzz_give_one_generator)
{
    const char *want[] = {"Z0 Z1 + Z1 Z2"};
    Run a = run("ansatz a;\nqubit[3] q;\nparam g;\nevolve(g) sum(i in [0:1]) Z(q[i]) * Z(q[i+1]);\n"
                "observe Z(q[0]);\n");
    expect_gens(&a, want, 1);
    Run b = run("ansatz a;\nqubit[3] q;\nparam g;\nfor i in [0:1] { rzz(2 * g) q[i], q[i+1]; }\n"
                "observe Z(q[0]);\n");
    expect_gens(&b, want, 1);
    cr_assert_eq(count_code(b.c, "W030"), 0);
    compiled_free(a.c);
    compiled_free(b.c);
}

Test(generators, non_commuting_gates_of_one_parameter_are_split)
{
    const char *want[] = {"1/2 X0", "1/2 Z0"};
    Run r = run("ansatz a;\nqubit[1] q;\nparam t;\nrx(t) q[0];\nrz(t) q[0];\nobserve Z(q[0]);\n");
    expect_gens(&r, want, 2);
    cr_assert_eq(count_code(r.c, "W030"), 1);
    cr_assert(r.gens->list.data[0].split && r.gens->list.data[1].split);
    compiled_free(r.c);
}

Test(generators, a_gate_between_that_does_not_commute_splits_too)
{
    /* rz(t) on q0 and q1 commute with each other, but rx(s) on q0 stands between them. */
    const char *want[] = {"1/2 Z0", "1/2 Z1", "1/2 X0"};
    Run r = run("ansatz a;\nqubit[2] q;\nparam t, s;\nrz(t) q[0];\nrx(s) q[0];\nrz(t) q[1];\n"
                "observe Z(q[0]);\n");
    expect_gens(&r, want, 3);
    cr_assert_eq(count_code(r.c, "W030"), 1);
    compiled_free(r.c);
    /* With the rx on a third qubit, nothing between them fails to commute. */
    const char *merged[] = {"1/2 Z0 + 1/2 Z1", "1/2 X2"};
    Run m = run("ansatz a;\nqubit[3] q;\nparam t, s;\nrz(t) q[0];\nrx(s) q[2];\nrz(t) q[1];\n"
                "observe Z(q[0]);\n");
    expect_gens(&m, merged, 2);
    cr_assert_eq(count_code(m.c, "W030"), 0);
    compiled_free(m.c);
}

Test(generators, coefficients_weight_the_sum_and_parallel_ones_are_kept_once)
{
    const char *want[] = {"3/2 X0 - 1/2 X1"};
    Run r = run("ansatz a;\nqubit[2] q;\nparam t, u;\nrx(3 * t) q[0];\nrx(-t) q[1];\n"
                "rx(6 * u) q[0];\nrx(-2 * u) q[1];\nobserve Z(q[0]);\n");
    expect_gens(&r, want, 1); /* u's generator is twice t's: the same direction */
    compiled_free(r.c);
}

Test(generators, the_clifford_frame_comes_first)
{
    /* rz(t) after h: H Z H = X. rz(s) on q1 after h, cx, h (time order): conjugating
     * Z1 by the latest first, h on q0 leaves it, cx makes it Z0 Z1, h on q0 makes X0 Z1. */
    const char *want[] = {"1/2 X0", "1/2 X0 Z1"};
    Run r = run("ansatz a;\nqubit[2] q;\nparam t, s;\nh q[0];\nrz(t) q[0];\ncx q[0], q[1];\n"
                "h q[0];\nrz(s) q[1];\nobserve Z(q[0]);\n");
    expect_gens(&r, want, 2);
    compiled_free(r.c);
}

Test(generators, fixed_non_clifford_gates_are_generators_with_a_note)
{
    Run r = run("ansatz a;\nqubit[2] q;\nparam t;\nt q[0];\nrx(t) q[1];\nrx(pi / 3) q[0];\n"
                "observe Z(q[0]);\n");
    cr_assert_eq(r.gens->fixed, 2);
    cr_assert_eq(r.gens->list.len, 3);
    cr_assert_eq(count_code(r.c, "N030"), 1);
    compiled_free(r.c);
}

Test(generators, unused_parameters_are_counted)
{
    Run r = run("ansatz a;\nqubit q;\nparam t[3];\nrx(t[1]) q;\nobserve Z(q);\n");
    cr_assert_eq(r.gens->unused_params, 2);
    compiled_free(r.c);
}

/* i[A, B]/2 against dense matrices for random small sums. */
Test(generators, bracket_matches_dense_matrices)
{
    uint64_t seed = 12345;
    for (int trial = 0; trial < 300; trial++) {
        Arena a;
        arena_init(&a);
        PauliSum *s[2];
        for (int k = 0; k < 2; k++) {
            s[k] = psum_new(&a, 3);
            int terms = 1 + (int)(seed % 3);
            for (int t = 0; t < terms; t++) {
                seed = seed * 6364136223846793005ull + 1442695040888963407ull;
                uint64_t p[2] = {(seed >> 20) & 7, (seed >> 40) & 7};
                psum_add(&a, s[k], p, real_int((int64_t)(seed >> 60) - 8));
            }
            psum_compact(&a, s[k]);
        }
        PauliSum *br = psum_bracket(&a, s[0], s[1]);
        uint32_t qs[3] = {0, 1, 2};
        Dense A, B, AB, BA, want, got;
        dense_from_psum(&A, s[0], qs, 3);
        dense_from_psum(&B, s[1], qs, 3);
        dense_mul(&AB, &A, &B);
        dense_mul(&BA, &B, &A);
        dense_zero(&want, 8);
        dense_axpy(&want, I / 2, &AB);
        dense_axpy(&want, -I / 2, &BA);
        dense_from_psum(&got, br, qs, 3);
        cr_assert_lt(dense_max_diff(&want, &got), 1e-12, "trial %d", trial);
        arena_free(&a);
    }
}

Test(generators, offsets_not_proportional_leave_a_fixed_rotation)
{
    /* rzz(2g) and rzz(2g + 1): the constant exp(-i·1·Z1Z2/2) is not in the one-parameter
     * group of Z0Z1 + Z1Z2, so it is a fixed generator of its own; with rzz(2g + 2) and
     * rzz(4g + 4) (ratio 1 for both) nothing is left over. */
    Run r = run("ansatz a;\nqubit[3] q;\nparam g;\nrzz(2 * g) q[0], q[1];\nrzz(2 * g + 1) q[1], q[2];\n"
                "observe Z(q[0]);\n");
    cr_assert_eq(r.gens->fixed, 1);
    cr_assert_eq(r.gens->list.len, 2);
    cr_assert_eq(count_code(r.c, "N030"), 1);
    compiled_free(r.c);
    Run m = run("ansatz a;\nqubit[3] q;\nparam g;\nrzz(2 * g + 2) q[0], q[1];\nrzz(4 * g + 4) q[1], q[2];\n"
                "observe Z(q[0]);\n");
    cr_assert_eq(m.gens->fixed, 0);
    cr_assert_eq(m.gens->list.len, 1);
    compiled_free(m.c);
}

Test(generators, parallel_generators_are_found_whatever_the_order_of_their_terms)
{
    const char *want[] = {"X0 + Z1"};
    Run r = run("ansatz a;\nqubit[2] q;\nparam a, b;\nevolve(a) X(q[0]) + Z(q[1]);\n"
                "evolve(b) 2 * Z(q[1]) + 2 * X(q[0]);\nobserve Z(q[0]);\n");
    expect_gens(&r, want, 1);
    compiled_free(r.c);
}
