/*
 * ansc_sim.h — the public C interface of a simulator built by ansc, and of its runtime.
 *
 * A simulator is three things: a description of its vectors (AnsSimInfo), an evaluation
 * function and a gradient function. `ansc build --lib` makes a shared library exporting
 * ans_sim_info, ans_sim_eval and ans_sim_grad below; `ansc build` links the same object
 * with this runtime's command line (ans_main), and `ansc run` calls ans_main on the
 * JIT-compiled functions. Nothing here names a compiler type: the header stands alone.
 *
 * Vectors: params[nparams] and inputs[ninputs] in declaration order, row-major within an
 * array (names as "theta[2][1]" in param_names). state[nstate_paulis] is only read when the
 * ansatz declares `state input`: Tr(ρ P) for the strings listed in state_paulis (sparse
 * form "X0 Z3"; the identity is never listed, Tr ρ = 1). values[nobservables] receives
 * <O_k>; grad[nobservables · nparams] receives d<O_k>/d params[j] at k · nparams + j.
 */
#ifndef ANSC_SIM_H
#define ANSC_SIM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct AnsSimInfo {
    const char *ansatz;
    const char *method;                  /* "pauli", "dla" or "statevector" */
    const char *const *param_names;      /* nparams element names */
    const char *const *input_names;      /* ninputs element names */
    const char *const *observable_names; /* nobservables names */
    const char *const *state_paulis;     /* nstate_paulis strings, sparse form */
    uint32_t nqubits, nparams, ninputs, nobservables, nstate_paulis;
    uint32_t truncate; /* the Pauli weight kept (method pauli), 0: none */
} AnsSimInfo;

/* Status codes of the functions below. */
enum { ANS_OK = 0, ANS_ERR_MEMORY = 1 };
const char *ans_status_message(int status);

typedef int (*AnsEvalFn)(const double *params, const double *inputs, const double *state,
                         double *values);
typedef int (*AnsGradFn)(const double *params, const double *inputs, const double *state,
                         double *values, double *grad);

/* Exported by a simulator library (ansc build --lib). */
const AnsSimInfo *ans_sim_info(void);
int ans_sim_eval(const double *params, const double *inputs, const double *state, double *values);
int ans_sim_grad(const double *params, const double *inputs, const double *state, double *values,
                 double *grad);

/* The runtime's command line (cli.md, "The built simulator"): reads the options, files and
 * vectors, calls eval/grad, prints the results. Returns the process exit status: 0, 1 on
 * bad input files or values (a message naming the file and line on stderr), 2 on bad
 * usage. It never exits the process itself. */
typedef struct AnsSim {
    const AnsSimInfo *info;
    AnsEvalFn eval;
    AnsGradFn grad;
} AnsSim;
int ans_main(const AnsSim *sim, int argc, char **argv);

/* ---- the command line's streams and its random numbers (cli.c, random.c) --------------- */

/* ans_main with its output and error streams given (ans_main passes stdout and stderr);
 * "-" as a file name still reads stdin. docs/simulator.md documents every option. */
int ans_main_streams(const AnsSim *sim, int argc, char **argv, FILE *out, FILE *err);

/* The generator behind --random and --sample, reproducible on every platform:
 * xoshiro256** whose four state words are four successive outputs of splitmix64 started at
 * SEED; uniform = (next >> 11) · 2^-53 in [0, 1); a parameter is 2π · uniform. */
typedef struct AnsRandom {
    uint64_t s[4];
} AnsRandom;
void ans_random_seed(AnsRandom *random, uint64_t seed);
uint64_t ans_random_next(AnsRandom *random);
double ans_random_uniform(AnsRandom *random);
/* 2π · ans_random_uniform: one parameter of --random, in [0, 2π). */
double ans_random_angle(AnsRandom *random);

#ifdef __cplusplus
}
#endif
#endif
