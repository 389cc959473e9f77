/*
 * test_lexer.c — tokens, literals, comments and bad bytes, seen through the parse dump
 * and the diagnostics (the scanner has no interface of its own).
 */
#include "compile.h"

#include <criterion/criterion.h>

#define HEAD "ansatz a(n = 2);\nqubit[n] q;\n"

static void dump_contains(const char *src, const char *want)
{
    char *d = dump_of(src, STAGE_PARSE);
    cr_assert(strstr(d, want), "dump of\n%s\nlacks '%s':\n%s", src, want, d);
    free(d);
}

Test(lexer, integer_and_real_literals)
{
    dump_contains(HEAD "let k = 42;\n", "(let k 42)");
    dump_contains(HEAD "rx(0.5) q[0];\n", "(rx (0.5) (index q 0))");
    dump_contains(HEAD "rx(.25) q[0];\n", "(rx (0.25)");
    dump_contains(HEAD "rx(2.) q[0];\n", "(rx (2.0)");
    dump_contains(HEAD "rx(1e-3) q[0];\n", "(rx (0.001)");
    dump_contains(HEAD "rx(1.5E+2) q[0];\n", "(rx (150.0)");
}

Test(lexer, real_literals_are_exact_rationals)
{
    /* 0.1 + 0.2 is not 0.3 in doubles; as rationals it is exactly 3/10. */
    Compiled *c = compile(HEAD "observe 0.1 * Z(q[0]) + 0.2 * Z(q[0]);\n");
    cr_assert(c->result.ok);
    Real r = c->result.circuit->observables.data[0].op->coef[0];
    cr_assert(real_is_exact(r));
    cr_assert_eq(r.num, 3);
    cr_assert_eq(r.den, 10);
    compiled_free(c);
}

Test(lexer, largest_integer_and_one_past_it)
{
    Compiled *ok = compile_with(HEAD "let k = 9223372036854775807;\n", NULL, 0, STAGE_PARSE);
    cr_assert(ok->result.ok);
    compiled_free(ok);
    Compiled *bad = compile_with(HEAD "let k = 9223372036854775808;\n", NULL, 0, STAGE_PARSE);
    char buf[32];
    cr_assert_eq(count_code(bad, "E003"), 1);
    cr_assert_str_eq(where(bad, "E003", buf, sizeof buf), "3:9");
    compiled_free(bad);
}

Test(lexer, malformed_number)
{
    Compiled *c = compile_with(HEAD "let k = 12abc;\n", NULL, 0, STAGE_PARSE);
    cr_assert_eq(count_code(c, "E003"), 1);
    compiled_free(c);
}

Test(lexer, comments_are_skipped)
{
    dump_contains("// leading\nansatz a(n = 2); /* block\n spanning * lines ** / */ qubit[n] q;\n"
                  "let k = 1; // trailing without newline",
                  "(let k 1)");
    Compiled *c = compile_with(HEAD "/* never closed\n", NULL, 0, STAGE_PARSE);
    char buf[32];
    cr_assert_eq(count_code(c, "E002"), 1);
    cr_assert_str_eq(where(c, "E002", buf, sizeof buf), "3:1");
    compiled_free(c);
}

Test(lexer, keywords_and_paulis_are_reserved)
{
    /* (a valid statement between them: the parser resynchronises on three good tokens) */
    Compiled *c = compile_with(HEAD "let for = 1;\nlet j = 2;\nlet X = 2;\n", NULL, 0, STAGE_PARSE);
    cr_assert_eq(count_code(c, "E004"), 2);
    compiled_free(c);
}

Test(lexer, stray_bytes_one_error_per_run_with_position)
{
    Compiled *c = compile_with(HEAD "let k = 1; @@@\nlet j = 2; $\n", NULL, 0, STAGE_PARSE);
    char buf[32];
    cr_assert_eq(count_code(c, "E001"), 2);
    cr_assert_str_eq(where(c, "E001", buf, sizeof buf), "3:12");
    compiled_free(c);
}

Test(lexer, non_ascii_and_invalid_utf8)
{
    /* U+00E9 (2 bytes), U+2202 (3 bytes), a lone 0xFF, and a NUL byte. */
    const char text[] = HEAD "let k = 1; \xc3\xa9\nlet j = 1; \xe2\x88\x82\nlet m = \xff 1;\nlet z = 1;\0\n";
    Arena a;
    arena_init(&a);
    DiagSink d;
    diag_init(&d, &a);
    const Source *src = source_new(&a, "t.ans", text, sizeof text - 1);
    frontend_run(&a, &d, src, NULL, 0, STAGE_PARSE);
    int e001 = 0;
    bool saw_e9 = false, saw_2202 = false, saw_ff = false, saw_nul = false;
    for (size_t i = 0; i < d.items.len; i++) {
        if (d.items.data[i].code != DIAG_E001)
            continue;
        e001++;
        const char *m = d.items.data[i].message;
        saw_e9 |= strstr(m, "U+00E9") != NULL;
        saw_2202 |= strstr(m, "U+2202") != NULL;
        saw_ff |= strstr(m, "0xFF") != NULL;
        saw_nul |= strstr(m, "0x00") != NULL;
    }
    cr_assert_eq(e001, 4);
    cr_assert(saw_e9 && saw_2202 && saw_ff && saw_nul);
    arena_free(&a);
}

Test(lexer, kets)
{
    dump_contains(HEAD "state |+>;\n", "(state |+>)");
    dump_contains(HEAD "state |01>;\n", "(state |01>)");
    Compiled *c = compile_with(HEAD "state |2>;\n", NULL, 0, STAGE_PARSE);
    cr_assert_eq(count_code(c, "E008"), 1);
    compiled_free(c);
}

Test(lexer, crlf_line_endings_keep_columns)
{
    Compiled *c = compile("ansatz a(n = 2);\r\nqubit[n] q;\r\nparam t;\r\nrx(t) q[7];\r\n");
    char buf[32];
    cr_assert_str_eq(where(c, "E012", buf, sizeof buf), "4:9");
    compiled_free(c);
}
