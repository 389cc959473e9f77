/*
 * codegen.h — the code generator's one header, sectioned by file.
 *
 *   plan.c        Circuit + Analysis -> Plan       the method (auto: cheapest exact one
 *                                                  within budget) and its tables
 *   plan_pauli.c  Circuit            -> PauliProgram  Heisenberg propagation over strings,
 *                                                  in circuit order, optional truncation
 *   plan_dla.c    Circuit + Frame    -> DlaProgram    g-sim in an orthonormal module basis
 *   plan_sv.c     Circuit            -> SvProgram     2^n amplitudes, one step per rotation
 *   eig.c         Hermitian eigensolver (compile time only)
 *   emit.c        Plan -> LLVM module (eval and grad functions, metadata, main)
 *   target.c      LLVM module -> object file, executable, shared library + header, JIT
 *
 * A Plan is plain data: the emitted code is a straight-line sequence of kernel calls
 * (runtime/kernels.h) over constant tables, so a plan can also be run without LLVM
 * (plan_run, the tests' bridge between planning and emitting).
 */
#ifndef ANSC_CODEGEN_H
#define ANSC_CODEGEN_H

#include "analysis/analysis.h"

#define METHOD_LIST(M)                                                                        \
    M(AUTO, "auto")                                                                           \
    M(PAULI, "pauli")                                                                         \
    M(DLA, "dla")                                                                             \
    M(STATEVECTOR, "statevector")

typedef enum {
#define METHOD_ENUM(id, text) METHOD_##id,
    METHOD_LIST(METHOD_ENUM)
#undef METHOD_ENUM
        METHOD__COUNT
} Method;

const char *method_name(Method m);
/* METHOD__COUNT when unknown. */
Method method_lookup(const char *name);

/* The angle of one step: φ = k · x + b, x = params[index] (ANGLE_PARAM), inputs[index]
 * (ANGLE_INPUT), or nothing (ANGLE_CONST: φ = b). */
typedef struct StepAngle {
    AngleSource source;
    uint32_t index;
    double k, b;
} StepAngle;

/* E = constant + Σ_i weight[i] · v[slot[i]] · (state_index[i] == UINT32_MAX ? 1 :
 * state[state_index[i]]): ans_reduce. state_index is NULL for a product state. */
typedef struct Reduction {
    double constant;
    uint32_t n;
    uint32_t *slot;
    double *weight;
    uint32_t *state_index;
} Reduction;

/* ---- plan_pauli.c --------------------------------------------------------------------- */

/* One ans_pauli_rotate call: φ = 2·g·angle for the generator term g·Q of the gate. */
typedef struct PauliStep {
    StepAngle angle;
    uint32_t npairs, nscaled;
    uint32_t *pairs; /* 2·npairs slots */
    uint32_t *scaled;
    uint32_t gate; /* circuit->gates index, for messages */
} PauliStep;

/* One observable, propagated from the end of the circuit to its start. v starts as zeros
 * with init_value[i] at init_slot[i]; the steps run in order (last gate first); then
 * <O> = reduction over v. */
typedef struct PauliProgram {
    uint32_t nslots;
    uint32_t ninit;
    uint32_t *init_slot;
    double *init_value;
    VEC(PauliStep) steps;
    Reduction reduction;
    uint64_t pairs_total; /* Σ npairs: the tape of a gradient needs 2·pairs + scaled doubles */
    uint64_t scaled_total;
} PauliProgram;

/* ---- plan_dla.c ------------------------------------------------------------------------ */

/* A generator's A (d × d, real antisymmetric) as the positive half of iA's spectrum
 * (cg_antisym_eig): exp(φA) x = x + 2 Re W diag(e^{−iφλ} − 1) W† x. */
typedef struct DlaGenerator {
    double *w;      /* d × rank complex (interleaved, row-major), columns eigenvectors of iA */
    double *lambda; /* rank eigenvalues, all > 0 */
    uint32_t rank;  /* r: A's rank is 2r */
} DlaGenerator;

typedef struct DlaStep {
    StepAngle angle;
    uint32_t generator; /* index in DlaProgram.generators */
    uint32_t gate;
} DlaStep;

