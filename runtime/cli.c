/*
 * cli.c — the command line of a built simulator: ans_main and ans_main_streams.
 *
 * One pass reads the options (CLI_OPTIONS below is the single list behind the parser and
 * --help), a second checks how they combine, and the run reads the vectors and dispatches
 * to one of four modes: a single evaluation (with --grad, the gradient too), --sample
 * (mean and unbiased variance over random parameter vectors), --batch (one evaluation per
 * input line) and --train (Adam, train.c). Exit statuses: 0 success, 1 bad input files or
 * values or a failed evaluation (file:line messages from vectors.c), 2 bad usage (a message
 * and a pointer to --help). Nothing here exits the process: ans_main returns the status.
 *
 * Output is written only once its contents are known (a failure half-way leaves no half
 * JSON document), except the per-epoch loss lines of text training, which are progress.
 * --save writes a temporary file beside the target, created before training so that an
 * unwritable place fails at once, and renames it over the target only when complete.
 */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* X(ID, NAME, ARGUMENT, HELP): ARGUMENT NULL for a flag. */
#define CLI_OPTIONS(X)                                                                         \
    X(PARAMS, "--params", "FILE", "parameter vector: reals in declaration order ('-': stdin); "  \
                                  "default all zeros")                                         \
    X(RANDOM, "--random", "SEED", "draw each parameter uniformly from [0, 2pi) instead "         \
                                  "(SEED: 0 to 2^64-1)")                                       \
    X(INPUTS, "--inputs", "FILE", "input vector, same format (needed when there are inputs)")    \
    X(STATE, "--state", "FILE", "state input: lines 'PAULI VALUE' giving Tr(rho P)")             \
    X(LIST, "--list-state-paulis", NULL, "print the Pauli strings --state must give, and exit")  \
    X(GRAD, "--grad", NULL, "also print d OBSERVABLE / d PARAM for every pair")                   \
    X(SAMPLE, "--sample", "N", "with --random: mean and variance over N >= 2 random vectors")    \
    X(BATCH, "--batch", "FILE", "evaluate each line's input vector (a label may follow)")        \
    X(TRAIN, "--train", "FILE", "fit the first observable to lines 'INPUTS LABEL' (Adam)")      \
    X(EPOCHS, "--epochs", "K", "training epochs (default 100)")                                 \
    X(LR, "--lr", "R", "Adam's learning rate (default 0.01)")                                   \
    X(SAVE, "--save", "FILE", "write the trained parameters there, one a line")                 \
    X(FORMAT, "--format", "text|json", "output format (default text)")                          \
    X(HELP, "--help", NULL, "print this help and exit")

typedef enum CliOptionId {
#define CLI_ENUM(id, name, argument, help) CLI_OPT_##id,
    CLI_OPTIONS(CLI_ENUM)
#undef CLI_ENUM
        CLI_OPT_COUNT
} CliOptionId;

typedef struct CliOptionSpec {
    const char *name, *argument, *help;
} CliOptionSpec;

static const CliOptionSpec cli_option_specs[CLI_OPT_COUNT] = {
#define CLI_SPEC(id, name, argument, help) {name, argument, help},
    CLI_OPTIONS(CLI_SPEC)
#undef CLI_SPEC
};

typedef enum CliMode { CLI_EVAL, CLI_SAMPLE, CLI_BATCH, CLI_TRAIN } CliMode;

typedef struct CliOptions {
    const char *program;
    const char *value[CLI_OPT_COUNT]; /* the argument of each option given, or "" for a flag */
    uint64_t seed, samples;
    uint32_t epochs;
    double rate;
    int json;
    CliMode mode;
} CliOptions;

/* ---- reading the options ------------------------------------------------------------ */

static int cli_usage_error(const CliOptions *o, FILE *err, const char *format, ...)
    ANS_PRINTF(3, 4);
static int cli_usage_error(const CliOptions *o, FILE *err, const char *format, ...)
{
    fprintf(err, "%s: error: ", o->program);
    va_list args;
    va_start(args, format);
    vfprintf(err, format, args);
    va_end(args);
    fprintf(err, "\nTry '%s --help' for the options.\n", o->program);
    return 2;
}

