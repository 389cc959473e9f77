/*
 * emit.c — Plan -> LLVM module: the simulator's functions and metadata (codegen.h).
 *
 * The module defines what runtime/ansc_sim.h promises a simulator exports:
 *   ans_sim_info   the AnsSimInfo (names, sizes), one constant global; its first call
 *                  fills the name arrays from packed blobs (ans_unpack_names)
 *   ans_sim_eval   every observable's value
 *   ans_sim_grad   values and the gradient by the adjoint method
 *   main           (executables only) ans_main on the three above
 * Up to EMIT_STRAIGHT_MAX steps a function is straight-line code in circuit order: the angle
 * of every step is computed from the parameter and input vectors (constant angles are folded
 * here, cos and sin included), and the step is a call to a runtime kernel (runtime/kernels.h)
 * with constant tables emitted as private globals: pair lists, masks, eigenvectors. Longer
 * programs loop over a constant table of step records (e_loop_begin, e_record_phi). Each
 * method's steps are in their own file (emit_pauli.c, emit_sv.c; dla's are below); this
 * file has the helpers they share (emit.h), the functions' frames, and the metadata. All
 * buffers are allocated once at entry (the largest any observable needs) and freed on every
 * exit; an allocation failure returns ANS_ERR_MEMORY.
 *
 * The gradient function keeps the forward pass's cos/sin values as SSA values and reuses
 * them on the way back; the tape offsets are constants.
 */
#include "emit.h"
#include "runtime/ansc_sim.h"

#include <llvm-c/Analysis.h>
#include <llvm-c/Core.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ------------------------------------------------------------------------- */

/* A call to the external function `name` (declared on first use). */
LLVMValueRef e_call(Emit *e, const char *name, LLVMTypeRef ret, unsigned n, LLVMTypeRef *types,
                    LLVMValueRef *args)
{
    LLVMValueRef fn = LLVMGetNamedFunction(e->mod, name);
    LLVMTypeRef fnty;
    if (!fn) {
        fnty = LLVMFunctionType(ret, types, n, 0);
        fn = LLVMAddFunction(e->mod, name, fnty);
    } else {
        fnty = LLVMGlobalGetValueType(fn);
    }
    return LLVMBuildCall2(e->b, fnty, fn, args, n, "");
}

/* A private global "PREFIX.N" with this initializer; a constant one's address is not
 * significant (unnamed_addr), so LLVM may merge equal ones. */
static LLVMValueRef e_global(Emit *e, const char *prefix, LLVMValueRef init, bool constant)
{
    char name[48];
    snprintf(name, sizeof name, "%s.%u", prefix, e->tables++);
    LLVMValueRef g = LLVMAddGlobal(e->mod, LLVMTypeOf(init), name);
    LLVMSetInitializer(g, init);
    LLVMSetGlobalConstant(g, constant);
    LLVMSetLinkage(g, LLVMPrivateLinkage);
    if (constant)
        LLVMSetUnnamedAddress(g, LLVMGlobalUnnamedAddr);
    return g;
}

/* A private constant table holding these bytes (a null pointer when empty). */
LLVMValueRef e_table(Emit *e, const void *data, size_t bytes)
{
    if (!bytes || !data)
        return LLVMConstPointerNull(e->ptr);
    /* LLVM keeps one constant per content, so equal bytes give the same initializer */
    LLVMValueRef init = LLVMConstStringInContext2(e->ctx, data, bytes, 1);
    for (uint32_t i = 0; i < e->ntables; i++)
        if (e->table_init[i] == init)
            return e->table_global[i];
    LLVMValueRef g = e_global(e, "table", init, true);
    LLVMSetAlignment(g, 16);
    if (e->ntables == e->table_cap) {
        e->table_cap = e->table_cap ? 2 * e->table_cap : 64;
        e->table_init = realloc(e->table_init, sizeof *e->table_init * e->table_cap);
        e->table_global = realloc(e->table_global, sizeof *e->table_global * e->table_cap);
        if (!e->table_init || !e->table_global)
            abort(); /* as arena_alloc */
    }
    e->table_init[e->ntables] = init;
    e->table_global[e->ntables++] = g;
    return g;
}

static LLVMValueRef e_string(Emit *e, const char *s)
{
    return e_global(e, "str", LLVMConstStringInContext2(e->ctx, s, strlen(s), 0), true);
}

