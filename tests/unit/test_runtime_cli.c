/*
 * test_runtime_cli.c — the built simulator's command line (runtime/cli.c, vectors.c,
 * random.c, train.c, output.c) driven through ans_main_streams.
 *
 * The simulators here are fakes with closed forms, so every printed number has an
 * independent expected value: model A has f0 = cos θ0 · sin(θ1 + x) and
 * f1 = 1/2 + cos²θ0 · cos θ1 with their analytic gradients; model S reads a state,
 * f = s0 cos φ + s1 sin φ + s2. The generator is checked against a second implementation of
 * the documented algorithm written here and a published splitmix64 value; --sample against
 * the same draws averaged here and against the analytic moments of the uniform
 * distribution (mean and variance within four standard errors); --train against a
 * hand-written Adam step and a model whose optimum (zero loss) is known. JSON is read back
 * with jansson. Files are temporary (mkstemp); stdout and stderr are tmpfile()s.
 */
#include "ansc_sim.h"
#include "cli.h"
#include "testing.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The double nearest 2π (twice the double nearest π, exactly). */
#define TWO_PI (2 * 3.14159265358979323846)

/* ---- fake simulators ---------------------------------------------------------------- */

static const char *const A_PARAMS[] = {"theta[0]", "theta[1]"};
static const char *const A_INPUTS[] = {"x"};
static const char *const A_OBSERVABLES[] = {"energy", "m\"a\\g"}; /* needs JSON escapes */
static const AnsSimInfo A_INFO = {.ansatz = "fake",
                                  .method = "pauli",
                                  .param_names = A_PARAMS,
                                  .input_names = A_INPUTS,
                                  .observable_names = A_OBSERVABLES,
                                  .nqubits = 2,
                                  .nparams = 2,
                                  .ninputs = 1,
                                  .nobservables = 2};

static void a_values(const double *p, double x, double *v)
{
    v[0] = cos(p[0]) * sin(p[1] + x);
    v[1] = 0.5 + cos(p[0]) * cos(p[0]) * cos(p[1]);
}

static int a_eval(const double *p, const double *in, const double *state, double *v)
{
    (void)state;
    a_values(p, in[0], v);
    return ANS_OK;
}

static int a_grad(const double *p, const double *in, const double *state, double *v, double *g)
{
    (void)state;
    a_values(p, in[0], v);
    g[0] = -sin(p[0]) * sin(p[1] + in[0]);
    g[1] = cos(p[0]) * cos(p[1] + in[0]);
    g[2] = -2 * cos(p[0]) * sin(p[0]) * cos(p[1]);
    g[3] = -cos(p[0]) * cos(p[0]) * sin(p[1]);
    return ANS_OK;
}

static const AnsSim SIM_A = {&A_INFO, a_eval, a_grad};
static const AnsSim SIM_A_NO_GRAD = {&A_INFO, a_eval, NULL};

static int failing_eval(const double *p, const double *in, const double *s, double *v)
{
    (void)p, (void)in, (void)s, (void)v;
    return ANS_ERR_MEMORY;
}

static int failing_grad(const double *p, const double *in, const double *s, double *v, double *g)
{
    (void)g;
    return failing_eval(p, in, s, v);
}

static const AnsSim SIM_FAILING = {&A_INFO, failing_eval, failing_grad};

static const char *const S_PARAMS[] = {"phi"};
static const char *const S_OBSERVABLES[] = {"e"};
static const char *const S_PAULIS[] = {"Z0", "X0 Z1", "Y2"};
static const AnsSimInfo S_INFO = {.ansatz = "stateful",
                                  .method = "dla",
                                  .param_names = S_PARAMS,
                                  .observable_names = S_OBSERVABLES,
                                  .state_paulis = S_PAULIS,
                                  .nqubits = 3,
                                  .nparams = 1,
                                  .nobservables = 1,
                                  .nstate_paulis = 3};

static int s_eval(const double *p, const double *in, const double *s, double *v)
{
    (void)in;
    v[0] = s[0] * cos(p[0]) + s[1] * sin(p[0]) + s[2];
    return ANS_OK;
}

static const AnsSim SIM_S = {&S_INFO, s_eval, NULL};

/* ---- running the command line --------------------------------------------------------- */

typedef struct Run {
    int status;
    char *out, *err;
} Run;

static char *slurp(FILE *f)
{
    rewind(f);
    size_t cap = 1024, len = 0;
    char *s = malloc(cap);
    size_t got;
    while ((got = fread(s + len, 1, cap - len - 1, f)) > 0) {
        len += got;
        if (len + 1 == cap)
            s = realloc(s, cap *= 2);
    }
    s[len] = '\0';
    fclose(f);
    return s;
}

/* args: NULL-terminated, without the program name. */
static Run run(const AnsSim *sim, const char *const *args)
{
    char *argv[64] = {"sim"};
    int argc = 1;
    while (args[argc - 1])
        argv[argc] = (char *)args[argc - 1], argc++;
    FILE *out = tmpfile(), *err = tmpfile();
    cr_assert(out && err);
    Run r = {.status = ans_main_streams(sim, argc, argv, out, err)};
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
}

#define RUN(sim, ...) run(sim, (const char *const[]){__VA_ARGS__, NULL})

static void run_free(Run *r)
{
    free(r->out);
    free(r->err);
}

static char *format(const char *fmt, ...)
{
    va_list a, b;
    va_start(a, fmt);
    va_copy(b, a);
    int n = vsnprintf(NULL, 0, fmt, a);
    va_end(a);
    cr_assert(n >= 0);
    char *s = malloc((size_t)n + 1);
    vsnprintf(s, (size_t)n + 1, fmt, b);
    va_end(b);
    return s;
}

