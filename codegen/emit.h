/*
 * emit.h — what the emitter's files share (emit.c, emit_pauli.c, emit_sv.c): the Emit
 * state, the value and table helpers, the angle and loop helpers of table-driven steps, the
 * reduction, and each method's entry point. Internal to codegen/.
 */
#ifndef ANSC_EMIT_H
#define ANSC_EMIT_H

#include "codegen.h"

#include <llvm-c/Core.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Unroll a Pauli rotation with at most this many pairs plus scaled slots. */
enum { EMIT_UNROLL = 4 };

/* Large plans: one loop over a constant step table instead of straight-line code, so the
 * compile time stays linear in the circuit (LLVM's passes are superlinear in the length of
 * one basic block). Every record such a loop reads starts with an AngleRecord. */
enum { EMIT_STRAIGHT_MAX = 64 };

typedef struct Emit {
    LLVMContextRef ctx;
    LLVMModuleRef mod;
    LLVMBuilderRef b;
    LLVMTypeRef f64, i32, i64, i8, ptr, vd;
    const Plan *plan;
    const Circuit *c;
    /* arguments of the function being built */
    LLVMValueRef params, inputs, state, values, grad;
    uint32_t tables;
    /* the constant tables made so far, by initializer: eval and grad share theirs */
    LLVMValueRef *table_init, *table_global;
    uint32_t ntables, table_cap;
    /* the name arrays ans_sim_info unpacks (e_names) */
    LLVMValueRef packed[4];
    uint32_t npacked;
} Emit;

/* cos and sin of a step's angle; folded to constants for a constant angle. */
typedef struct Trig {
    LLVMValueRef phi, c, s;
} Trig;

/* The angle of a step, first in every record a loop reads. */
typedef struct AngleRecord {
    uint32_t source, index;
    double k, b;
} AngleRecord;

/* A counted loop over the records of a table (e_loop_begin, e_loop_end). */
typedef struct Loop {
    LLVMBasicBlockRef pre, body, exit;
    LLVMValueRef i;
    uint64_t n;
    bool down;
} Loop;

typedef struct ReductionTables {
    LLVMValueRef slot, weight, state_index;
} ReductionTables;

static inline LLVMValueRef e_f64(Emit *e, double v) { return LLVMConstReal(e->f64, v); }
static inline LLVMValueRef e_i32(Emit *e, uint64_t v) { return LLVMConstInt(e->i32, v, 0); }
static inline LLVMValueRef e_i64(Emit *e, uint64_t v) { return LLVMConstInt(e->i64, v, 0); }

/* emit.c: values, tables, steps */
LLVMValueRef e_call(Emit *e, const char *name, LLVMTypeRef ret, unsigned n, LLVMTypeRef *types, LLVMValueRef *args);
LLVMValueRef e_table(Emit *e, const void *data, size_t bytes);
LLVMValueRef e_at(Emit *e, LLVMValueRef base, uint64_t index);
LLVMValueRef e_load(Emit *e, LLVMValueRef base, uint64_t index);
void e_store(Emit *e, LLVMValueRef v, LLVMValueRef base, uint64_t index);
void e_zero(Emit *e, LLVMValueRef p, uint64_t doubles);
LLVMValueRef e_libm(Emit *e, const char *name, LLVMValueRef x);
Trig e_trig(Emit *e, const StepAngle *a);
void e_grad_add(Emit *e, const StepAngle *a, uint64_t row, LLVMValueRef d);
ReductionTables e_reduction_tables(Emit *e, const Reduction *r);
LLVMValueRef e_reduce(Emit *e, const Reduction *r, const ReductionTables *t, LLVMValueRef v);
void e_reduce_adjoint(Emit *e, const Reduction *r, const ReductionTables *t, LLVMValueRef vbar);
LLVMValueRef e_field(Emit *e, LLVMValueRef rec, size_t offset, LLVMTypeRef t);
LLVMValueRef e_record_phi(Emit *e, LLVMValueRef rec, LLVMValueRef *source, LLVMValueRef *index, LLVMValueRef *k);
void e_record_grad(Emit *e, LLVMValueRef source, LLVMValueRef index, LLVMValueRef k, uint64_t row, LLVMValueRef d);
LLVMValueRef e_loop_begin(Emit *e, Loop *l, uint64_t n, bool down, LLVMValueRef table, size_t record);
void e_loop_end(Emit *e, Loop *l);

/* emit_pauli.c: one observable's pauli program, with its gradient pass when grad */
void e_pauli_eval(Emit *e, const PauliProgram *p, uint32_t o, LLVMValueRef v, bool grad, LLVMValueRef tape,
                  LLVMValueRef vbar);

/* emit_sv.c: the state vector's steps and observables; the largest dense gate's qubits */
void e_sv(Emit *e, const SvProgram *p, bool grad, LLVMValueRef psi, LLVMValueRef u, LLVMValueRef back,
          LLVMValueRef lam);
uint32_t sv_kmax(const SvProgram *p);

#endif
