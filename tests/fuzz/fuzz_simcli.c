/*
 * fuzz_simcli.c — libFuzzer harness for a built simulator's command line and input files.
 *
 * The simulator is a small one written here (no compiler, no LLVM): 3 parameters, 2 inputs,
 * 2 observables, a state input of 4 Pauli strings, with closed-form values and exact
 * gradients, so --grad, --sample and --train run on real numbers. Its second observable is
 * sqrt(x1)·…, NaN for a negative input, and the first overflows to ±inf or NaN for inputs
 * near DBL_MAX, so the runtime's handling of non-finite values (nan in text, null in JSON,
 * "training diverged") is reached too.
 *
 * An input is a header line, then the contents of the files, separated by "%%\n". Each
 * word of the header adds options: p, i, x, b, t give --params, --inputs, --state, --batch,
 * --train the next file ("p!" a file that does not exist, "p/" the directory, which opens
 * but cannot be read); s gives --save a path; g, h, L, j are --grad, --help,
 * --list-state-paulis, --format json; r, l, e, n, f followed by a value are --random,
 * --lr, --epochs, --sample, --format with that value ("e3" is "--epochs 3", "e=3" is
 * "--epochs=3", a bare "e" leaves the value to the next argument); a word starting with
 * '-' is passed as it is (unknown options, stray arguments); anything else is ignored.
 * So seeds read as text, e.g. "t x e2 s j\n0 1 0.5\n%%\nX0 0.5\n…". Inputs that would run
 * long are skipped: --epochs above 3, --sample above 64, more than 64 KiB. A word passed as
 * it is may not name an option, so every file the run reads is one written here (never
 * stdin) and every count is bounded.
 *
 * The files live in a directory of this process's own (TMPDIR or /tmp, named after the
 * pid, emptied before and removed after every run), and stdout and stderr are memory
 * streams. The harness aborts when the contract of docs/simulator.md breaks:
 *   - the exit status is 0, 1 or 2; status 0 writes nothing on stderr;
 *   - status 2 is one "sim: error: …" line and the "Try 'sim --help'" line;
 *   - status 1 is one line, "sim: error: …" or "FILE[:LINE[:COL]]: error: …" naming one of
 *     the run's files, whose LINE exists and whose COL points at a token's first byte;
 *   - output is whole lines; after a failure only text training's progress lines;
 *     JSON output of a successful run parses (jansson) as one object;
 *   - --save: after a failure (or --help, --list-state-paulis) the target does not exist,
 *     after a successful training it holds exactly nparams finite reals (equal to the JSON
 *     "params" when there are some), and the directory holds nothing else (no temporary
 *     left behind).
 * Besides these, ASan and UBSan report memory errors and undefined behaviour. The only
 * global with state is the entry point; the tables below are constant.
 */
#include "ansc_sim.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
    FUZZ_MAX_INPUT = 64 * 1024,
    FUZZ_MAX_HEADER = 256,
    FUZZ_MAX_ARGS = 64,
    FUZZ_MAX_FILES = 8,
    FUZZ_MAX_EPOCHS = 3,
    FUZZ_MAX_SAMPLES = 64,
    FUZZ_PATH = 512,
};

/* ---- the simulator ------------------------------------------------------------------ */

static const char *const SIM_PARAMS[] = {"theta[0]", "theta[1]", "phi"};
static const char *const SIM_INPUTS[] = {"x[0]", "x[1]"};
static const char *const SIM_OBSERVABLES[] = {"energy", "root"};
static const char *const SIM_STATE[] = {"X0", "Z1", "X0 Z1", "Y2"};
static const AnsSimInfo SIM_INFO = {.ansatz = "fuzz",
                                    .method = "pauli",
                                    .param_names = SIM_PARAMS,
                                    .input_names = SIM_INPUTS,
                                    .observable_names = SIM_OBSERVABLES,
                                    .state_paulis = SIM_STATE,
                                    .nqubits = 3,
                                    .nparams = 3,
                                    .ninputs = 2,
                                    .nobservables = 2,
                                    .nstate_paulis = 4,
                                    .truncate = 0};

/* energy = Σ_j cos θ_j (1 + x_{j mod 2}) + Σ_k s_k; root = √x1 sin θ0 cos θ2 + s3 sin θ1. */
static void sim_values(const double *p, const double *x, const double *s, double *v)
{
    v[0] = s[0] + s[1] + s[2] + s[3];
    for (int j = 0; j < 3; j++)
        v[0] += cos(p[j]) * (1 + x[j % 2]);
    v[1] = sqrt(x[1]) * sin(p[0]) * cos(p[2]) + s[3] * sin(p[1]);
}