/* One observable in the Heisenberg picture on the module's coordinates: v = init (dim
 * doubles), the steps (last gate first), <O> = reduction over v. */
typedef struct DlaProgram {
    uint32_t dim;
    double *init;
    uint32_t ngenerators;
    DlaGenerator *generators;
    VEC(DlaStep) steps;
    Reduction reduction;
} DlaProgram;

/* ---- plan_sv.c ------------------------------------------------------------------------- */

typedef enum { SV_ROTATE, SV_DENSE } SvStepKind;

/* SV_ROTATE: psi ← exp(-iφP) psi for the string (x, z).
 * SV_DENSE: psi ← exp(-iφH) psi on qubits[0..k), H = V diag(lambda) V† (dim = 2^k), with
 * H = Σ_t coef[t] · P_t (strings (x[t], z[t]) in global masks) for the gradient. */
typedef struct SvStep {
    SvStepKind kind;
    StepAngle angle;
    uint64_t x, z; /* SV_ROTATE */
    uint32_t k;
    uint32_t *qubits;
    double *vecs, *lambda;
    uint32_t nterms;
    uint64_t *term_x, *term_z;
    double *term_coef;
    uint32_t gate;
} SvStep;

typedef struct SvObservable {
    uint32_t nterms;
    uint64_t *x, *z;
    double *coef; /* identity included as x = z = 0 */
} SvObservable;

typedef struct SvProgram {
    uint32_t nqubits;
    uint8_t *kets;
    VEC(SvStep) steps; /* time order */
    SvObservable *observables;
} SvProgram;

/* ---- plan.c ---------------------------------------------------------------------------- */

typedef struct PlanOptions {
    Method method;
    uint32_t truncate;   /* 0: none */
    uint64_t max_slots;  /* pauli: strings per observable; 0: 2^22, under auto 2^20 */
    uint32_t max_qubits; /* statevector */
    uint32_t max_dim;    /* dla: module dimension */
} PlanOptions;

void plan_options_default(PlanOptions *o);

typedef struct Plan {
    Method method; /* never METHOD_AUTO */
    const Circuit *circuit;
    uint32_t truncate;
    uint32_t nobservables;
    PauliProgram *pauli; /* one per observable, method pauli */
    DlaProgram *dla;     /* one per observable, method dla */
    SvProgram *sv;       /* method statevector */
    uint32_t nstate_paulis; /* state input: the strings whose Tr(ρP) the state file gives */
    const char **state_paulis;
    const char *why; /* auto: why this method */
} Plan;

/* The plan for a checked circuit, or NULL with a diagnostic (E090 method not applicable,
 * E091 over budget). */
Plan *plan_build(Arena *a, DiagSink *diags, const Circuit *c, const PlanOptions *o);

/* Each method's planner: NULL with *why set (arena text) when it does not apply or is over
 * budget. For a product state the reduction's weights are Tr(ρP) (zero terms left out) and
 * state_index is NULL; for `state input` (state_strings != NULL) each string P with a
 * nonzero coefficient at the start gets state_index = stringset_add(state_strings, P), the
 * identity going to the constant (Tr ρ = 1). */
PauliProgram *plan_pauli(Arena *a, const Circuit *c, const PauliSum *observable, uint32_t truncate,
                         uint64_t max_slots, StringSet *state_strings, const char **why);
DlaProgram *plan_dla(Arena *a, const Circuit *c, const Frame *f, uint32_t observable,
                     uint32_t max_dim, StringSet *state_strings, const char **why);
SvProgram *plan_sv(Arena *a, const Circuit *c, uint32_t max_qubits, const char **why);

/* Each program run without LLVM through the kernels of runtime/kernels.h: *value = <O>,
 * and with grad != NULL, grad[j] += d<O>/d params[j] (caller zeroes it) by the adjoint
 * method over a tape of the step inputs. state: Tr(ρP) for the state strings (NULL for a
 * product state). Return ANS_OK or ANS_ERR_MEMORY. */
int pauli_run(const PauliProgram *p, const double *params, const double *inputs,
              const double *state, double *value, double *grad);
int dla_run(const DlaProgram *p, const double *params, const double *inputs,
            const double *state, double *value, double *grad);