/* A decimal integer in [0, 2^64): digits only. */
static int cli_parse_u64(const char *text, uint64_t *value)
{
    *value = 0;
    if (!*text)
        return 1;
    for (const char *p = text; *p; p++) {
        if (*p < '0' || *p > '9')
            return 1;
        unsigned digit = (unsigned)(*p - '0');
        if (*value > (UINT64_MAX - digit) / 10)
            return 1;
        *value = *value * 10 + digit;
    }
    return 0;
}

static int cli_parse_real(const char *text, double *value)
{
    char *end;
    errno = 0;
    *value = strtod(text, &end);
    return !*text || *end || !isfinite(*value);
}

static int cli_given(const CliOptions *o, CliOptionId id) { return o->value[id] != NULL; }

/* The options' numbers, and the rules for combining them. */
static int cli_check(CliOptions *o, FILE *err)
{
    const char *const *v = o->value;
    if (v[CLI_OPT_RANDOM] && cli_parse_u64(v[CLI_OPT_RANDOM], &o->seed))
        return cli_usage_error(o, err, "--random needs a seed, an integer from 0 to "
                               "18446744073709551615, not '%s'", v[CLI_OPT_RANDOM]);
    if (v[CLI_OPT_SAMPLE] && (cli_parse_u64(v[CLI_OPT_SAMPLE], &o->samples) || o->samples < 2))
        return cli_usage_error(o, err, "--sample needs a count N >= 2 (the variance divides by "
                               "N - 1), not '%s'", v[CLI_OPT_SAMPLE]);
    uint64_t epochs = 100;
    if (v[CLI_OPT_EPOCHS] && (cli_parse_u64(v[CLI_OPT_EPOCHS], &epochs) || epochs >= UINT32_MAX))
        return cli_usage_error(o, err, "--epochs needs a count from 0 to 4294967294, not '%s'",
                               v[CLI_OPT_EPOCHS]);
    o->epochs = (uint32_t)epochs;
    o->rate = 0.01;
    if (v[CLI_OPT_LR] && (cli_parse_real(v[CLI_OPT_LR], &o->rate) || !(o->rate > 0)))
        return cli_usage_error(o, err, "--lr needs a positive real, not '%s'", v[CLI_OPT_LR]);
    if (v[CLI_OPT_FORMAT] && strcmp(v[CLI_OPT_FORMAT], "text") != 0 &&
        strcmp(v[CLI_OPT_FORMAT], "json") != 0)
        return cli_usage_error(o, err, "--format is text or json, not '%s'",
                               v[CLI_OPT_FORMAT]);
    o->json = v[CLI_OPT_FORMAT] && strcmp(v[CLI_OPT_FORMAT], "json") == 0;

    int modes = cli_given(o, CLI_OPT_SAMPLE) + cli_given(o, CLI_OPT_BATCH) +
                cli_given(o, CLI_OPT_TRAIN);
    if (modes > 1)
        return cli_usage_error(o, err, "--sample, --batch and --train exclude one another");
    o->mode = v[CLI_OPT_SAMPLE] ? CLI_SAMPLE
              : v[CLI_OPT_BATCH] ? CLI_BATCH
              : v[CLI_OPT_TRAIN] ? CLI_TRAIN
                                 : CLI_EVAL;
    if (v[CLI_OPT_PARAMS] && v[CLI_OPT_RANDOM])
        return cli_usage_error(o, err, "--params and --random exclude one another");
    if (o->mode == CLI_SAMPLE && !v[CLI_OPT_RANDOM])
        return cli_usage_error(o, err, "--sample needs --random SEED");
    if (v[CLI_OPT_GRAD] && o->mode != CLI_EVAL)
        return cli_usage_error(o, err, "--grad goes with a single evaluation, not with %s",
                               cli_option_specs[o->mode == CLI_SAMPLE  ? CLI_OPT_SAMPLE
                                                : o->mode == CLI_BATCH ? CLI_OPT_BATCH
                                                                       : CLI_OPT_TRAIN]
                                   .name);
    if (v[CLI_OPT_INPUTS] && (o->mode == CLI_BATCH || o->mode == CLI_TRAIN))
        return cli_usage_error(o, err, "--inputs does not go with %s: its lines hold the inputs",
                               o->mode == CLI_BATCH ? "--batch" : "--train");
    static const CliOptionId training[] = {CLI_OPT_EPOCHS, CLI_OPT_LR, CLI_OPT_SAVE};
    for (size_t i = 0; i < sizeof training / sizeof *training; i++)
        if (v[training[i]] && o->mode != CLI_TRAIN)
            return cli_usage_error(o, err, "%s goes with --train",
                                   cli_option_specs[training[i]].name);
    static const CliOptionId files[] = {CLI_OPT_PARAMS, CLI_OPT_INPUTS, CLI_OPT_STATE,
                                        CLI_OPT_BATCH, CLI_OPT_TRAIN};
    int from_stdin = 0;
    for (size_t i = 0; i < sizeof files / sizeof *files; i++)
        from_stdin += v[files[i]] && strcmp(v[files[i]], "-") == 0;
    if (from_stdin > 1)
        return cli_usage_error(o, err, "only one file can be read from stdin ('-')");
    return 0;
}

