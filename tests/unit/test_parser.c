/*
 * test_parser.c — the grammar: precedence and associativity, the sum prefix, statement
 * forms, and recovery (every independent syntax error in one run, notes on brackets).
 * Expected trees are written by hand from the grammar in docs/language.md.
 */
#include "compile.h"

#include <criterion/criterion.h>

#define HEAD "ansatz a(n = 4);\nqubit[n] q;\nparam t;\n"

static void expect_let(const char *expr, const char *tree)
{
    char src[512], want[512];
    snprintf(src, sizeof src, HEAD "let k = %s;\n", expr);
    snprintf(want, sizeof want, "(let k %s)", tree);
    char *d = dump_of(src, STAGE_PARSE);
    cr_assert(strstr(d, want), "'%s' should parse as %s, got:\n%s", expr, tree, d);
    free(d);
}

Test(parser, arithmetic_precedence)
{
    expect_let("1 + 2 * 3", "(+ 1 (* 2 3))");
    expect_let("1 - 2 - 3", "(- (- 1 2) 3)");
    expect_let("8 / 4 / 2", "(/ (/ 8 4) 2)");
    expect_let("7 % 3 * 2", "(* (% 7 3) 2)");
    expect_let("-2 ** 2", "(neg (** 2 2))");
    expect_let("2 ** 3 ** 2", "(** 2 (** 3 2))");
    expect_let("2 ** -1", "(** 2 (neg 1))");
    expect_let("(1 + 2) * 3", "(* (+ 1 2) 3)");
}

Test(parser, logic_precedence)
{
    expect_let("1 || 0 && 0", "(|| 1 (&& 0 0))");
    expect_let("1 + 1 == 2 && !0", "(&& (== (+ 1 1) 2) (! 0))");
    expect_let("n < 5 || n >= 8", "(|| (< n 5) (>= n 8))");
}

Test(parser, comparisons_do_not_chain)
{
    Compiled *c = compile_with(HEAD "let k = 1 < 2 < 3;\n", NULL, 0, STAGE_PARSE);
    cr_assert_eq(count_code(c, "E004"), 1);
    compiled_free(c);
}

Test(parser, sum_extends_over_a_product_and_stops_at_plus)
{
    char *d = dump_of(HEAD "observe sum(i in [0:2]) Z(q[i]) * Z(q[i+1]) + X(q[0]);\n", STAGE_PARSE);
    cr_assert(strstr(d, "(observe _ (+ (sum i (range 0 2) (* (Z (index q i)) (Z (index q (+ i 1))))) (X (index q 0))))"), "%s", d);
    free(d);
    d = dump_of(HEAD "observe -sum(i in [0:1:3]) 0.5 * X(q[i]) - Z(q[0]) / 2;\n", STAGE_PARSE);
    cr_assert(strstr(d, "(observe _ (- (neg (sum i (range 0 1 3) (* 0.5 (X (index q i))))) (/ (Z (index q 0)) 2)))"), "%s", d);
    free(d);
    d = dump_of(HEAD "observe 2 * sum(i in [0:3]) X(q[i]) * Y(q[0]);\n", STAGE_PARSE);
    cr_assert(strstr(d, "(* 2 (sum i (range 0 3) (* (X (index q i)) (Y (index q 0)))))"), "%s", d);
    free(d);
}