/* &base[index] for a double array. */
LLVMValueRef e_at(Emit *e, LLVMValueRef base, uint64_t index)
{
    LLVMValueRef idx = e_i64(e, index);
    return LLVMBuildGEP2(e->b, e->f64, base, &idx, 1, "");
}

LLVMValueRef e_load(Emit *e, LLVMValueRef base, uint64_t index)
{
    return LLVMBuildLoad2(e->b, e->f64, e_at(e, base, index), "");
}

void e_store(Emit *e, LLVMValueRef v, LLVMValueRef base, uint64_t index)
{
    LLVMBuildStore(e->b, v, e_at(e, base, index));
}

void e_zero(Emit *e, LLVMValueRef p, uint64_t doubles)
{
    if (doubles)
        LLVMBuildMemSet(e->b, p, LLVMConstInt(e->i8, 0, 0), e_i64(e, doubles * 8), 8);
}

LLVMValueRef e_libm(Emit *e, const char *name, LLVMValueRef x)
{
    LLVMTypeRef t = e->f64;
    return e_call(e, name, e->f64, 1, &t, &x);
}

Trig e_trig(Emit *e, const StepAngle *a)
{
    Trig t;
    if (a->source == ANGLE_CONST) {
        t.phi = e_f64(e, a->b);
        t.c = e_f64(e, cos(a->b));
        t.s = e_f64(e, sin(a->b));
        return t;
    }
    LLVMValueRef base = a->source == ANGLE_PARAM ? e->params : e->inputs;
    LLVMValueRef x = e_load(e, base, a->index);
    t.phi = LLVMBuildFAdd(e->b, LLVMBuildFMul(e->b, e_f64(e, a->k), x, ""), e_f64(e, a->b), "phi");
    t.c = e_libm(e, "cos", t.phi);
    t.s = e_libm(e, "sin", t.phi);
    return t;
}

/* grad[row + index] += k · d for a parameter step. */
void e_grad_add(Emit *e, const StepAngle *a, uint64_t row, LLVMValueRef d)
{
    if (a->source != ANGLE_PARAM)
        return;
    LLVMValueRef p = e_at(e, e->grad, row + a->index);
    LLVMValueRef old = LLVMBuildLoad2(e->b, e->f64, p, "");
    LLVMBuildStore(e->b, LLVMBuildFAdd(e->b, old, LLVMBuildFMul(e->b, e_f64(e, a->k), d, ""), ""), p);
}

/* ---- buffers: allocated at entry, freed at every exit --------------------------------- */

typedef struct Buffers {
    LLVMValueRef p[4];
    unsigned n;
    LLVMBasicBlockRef fail;
} Buffers;

static LLVMValueRef e_alloc(Emit *e, Buffers *bufs, uint64_t bytes)
{
    LLVMTypeRef t = e->i64;
    LLVMValueRef size = e_i64(e, bytes ? bytes : 8);
    LLVMValueRef p = e_call(e, "ans_alloc", e->ptr, 1, &t, &size);
    bufs->p[bufs->n++] = p;
    return p;
}

static void e_free_all(Emit *e, const Buffers *bufs)
{
    LLVMTypeRef t = e->ptr;
    for (unsigned i = 0; i < bufs->n; i++) {
        LLVMValueRef p = bufs->p[i];
        e_call(e, "ans_free", e->vd, 1, &t, &p);
    }
}

/* Branches to a block that frees everything and returns ANS_ERR_MEMORY when any buffer is
 * null; continues in a fresh block. */
static void e_check_alloc(Emit *e, LLVMValueRef fn, Buffers *bufs)
{
    LLVMValueRef any = LLVMConstInt(LLVMInt1TypeInContext(e->ctx), 0, 0);
    for (unsigned i = 0; i < bufs->n; i++)
        any = LLVMBuildOr(e->b, any, LLVMBuildIsNull(e->b, bufs->p[i], ""), "");
    LLVMBasicBlockRef ok = LLVMAppendBasicBlockInContext(e->ctx, fn, "ok");
    bufs->fail = LLVMAppendBasicBlockInContext(e->ctx, fn, "nomem");
    LLVMBuildCondBr(e->b, any, bufs->fail, ok);
    LLVMPositionBuilderAtEnd(e->b, bufs->fail);
    e_free_all(e, bufs);
    LLVMBuildRet(e->b, e_i32(e, ANS_ERR_MEMORY));
    LLVMPositionBuilderAtEnd(e->b, ok);
}