/* --name VALUE, --name=VALUE, or a flag; a later option overrides an earlier one. */
static int cli_parse(CliOptions *o, int argc, char **argv, FILE *err)
{
    *o = (CliOptions){.program = argc > 0 && argv[0] ? argv[0] : "simulator"};
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "-h") == 0)
            arg = "--help";
        if (strncmp(arg, "--", 2) != 0)
            return cli_usage_error(o, err, "unexpected argument '%s'", arg);
        const char *equals = strchr(arg, '=');
        size_t length = equals ? (size_t)(equals - arg) : strlen(arg);
        int id = 0;
        while (id < CLI_OPT_COUNT && !(strlen(cli_option_specs[id].name) == length &&
                                       strncmp(cli_option_specs[id].name, arg, length) == 0))
            id++;
        if (id == CLI_OPT_COUNT)
            return cli_usage_error(o, err, "unknown option '%.*s'", (int)length, arg);
        const CliOptionSpec *spec = &cli_option_specs[id];
        if (!spec->argument) {
            if (equals)
                return cli_usage_error(o, err, "%s takes no value", spec->name);
            o->value[id] = "";
            continue;
        }
        if (equals) {
            o->value[id] = equals + 1;
        } else if (i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0) {
            o->value[id] = argv[++i];
        } else {
            return cli_usage_error(o, err, "%s needs a value (%s)", spec->name, spec->argument);
        }
    }
    return 0;
}

/* ---- help and names ----------------------------------------------------------------- */

static const char *cli_name(const char *const *names, uint32_t i)
{
    return names && names[i] ? names[i] : "?";
}

static void cli_help(const AnsSim *sim, const CliOptions *o, FILE *out)
{
    const AnsSimInfo *info = sim->info;
    fprintf(out, "Usage: %s [options]\n", o->program);
    fprintf(out, "Simulates ansatz '%s' (method %s, %u qubits; parameters: %u, inputs: %u, "
                 "observables: %u).\n\nOptions:\n",
            info->ansatz ? info->ansatz : "?", info->method ? info->method : "?",
            (unsigned)info->nqubits, (unsigned)info->nparams, (unsigned)info->ninputs,
            (unsigned)info->nobservables);
    for (int id = 0; id < CLI_OPT_COUNT; id++) {
        const CliOptionSpec *spec = &cli_option_specs[id];
        char left[64];
        snprintf(left, sizeof left, "%s%s%s", spec->name, spec->argument ? " " : "",
                 spec->argument ? spec->argument : "");
        fprintf(out, "  %-26s %s\n", left, spec->help);
    }
    fputs("\nOutput: one line 'NAME VALUE' per observable (%.17g). Exit status: 0 success, "
          "1 bad input\nor failed evaluation, 2 bad usage.\n",
          out);
}

static void cli_list_state(const AnsSimInfo *info, const CliOptions *o, FILE *out)
{
    if (o->json) {
        fputs("{\"state_paulis\": ", out);
        ans_put_json_strings(out, info->state_paulis, info->nstate_paulis);
        fputs("}\n", out);
        return;
    }
    for (uint32_t i = 0; i < info->nstate_paulis; i++)
        fprintf(out, "%s\n", cli_name(info->state_paulis, i));
}

/* ---- the vectors of a run ----------------------------------------------------------- */

typedef struct CliRun {
    const AnsSim *sim;
    const CliOptions *o;
    FILE *out, *err;
    double *params, *inputs, *state, *values, *grad;
} CliRun;