Test(parser, statement_forms)
{
    char *d = dump_of(HEAD "gate g(a, b) x, y { rx(a) x; cz x, y; }\n"
                           "g(t, 1) q[0], q[1];\nh q;\nbarrier;\nbarrier q[0], q[1];\n"
                           "if (n > 2) { h q[0]; } else if (n > 1) { h q[1]; } else { }\n"
                           "discard q[3];\nobserve e = Z(q[0]);\nexpect dla.dim == 4;\n"
                           "expect !simulable;\n;\n",
                      STAGE_PARSE);
    const char *want[] = {"(gate g (a b) (x y) (block", "(g (t 1) (index q 0) (index q 1))",
                          "(h () q)", "(barrier)", "(barrier (index q 0) (index q 1))",
                          "(if (> n 2) (block", "(discard (index q 3))",
                          "(observe e (Z (index q 0)))", "(expect dla.dim == 4)",
                          "(expect !simulable)", "(empty)"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        cr_assert(strstr(d, want[i]), "missing %s in\n%s", want[i], d);
    free(d);
}

Test(parser, header_forms)
{
    char *d = dump_of("ansatz bell();\nqubit[2] q;\n", STAGE_PARSE);
    cr_assert(strstr(d, "(ansatz bell)"), "%s", d);
    free(d);
    d = dump_of("ansatz bell;\nqubit[2] q;\n", STAGE_PARSE);
    cr_assert(strstr(d, "(ansatz bell)"), "%s", d);
    free(d);
    d = dump_of("ansatz h(n = 4, m = 2 * n);\n", STAGE_PARSE);
    cr_assert(strstr(d, "(ansatz h (size n 4) (size m (* 2 n)))"), "%s", d);
    free(d);
}

Test(parser, recovers_and_reports_every_statement_error)
{
    Compiled *c = compile_with(HEAD "rx(t q[0];\nry(t)) q[1];\nrz(t) q[2]\ncz q[0], q[1];\n"
                                    "h q[3];\n",
                               NULL, 0, STAGE_PARSE);
    cr_assert_eq(count_code(c, "E004"), 3, "got %d", count_code(c, "E004"));
    compiled_free(c);
}

Test(parser, missing_semicolon_is_placed_after_the_previous_token)
{
    Compiled *c = compile_with(HEAD "rx(t) q[0]\nry(t) q[1];\n", NULL, 0, STAGE_PARSE);
    char buf[32];
    cr_assert_str_eq(where(c, "E004", buf, sizeof buf), "4:11");
    cr_assert(strstr(c->diags.items.data[0].message, "before identifier 'ry'"));
    compiled_free(c);
}

Test(parser, unclosed_bracket_gets_a_note)
{
    Compiled *c = compile_with(HEAD "for i in [0:2] {\n  rx(t) q[i];\n", NULL, 0, STAGE_PARSE);
    cr_assert_eq(count_code(c, "E004"), 1);
    const Diag *d = &c->diags.items.data[0];
    cr_assert_eq(d->nnotes, 1);
    cr_assert(strstr(d->notes[0].message, "to close '{' at line 4"), "%s", d->notes[0].message);
    compiled_free(c);
}

Test(parser, deep_nesting_is_an_error_not_a_crash)
{
    size_t depth = 100000;
    char *src = malloc(depth * 2 + 64);
    strcpy(src, "ansatz a;\nlet k = ");
    size_t len = strlen(src);
    memset(src + len, '(', depth);
    src[len + depth] = '1';
    memset(src + len + depth + 1, ')', depth);
    strcpy(src + len + 2 * depth + 1, ";\n");
    Compiled *c = compile_with(src, NULL, 0, STAGE_ELABORATE);
    cr_assert_eq(count_code(c, "E005"), 1);
    cr_assert(!c->result.ok);
    compiled_free(c);
    free(src);
}

Test(parser, moderate_nesting_is_fine)
{
    size_t depth = 500;
    char *src = malloc(depth * 2 + 128);
    strcpy(src, "ansatz a;\nqubit q;\nobserve Z(q);\nexpect dla.dim == ");
    size_t len = strlen(src);
    memset(src + len, '(', depth);
    src[len + depth] = '7';
    memset(src + len + depth + 1, ')', depth);
    strcpy(src + len + 2 * depth + 1, ";\n");
    Compiled *c = compile(src);
    cr_assert(c->result.ok);
    cr_assert_eq(c->result.circuit->expects.data[0].value, 7);
    compiled_free(c);
    free(src);
}

Test(parser, truncated_file_points_after_the_last_token)
{
    Compiled *c = compile_with("ansatz a;\nqubit q;\nrx(1) q", NULL, 0, STAGE_PARSE);
    char buf[32];
    cr_assert_str_eq(where(c, "E004", buf, sizeof buf), "3:8");
    cr_assert_str_eq(c->diags.items.data[0].message, "expected ',' or ';' before end of file");
    compiled_free(c);
}