static void e_return_ok(Emit *e, const Buffers *bufs)
{
    e_free_all(e, bufs);
    LLVMBuildRet(e->b, e_i32(e, ANS_OK));
}

/* ---- the reduction E = constant + Σ weight · v[slot] · state ------------------------- */

ReductionTables e_reduction_tables(Emit *e, const Reduction *r)
{
    ReductionTables t;
    t.slot = e_table(e, r->slot, sizeof *r->slot * r->n);
    t.weight = e_table(e, r->weight, sizeof *r->weight * r->n);
    t.state_index = e_table(e, r->state_index, r->state_index ? sizeof *r->state_index * r->n : 0);
    return t;
}

LLVMValueRef e_reduce(Emit *e, const Reduction *r, const ReductionTables *t, LLVMValueRef v)
{
    LLVMTypeRef types[] = {e->ptr, e->ptr, e->ptr, e->ptr, e->ptr, e->i32};
    LLVMValueRef state = r->state_index ? e->state : LLVMConstPointerNull(e->ptr);
    LLVMValueRef args[] = {v, t->slot, t->weight, t->state_index, state, e_i32(e, r->n)};
    LLVMValueRef sum = e_call(e, "ans_reduce", e->f64, 6, types, args);
    return LLVMBuildFAdd(e->b, e_f64(e, r->constant), sum, "value");
}

void e_reduce_adjoint(Emit *e, const Reduction *r, const ReductionTables *t, LLVMValueRef vbar)
{
    LLVMTypeRef types[] = {e->ptr, e->ptr, e->ptr, e->ptr, e->ptr, e->i32, e->f64};
    LLVMValueRef state = r->state_index ? e->state : LLVMConstPointerNull(e->ptr);
    LLVMValueRef args[] = {vbar, t->slot, t->weight, t->state_index, state, e_i32(e, r->n), e_f64(e, 1.0)};
    e_call(e, "ans_reduce_adjoint", e->vd, 7, types, args);
}

/* A field of the record at rec. */
LLVMValueRef e_field(Emit *e, LLVMValueRef rec, size_t offset, LLVMTypeRef t)
{
    LLVMValueRef off = e_i64(e, offset);
    LLVMValueRef p = LLVMBuildGEP2(e->b, e->i8, rec, &off, 1, "");
    return LLVMBuildLoad2(e->b, t, p, "");
}

/* φ = k·x + b for the record's angle source; leaves the builder in a join block. */
LLVMValueRef e_record_phi(Emit *e, LLVMValueRef rec, LLVMValueRef *source, LLVMValueRef *index,
                          LLVMValueRef *k)
{
    LLVMValueRef fn = LLVMGetBasicBlockParent(LLVMGetInsertBlock(e->b));
    *source = e_field(e, rec, offsetof(AngleRecord, source), e->i32);
    *index = e_field(e, rec, offsetof(AngleRecord, index), e->i32);
    *k = e_field(e, rec, offsetof(AngleRecord, k), e->f64);
    LLVMValueRef b = e_field(e, rec, offsetof(AngleRecord, b), e->f64);
    LLVMBasicBlockRef here = LLVMGetInsertBlock(e->b);
    LLVMBasicBlockRef var = LLVMAppendBasicBlockInContext(e->ctx, fn, "var");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(e->ctx, fn, "join");
    LLVMValueRef isconst = LLVMBuildICmp(e->b, LLVMIntEQ, *source, e_i32(e, ANGLE_CONST), "");
    LLVMBuildCondBr(e->b, isconst, join, var);
    LLVMPositionBuilderAtEnd(e->b, var);
    LLVMValueRef isparam = LLVMBuildICmp(e->b, LLVMIntEQ, *source, e_i32(e, ANGLE_PARAM), "");
    LLVMValueRef base = LLVMBuildSelect(e->b, isparam, e->params, e->inputs, "");
    LLVMValueRef idx = LLVMBuildZExt(e->b, *index, e->i64, "");
    LLVMValueRef x = LLVMBuildLoad2(e->b, e->f64, LLVMBuildGEP2(e->b, e->f64, base, &idx, 1, ""), "x");
    LLVMBuildBr(e->b, join);
    LLVMPositionBuilderAtEnd(e->b, join);
    LLVMValueRef xv = LLVMBuildPhi(e->b, e->f64, "");
    LLVMValueRef vals[] = {x, e_f64(e, 0)};
    LLVMBasicBlockRef blocks[] = {var, here};
    LLVMAddIncoming(xv, vals, blocks, 2);
    return LLVMBuildFAdd(e->b, LLVMBuildFMul(e->b, *k, xv, ""), b, "phi");
}