static int sim_eval(const double *p, const double *x, const double *s, double *v)
{
    sim_values(p, x, s, v);
    return ANS_OK;
}

static int sim_grad(const double *p, const double *x, const double *s, double *v, double *g)
{
    sim_values(p, x, s, v);
    for (int j = 0; j < 3; j++)
        g[j] = -sin(p[j]) * (1 + x[j % 2]);
    double root = sqrt(x[1]);
    g[3] = root * cos(p[0]) * cos(p[2]);
    g[4] = s[3] * cos(p[1]);
    g[5] = -root * sin(p[0]) * sin(p[2]);
    return ANS_OK;
}

/* ---- one run's files and arguments -------------------------------------------------- */

typedef struct FuzzFile {
    char path[FUZZ_PATH];
    const char *data;
    size_t size;
} FuzzFile;

typedef struct FuzzRun {
    char dir[FUZZ_PATH], save[FUZZ_PATH], missing[FUZZ_PATH];
    FuzzFile files[FUZZ_MAX_FILES];
    size_t nfiles;
    const char *sections; /* the input after the header line */
    size_t sections_size, sections_at;
    char *argv[FUZZ_MAX_ARGS + 1];
    int argc;
    char text[8192]; /* the arguments' bytes */
    size_t text_used;
    bool json, saves;
} FuzzRun;

/* One more argument, formatted into run->text; false when there is no room. */
static bool fuzz_arg(FuzzRun *run, const char *format, ...) __attribute__((format(printf, 2, 3)));
static bool fuzz_arg(FuzzRun *run, const char *format, ...)
{
    size_t room = sizeof run->text - run->text_used;
    if (run->argc >= FUZZ_MAX_ARGS)
        return false;
    va_list args;
    va_start(args, format);
    int n = vsnprintf(run->text + run->text_used, room, format, args);
    va_end(args);
    if (n < 0 || (size_t)n >= room)
        return false;
    run->argv[run->argc++] = run->text + run->text_used;
    run->text_used += (size_t)n + 1;
    return true;
}

/* --name VALUE, --name=VALUE (for a value "=…"), or --name alone (an empty value). A NUL
 * in the value ends it, as it would on a real command line. */
static bool fuzz_option(FuzzRun *run, const char *name, const char *value, size_t length)
{
    if (length == 0)
        return fuzz_arg(run, "%s", name);
    if (value[0] == '=')
        return fuzz_arg(run, "%s%.*s", name, (int)length, value);
    return fuzz_arg(run, "%s", name) && fuzz_arg(run, "%.*s", (int)length, value);
}

/* A new file holding the next "%%\n"-separated section (empty once they are used up);
 * its path, or NULL when there are too many. */
static const char *fuzz_next_file(FuzzRun *run)
{
    if (run->nfiles == FUZZ_MAX_FILES)
        return NULL;
    FuzzFile *f = &run->files[run->nfiles++];
    snprintf(f->path, sizeof f->path, "%s/f%zu.txt", run->dir, run->nfiles - 1);
    const char *start = run->sections + run->sections_at;
    size_t left = run->sections_size - run->sections_at, n = 0;
    while (n < left && !(n + 3 <= left && memcmp(start + n, "%%\n", 3) == 0))
        n++;
    f->data = start;
    f->size = n;
    run->sections_at += n < left ? n + 3 : n;
    return f->path;
}

/* A count's value as given: false when it is a number above max (a long run, not a
 * finding); anything that is not a number is a usage error and is kept. */
static bool fuzz_count_ok(const char *value, size_t length, unsigned max)
{
    if (length && value[0] == '=')
        value++, length--;
    unsigned n = 0;
    for (size_t i = 0; i < length && value[i]; i++) {
        if (value[i] < '0' || value[i] > '9')
            return true;
        n = n * 10 + (unsigned)(value[i] - '0');
        if (n > max)
            return false;
    }
    return true;
}

/* A word passed as it is must not name an option (-h included), so that every file read
 * is one of ours and every count is checked. */