static int cli_run_alloc(CliRun *r)
{
    const AnsSimInfo *info = r->sim->info;
    r->params = calloc(info->nparams + 1, sizeof(double));
    r->inputs = calloc(info->ninputs + 1, sizeof(double));
    r->state = calloc(info->nstate_paulis + 1, sizeof(double));
    r->values = calloc(info->nobservables + 1, sizeof(double));
    r->grad = calloc((size_t)info->nobservables * info->nparams + 1, sizeof(double));
    return !r->params || !r->inputs || !r->state || !r->values || !r->grad;
}

static void cli_run_free(CliRun *r)
{
    free(r->params);
    free(r->inputs);
    free(r->state);
    free(r->values);
    free(r->grad);
}

static void cli_draw(const AnsSimInfo *info, AnsRandom *random, double *params)
{
    for (uint32_t j = 0; j < info->nparams; j++)
        params[j] = ans_random_angle(random);
}

/* Parameters, inputs and state as the options say; 1 after reporting a fault. */
static int cli_read_vectors(CliRun *r, AnsRandom *random)
{
    const AnsSimInfo *info = r->sim->info;
    const char *const *v = r->o->value;
    if (v[CLI_OPT_PARAMS] && ans_read_reals(v[CLI_OPT_PARAMS], "parameter", r->params,
                                            info->nparams, r->err))
        return 1;
    if (v[CLI_OPT_RANDOM])
        cli_draw(info, random, r->params);
    if (r->o->mode == CLI_EVAL || r->o->mode == CLI_SAMPLE) {
        if (v[CLI_OPT_INPUTS]) {
            if (ans_read_reals(v[CLI_OPT_INPUTS], "input", r->inputs, info->ninputs, r->err))
                return 1;
        } else if (info->ninputs > 0) {
            ans_report(r->err, r->o->program, 0, 0, "this simulator takes %u input value%s (%s%s): give "
                       "them with --inputs FILE",
                       (unsigned)info->ninputs, info->ninputs == 1 ? "" : "s",
                       cli_name(info->input_names, 0), info->ninputs > 1 ? ", ..." : "");
            return 1;
        }
    }
    if (v[CLI_OPT_STATE]) {
        if (ans_read_state(v[CLI_OPT_STATE], info, r->state, r->err))
            return 1;
    } else if (info->nstate_paulis > 0) {
        ans_report(r->err, r->o->program, 0, 0, "this simulator takes a state input: give Tr(rho P) for "
                   "the %u Pauli strings --list-state-paulis prints with --state FILE",
                   (unsigned)info->nstate_paulis);
        return 1;
    }
    return 0;
}

static int cli_failed(CliRun *r, const char *file, uint32_t line, int status)
{
    ans_report(r->err, file ? file : r->o->program, line, 0, "evaluation failed: %s", ans_status_message(status));
    return 1;
}

/* ---- modes ------------------------------------------------------------------------------ */

/* text: NAME VALUE, then d NAME / d PARAM VALUE; json: one object (docs/simulator.md). */
static int cli_eval(CliRun *r)
{
    const AnsSimInfo *info = r->sim->info;
    int grad = r->o->value[CLI_OPT_GRAD] != NULL;
    int status = grad ? r->sim->grad(r->params, r->inputs, r->state, r->values, r->grad)
                      : r->sim->eval(r->params, r->inputs, r->state, r->values);
    if (status != ANS_OK)
        return cli_failed(r, NULL, 0, status);
    FILE *out = r->out;
    if (!r->o->json) {
        for (uint32_t k = 0; k < info->nobservables; k++) {
            fprintf(out, "%s ", cli_name(info->observable_names, k));
            ans_put_real(out, r->values[k]);
            fputc('\n', out);
        }
        for (uint32_t k = 0; grad && k < info->nobservables; k++)
            for (uint32_t j = 0; j < info->nparams; j++) {
                fprintf(out, "d %s / d %s ", cli_name(info->observable_names, k),
                        cli_name(info->param_names, j));
                ans_put_real(out, r->grad[(size_t)k * info->nparams + j]);
                fputc('\n', out);
            }
        return 0;
    }
    fputs("{\n  \"ansatz\": ", out);
    ans_put_json_string(out, info->ansatz);
    fputs(",\n  \"method\": ", out);
    ans_put_json_string(out, info->method);
    fputs(",\n  \"param_names\": ", out);
    ans_put_json_strings(out, info->param_names, info->nparams);
    fputs(",\n  \"params\": ", out);
    ans_put_json_reals(out, r->params, info->nparams);
    fputs(",\n  \"observables\": [", out);
    for (uint32_t k = 0; k < info->nobservables; k++) {
        fputs(k ? ",\n    {\"name\": " : "\n    {\"name\": ", out);
        ans_put_json_string(out, cli_name(info->observable_names, k));
        fputs(", \"value\": ", out);
        ans_put_json_real(out, r->values[k]);
        if (grad) {
            fputs(", \"gradient\": ", out);
            ans_put_json_reals(out, r->grad + (size_t)k * info->nparams, info->nparams);
        }
        fputc('}', out);
    }
    fputs(info->nobservables ? "\n  ]\n}\n" : "]\n}\n", out);
    return 0;
}