/* grad[row + index] += k·d when the record's source is a parameter. */
void e_record_grad(Emit *e, LLVMValueRef source, LLVMValueRef index, LLVMValueRef k, uint64_t row,
                   LLVMValueRef d)
{
    LLVMValueRef fn = LLVMGetBasicBlockParent(LLVMGetInsertBlock(e->b));
    LLVMBasicBlockRef add = LLVMAppendBasicBlockInContext(e->ctx, fn, "grad");
    LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(e->ctx, fn, "next");
    LLVMBuildCondBr(e->b, LLVMBuildICmp(e->b, LLVMIntEQ, source, e_i32(e, ANGLE_PARAM), ""), add, next);
    LLVMPositionBuilderAtEnd(e->b, add);
    LLVMValueRef at = LLVMBuildAdd(e->b, LLVMBuildZExt(e->b, index, e->i64, ""), e_i64(e, row), "");
    LLVMValueRef p = LLVMBuildGEP2(e->b, e->f64, e->grad, &at, 1, "");
    LLVMValueRef old = LLVMBuildLoad2(e->b, e->f64, p, "");
    LLVMBuildStore(e->b, LLVMBuildFAdd(e->b, old, LLVMBuildFMul(e->b, k, d, ""), ""), p);
    LLVMBuildBr(e->b, next);
    LLVMPositionBuilderAtEnd(e->b, next);
}

/* A counted loop over the records of a table: up from 0 or down from n − 1 (n >= 1).
 * e_loop_begin leaves the builder in the body and returns the record's address;
 * e_loop_end closes the body and continues after the loop. */
LLVMValueRef e_loop_begin(Emit *e, Loop *l, uint64_t n, bool down, LLVMValueRef table, size_t record)
{
    LLVMValueRef fn = LLVMGetBasicBlockParent(LLVMGetInsertBlock(e->b));
    l->n = n;
    l->down = down;
    l->pre = LLVMGetInsertBlock(e->b);
    l->body = LLVMAppendBasicBlockInContext(e->ctx, fn, down ? "back" : "forward");
    l->exit = LLVMAppendBasicBlockInContext(e->ctx, fn, "done");
    LLVMBuildBr(e->b, l->body);
    LLVMPositionBuilderAtEnd(e->b, l->body);
    l->i = LLVMBuildPhi(e->b, e->i64, "i");
    LLVMValueRef off = LLVMBuildMul(e->b, l->i, e_i64(e, record), "");
    return LLVMBuildGEP2(e->b, e->i8, table, &off, 1, "rec");
}

void e_loop_end(Emit *e, Loop *l)
{
    LLVMValueRef next, last;
    if (l->down) {
        next = LLVMBuildSub(e->b, l->i, e_i64(e, 1), "");
        last = LLVMBuildICmp(e->b, LLVMIntEQ, l->i, e_i64(e, 0), "");
    } else {
        next = LLVMBuildAdd(e->b, l->i, e_i64(e, 1), "");
        last = LLVMBuildICmp(e->b, LLVMIntEQ, next, e_i64(e, l->n), "");
    }
    LLVMBuildCondBr(e->b, last, l->exit, l->body);
    LLVMValueRef vals[] = {e_i64(e, l->down ? l->n - 1 : 0), next};
    LLVMBasicBlockRef blocks[] = {l->pre, LLVMGetInsertBlock(e->b)};
    LLVMAddIncoming(l->i, vals, blocks, 2);
    LLVMPositionBuilderAtEnd(e->b, l->exit);
}

/* ---- dla ----------------------------------------------------------------------------- */

