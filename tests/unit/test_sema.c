/*
 * test_sema.c — names, scopes, types and placement. Each case is a small program and the
 * exact set of codes it must (or must not) produce.
 */
#include "compile.h"

#include <criterion/criterion.h>

#define HEAD "ansatz a(n = 4);\nqubit[n] q;\nparam t[2];\n"

static void expect_codes(const char *body, const char *code, int count)
{
    char src[2048];
    snprintf(src, sizeof src, HEAD "%s", body);
    Compiled *c = compile_with(src, NULL, 0, STAGE_CHECK);
    cr_assert_eq(count_code(c, code), count, "%s: want %d × %s, got %d (of %zu diagnostics)\n%s",
                 code, count, code, count_code(c, code), c->diags.items.len, body);
    compiled_free(c);
}

static void expect_clean(const char *body)
{
    char src[2048];
    snprintf(src, sizeof src, HEAD "%s", body);
    Compiled *c = compile_with(src, NULL, 0, STAGE_CHECK);
    cr_assert(c->result.ok && c->diags.items.len == 0, "unexpected diagnostics (%zu, first %s: %s) for\n%s",
              c->diags.items.len, c->diags.items.len ? diag_code_name(c->diags.items.data[0].code) : "",
              c->diags.items.len ? c->diags.items.data[0].message : "", body);
    compiled_free(c);
}

Test(sema, names_must_be_declared_before_use)
{
    expect_codes("rx(phi) q[0];\nparam phi;\n", "E010", 1);
    expect_codes("g q[0];\ngate g x { h x; }\n", "E013", 1);
    expect_clean("gate g x { h x; }\ng q[0];\n");
}

Test(sema, block_scope_of_let_and_loop_variables)
{
    expect_codes("for i in [0:1] { let k = i; }\nlet j = k;\n", "E010", 1);
    expect_codes("for i in [0:1] { h q[i]; }\nh q[i];\n", "E010", 1);
    expect_clean("for i in [0:1] { let k = i; }\nfor i in [0:1] { let k = i + 1; }\n");
}

Test(sema, no_shadowing)
{
    expect_codes("let n = 3;\n", "E011", 1);
    expect_codes("for i in [0:1] { for i in [0:1] { } }\n", "E011", 1);
    expect_codes("let tau = 1;\n", "E011", 1);
    expect_codes("gate rx x { h x; }\n", "E011", 1);
    expect_codes("gate g x { h x; }\ngate g y { h y; }\n", "E011", 1);
    /* gate arguments live in the gate's own scope */
    expect_clean("gate g(n) q { rx(n) q; }\n");
}

Test(sema, gate_bodies_see_arguments_and_constants_only)
{
    expect_clean("let w = 2;\ngate g(a) x { rx(a * w + n) x; }\n");
    expect_codes("gate g x { rx(t[0]) x; }\n", "E030", 1);
    expect_codes("gate g x { cz x, q[0]; }\n", "E030", 1);
    expect_codes("for i in [0:1] { }\ngate g x { h x; }\n", "E030", 0);
}

Test(sema, recursion_is_rejected)
{
    expect_codes("gate g x { g x; }\n", "E026", 1);
}

Test(sema, arities)
{
    expect_codes("rx q[0];\n", "E014", 1);
    expect_codes("u(1, 2) q[0];\n", "E014", 1);
    expect_codes("ccx q[0], q[1];\n", "E015", 1);
    expect_codes("gate g(a) x, y { rx(a) x; }\ng(1) q[0];\n", "E015", 1);
    expect_codes("gate g(a) x, y { rx(a) x; }\ng q[0], q[1];\n", "E014", 1);
    expect_clean("u(1, 2, 3) q[0];\nccx q[0], q[1], q[2];\n");
}

Test(sema, types)
{
    expect_codes("let k = 0.5;\n", "E016", 1);
    expect_codes("for i in [0:t[0]] { }\n", "E016", 1);
    expect_codes("h t[0];\n", "E017", 1);
    expect_codes("observe Z(q);\n", "E017", 1);
    expect_codes("observe 3;\n", "E018", 1);
    expect_codes("evolve(t[0]) n;\n", "E018", 1);
    expect_codes("observe X(q[0]) - 1;\n", "E019", 1);
    expect_codes("observe X(q[0]) ** 2;\n", "E019", 1);
    expect_codes("rx(t) q[0];\n", "E020", 1);
    expect_codes("rx(t[0][1]) q[0];\n", "E020", 1);
    expect_codes("let k = n[0];\n", "E021", 1);
    expect_codes("rx(X(q[0])) q[0];\n", "E031", 1);
    expect_clean("rx(2 * t[0] + pi / 4 - tau) q[0];\nobserve 0.5 * X(q[0]) * Z(q[1]) - I / 3;\n");
}

Test(sema, placement)
{
    expect_codes("for i in [0:1] { qubit[2] r; }\n", "E022", 1);
    expect_codes("if (n > 1) { param p; }\n", "E022", 1);
    expect_codes("for i in [0:1] { gate g x { h x; } }\n", "E022", 1);
    expect_codes("gate g x { observe Z(x); }\n", "E022", 1);
    expect_codes("gate g x { expect simulable; }\n", "E022", 1);
    expect_clean("for i in [0:1] { observe Z(q[i]); discard q[i]; expect !simulable; }\n");
}

Test(sema, header_rules)
{
    Compiled *c = compile_with("qubit[2] q;\nansatz late(n = 2);\n", NULL, 0, STAGE_CHECK);
    cr_assert_eq(count_code(c, "E023"), 2); /* missing first, and misplaced */
    compiled_free(c);
    expect_codes("ansatz again;\n", "E023", 1);
}

Test(sema, unknown_define_lists_the_sizes)
{
    Define d = {.name = "m", .value = 3};
    Compiled *c = compile_with("ansatz a(n = 2, layers = 1);\n", &d, 1, STAGE_CHECK);
    cr_assert_eq(count_code(c, "E024"), 1);
    cr_assert(strstr(c->diags.items.data[0].message, "n, layers"));
    compiled_free(c);
}

Test(sema, state_once)
{
    expect_codes("state |0>;\nstate input;\n", "E025", 1);
}

Test(sema, functions)
{
    expect_codes("let k = sqrt(n);\n", "E027", 1);
    expect_codes("let k = max(n);\n", "E028", 1);
    expect_codes("let k = abs(1, 2);\n", "E028", 1);
    expect_clean("let k = log2(n) + min(1, 2, 3) + max(n, 9) + abs(-n);\n");
}

Test(sema, expect_facts)
{
    expect_clean("expect dla.dim == 6;\nexpect dla.center < 2;\nexpect module.dim >= 1;\n"
                 "expect simulable;\nexpect !barren_plateau;\n");
    expect_codes("expect dla.rank == 2;\n", "E029", 1);
    expect_codes("expect !dla;\n", "E029", 1);
    expect_codes("expect dla.dim == 0.5;\n", "E016", 1);
}

Test(sema, unknown_names_are_quiet_after_syntax_errors)
{
    /* The broken param declaration would make every later use an "unknown name" echo. */
    Compiled *c = compile_with("ansatz a(n = 2);\nqubit[n] q;\nparam w[;\nrx(w[0]) q[0];\n"
                               "let k = 0.5;\n",
                               NULL, 0, STAGE_CHECK);
    cr_assert_eq(count_code(c, "E004"), 1);
    cr_assert_eq(count_code(c, "E010"), 0);
    cr_assert_eq(count_code(c, "E016"), 1); /* independent errors are still reported */
    compiled_free(c);
}