/* Welford's running mean and sum of squared deviations, one pair per observable. */
static int cli_sample(CliRun *r, AnsRandom *random)
{
    const AnsSimInfo *info = r->sim->info;
    uint32_t nobs = info->nobservables;
    double *mean = calloc(nobs + 1, sizeof *mean), *squares = calloc(nobs + 1, sizeof *squares);
    int status = mean && squares ? ANS_OK : ANS_ERR_MEMORY;
    /* The first vector was drawn by cli_read_vectors: --random SEED alone evaluates the
     * first sample of --sample N --random SEED. */
    for (uint64_t s = 0; s < r->o->samples && status == ANS_OK; s++) {
        if (s > 0)
            cli_draw(info, random, r->params);
        status = r->sim->eval(r->params, r->inputs, r->state, r->values);
        for (uint32_t k = 0; k < nobs && status == ANS_OK; k++) {
            double delta = r->values[k] - mean[k];
            mean[k] += delta / (double)(s + 1);
            squares[k] += delta * (r->values[k] - mean[k]);
        }
    }
    if (status == ANS_OK) {
        FILE *out = r->out;
        double n1 = (double)(r->o->samples - 1);
        if (r->o->json)
            fprintf(out, "{\n  \"samples\": %llu,\n  \"observables\": [",
                    (unsigned long long)r->o->samples);
        for (uint32_t k = 0; k < nobs; k++) {
            const char *name = cli_name(info->observable_names, k);
            if (r->o->json) {
                fputs(k ? ",\n    {\"name\": " : "\n    {\"name\": ", out);
                ans_put_json_string(out, name);
                fputs(", \"mean\": ", out);
                ans_put_json_real(out, mean[k]);
                fputs(", \"variance\": ", out);
                ans_put_json_real(out, squares[k] / n1);
                fputc('}', out);
            } else {
                fprintf(out, "%s mean ", name);
                ans_put_real(out, mean[k]);
                fputs(" variance ", out);
                ans_put_real(out, squares[k] / n1);
                fputc('\n', out);
            }
        }
        if (r->o->json)
            fputs(nobs ? "\n  ]\n}\n" : "]\n}\n", out);
    }
    free(mean);
    free(squares);
    return status == ANS_OK ? 0 : cli_failed(r, NULL, 0, status);
}

static int cli_batch(CliRun *r)
{
    const AnsSimInfo *info = r->sim->info;
    const char *path = r->o->value[CLI_OPT_BATCH];
    AnsRows rows;
    if (ans_read_rows(path, info->ninputs, ANS_LABELS_OPTIONAL, &rows, r->err))
        return 1;
    uint32_t nobs = info->nobservables;
    double *results = malloc(((size_t)rows.count * nobs + 1) * sizeof *results);
    int status = results ? ANS_OK : ANS_ERR_MEMORY;
    uint32_t m = 0;
    for (; m < rows.count && status == ANS_OK; m++)
        status = r->sim->eval(r->params, rows.values + (size_t)m * rows.width, r->state,
                              results + (size_t)m * nobs);
    if (status != ANS_OK) {
        cli_failed(r, ans_file_label(path), m > 0 ? rows.lines[m - 1] : 0, status);
    } else if (r->o->json) {
        fputs("{\n  \"observables\": ", r->out);
        ans_put_json_strings(r->out, info->observable_names, nobs);
        fputs(",\n  \"results\": [", r->out);
        for (m = 0; m < rows.count; m++) {
            fputs(m ? ",\n    " : "\n    ", r->out);
            ans_put_json_reals(r->out, results + (size_t)m * nobs, nobs);
        }
        fputs(rows.count ? "\n  ]\n}\n" : "]\n}\n", r->out);
    } else {
        for (m = 0; m < rows.count; m++) {
            for (uint32_t k = 0; k < nobs; k++) {
                if (k)
                    fputc(' ', r->out);
                ans_put_real(r->out, results[(size_t)m * nobs + k]);
            }
            fputc('\n', r->out);
        }
    }
    free(results);
    ans_rows_free(&rows);
    return status == ANS_OK ? 0 : 1;
}

