/*
 * cli.h — the internal interface of the simulator's command line (not installed).
 *
 * ans_main_streams (cli.c) reads the options and dispatches; it reads vectors through
 * vectors.c, trains through train.c and prints through output.c. Every function that can
 * fail prints its own message on the error stream it is given and returns the exit status
 * it asks for (0 or 1); none exits the process. docs/simulator.md is the user's side of
 * all of this.
 */
#ifndef ANSC_CLI_H
#define ANSC_CLI_H

#include "ansc_sim.h"

#include <stdint.h>
#include <stdio.h>

#if defined(__GNUC__)
#define ANS_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define ANS_PRINTF(f, a)
#endif

/* ---- output.c: numbers, strings and messages ------------------------------------------ */

/* %.17g, or nan, inf, -inf (one spelling whatever the C library prints). */
void ans_put_real(FILE *out, double value);
/* %.17g, or null for a non-finite value. */
void ans_put_json_real(FILE *out, double value);
/* A JSON string literal: quotes, backslashes and control bytes escaped. */
void ans_put_json_string(FILE *out, const char *text);
/* [a, b, …] of ans_put_json_real. */
void ans_put_json_reals(FILE *out, const double *values, size_t n);
/* [s, …] of ans_put_json_string. */
void ans_put_json_strings(FILE *out, const char *const *names, size_t n);
/* "FILE:LINE:COL: error: MESSAGE\n"; LINE or COL 0 leaves that part out, FILE NULL too. */
void ans_report(FILE *err, const char *file, uint32_t line, uint32_t column, const char *format,
                ...) ANS_PRINTF(5, 6);
/* A token quoted for a message: at most 40 bytes, non-printable bytes as \xNN. */
void ans_quote(char *buffer, size_t size, const char *text, size_t length);

/* ---- vectors.c: the files of reals, samples and state values -------------------------- */

/* The name a path has in messages: "<stdin>" for "-". */
const char *ans_file_label(const char *path);

/* Exactly n whitespace-separated reals (noun: "parameter", "input"). */
int ans_read_reals(const char *path, const char *noun, double *values, uint32_t n, FILE *err);

typedef enum AnsLabels { ANS_LABELS_OPTIONAL, ANS_LABELS_REQUIRED } AnsLabels;

/* Samples, one a line: width reals, then a label (optional or required). */
typedef struct AnsRows {
    uint32_t count, width;
    double *values;     /* count × width */
    double *labels;     /* count; NAN where a line has none */
    uint32_t *lines;    /* count: the line each sample came from */
} AnsRows;
int ans_read_rows(const char *path, uint32_t width, AnsLabels labels, AnsRows *rows, FILE *err);
void ans_rows_free(AnsRows *rows);

/* Tr(ρ P) for every string info->state_paulis lists, from lines "PAULI VALUE". */
int ans_read_state(const char *path, const AnsSimInfo *info, double *state, FILE *err);

/* The sparse form of the Pauli string in text[0, length) — factors X, Y, Z with a qubit
 * index, in any order, separated by whitespace; "I" alone for the identity — written into
 * buffer (size ≥ length + 2 always suffices) with the factors sorted by qubit, one space
 * apart. 0 on success; otherwise 1 and why says what is wrong. nqubits 0: any index. */
int ans_pauli_canonical(const char *text, size_t length, uint32_t nqubits, char *buffer,
                        size_t size, char *why, size_t why_size);

/* ---- train.c: Adam on the mean squared error of the first observable ------------------ */

typedef struct AnsAdam {
    uint32_t n;
    uint64_t steps;
    double rate, beta1, beta2, epsilon;
    double beta1_power, beta2_power; /* β1^steps, β2^steps */
    double *m, *v;                   /* first and second moment estimates */
} AnsAdam;
/* β1 0.9, β2 0.999, ε 1e-8. ANS_ERR_MEMORY or ANS_OK. */
int ans_adam_init(AnsAdam *adam, uint32_t n, double rate);
void ans_adam_step(AnsAdam *adam, double *params, const double *grad);
void ans_adam_free(AnsAdam *adam);

/* loss = (1/M) Σ_m (<O_0>(params, x_m) − y_m)², and with grad ≠ NULL its gradient with
 * respect to the parameters. Returns the first non-zero status of eval or grad. */
int ans_train_loss(const AnsSim *sim, const AnsRows *data, const double *params,
                   const double *state, double *loss, double *grad);

/* epochs full-batch Adam steps from params (updated in place). losses[k] (k < epochs) is
 * the loss before step k + 1, losses[epochs] the final one; on_epoch, if given, is called
 * with each as it is known (epoch 1..epochs, then epochs + 1 for the final loss). */
typedef void (*AnsEpochFn)(void *context, uint32_t epoch, double loss);
int ans_train(const AnsSim *sim, const AnsRows *data, const double *state, double *params,
              uint32_t epochs, double rate, double *losses, AnsEpochFn on_epoch, void *context);

#endif