/* All observables at once: values[nobs], grad[nobs · nparams] (may be NULL). */
int sv_run(const SvProgram *p, uint32_t nobs, uint32_t nparams, const double *params,
           const double *inputs, double *values, double *grad);
/* φ = k·x + b for these vectors. */
static inline double step_angle(const StepAngle *a, const double *params, const double *inputs)
{
    double x = a->source == ANGLE_PARAM ? params[a->index]
             : a->source == ANGLE_INPUT ? inputs[a->index] : 0.0;
    return a->k * x + a->b;
}

/* Runs a plan without LLVM, through the same kernels (values[nobservables], grad may be
 * NULL: nobservables · nparams). Returns ANS_OK or a status of ansc_sim.h. */
int plan_run(const Plan *p, const double *params, const double *inputs, const double *state,
             double *values, double *grad);

/* Tr(ρP) for the circuit's product state (c->state) and the packed string p (2·words
 * words): ±1 or 0, the product over P's factors of <ket|factor|ket>. The reductions of the
 * pauli and dla planners weigh their strings with it. */
double plan_product_expectation(const Circuit *c, const uint64_t *p, uint32_t words);

/* ---- emit.c, target.c ----------------------------------------------------------------- */

struct LLVMOpaqueContext;
struct LLVMOpaqueModule;
struct AnsSim;

/* The plan as an LLVM module in ctx: ans_sim_info, ans_sim_eval, ans_sim_grad, and main
 * when with_main. NULL with *error when the module does not verify (a bug). */
struct LLVMOpaqueModule *cg_emit(struct LLVMOpaqueContext *ctx, Arena *a, const Plan *p, bool with_main,
                                 const char **error);

typedef struct CgTarget {
    const char *output;
    bool library; /* a shared library and its header (OUT.so -> OUT.h) */
    unsigned opt; /* 0..3 */
} CgTarget;

/* Compiles and links the plan into t->output (written whole or not at all). */
bool cg_build(Arena *a, const Plan *p, const CgTarget *t, const char **error);

/* JIT-compiles the plan in this process and calls run(sim, user); *status = its result. */
typedef int (*CgJitFn)(const struct AnsSim *sim, void *user);
bool cg_jit(Arena *a, const Plan *p, unsigned opt, CgJitFn run, void *user, int *status, const char **error);

/* The runtime library that simulators link ($ANSC_RUNTIME, else the build's). */
const char *cg_runtime_library(void);

/* ---- eig.c ----------------------------------------------------------------------------- */

/* Eigen-decomposition of the n × n Hermitian matrix a (complex interleaved, row-major;
 * destroyed): lambda ascending, vecs (complex, columns) unitary, to full double precision.
 * Householder tridiagonalisation and implicit QL, per connected component of the nonzero
 * pattern; a purely imaginary a (iA, A real antisymmetric) through a bidiagonal SVD. */
void cg_herm_eig(double *a, uint32_t n, double *lambda, double *vecs);

/* The positive half of the spectrum of iA for a real antisymmetric n × n a (row-major, not
 * changed): returns r, the number of eigenvalues λ > 0 kept, ascending in lambda[0..r) with
 * their eigenvectors as the columns of w (n × r complex, interleaved, row-major). A is real,
 * so −λ's eigenvectors are the conjugates and A = 2 Re Σ_j (−iλ_j) w_j w_j†; eigenvalues
 * at most 1e-12 · max|λ| are A's kernel in rounding and left out (they move a vector by
 * less than that fraction of its length per unit angle). lambda holds n, w 2·n·n doubles. */
uint32_t cg_antisym_eig(const double *a, uint32_t n, double *lambda, double *w);

/* c ← c + alpha · a · b for an m × k matrix a and a k × n matrix b, every operand with
 * explicit row and column strides (a_ip = a[i·ars + p·acs], and likewise b and c): the
 * dense products of eig.c and plan_dla.c, register-blocked. */
void cg_gemm(uint32_t m, uint32_t n, uint32_t k, double alpha, const double *a, size_t ars,
             size_t acs, const double *b, size_t brs, size_t bcs, double *c, size_t crs,
             size_t ccs);

#endif