static bool fuzz_verbatim_ok(const char *word, size_t length)
{
    static const char *const names[] = {
        "--params", "--random", "--inputs", "--state",  "--list-state-paulis",
        "--grad",   "--sample", "--batch",  "--train",  "--epochs",
        "--lr",     "--save",   "--format", "--help",   "-h"};
    size_t name_length = 0;
    while (name_length < length && word[name_length] != '=' && word[name_length] != '\0')
        name_length++;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strlen(names[i]) == name_length && memcmp(names[i], word, name_length) == 0)
            return false;
    return true;
}

/* One header word (see the top of the file); false to skip the input. */
static bool fuzz_word(FuzzRun *run, const char *word, size_t length)
{
    length = strnlen(word, length); /* a NUL ends the argument, as on a real command line */
    if (length == 0)
        return true;
    const char *rest = word + 1;
    size_t rest_length = length - 1;
    const char *with_value = NULL, *flag = NULL, *file = NULL;
    switch (word[0]) {
    case 'p': file = "--params"; break;
    case 'i': file = "--inputs"; break;
    case 'x': file = "--state"; break;
    case 'b': file = "--batch"; break;
    case 't': file = "--train"; break;
    case 's': file = "--save"; break;
    case 'g': flag = "--grad"; break;
    case 'h': flag = "--help"; break;
    case 'L': flag = "--list-state-paulis"; break;
    case 'r': with_value = "--random"; break;
    case 'l': with_value = "--lr"; break;
    case 'e':
        if (!fuzz_count_ok(rest, rest_length, FUZZ_MAX_EPOCHS))
            return false;
        with_value = "--epochs";
        break;
    case 'n':
        if (!fuzz_count_ok(rest, rest_length, FUZZ_MAX_SAMPLES))
            return false;
        with_value = "--sample";
        break;
    case 'j':
        run->json = true;
        return fuzz_arg(run, "--format") && fuzz_arg(run, "json");
    case 'f': {
        const char *value = rest_length && rest[0] == '=' ? rest + 1 : rest;
        size_t value_length = rest_length - (size_t)(value - rest);
        run->json = value_length == 4 && memcmp(value, "json", 4) == 0;
        with_value = "--format";
        break;
    }
    case '-':
        return fuzz_verbatim_ok(word, length) && fuzz_arg(run, "%.*s", (int)length, word);
    default: return true; /* ignored */
    }
    if (with_value)
        return fuzz_option(run, with_value, rest, rest_length);
    if (flag)
        return rest_length ? fuzz_arg(run, "%s=%.*s", flag, (int)rest_length, rest)
                           : fuzz_arg(run, "%s", flag);
    bool equals = rest_length && rest[0] == '=';
    char how = rest_length > (size_t)equals ? rest[equals] : '\0';
    const char *path = run->save;
    if (word[0] == 's')
        run->saves = true;
    else if (how == '!')
        path = run->missing; /* cannot be opened */
    else if (how == '/')
        path = run->dir; /* opens, but cannot be read */
    else if (!(path = fuzz_next_file(run)))
        return false;
    return equals ? fuzz_arg(run, "%s=%s", file, path)
                  : fuzz_option(run, file, path, strlen(path));
}

/* The header line's words into argv and files; false to skip the input. */
static bool fuzz_decode(FuzzRun *run, const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const char *newline = memchr(text, '\n', size);
    size_t header = newline ? (size_t)(newline - text) : size;
    if (header > FUZZ_MAX_HEADER)
        return false;
    run->sections = newline ? newline + 1 : text + size;
    run->sections_size = newline ? size - header - 1 : 0;
    if (!fuzz_arg(run, "sim"))
        return false;
    for (size_t i = 0; i < header;) {
        size_t end = i;
        while (end < header && text[end] != ' ')
            end++;
        if (end > i && !fuzz_word(run, text + i, end - i))
            return false;
        i = end + 1;
    }
    run->argv[run->argc] = NULL;
    return true;
}

/* ---- the files on disk ---------------------------------------------------------------- */

/* Remove every entry of the run's directory; with check, abort on any that is not one of
 * the run's files or (when saved) the save target. */
static void fuzz_clear(const FuzzRun *run, bool check, bool saved)
{
    DIR *d = opendir(run->dir);
    if (!d)
        abort();
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char path[2 * FUZZ_PATH];
        snprintf(path, sizeof path, "%s/%s", run->dir, e->d_name);
        bool ours = saved && strcmp(path, run->save) == 0;
        for (size_t i = 0; i < run->nfiles && !ours; i++)
            ours = strcmp(path, run->files[i].path) == 0;
        if (check && !ours)
            abort(); /* a temporary left behind, or a file written where none should be */
        unlink(path);
    }
    closedir(d);
}