static void e_dla_eval(Emit *e, const DlaProgram *p, uint32_t o, LLVMValueRef v, LLVMValueRef scratch, bool grad,
                       LLVMValueRef tape, LLVMValueRef vbar)
{
    uint32_t d = p->dim;
    LLVMValueRef *w = calloc(p->ngenerators + 1, sizeof *w), *lam = calloc(p->ngenerators + 1, sizeof *lam);
    for (uint32_t g = 0; g < p->ngenerators; g++) {
        w[g] = e_table(e, p->generators[g].w, sizeof(double) * 2 * d * p->generators[g].rank);
        lam[g] = e_table(e, p->generators[g].lambda, sizeof(double) * p->generators[g].rank);
    }
    if (d)
        LLVMBuildMemCpy(e->b, v, 8, e_table(e, p->init, sizeof(double) * d), 16, e_i64(e, 8ull * d));
    Trig *trig = calloc(p->steps.len + 1, sizeof *trig);
    LLVMTypeRef types[] = {e->ptr, e->i32, e->i32, e->ptr, e->ptr, e->f64, e->ptr, e->ptr};
    for (size_t k = 0; k < p->steps.len && d; k++) {
        const DlaStep *st = &p->steps.data[k];
        trig[k] = e_trig(e, &st->angle);
        if (grad)
            LLVMBuildMemCpy(e->b, e_at(e, tape, (uint64_t)k * d), 8, v, 8, e_i64(e, 8ull * d));
        uint32_t r = p->generators[st->generator].rank;
        LLVMValueRef args[] = {v, e_i32(e, d), e_i32(e, r), w[st->generator], lam[st->generator], trig[k].phi,
                               scratch};
        e_call(e, "ans_dla_step", e->vd, 7, types, args);
    }
    ReductionTables rt = e_reduction_tables(e, &p->reduction);
    e_store(e, e_reduce(e, &p->reduction, &rt, v), e->values, o);
    if (grad && d) {
        e_zero(e, vbar, d);
        e_reduce_adjoint(e, &p->reduction, &rt, vbar);
        for (size_t k = p->steps.len; k-- > 0;) {
            const DlaStep *st = &p->steps.data[k];
            uint32_t r = p->generators[st->generator].rank;
            LLVMValueRef args[] = {vbar,         e_i32(e, d), e_i32(e, r), w[st->generator], lam[st->generator],
                                   trig[k].phi, e_at(e, tape, (uint64_t)k * d), scratch};
            LLVMValueRef dphi = e_call(e, "ans_dla_step_adjoint", e->f64, 8, types, args);
            e_grad_add(e, &st->angle, (uint64_t)o * e->c->nparams, dphi);
        }
    }
    free(trig);
    free(w);
    free(lam);
}

/* ---- the two entry points ------------------------------------------------------------ */

static void e_function(Emit *e, bool grad)
{
    LLVMTypeRef args[] = {e->ptr, e->ptr, e->ptr, e->ptr, e->ptr};
    LLVMTypeRef fnty = LLVMFunctionType(e->i32, args, grad ? 5 : 4, 0);
    LLVMValueRef fn = LLVMAddFunction(e->mod, grad ? "ans_sim_grad" : "ans_sim_eval", fnty);
    LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(e->ctx, fn, "entry");
    LLVMPositionBuilderAtEnd(e->b, entry);
    e->params = LLVMGetParam(fn, 0);
    e->inputs = LLVMGetParam(fn, 1);
    e->state = LLVMGetParam(fn, 2);
    e->values = LLVMGetParam(fn, 3);
    e->grad = grad ? LLVMGetParam(fn, 4) : NULL;
    const Plan *p = e->plan;
    if (grad)
        e_zero(e, e->grad, (uint64_t)p->nobservables * e->c->nparams);
    Buffers bufs = {.n = 0};
    if (p->method == METHOD_PAULI) {
        uint64_t slots = 1, tape = 1;
        for (uint32_t o = 0; o < p->nobservables; o++) {
            const PauliProgram *q = &p->pauli[o];
            slots = q->nslots > slots ? q->nslots : slots;
            uint64_t t = 2 * q->pairs_total + q->scaled_total;
            tape = t > tape ? t : tape;
        }
        LLVMValueRef v = e_alloc(e, &bufs, 8 * slots);
        LLVMValueRef vbar = grad ? e_alloc(e, &bufs, 8 * slots) : NULL;
        LLVMValueRef t = grad ? e_alloc(e, &bufs, 8 * tape) : NULL;
        e_check_alloc(e, fn, &bufs);
        for (uint32_t o = 0; o < p->nobservables; o++)
            e_pauli_eval(e, &p->pauli[o], o, v, grad, t, vbar);
    } else if (p->method == METHOD_DLA) {
        uint64_t dim = 1, tape = 1;
        for (uint32_t o = 0; o < p->nobservables; o++) {
            const DlaProgram *q = &p->dla[o];
            dim = q->dim > dim ? q->dim : dim;
            uint64_t t = (uint64_t)q->dim * q->steps.len;
            tape = t > tape ? t : tape;
        }
        LLVMValueRef v = e_alloc(e, &bufs, 8 * dim);
        LLVMValueRef scratch = e_alloc(e, &bufs, 32 * dim);
        LLVMValueRef vbar = grad ? e_alloc(e, &bufs, 8 * dim) : NULL;
        LLVMValueRef t = grad ? e_alloc(e, &bufs, 8 * tape) : NULL;
        e_check_alloc(e, fn, &bufs);
        for (uint32_t o = 0; o < p->nobservables; o++)
            e_dla_eval(e, &p->dla[o], o, v, scratch, grad, t, vbar);
    } else {
        uint64_t bytes = (uint64_t)16 << p->sv->nqubits;
        LLVMValueRef psi = e_alloc(e, &bufs, bytes);
        LLVMValueRef u = e_alloc(e, &bufs, (uint64_t)16 << (2 * sv_kmax(p->sv)));
        LLVMValueRef back = grad ? e_alloc(e, &bufs, bytes) : NULL;
        LLVMValueRef lam = grad ? e_alloc(e, &bufs, bytes) : NULL;
        e_check_alloc(e, fn, &bufs);
        e_sv(e, p->sv, grad, psi, u, back, lam);
    }
    e_return_ok(e, &bufs);
}