/* A temporary file holding text; the caller unlinks and frees the path. */
static char *temp_file(const char *text)
{
    char *path = strdup("/tmp/ansc_cli_XXXXXX");
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    size_t n = strlen(text);
    cr_assert(write(fd, text, n) == (ssize_t)n);
    close(fd);
    return path;
}

static void remove_file(char *path)
{
    unlink(path);
    free(path);
}

static void expect_contains(const char *haystack, const char *needle)
{
    cr_expect(strstr(haystack, needle) != NULL, "expected '%s' in:\n%s", needle, haystack);
}

/* Count the entries of a directory other than . and .. */
static int directory_entries(const char *path)
{
    DIR *d = opendir(path);
    cr_assert(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

/* ---- single evaluations ---------------------------------------------------------------- */

Test(runtime_cli, zero_parameters_by_default)
{
    char *inputs = temp_file("0.3\n");
    Run r = RUN(&SIM_A, "--inputs", inputs);
    double v[2], p[2] = {0, 0};
    a_values(p, 0.3, v);
    char *expected = format("energy %.17g\nm\"a\\g %.17g\n", v[0], v[1]);
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect_str_eq(r.out, expected);
    cr_expect_str_eq(r.err, "");
    free(expected);
    run_free(&r);
    remove_file(inputs);
}

Test(runtime_cli, values_and_gradient_lines)
{
    char *params = temp_file("# theta\n0.7   # first\n\n  -1.2\r\n");
    char *inputs = temp_file("-0.45");
    Run r = RUN(&SIM_A, "--params", params, "--inputs=" , inputs, "--grad");
    cr_expect_eq(r.status, 2, "'--inputs=' with an empty value then a stray argument");
    run_free(&r);

    r = RUN(&SIM_A, "--params", params, "--inputs", inputs, "--grad");
    double p[2] = {0.7, -1.2}, in[1] = {-0.45}, v[2], g[4];
    a_grad(p, in, NULL, v, g);
    char *expected = format("energy %.17g\nm\"a\\g %.17g\n"
                            "d energy / d theta[0] %.17g\nd energy / d theta[1] %.17g\n"
                            "d m\"a\\g / d theta[0] %.17g\nd m\"a\\g / d theta[1] %.17g\n",
                            v[0], v[1], g[0], g[1], g[2], g[3]);
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect_str_eq(r.out, expected);
    free(expected);
    run_free(&r);

    /* The gradient agrees with central differences of the printed values. */
    double h = 1e-6;
    for (int j = 0; j < 2; j++) {
        double pp[2] = {p[0], p[1]}, pm[2] = {p[0], p[1]}, vp[2], vm[2];
        pp[j] += h;
        pm[j] -= h;
        a_values(pp, in[0], vp);
        a_values(pm, in[0], vm);
        for (int k = 0; k < 2; k++)
            cr_expect(fabs((vp[k] - vm[k]) / (2 * h) - g[k * 2 + j]) < 1e-8);
    }
    remove_file(params);
    remove_file(inputs);
}

Test(runtime_cli, json_output_reads_back)
{
    char *params = temp_file("0.25 2.5\n");
    char *inputs = temp_file("1.5\n");
    Run r = RUN(&SIM_A, "--params", params, "--inputs", inputs, "--grad", "--format", "json");
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_error_t error;
    json_t *root = json_loads(r.out, 0, &error);
    cr_assert(root, "%s\n%s", error.text, r.out);
    double p[2] = {0.25, 2.5}, in[1] = {1.5}, v[2], g[4];
    a_grad(p, in, NULL, v, g);
    cr_expect_str_eq(json_string_value(json_object_get(root, "ansatz")), "fake");
    cr_expect_str_eq(json_string_value(json_object_get(root, "method")), "pauli");
    json_t *names = json_object_get(root, "param_names");
    cr_assert_eq(json_array_size(names), 2);
    cr_expect_str_eq(json_string_value(json_array_get(names, 1)), "theta[1]");
    json_t *params_json = json_object_get(root, "params");
    cr_expect_eq(json_real_value(json_array_get(params_json, 0)), 0.25);
    json_t *observables = json_object_get(root, "observables");
    cr_assert_eq(json_array_size(observables), 2);
    for (size_t k = 0; k < 2; k++) {
        json_t *o = json_array_get(observables, k);
        cr_expect_str_eq(json_string_value(json_object_get(o, "name")), A_OBSERVABLES[k]);
        cr_expect_eq(json_number_value(json_object_get(o, "value")), v[k]);
        json_t *gradient = json_object_get(o, "gradient");
        cr_assert_eq(json_array_size(gradient), 2);
        for (size_t j = 0; j < 2; j++)
            cr_expect_eq(json_number_value(json_array_get(gradient, j)), g[k * 2 + j]);
    }
    json_decref(root);
    run_free(&r);

    /* Without --grad there is no gradient key. */
    r = RUN(&SIM_A, "--params", params, "--inputs", inputs, "--format=json");
    root = json_loads(r.out, 0, &error);
    cr_assert(root);
    cr_expect_null(json_object_get(json_array_get(json_object_get(root, "observables"), 0),
                                   "gradient"));
    json_decref(root);
    run_free(&r);
    remove_file(params);
    remove_file(inputs);
}

Test(runtime_cli, json_strings_escape_every_byte)
{
    char text[128];
    for (int i = 1; i < 128; i++)
        text[i - 1] = (char)i;
    text[127] = '\0';
    FILE *f = tmpfile();
    ans_put_json_string(f, text);
    char *s = slurp(f);
    json_error_t error;
    json_t *back = json_loads(s, JSON_DECODE_ANY, &error);
    cr_assert(back, "%s: %s", error.text, s);
    cr_expect_str_eq(json_string_value(back), text);
    json_decref(back);
    free(s);

    f = tmpfile();
    double reals[] = {1.0 / 3, NAN, -INFINITY, -0.0, 1e-310};
    ans_put_json_reals(f, reals, 5);
    s = slurp(f);
    back = json_loads(s, JSON_DECODE_ANY, &error);
    cr_assert(back, "%s", s);
    cr_expect_eq(json_real_value(json_array_get(back, 0)), 1.0 / 3);
    cr_expect(json_is_null(json_array_get(back, 1)));
    cr_expect(json_is_null(json_array_get(back, 2)));
    cr_expect_eq(json_real_value(json_array_get(back, 4)), 1e-310);
    json_decref(back);
    free(s);

    f = tmpfile();
    ans_put_real(f, NAN);
    fputc(' ', f);
    ans_put_real(f, -NAN);
    fputc(' ', f);
    ans_put_real(f, -INFINITY);
    s = slurp(f);
    cr_expect_str_eq(s, "nan nan -inf");
    free(s);
}

/* ---- bad vectors: file:line messages, exit status 1 --------------------------------------- */

typedef struct BadFile {
    const char *text;
    const char *where; /* after the file name */
    const char *message;
} BadFile;

/* The run of case i, on the file at path holding cases[i].text: exit status 1, nothing on
 * stdout, the message after "path:line:col: error: " on stderr. Frees the run. */
static void expect_bad_file(Run *r, const char *path, const BadFile *c, size_t i)
{
    char *where = format("%s%s", path, c->where);
    cr_expect_eq(r->status, 1, "case %zu", i);
    cr_expect_str_eq(r->out, "", "case %zu", i);
    expect_contains(r->err, where);
    expect_contains(r->err, c->message);
    free(where);
    run_free(r);
}

Test(runtime_cli, bad_parameter_files_name_file_and_line)
{
    static const BadFile cases[] = {
        {"0.1\n", ":1: error: ", "expected 2 parameters, found 1"},
        {"", ":1: error: ", "expected 2 parameters, found 0"},
        {"0.1 0.2\n# more\n0.3 0.4\n", ":3:1: error: ", "expected 2 parameters, found 4"},
        {"0.1\n1.2.3\n", ":2:1: error: ", "malformed number '1.2.3' (expected a parameter value)"},
        {"abc 1", ":1:1: error: ", "malformed number 'abc'"},
        {"0.5  nan", ":1:6: error: ", "'nan' is not a finite number"},
        {"inf 0", ":1:1: error: ", "'inf' is not a finite number"},
        {"1e999 0", ":1:1: error: ", "'1e999' is not a finite number"},
        {"1,5 0", ":1:1: error: ", "malformed number '1,5'"},
        {"0 1\x01", ":1:3: error: ", "malformed number '1\\x01'"},
    };
    char *inputs = temp_file("0\n");
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *params = temp_file(cases[i].text);
        Run r = RUN(&SIM_A, "--params", params, "--inputs", inputs);
        expect_bad_file(&r, params, &cases[i], i);
        remove_file(params);
    }
    remove_file(inputs);
}

Test(runtime_cli, inputs_are_required_and_checked)
{
    Run r = RUN(&SIM_A, NULL);
    cr_expect_eq(r.status, 1);
    expect_contains(r.err, "takes 1 input value (x): give them with --inputs FILE");
    run_free(&r);

    char *inputs = temp_file("0.1 0.2\n");
    r = RUN(&SIM_A, "--inputs", inputs);
    cr_expect_eq(r.status, 1);
    char *where = format("%s:1:5: error: expected 1 input, found 2", inputs);
    expect_contains(r.err, where);
    free(where);
    run_free(&r);
    remove_file(inputs);

    r = RUN(&SIM_A, "--inputs", "/nonexistent/ansc/inputs.txt");
    cr_expect_eq(r.status, 1);
    expect_contains(r.err, "/nonexistent/ansc/inputs.txt: error: cannot open: ");
    run_free(&r);
}

Test(runtime_cli, failed_evaluation_exits_1)
{
    char *inputs = temp_file("0\n");
    Run r = RUN(&SIM_FAILING, "--inputs", inputs);
    cr_expect_eq(r.status, 1);
    cr_expect_str_eq(r.out, "");
    expect_contains(r.err, "evaluation failed: out of memory");
    run_free(&r);

    r = RUN(&SIM_A_NO_GRAD, "--inputs", inputs, "--grad");
    cr_expect_eq(r.status, 1);
    expect_contains(r.err, "no gradient function");
    run_free(&r);
    remove_file(inputs);
}

Test(runtime_cli, parameters_from_stdin)
{
    char *params = temp_file("1.25\n-0.5\n");
    char *inputs = temp_file("0.75\n");
    cr_assert(freopen(params, "r", stdin));
    Run r = RUN(&SIM_A, "--params", "-", "--inputs", inputs);
    double p[2] = {1.25, -0.5}, v[2];
    a_values(p, 0.75, v);
    char *expected = format("energy %.17g\nm\"a\\g %.17g\n", v[0], v[1]);
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect_str_eq(r.out, expected);
    free(expected);
    run_free(&r);

    cr_assert(freopen(inputs, "r", stdin)); /* one value: too few parameters */
    r = RUN(&SIM_A, "--params", "-", "--inputs", inputs);
    cr_expect_eq(r.status, 1);
    expect_contains(r.err, "<stdin>:1: error: expected 2 parameters, found 1");
    run_free(&r);
    remove_file(params);
    remove_file(inputs);
}

/* ---- usage ----------------------------------------------------------------------------- */

Test(runtime_cli, usage_errors_exit_2)
{
    char *data = temp_file("0 1\n");
    const char *cases[][8] = {
        {"--bogus"},
        {"--params"},
        {"--params", "--grad"},
        {"--random", "abc"},
        {"--random", "-1"},
        {"--random", "18446744073709551616"},
        {"--random", "1", "--sample", "1"},
        {"--sample", "5"},
        {"--train", data, "--epochs", "x"},
        {"--train", data, "--epochs", "-3"},
        {"--train", data, "--lr", "0"},
        {"--train", data, "--lr", "nan"},
        {"--format", "xml"},
        {"--grad=yes"},
        {"stray"},
        {"--params", data, "--random", "1"},
        {"--batch", data, "--train", data},
        {"--save", "/tmp/x"},
        {"--epochs", "3"},
        {"--grad", "--batch", data},
        {"--inputs", data, "--batch", data},
        {"--params", "-", "--inputs", "-"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *args[9] = {0};
        for (int k = 0; k < 8 && cases[i][k]; k++)
            args[k] = cases[i][k];
        Run r = run(&SIM_A, args);
        cr_expect_eq(r.status, 2, "case %zu (%s): %s", i, cases[i][0], r.err);
        cr_expect_str_eq(r.out, "", "case %zu", i);
        expect_contains(r.err, "sim: error: ");
        expect_contains(r.err, "Try 'sim --help' for the options.");
        run_free(&r);
    }
    remove_file(data);
}

Test(runtime_cli, help_lists_every_option)
{
    Run r = RUN(&SIM_A, "--help");
    cr_expect_eq(r.status, 0);
    cr_expect_str_eq(r.err, "");
    static const char *names[] = {"--params FILE", "--random SEED", "--inputs FILE",
                                  "--state FILE", "--list-state-paulis", "--grad",
                                  "--sample N", "--batch FILE", "--train FILE", "--epochs K",
                                  "--lr R", "--save FILE", "--format text|json", "--help"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        expect_contains(r.out, names[i]);
    expect_contains(r.out, "Usage: sim [options]");
    expect_contains(r.out, "parameters: 2, inputs: 1, observables: 2");
    run_free(&r);

    r = RUN(&SIM_A, "-h", "--bogus-after-help-is-still-an-error");
    cr_expect_eq(r.status, 2);
    run_free(&r);
}

/* ---- the generator ------------------------------------------------------------------------ */

/* A second implementation of the documented algorithm: xoshiro256** seeded by four draws
 * of splitmix64 (testing.h's test_random_next). */
typedef struct Xoshiro {
    uint64_t w[4];
} Xoshiro;

static void reference_seed(Xoshiro *x, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        x->w[i] = test_random_next(&seed);
}

static uint64_t rotl(uint64_t v, unsigned k) { return (v << k) | (v >> (64 - k)); }

static uint64_t reference_next(Xoshiro *x)
{
    uint64_t *w = x->w;
    const uint64_t out = rotl(w[1] * 5, 7) * 9, shifted = w[1] << 17;
    w[2] ^= w[0], w[3] ^= w[1], w[1] ^= w[2], w[0] ^= w[3], w[2] ^= shifted;
    w[3] = rotl(w[3], 45);
    return out;
}

static double reference_angle(Xoshiro *x)
{
    return TWO_PI * ldexp((double)(reference_next(x) >> 11), -53);
}

Test(runtime_cli, generator_is_the_documented_one)
{
    /* Published: the first splitmix64 output from seed 0 (Java's SplittableRandom). */
    AnsRandom r;
    ans_random_seed(&r, 0);
    cr_expect_eq(r.s[0], 0xe220a8397b1dcdafull);
    /* The check values docs/simulator.md gives for seed 42 (computed by a third,
     * Python, implementation). */
    ans_random_seed(&r, 42);
    cr_expect_eq(r.s[3], 0x581ce1ff0e4ae394ull);
    cr_expect_eq(ans_random_next(&r), 0x15780b2e0c2ec716ull);
    cr_expect_eq(ans_random_next(&r), 0x6104d9866d113a7eull);
    cr_expect_eq(ans_random_angle(&r), 4.2728387684162934);
    static const uint64_t seeds[] = {0, 1, 42, UINT64_MAX};
    for (size_t i = 0; i < 4; i++) {
        Xoshiro x;
        reference_seed(&x, seeds[i]);
        ans_random_seed(&r, seeds[i]);
        for (int k = 0; k < 4; k++)
            cr_expect_eq(r.s[k], x.w[k]);
        for (int n = 0; n < 2000; n++) {
            Xoshiro copy = x;
            uint64_t expected = reference_next(&x);
            if (n % 3 == 0) {
                cr_assert_eq(ans_random_next(&r), expected, "seed %llu draw %d",
                             (unsigned long long)seeds[i], n);
            } else if (n % 3 == 1) {
                double u = ans_random_uniform(&r);
                cr_assert_eq(u, (double)(expected >> 11) / 9007199254740992.0);
                cr_assert(u >= 0 && u < 1);
            } else {
                double a = ans_random_angle(&r);
                cr_assert_eq(a, reference_angle(&copy));
                cr_assert(a >= 0 && a < TWO_PI);
            }
        }
    }
    /* The largest uniform still gives an angle below 2π. */
    cr_expect_lt(TWO_PI * (1 - 0x1p-53), TWO_PI);
}

Test(runtime_cli, random_parameters_are_reproducible)
{
    char *inputs = temp_file("0.2\n");
    Run r1 = RUN(&SIM_A, "--random", "12345", "--inputs", inputs, "--format", "json");
    Run r2 = RUN(&SIM_A, "--inputs", inputs, "--format", "json", "--random=12345");
    Run r3 = RUN(&SIM_A, "--random", "12346", "--inputs", inputs, "--format", "json");
    cr_assert_eq(r1.status, 0, "%s", r1.err);
    cr_expect_str_eq(r1.out, r2.out);
    cr_expect_str_neq(r1.out, r3.out);
    json_t *root = json_loads(r1.out, 0, NULL);
    cr_assert(root);
    Xoshiro x;
    reference_seed(&x, 12345);
    double p[2];
    for (int j = 0; j < 2; j++) {
        p[j] = reference_angle(&x);
        cr_expect_eq(json_real_value(json_array_get(json_object_get(root, "params"), j)), p[j]);
    }
    double v[2];
    a_values(p, 0.2, v);
    json_t *o = json_array_get(json_object_get(root, "observables"), 0);
    cr_expect_eq(json_real_value(json_object_get(o, "value")), v[0]);
    json_decref(root);
    run_free(&r1);
    run_free(&r2);
    run_free(&r3);
    remove_file(inputs);
}

/* ---- --sample ------------------------------------------------------------------------------ */

Test(runtime_cli, sample_moments_match_the_draws_and_the_analytic_ones)
{
    enum { N = 40000 };
    const double x = 0.3;
    char *inputs = temp_file("0.3\n");
    Run r = RUN(&SIM_A, "--sample", "40000", "--random", "7", "--inputs", inputs);
    cr_assert_eq(r.status, 0, "%s", r.err);
    double mean[2], variance[2];
    char name[2][32];
    cr_assert_eq(sscanf(r.out, "%31s mean %lf variance %lf\n%31s mean %lf variance %lf", name[0],
                        &mean[0], &variance[0], name[1], &mean[1], &variance[1]),
                 6, "%s", r.out);
    cr_expect_str_eq(name[0], "energy");
    cr_expect_str_eq(name[1], "m\"a\\g");

    /* The same draws, averaged here in two passes. */
    Xoshiro g;
    reference_seed(&g, 7);
    static double values[N][2];
    double sum[2] = {0, 0};
    for (int s = 0; s < N; s++) {
        double p[2];
        p[0] = reference_angle(&g);
        p[1] = reference_angle(&g);
        a_values(p, x, values[s]);
        sum[0] += values[s][0];
        sum[1] += values[s][1];
    }
    for (int k = 0; k < 2; k++) {
        double m = sum[k] / N, ss = 0;
        for (int s = 0; s < N; s++)
            ss += (values[s][k] - m) * (values[s][k] - m);
        cr_expect(fabs(mean[k] - m) < 1e-13, "mean %d: %.17g vs %.17g", k, mean[k], m);
        cr_expect(fabs(variance[k] - ss / (N - 1)) < 1e-12 * ss / N);
    }

    /* Analytic, θ uniform on [0, 2π)²: f0 has mean 0, variance 1/4, fourth moment 9/64;
     * f1 − 1/2 = cos²θ0 cos θ1 has mean 0, variance 3/16, fourth moment (35/128)(3/8). */
    const double mu[2] = {0, 0.5}, var[2] = {0.25, 3.0 / 16}, m4[2] = {9.0 / 64, 105.0 / 1024};
    for (int k = 0; k < 2; k++) {
        double se_mean = sqrt(var[k] / N), se_var = sqrt((m4[k] - var[k] * var[k]) / N);
        cr_expect(fabs(mean[k] - mu[k]) < 4 * se_mean, "mean %d = %g, want %g ± %g", k,
                  mean[k], mu[k], se_mean);
        cr_expect(fabs(variance[k] - var[k]) < 4 * se_var, "variance %d = %g, want %g ± %g",
                  k, variance[k], var[k], se_var);
    }
    run_free(&r);

    /* JSON carries the same numbers; --random alone is the first sample. */
    r = RUN(&SIM_A, "--sample", "40000", "--random", "7", "--inputs", inputs, "--format",
            "json");
    json_t *root = json_loads(r.out, 0, NULL);
    cr_assert(root, "%s", r.out);
    cr_expect_eq(json_integer_value(json_object_get(root, "samples")), N);
    json_t *o = json_array_get(json_object_get(root, "observables"), 1);
    cr_expect_str_eq(json_string_value(json_object_get(o, "name")), "m\"a\\g");
    cr_expect_eq(json_real_value(json_object_get(o, "mean")), mean[1]);
    cr_expect_eq(json_real_value(json_object_get(o, "variance")), variance[1]);
    json_decref(root);
    run_free(&r);

    r = RUN(&SIM_A, "--random", "7", "--inputs", inputs);
    char *expected = format("energy %.17g\nm\"a\\g %.17g\n", values[0][0], values[0][1]);
    cr_expect_str_eq(r.out, expected);
    free(expected);
    run_free(&r);
    remove_file(inputs);
}

/* ---- --batch ----------------------------------------------------------------------------- */

Test(runtime_cli, batch_lines_and_json)
{
    char *params = temp_file("0.9 -0.4\n");
    char *batch = temp_file("# x [label]\n0.1\n\n0.2 5.0\n   0.3   # trailing comment\n");
    Run r = RUN(&SIM_A, "--params", params, "--batch", batch);
    cr_assert_eq(r.status, 0, "%s", r.err);
    const double p[2] = {0.9, -0.4}, xs[3] = {0.1, 0.2, 0.3};
    char expected[1024] = "";
    for (int m = 0; m < 3; m++) {
        double v[2];
        a_values(p, xs[m], v);
        snprintf(expected + strlen(expected), sizeof expected - strlen(expected),
                 "%.17g %.17g\n", v[0], v[1]);
    }
    cr_expect_str_eq(r.out, expected);
    run_free(&r);

    r = RUN(&SIM_A, "--params", params, "--batch", batch, "--format", "json");
    json_t *root = json_loads(r.out, 0, NULL);
    cr_assert(root, "%s", r.out);
    cr_expect_str_eq(json_string_value(json_array_get(json_object_get(root, "observables"), 1)),
                     "m\"a\\g");
    json_t *results = json_object_get(root, "results");
    cr_assert_eq(json_array_size(results), 3);
    for (size_t m = 0; m < 3; m++) {
        double v[2];
        a_values(p, xs[m], v);
        for (size_t k = 0; k < 2; k++)
            cr_expect_eq(json_real_value(json_array_get(json_array_get(results, m), k)), v[k]);
    }
    json_decref(root);
    run_free(&r);
    remove_file(batch);

    static const BadFile cases[] = {
        {"0.1\n0.1 0.2 0.3\n", ":2: error: ",
         "expected 1 input value, optionally followed by a label, found 3"},
        {"0.1 x\n", ":1:5: error: ", "malformed number 'x' (expected a label)"},
        {"\n\n   inf\n", ":3:4: error: ", "'inf' is not a finite number (expected an input value)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        batch = temp_file(cases[i].text);
        r = RUN(&SIM_A, "--batch", batch);
        expect_bad_file(&r, batch, &cases[i], i);
        remove_file(batch);
    }

    /* An empty batch is no samples, not an error. */
    batch = temp_file("# nothing\n");
    r = RUN(&SIM_A, "--batch", batch, "--format", "json");
    cr_expect_eq(r.status, 0);
    root = json_loads(r.out, 0, NULL);
    cr_assert(root, "%s", r.out);
    cr_expect_eq(json_array_size(json_object_get(root, "results")), 0);
    json_decref(root);
    run_free(&r);
    remove_file(batch);
    remove_file(params);
}

/* ---- --state ------------------------------------------------------------------------------ */

Test(runtime_cli, state_values_are_matched_by_canonical_string)
{
    Run r = RUN(&SIM_S, "--list-state-paulis");
    cr_expect_eq(r.status, 0);
    cr_expect_str_eq(r.out, "Z0\nX0 Z1\nY2\n");
    run_free(&r);
    r = RUN(&SIM_S, "--list-state-paulis", "--format", "json");
    cr_expect_str_eq(r.out, "{\"state_paulis\": [\"Z0\", \"X0 Z1\", \"Y2\"]}\n");
    run_free(&r);

    char *params = temp_file("0.6\n");
    char *state = temp_file("# Tr(rho P)\nZ0 0.5\n\tZ1   X0 -0.25 # reordered\nI 1\n"
                            "Y2 0.125\nX1 0.9\nX0 X1 X2 -1\n");
    r = RUN(&SIM_S, "--params", params, "--state", state);
    cr_expect_eq(r.status, 0, "%s", r.err);
    char *expected = format("e %.17g\n", 0.5 * cos(0.6) - 0.25 * sin(0.6) + 0.125);
    cr_expect_str_eq(r.out, expected);
    free(expected);
    run_free(&r);
    remove_file(state);

    /* in the listed order (matched line by line), with one string spelled out of order */
    state = temp_file("Z0 0.5\nZ1 X0 -0.25\nY2 0.125\n");
    r = RUN(&SIM_S, "--params", params, "--state", state);
    cr_expect_eq(r.status, 0, "%s", r.err);
    expected = format("e %.17g\n", 0.5 * cos(0.6) - 0.25 * sin(0.6) + 0.125);
    cr_expect_str_eq(r.out, expected);
    free(expected);
    run_free(&r);
    remove_file(state);

    r = RUN(&SIM_S, "--params", params);
    cr_expect_eq(r.status, 1);
    expect_contains(r.err, "takes a state input");
    expect_contains(r.err, "--state FILE");
    run_free(&r);

    static const BadFile cases[] = {
        {"Z0 0.5\nY2 0\n", ": error: ", "no value for X0 Z1 (--list-state-paulis"},
        {"Z0 0.5\n", ": error: ", "no value for X0 Z1, nor for 1 more of the 3 strings"},
        /* no entry at all: qsort and bsearch must not see the null array (fuzz_simcli) */
        {"# nothing\n\n", ": error: ", "no value for Z0, nor for 2 more of the 3 strings"},
        {"Z0 0.5\nX0 Z1 0.1\nY2 0\nZ1 X0 0.1\n", ":4: error: ",
         "X0 Z1 is given twice (first at line 2)"},
        {"X2 0\nX0 Z1 0.1\nY2 0\nZ0 0\nX2 0\nZ0 0\n", ":5: error: ",
         "X2 is given twice (first at line 1)"},
        /* as many lines as listed strings, but not the listed ones: the general path */
        {"Z0 0.5\nX0 Z1 0.1\nX2 0\n", ": error: ", "no value for Y2 (--list-state-paulis"},
        {"Z0 0.5\nZ0 0.5\nY2 0\n", ":2: error: ", "Z0 is given twice (first at line 1)"},
        {"I 0.5\n", ":1:3: error: ", "Tr(rho I) = Tr rho must be 1, found 0.5"},
        {"Z0 1.5\n", ":1:4: error: ", "|Tr(rho P)| is at most 1 for a state, found 1.5 for Z0"},
        {"Q0 0.1\n", ":1:1: error: ", "'Q0' is not a Pauli factor"},
        {"x0 0.1\n", ":1:1: error: ", "'x0' is not a Pauli factor"},
        {"X 0.1\n", ":1:1: error: ", "'X' is not a Pauli factor"},
        {"X0 Z0 0.1\n", ":1:1: error: ", "qubit 0 appears twice"},
        {"I X0 0.1\n", ":1:1: error: ", "'I' is the identity and stands alone"},
        {"Z7 0.1\n", ":1:1: error: ", "qubit 7 in 'Z7' is out of range (3 qubits)"},
        {"\n  Z0\n", ":2:3: error: ", "expected a Pauli string and its value"},
        {"Z0 abc\n", ":1:4: error: ", "malformed number 'abc'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        state = temp_file(cases[i].text);
        r = RUN(&SIM_S, "--params", params, "--state", state);
        expect_bad_file(&r, state, &cases[i], i);
        remove_file(state);
    }
    remove_file(params);
}

Test(runtime_cli, pauli_strings_canonicalise)
{
    static const char *cases[][2] = {
        {"X0 Z3", "X0 Z3"},   {"Z3 X0", "X0 Z3"},    {"  Y12\tX2 ", "X2 Y12"},
        {"I", "I"},           {"Z007", "Z7"},        {"Z1 Y0 X2", "Y0 Z1 X2"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char buffer[64], why[128];
        size_t n = strlen(cases[i][0]);
        cr_assert_eq(ans_pauli_canonical(cases[i][0], n, 0, buffer, n + 2, why, sizeof why), 0,
                     "%s: %s", cases[i][0], why);
        cr_expect_str_eq(buffer, cases[i][1]);
    }
    char buffer[64], why[128];
    cr_expect_eq(ans_pauli_canonical("", 0, 0, buffer, sizeof buffer, why, sizeof why), 1);
    cr_expect_eq(ans_pauli_canonical("X99999999999", 12, 0, buffer, sizeof buffer, why,
                                     sizeof why), 1);
    cr_expect_eq(ans_pauli_canonical("X-1", 3, 0, buffer, sizeof buffer, why, sizeof why), 1);
}

/* ---- --train and --save ------------------------------------------------------------------ */

enum { TRAIN_SAMPLES = 9 };

/* Labels from θ* = (0.4, 1.1), so the loss has minimum 0 there. */
static char *train_file(double xs[TRAIN_SAMPLES], double ys[TRAIN_SAMPLES])
{
    char text[2048] = "# x label\n";
    for (int m = 0; m < TRAIN_SAMPLES; m++) {
        const double best[2] = {0.4, 1.1};
        double v[2];
        xs[m] = -1 + 0.25 * m;
        a_values(best, xs[m], v);
        ys[m] = v[0];
        snprintf(text + strlen(text), sizeof text - strlen(text), "%.17g %.17g\n", xs[m], ys[m]);
    }
    return temp_file(text);
}

/* The mean squared error of f0 and its gradient, summed in sample order. */
static double train_loss(const double *p, const double *xs, const double *ys, double *grad)
{
    double sum = 0;
    if (grad)
        grad[0] = grad[1] = 0;
    for (int m = 0; m < TRAIN_SAMPLES; m++) {
        double v[2], g[4], in[1] = {xs[m]};
        a_grad(p, in, NULL, v, g);
        double r = v[0] - ys[m];
        sum += r * r;
        if (grad)
            grad[0] += 2 * r * g[0], grad[1] += 2 * r * g[1];
    }
    if (grad)
        grad[0] /= TRAIN_SAMPLES, grad[1] /= TRAIN_SAMPLES;
    return sum / TRAIN_SAMPLES;
}

static void read_saved(const char *path, double *p, int n)
{
    FILE *f = fopen(path, "r");
    cr_assert(f, "no file %s", path);
    char line[128];
    int count = 0;
    while (fgets(line, sizeof line, f)) {
        cr_assert_lt(count, n);
        char *end;
        p[count++] = strtod(line, &end);
        cr_expect_str_eq(end, "\n");
    }
    fclose(f);
    cr_expect_eq(count, n);
}

static char *temp_directory(void)
{
    char *dir = strdup("/tmp/ansc_cli_dir_XXXXXX");
    cr_assert(mkdtemp(dir));
    return dir;
}

/* What a --train test works in: the training file and its samples, and an empty temporary
 * directory holding the --save path; train_setup_free removes them all. */
typedef struct TrainSetup {
    double xs[TRAIN_SAMPLES], ys[TRAIN_SAMPLES];
    char *data, *dir, *saved;
} TrainSetup;

static void train_setup(TrainSetup *t, const char *save_name)
{
    t->data = train_file(t->xs, t->ys);
    t->dir = temp_directory();
    t->saved = format("%s/%s", t->dir, save_name);
}

static void train_setup_free(TrainSetup *t)
{
    remove_file(t->saved);
    rmdir(t->dir);
    free(t->dir);
    remove_file(t->data);
}

Test(runtime_cli, training_reaches_the_known_optimum)
{
    TrainSetup train;
    train_setup(&train, "params.txt");
    char *start = temp_file("0.1 0.2\n");
    Run r = RUN(&SIM_A, "--train", train.data, "--params", start, "--epochs", "600", "--lr", "0.05",
                "--save", train.saved);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_expect_str_eq(r.err, "");

    /* 600 epoch lines, then the final loss. */
    const char *line = r.out;
    double losses[601];
    for (int k = 1; k <= 600; k++) {
        unsigned epoch;
        int used;
        cr_assert_eq(sscanf(line, "epoch %u loss %lf\n%n", &epoch, &losses[k - 1], &used), 2,
                     "%s", line);
        cr_assert_eq(epoch, (unsigned)k);
        line += used;
    }
    cr_assert_eq(sscanf(line, "final loss %lf", &losses[600]), 1, "%s", line);
    cr_expect_eq(strchr(line, '\n')[1], '\0');

    const double p0[2] = {0.1, 0.2};
    double expected_first = train_loss(p0, train.xs, train.ys, NULL);
    cr_expect(fabs(losses[0] - expected_first) <= 1e-15 * expected_first, "%.17g vs %.17g",
              losses[0], expected_first);
    cr_expect_gt(losses[0], 0.1);
    /* Adam need not descend every epoch, but it does over every 50 (convergence here is
     * geometric), down to the optimum 0. */
    for (int k = 50; k <= 600; k += 50)
        cr_expect(losses[k] < losses[k - 50] / 2 || losses[k] < 1e-24,
                  "epoch %d: %g after %g", k, losses[k], losses[k - 50]);
    double last = losses[600];
    cr_expect_lt(last, 1e-16, "final loss %g", last);

    /* The saved vector is the final one: its loss is the final loss, and it fits. */
    double p[2];
    read_saved(train.saved, p, 2);
    cr_expect(fabs(train_loss(p, train.xs, train.ys, NULL) - last) <= 1e-15);
    for (int m = 0; m < TRAIN_SAMPLES; m++) {
        double v[2];
        a_values(p, train.xs[m], v);
        cr_expect(fabs(v[0] - train.ys[m]) < 1e-7);
    }
    cr_expect_eq(directory_entries(train.dir), 1, "a temporary file was left behind");
    run_free(&r);
    remove_file(start);
    train_setup_free(&train);
}

Test(runtime_cli, adam_steps_match_a_hand_written_adam)
{
    TrainSetup train;
    train_setup(&train, "p");
    /* From zeros (no --params): the gradient of f0 in θ0 is 0 there, so Adam's first
     * θ0 step is 0/(0 + ε) = 0 and the ε matters. */
    Run r = RUN(&SIM_A, "--train", train.data, "--epochs", "3", "--lr", "0.1", "--save",
                train.saved, "--format", "json");
    cr_assert_eq(r.status, 0, "%s", r.err);

    double p[2] = {0, 0}, m[2] = {0, 0}, v[2] = {0, 0}, losses[4];
    for (int t = 1; t <= 3; t++) {
        double g[2];
        losses[t - 1] = train_loss(p, train.xs, train.ys, g);
        for (int j = 0; j < 2; j++) {
            m[j] = 0.9 * m[j] + 0.1 * g[j];
            v[j] = 0.999 * v[j] + 0.001 * g[j] * g[j];
            double mh = m[j] / (1 - pow(0.9, t)), vh = v[j] / (1 - pow(0.999, t));
            p[j] -= 0.1 * mh / (sqrt(vh) + 1e-8);
        }
    }
    losses[3] = train_loss(p, train.xs, train.ys, NULL);

    json_t *root = json_loads(r.out, 0, NULL);
    cr_assert(root, "%s", r.out);
    json_t *epochs = json_object_get(root, "epochs");
    cr_assert_eq(json_array_size(epochs), 3);
    for (size_t k = 0; k < 3; k++)
        cr_expect(fabs(json_real_value(json_array_get(epochs, k)) - losses[k]) <=
                  1e-14 * losses[k]);
    cr_expect(fabs(json_real_value(json_object_get(root, "final_loss")) - losses[3]) <=
              1e-14 * losses[3]);
    double saved_p[2];
    read_saved(train.saved, saved_p, 2);
    json_t *params = json_object_get(root, "params");
    for (size_t j = 0; j < 2; j++) {
        cr_expect(fabs(saved_p[j] - p[j]) <= 1e-14 * fabs(p[j]) + 1e-300, "%zu: %.17g vs %.17g",
                  j, saved_p[j], p[j]);
        cr_expect_eq(json_real_value(json_array_get(params, j)), saved_p[j]);
    }
    cr_expect_str_eq(json_string_value(json_array_get(json_object_get(root, "param_names"), 0)),
                     "theta[0]");
    json_decref(root);
    run_free(&r);

    /* --epochs 0: no step, the final loss at the start. */
    r = RUN(&SIM_A, "--train", train.data, "--epochs", "0");
    char *expected =
        format("final loss %.17g\n", train_loss((double[]){0, 0}, train.xs, train.ys, NULL));
    cr_expect_str_eq(r.out, expected);
    free(expected);
    run_free(&r);
    train_setup_free(&train);
}

Test(runtime_cli, failed_training_leaves_no_file)
{
    TrainSetup train;
    train_setup(&train, "params.txt");

    /* A bad line: nothing written at all. */
    char *bad = temp_file("0.1 0.2\n0.3\n");
    Run r = RUN(&SIM_A, "--train", bad, "--save", train.saved);
    cr_expect_eq(r.status, 1);
    char *where = format("%s:2: error: expected 1 input value and a label, found 1", bad);
    expect_contains(r.err, where);
    free(where);
    cr_expect_eq(directory_entries(train.dir), 0);
    run_free(&r);
    remove_file(bad);

    /* A failing gradient after the temporary file exists: it is removed, and a file already
     * at the target is left as it was. */
    FILE *f = fopen(train.saved, "w");
    fputs("old\n", f);
    fclose(f);
    r = RUN(&SIM_FAILING, "--train", train.data, "--save", train.saved);
    cr_expect_eq(r.status, 1);
    expect_contains(r.err, "evaluation failed: out of memory");
    cr_expect_eq(directory_entries(train.dir), 1);
    f = fopen(train.saved, "r");
    char text[16] = "";
    cr_expect(fgets(text, sizeof text, f) != NULL);
    fclose(f);
    cr_expect_str_eq(text, "old\n");
    run_free(&r);

    /* Nowhere to write. */
    r = RUN(&SIM_A, "--train", train.data, "--save", "/nonexistent/ansc/params.txt");
    cr_expect_eq(r.status, 1);
    expect_contains(r.err, "/nonexistent/ansc/params.txt: error: cannot create a file beside it");
    cr_expect_str_eq(r.out, "");
    run_free(&r);

    /* No samples, and a simulator without a gradient. */
    char *empty = temp_file("# none\n");
    r = RUN(&SIM_A, "--train", empty);
    cr_expect_eq(r.status, 1);
    expect_contains(r.err, "no samples to train on");
    run_free(&r);
    remove_file(empty);
    r = RUN(&SIM_A_NO_GRAD, "--train", train.data);
    cr_expect_eq(r.status, 1);
    expect_contains(r.err, "no gradient function");
    run_free(&r);

    train_setup_free(&train);
}