static void fuzz_write_files(const FuzzRun *run)
{
    for (size_t i = 0; i < run->nfiles; i++) {
        FILE *f = fopen(run->files[i].path, "wb");
        if (!f || fwrite(run->files[i].data, 1, run->files[i].size, f) != run->files[i].size ||
            fclose(f) != 0)
            abort();
    }
}

/* ---- the contract --------------------------------------------------------------------- */

static bool fuzz_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* LINE exists in the file (line 1 always: an empty file's count error names it), and COL,
 * when given, is the first byte of a token before any comment. */
static void fuzz_check_position(const FuzzFile *f, unsigned long line, unsigned long column)
{
    if (line == 0)
        abort();
    size_t at = 0;
    for (unsigned long k = 1; k < line; k++) {
        const char *newline = memchr(f->data + at, '\n', f->size - at);
        if (!newline || (size_t)(newline - f->data) + 1 >= f->size)
            abort();
        at = (size_t)(newline - f->data) + 1;
    }
    if (column == 0)
        return;
    const char *newline = memchr(f->data + at, '\n', f->size - at);
    size_t end = newline ? (size_t)(newline - f->data) : f->size;
    if (column > end - at)
        abort();
    const char *token = f->data + at + column - 1;
    if (fuzz_is_space(*token) || *token == '#' || memchr(f->data + at, '#', column - 1) ||
        (column > 1 && !fuzz_is_space(token[-1])))
        abort();
}

/* The digits at *p, advancing it; 0 when there are none. */
static unsigned long fuzz_number(const char **p)
{
    unsigned long n = 0;
    while (**p >= '0' && **p <= '9' && n < 1000000000)
        n = n * 10 + (unsigned long)(*(*p)++ - '0');
    return n;
}

/* Nothing on success; two lines for bad usage; one naming the program or a file of the
 * run (at a line and column that exist) for bad input. */
static void fuzz_check_err(const FuzzRun *run, int status, const char *err, size_t size)
{
    if (status == 0) {
        if (size)
            abort();
        return;
    }
    if (size == 0 || err[size - 1] != '\n' || memchr(err, '\0', size))
        abort();
    size_t lines = 0;
    for (size_t i = 0; i < size; i++)
        lines += err[i] == '\n';
    const char *usage = "\nTry 'sim --help' for the options.\n";
    if (status == 2) {
        if (lines != 2 || strncmp(err, "sim: error: ", 12) != 0 || size < strlen(usage) ||
            strcmp(err + size - strlen(usage), usage) != 0)
            abort();
        return;
    }
    if (lines != 1)
        abort();
    if (strncmp(err, "sim: error: ", 12) == 0)
        return;
    /* The file named: one with contents, or one the run cannot read or write whole. */
    const FuzzFile *file = NULL;
    size_t named = 0;
    for (size_t i = 0; i < run->nfiles && !named; i++) {
        size_t n = strlen(run->files[i].path);
        if (strncmp(err, run->files[i].path, n) == 0 && err[n] == ':')
            file = &run->files[i], named = n;
    }
    const char *const others[] = {run->save, run->missing, run->dir};
    for (size_t i = 0; i < sizeof others / sizeof *others && !named; i++) {
        size_t n = strlen(others[i]);
        if (strncmp(err, others[i], n) == 0 && err[n] == ':')
            named = n;
    }
    if (!named)
        abort(); /* a message naming neither the program nor a file of the run */
    const char *p = err + named + 1;
    unsigned long line = 0, column = 0;
    if (*p >= '0' && *p <= '9') {
        line = fuzz_number(&p);
        if (*p == ':' && p[1] >= '0' && p[1] <= '9') {
            p++;
            column = fuzz_number(&p);
        }
        if (*p++ != ':' || !file)
            abort(); /* a line in a file that has none */
        fuzz_check_position(file, line, column);
    }
    if (strncmp(p, " error: ", 8) != 0)
        abort();
}

/* Whole lines; after a failure only text training's progress; JSON that parses. Returns the
 * JSON document of a successful run in that format (the caller releases it); *trained says
 * whether the output is a training's, *listed whether it is --help's or
 * --list-state-paulis's (which stop before training even with --train). */
static json_t *fuzz_check_out(const FuzzRun *run, int status, const char *out, size_t size,
                              bool *trained, bool *listed)
{
    *trained = *listed = false;
    if ((size && out[size - 1] != '\n') || memchr(out, '\0', size))
        abort();
    bool progress = true;
    for (const char *line = out; line < out + size; line = strchr(line, '\n') + 1)
        progress &= strncmp(line, "epoch ", 6) == 0 || strncmp(line, "final loss ", 11) == 0;
    if (status != 0) {
        if (!progress)
            abort(); /* output of a failed run other than training's progress */
        return NULL;
    }
    bool help = strncmp(out, "Usage: ", 7) == 0;
    if (!run->json || help) {
        if (size && out[0] == '{')
            abort();
        *trained = size && progress;
        *listed = help || strcmp(out, "X0\nZ1\nX0 Z1\nY2\n") == 0;
        return NULL;
    }
    json_error_t error;
    json_t *document = json_loadb(out, size, JSON_REJECT_DUPLICATES, &error);
    if (!json_is_object(document))
        abort();
    *trained = json_object_get(document, "final_loss") != NULL;
    *listed = json_object_get(document, "state_paulis") != NULL;
    return document;
}

/* The saved parameters: nparams finite reals, one a line, equal to the JSON's "params". */
static void fuzz_check_saved(const FuzzRun *run, const json_t *document)
{
    FILE *f = fopen(run->save, "rb");
    if (!f)
        abort(); /* a successful training with --save must have written its file */
    char text[4096];
    size_t size = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[size] = '\0';
    const json_t *params = document ? json_object_get(document, "params") : NULL;
    if (params && json_array_size(params) != SIM_INFO.nparams)
        abort();
    const char *p = text;
    for (uint32_t j = 0; j < SIM_INFO.nparams; j++) {
        char *end;
        double value = strtod(p, &end);
        if (end == p || *end != '\n' || !isfinite(value))
            abort();
        if (params && json_number_value(json_array_get(params, j)) != value)
            abort();
        p = end + 1;
    }
    if (*p)
        abort();
}

/* ---- the entry point ------------------------------------------------------------------ */

static void fuzz_run(const uint8_t *data, size_t size)
{
    FuzzRun *run = calloc(1, sizeof *run);
    if (!run)
        abort();
    const char *tmp = getenv("TMPDIR");
    snprintf(run->dir, sizeof run->dir, "%s/ansc-fuzz-simcli.%ld",
             tmp && *tmp && strlen(tmp) < 256 ? tmp : "/tmp", (long)getpid());
    snprintf(run->save, sizeof run->save, "%s/saved.txt", run->dir);
    snprintf(run->missing, sizeof run->missing, "%s/missing.txt", run->dir);
    if (!fuzz_decode(run, data, size)) {
        free(run);
        return;
    }
    if (mkdir(run->dir, 0700) != 0 && errno != EEXIST)
        abort();
    fuzz_clear(run, false, false); /* what a killed earlier run of this pid left */
    fuzz_write_files(run);

    char *out = NULL, *err = NULL;
    size_t out_size = 0, err_size = 0;
    FILE *out_stream = open_memstream(&out, &out_size);
    FILE *err_stream = open_memstream(&err, &err_size);
    if (!out_stream || !err_stream)
        abort();
    const AnsSim sim = {&SIM_INFO, sim_eval, sim_grad};
    int status = ans_main_streams(&sim, run->argc, run->argv, out_stream, err_stream);
    fclose(out_stream);
    fclose(err_stream);

    if (status < 0 || status > 2)
        abort();
    fuzz_check_err(run, status, err, err_size);
    bool trained, listed;
    json_t *document = fuzz_check_out(run, status, out, out_size, &trained, &listed);
    bool saved = status == 0 && run->saves && trained;
    if (status == 0 && run->saves && !trained && !listed)
        abort(); /* --save is a usage error unless the run trains (or only lists) */
    if (saved)
        fuzz_check_saved(run, document);
    else if (access(run->save, F_OK) == 0)
        abort(); /* a failed run, or one that does not train, wrote the save target */
    fuzz_clear(run, true, saved);
    rmdir(run->dir);

    json_decref(document);
    free(out);
    free(err);
    free(run);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size <= FUZZ_MAX_INPUT)
        fuzz_run(data, size);
    return 0;
}