/* ---- training and --save ---------------------------------------------------------------- */

typedef struct CliSave {
    const char *path;
    char *temporary;
    FILE *file;
} CliSave;

/* The temporary file beside the target (same directory, so the rename is atomic). */
static int cli_save_open(CliSave *save, const char *path, FILE *err)
{
    *save = (CliSave){.path = path};
    size_t length = strlen(path);
    save->temporary = malloc(length + 8);
    if (!save->temporary) {
        ans_report(err, path, 0, 0, "out of memory");
        return 1;
    }
    memcpy(save->temporary, path, length);
    memcpy(save->temporary + length, ".XXXXXX", 8);
    int fd = mkstemp(save->temporary);
    if (fd < 0) {
        ans_report(err, path, 0, 0, "cannot create a file beside it: %s", strerror(errno));
        free(save->temporary);
        save->temporary = NULL;
        return 1;
    }
    /* mkstemp makes the file private (0600); give it the mode a new file would have. */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    save->file = fdopen(fd, "w");
    if (!save->file) {
        ans_report(err, path, 0, 0, "cannot write: %s", strerror(errno));
        close(fd);
        unlink(save->temporary);
        free(save->temporary);
        save->temporary = NULL;
        return 1;
    }
    return 0;
}

static void cli_save_abandon(CliSave *save)
{
    if (!save->temporary)
        return;
    if (save->file)
        fclose(save->file);
    unlink(save->temporary);
    free(save->temporary);
    save->temporary = NULL;
    save->file = NULL;
}

/* One parameter a line, %.17g; then flush, sync and rename over the target. */
static int cli_save_commit(CliSave *save, const double *params, uint32_t n, FILE *err)
{
    for (uint32_t j = 0; j < n; j++)
        fprintf(save->file, "%.17g\n", params[j]);
    int failed = fflush(save->file) != 0 || ferror(save->file) || fsync(fileno(save->file)) != 0;
    int saved_errno = errno;
    failed |= fclose(save->file) != 0;
    save->file = NULL;
    if (!failed && rename(save->temporary, save->path) != 0) {
        saved_errno = errno;
        failed = 1;
    }
    if (failed) {
        ans_report(err, save->path, 0, 0, "cannot write: %s", strerror(saved_errno));
        cli_save_abandon(save);
        return 1;
    }
    free(save->temporary);
    save->temporary = NULL;
    return 0;
}

/* Text progress: "epoch K loss VALUE" as each epoch starts, then "final loss VALUE". */
static void cli_print_epoch(void *context, uint32_t epoch, double loss)
{
    CliRun *r = context;
    if (epoch <= r->o->epochs)
        fprintf(r->out, "epoch %u loss ", (unsigned)epoch);
    else
        fputs("final loss ", r->out);
    ans_put_real(r->out, loss);
    fputc('\n', r->out);
    fflush(r->out);
}