/* An array of n string pointers (null when empty), filled by ans_sim_info's first call
 * from one blob of the strings (AnsPackedNames, kernels.h): one table and a zeroed array
 * however many names, so that millions of state strings cost no relocations. */
static LLVMValueRef e_names(Emit *e, const char *const *names, uint32_t n)
{
    if (!n)
        return LLVMConstPointerNull(e->ptr);
    uint64_t bytes = 0;
    for (uint32_t i = 0; i < n; i++)
        bytes += strlen(names[i]) + 1;
    char *blob = calloc(bytes, 1);
    if (!blob)
        abort(); /* as arena_alloc */
    for (uint64_t used = 0, i = 0; i < n; i++) {
        size_t len = strlen(names[i]) + 1;
        memcpy(blob + used, names[i], len);
        used += len;
    }
    LLVMValueRef strings = e_table(e, blob, bytes);
    free(blob);
    LLVMValueRef out = e_global(e, "names", LLVMConstNull(LLVMArrayType2(e->ptr, n)), false);
    LLVMValueRef values[] = {e_i32(e, 0), e_i32(e, n), strings, out};
    e->packed[e->npacked++] = e_global(e, "packed", LLVMConstStructInContext(e->ctx, values, 4, 0), false);
    return out;
}

static const char **element_names(Arena *a, const Circuit *c, AngleSource source, uint32_t n)
{
    const char **names = arena_alloc(a, sizeof *names * (n + 1));
    for (uint32_t i = 0; i < n; i++) {
        StrBuf sb = {0};
        sb_put_var_element(&sb, c, source, i);
        names[i] = arena_strndup(a, sb.data, sb.len);
        sb_free(&sb);
    }
    return names;
}