static int cli_train(CliRun *r)
{
    const AnsSimInfo *info = r->sim->info;
    const char *path = r->o->value[CLI_OPT_TRAIN];
    if (!r->sim->grad || info->nobservables == 0) {
        ans_report(r->err, r->o->program, 0, 0, "%s", info->nobservables == 0
                                                 ? "training fits the first observable, and "
                                                   "this simulator has none"
                                                 : "this simulator has no gradient function");
        return 1;
    }
    AnsRows rows;
    if (ans_read_rows(path, info->ninputs, ANS_LABELS_REQUIRED, &rows, r->err))
        return 1;
    if (rows.count == 0) {
        ans_report(r->err, ans_file_label(path), 0, 0, "no samples to train on");
        ans_rows_free(&rows);
        return 1;
    }
    CliSave save = {0};
    const char *save_path = r->o->value[CLI_OPT_SAVE];
    if (save_path && cli_save_open(&save, save_path, r->err)) {
        ans_rows_free(&rows);
        return 1;
    }
    uint32_t epochs = r->o->epochs;
    /* only JSON keeps every epoch's loss (text prints each as it comes) */
    double *losses = r->o->json ? malloc(((size_t)epochs + 1) * sizeof *losses) : NULL;
    int exit_status = 0;
    if (r->o->json && !losses) {
        ans_report(r->err, r->o->program, 0, 0, "out of memory for the losses of %u epochs "
                   "(--format json keeps them all)", (unsigned)epochs);
        exit_status = 1;
    } else {
        int status = ans_train(r->sim, &rows, r->state, r->params, epochs, r->o->rate, losses,
                               r->o->json ? NULL : cli_print_epoch, r);
        if (status != ANS_OK)
            exit_status = cli_failed(r, NULL, 0, status);
    }
    for (uint32_t j = 0; exit_status == 0 && j < info->nparams; j++)
        if (!isfinite(r->params[j])) {
            ans_report(r->err, r->o->program, 0, 0, "training diverged: %s is not finite (try a smaller "
                       "--lr)", cli_name(info->param_names, j));
            exit_status = 1;
        }
    if (exit_status == 0 && save_path)
        exit_status = cli_save_commit(&save, r->params, info->nparams, r->err);
    cli_save_abandon(&save);
    if (exit_status == 0 && r->o->json) {
        fputs("{\n  \"epochs\": ", r->out);
        ans_put_json_reals(r->out, losses, epochs);
        fputs(",\n  \"final_loss\": ", r->out);
        ans_put_json_real(r->out, losses[epochs]);
        fputs(",\n  \"param_names\": ", r->out);
        ans_put_json_strings(r->out, info->param_names, info->nparams);
        fputs(",\n  \"params\": ", r->out);
        ans_put_json_reals(r->out, r->params, info->nparams);
        fputs("\n}\n", r->out);
    }
    free(losses);
    ans_rows_free(&rows);
    return exit_status;
}

/* ---- ans_main ------------------------------------------------------------------------- */

static int cli_run(const AnsSim *sim, const CliOptions *o, FILE *out, FILE *err)
{
    CliRun r = {.sim = sim, .o = o, .out = out, .err = err};
    if (cli_run_alloc(&r)) {
        cli_run_free(&r);
        ans_report(err, o->program, 0, 0, "out of memory");
        return 1;
    }
    AnsRandom random;
    ans_random_seed(&random, o->seed);
    int status = cli_read_vectors(&r, &random);
    if (status == 0 && o->value[CLI_OPT_GRAD] && !sim->grad) {
        ans_report(err, o->program, 0, 0, "this simulator has no gradient function");
        status = 1;
    }
    if (status == 0) {
        switch (o->mode) {
        case CLI_EVAL: status = cli_eval(&r); break;
        case CLI_SAMPLE: status = cli_sample(&r, &random); break;
        case CLI_BATCH: status = cli_batch(&r); break;
        case CLI_TRAIN: status = cli_train(&r); break;
        }
    }
    cli_run_free(&r);
    return status;
}

int ans_main_streams(const AnsSim *sim, int argc, char **argv, FILE *out, FILE *err)
{
    CliOptions o;
    int status = cli_parse(&o, argc, argv, err);
    if (status)
        return status;
    if (o.value[CLI_OPT_HELP]) {
        cli_help(sim, &o, out);
    } else {
        status = cli_check(&o, err);
        if (status)
            return status;
        if (o.value[CLI_OPT_LIST])
            cli_list_state(sim->info, &o, out);
        else
            status = cli_run(sim, &o, out, err);
    }
    if (fflush(out) != 0 || ferror(out)) {
        ans_report(err, o.program, 0, 0, "cannot write the output: %s", strerror(errno));
        return 1;
    }
    return status;
}

int ans_main(const AnsSim *sim, int argc, char **argv)
{
    return ans_main_streams(sim, argc, argv, stdout, stderr);
}