/* ans_sim_info: one constant AnsSimInfo; its first call fills the name arrays. */
static void e_info(Emit *e, Arena *a)
{
    const Circuit *c = e->c;
    const Plan *p = e->plan;
    const char **obs = arena_alloc(a, sizeof *obs * (p->nobservables + 1));
    for (uint32_t o = 0; o < p->nobservables; o++)
        obs[o] = c->observables.data[o].name;
    LLVMTypeRef fields[] = {e->ptr, e->ptr, e->ptr, e->ptr, e->ptr, e->ptr, e->i32, e->i32, e->i32, e->i32, e->i32, e->i32};
    LLVMTypeRef info_t = LLVMStructTypeInContext(e->ctx, fields, 12, 0);
    LLVMValueRef values[] = {
        e_string(e, c->name),
        e_string(e, method_name(p->method)),
        e_names(e, element_names(a, c, ANGLE_PARAM, c->nparams), c->nparams),
        e_names(e, element_names(a, c, ANGLE_INPUT, c->ninputs), c->ninputs),
        e_names(e, obs, p->nobservables),
        e_names(e, p->state_paulis, p->nstate_paulis),
        e_i32(e, c->nqubits),
        e_i32(e, c->nparams),
        e_i32(e, c->ninputs),
        e_i32(e, p->nobservables),
        e_i32(e, p->nstate_paulis),
        e_i32(e, p->truncate),
    };
    LLVMValueRef g = e_global(e, "ans_sim_info.data", LLVMConstNamedStruct(info_t, values, 12), true);
    LLVMValueRef fn = LLVMAddFunction(e->mod, "ans_sim_info", LLVMFunctionType(e->ptr, NULL, 0, 0));
    LLVMPositionBuilderAtEnd(e->b, LLVMAppendBasicBlockInContext(e->ctx, fn, "entry"));
    for (uint32_t i = 0; i < e->npacked; i++) {
        LLVMTypeRef types[] = {e->ptr};
        e_call(e, "ans_unpack_names", e->vd, 1, types, &e->packed[i]);
    }
    LLVMBuildRet(e->b, g);
}

/* main(argc, argv) = ans_main(&{info, eval, grad}, argc, argv). */
static void e_main(Emit *e)
{
    LLVMTypeRef mt[] = {e->i32, e->ptr};
    LLVMValueRef fn = LLVMAddFunction(e->mod, "main", LLVMFunctionType(e->i32, mt, 2, 0));
    LLVMPositionBuilderAtEnd(e->b, LLVMAppendBasicBlockInContext(e->ctx, fn, "entry"));
    LLVMTypeRef st_fields[] = {e->ptr, e->ptr, e->ptr};
    LLVMTypeRef st = LLVMStructTypeInContext(e->ctx, st_fields, 3, 0);
    LLVMValueRef info = LLVMBuildCall2(e->b, LLVMGlobalGetValueType(LLVMGetNamedFunction(e->mod, "ans_sim_info")),
                                       LLVMGetNamedFunction(e->mod, "ans_sim_info"), NULL, 0, "info");
    LLVMValueRef sim = LLVMBuildAlloca(e->b, st, "sim");
    LLVMValueRef parts[] = {info, LLVMGetNamedFunction(e->mod, "ans_sim_eval"), LLVMGetNamedFunction(e->mod, "ans_sim_grad")};
    for (unsigned i = 0; i < 3; i++)
        LLVMBuildStore(e->b, parts[i], LLVMBuildStructGEP2(e->b, st, sim, i, ""));
    LLVMTypeRef at[] = {e->ptr, e->i32, e->ptr};
    LLVMValueRef args[] = {sim, LLVMGetParam(fn, 0), LLVMGetParam(fn, 1)};
    LLVMBuildRet(e->b, e_call(e, "ans_main", e->i32, 3, at, args));
}

LLVMModuleRef cg_emit(LLVMContextRef ctx, Arena *a, const Plan *plan, bool with_main, const char **error)
{
    Emit e = {.ctx = ctx, .plan = plan, .c = plan->circuit};
    e.mod = LLVMModuleCreateWithNameInContext(plan->circuit->name, ctx);
    e.b = LLVMCreateBuilderInContext(ctx);
    e.f64 = LLVMDoubleTypeInContext(ctx);
    e.i32 = LLVMInt32TypeInContext(ctx);
    e.i64 = LLVMInt64TypeInContext(ctx);
    e.i8 = LLVMInt8TypeInContext(ctx);
    e.ptr = LLVMPointerTypeInContext(ctx, 0);
    e.vd = LLVMVoidTypeInContext(ctx);
    e_function(&e, false);
    e_function(&e, true);
    e_info(&e, a);
    if (with_main)
        e_main(&e);
    LLVMDisposeBuilder(e.b);
    free(e.table_init);
    free(e.table_global);
    char *msg = NULL;
    if (LLVMVerifyModule(e.mod, LLVMReturnStatusAction, &msg)) {
        *error = arena_strdup(a, msg ? msg : "invalid module");
        LLVMDisposeMessage(msg);
        LLVMDisposeModule(e.mod);
        return NULL;
    }
    LLVMDisposeMessage(msg);
    return e.mod;
}
