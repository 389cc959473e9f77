/*
 * emit_pauli.c — a pauli program (plan_pauli.c) as LLVM IR: straight-line kernel calls with
 * constant pair tables, small rotations unrolled into loads and stores, or, past
 * EMIT_STRAIGHT_MAX steps, one loop over a constant step table; the gradient pass runs the
 * steps backwards over the tape (runtime/kernels_pauli.c).
 */
#include "emit.h"

#include <stdlib.h>
#include <string.h>

typedef struct PauliTables {
    LLVMValueRef pairs, scaled;
} PauliTables;

/* v ← rotate(v), unrolled: few pairs, constant slots. */
static void e_pauli_unrolled(Emit *e, const PauliStep *st, LLVMValueRef v, Trig t)
{
    for (uint32_t i = 0; i < st->npairs; i++) {
        uint32_t a = st->pairs[2 * i], b = st->pairs[2 * i + 1];
        LLVMValueRef va = e_load(e, v, a), vb = e_load(e, v, b);
        LLVMValueRef na = LLVMBuildFSub(e->b, LLVMBuildFMul(e->b, t.c, va, ""), LLVMBuildFMul(e->b, t.s, vb, ""), "");
        LLVMValueRef nb = LLVMBuildFAdd(e->b, LLVMBuildFMul(e->b, t.c, vb, ""), LLVMBuildFMul(e->b, t.s, va, ""), "");
        e_store(e, na, v, a);
        e_store(e, nb, v, b);
    }
    for (uint32_t i = 0; i < st->nscaled; i++)
        e_store(e, LLVMBuildFMul(e->b, t.c, e_load(e, v, st->scaled[i]), ""), v, st->scaled[i]);
}

static void e_pauli_rotate(Emit *e, const PauliStep *st, const PauliTables *pt, LLVMValueRef v, Trig t,
                           LLVMValueRef tape)
{
    LLVMTypeRef types[] = {e->ptr, e->ptr, e->i32, e->ptr, e->i32, e->f64, e->f64, e->ptr};
    LLVMValueRef args[] = {v, pt->pairs, e_i32(e, st->npairs), pt->scaled, e_i32(e, st->nscaled), t.c, t.s, tape};
    e_call(e, "ans_pauli_rotate", e->vd, 8, types, args);
}

typedef struct StepRecord {
    AngleRecord angle;
    uint64_t pairs, scaled, tape; /* element offsets into the pair, scaled and tape arrays */
    uint32_t npairs, nscaled;
} StepRecord;

/* The steps of a large pauli program as one loop (forward) and, for grad, a second one
 * backwards over the same table. */
static void e_pauli_loops(Emit *e, const PauliProgram *p, uint32_t o, LLVMValueRef v, bool grad, LLVMValueRef tape,
                          LLVMValueRef vbar, const ReductionTables *rt)
{
    size_t n = p->steps.len;
    StepRecord *recs = calloc(n, sizeof *recs);
    uint32_t *pairs = calloc(2 * p->pairs_total + 1, sizeof *pairs);
    uint32_t *scaled = calloc(p->scaled_total + 1, sizeof *scaled);
    uint64_t np = 0, ns = 0;
    for (size_t k = 0; k < n; k++) {
        const PauliStep *st = &p->steps.data[k];
        recs[k] = (StepRecord){.angle = {st->angle.source, st->angle.index, st->angle.k, st->angle.b},
                               .pairs = 2 * np, .scaled = ns, .tape = 2 * np + ns,
                               .npairs = st->npairs, .nscaled = st->nscaled};
        memcpy(pairs + 2 * np, st->pairs, sizeof *pairs * 2 * st->npairs);
        memcpy(scaled + ns, st->scaled, sizeof *scaled * st->nscaled);
        np += st->npairs;
        ns += st->nscaled;
    }
    LLVMValueRef trec = e_table(e, recs, sizeof *recs * n), tpairs = e_table(e, pairs, sizeof *pairs * 2 * np),
                 tscaled = e_table(e, scaled, sizeof *scaled * ns);
    free(recs);
    free(pairs);
    free(scaled);
    LLVMTypeRef types[] = {e->ptr, e->ptr, e->i32, e->ptr, e->i32, e->f64, e->f64, e->ptr};
    for (int pass = 0; pass < (grad ? 2 : 1); pass++) {
        bool back = pass == 1;
        if (back) {
            e_store(e, e_reduce(e, &p->reduction, rt, v), e->values, o);
            e_zero(e, vbar, p->nslots);
            e_reduce_adjoint(e, &p->reduction, rt, vbar);
        }
        Loop l;
        LLVMValueRef rec = e_loop_begin(e, &l, n, back, trec, sizeof(StepRecord));
        LLVMValueRef source, index, k;
        LLVMValueRef phi = e_record_phi(e, rec, &source, &index, &k);
        LLVMValueRef c = e_libm(e, "cos", phi), s = e_libm(e, "sin", phi);
        LLVMValueRef po = e_field(e, rec, offsetof(StepRecord, pairs), e->i64);
        LLVMValueRef so = e_field(e, rec, offsetof(StepRecord, scaled), e->i64);
        LLVMValueRef to = e_field(e, rec, offsetof(StepRecord, tape), e->i64);
        LLVMValueRef args[] = {back ? vbar : v,
                               LLVMBuildGEP2(e->b, e->i32, tpairs, &po, 1, ""),
                               e_field(e, rec, offsetof(StepRecord, npairs), e->i32),
                               LLVMBuildGEP2(e->b, e->i32, tscaled, &so, 1, ""),
                               e_field(e, rec, offsetof(StepRecord, nscaled), e->i32),
                               c,
                               s,
                               grad ? LLVMBuildGEP2(e->b, e->f64, tape, &to, 1, "") : LLVMConstPointerNull(e->ptr)};
        if (back) {
            LLVMValueRef d = e_call(e, "ans_pauli_rotate_adjoint", e->f64, 8, types, args);
            e_record_grad(e, source, index, k, (uint64_t)o * e->c->nparams, d);
        } else {
            e_call(e, "ans_pauli_rotate", e->vd, 8, types, args);
        }
        e_loop_end(e, &l);
    }
    if (!grad)
        e_store(e, e_reduce(e, &p->reduction, rt, v), e->values, o);
}

void e_pauli_eval(Emit *e, const PauliProgram *p, uint32_t o, LLVMValueRef v, bool grad, LLVMValueRef tape,
                  LLVMValueRef vbar)
{
    size_t nsteps = p->steps.len;
    PauliTables *pt = calloc(nsteps + 1, sizeof *pt);
    Trig *trig = calloc(nsteps + 1, sizeof *trig);
    uint64_t *off = calloc(nsteps + 1, sizeof *off);
    e_zero(e, v, p->nslots);
    if (p->ninit) {
        LLVMTypeRef types[] = {e->ptr, e->ptr, e->ptr, e->i32};
        LLVMValueRef args[] = {v, e_table(e, p->init_slot, sizeof *p->init_slot * p->ninit),
                               e_table(e, p->init_value, sizeof *p->init_value * p->ninit), e_i32(e, p->ninit)};
        e_call(e, "ans_scatter", e->vd, 4, types, args);
    }
    if (nsteps > EMIT_STRAIGHT_MAX) {
        ReductionTables rt = e_reduction_tables(e, &p->reduction);
        e_pauli_loops(e, p, o, v, grad, tape, vbar, &rt);
        free(pt);
        free(trig);
        free(off);
        return;
    }
    uint64_t at = 0;
    for (size_t k = 0; k < nsteps; k++) {
        const PauliStep *st = &p->steps.data[k];
        trig[k] = e_trig(e, &st->angle);
        off[k] = at;
        at += 2ull * st->npairs + st->nscaled;
        if (!grad && st->npairs + st->nscaled <= EMIT_UNROLL) {
            e_pauli_unrolled(e, st, v, trig[k]);
            continue;
        }
        pt[k].pairs = e_table(e, st->pairs, sizeof *st->pairs * 2 * st->npairs);
        pt[k].scaled = e_table(e, st->scaled, sizeof *st->scaled * st->nscaled);
        e_pauli_rotate(e, st, &pt[k], v, trig[k], grad ? e_at(e, tape, off[k]) : LLVMConstPointerNull(e->ptr));
    }
    ReductionTables rt = e_reduction_tables(e, &p->reduction);
    e_store(e, e_reduce(e, &p->reduction, &rt, v), e->values, o);
    if (grad) {
        e_zero(e, vbar, p->nslots);
        e_reduce_adjoint(e, &p->reduction, &rt, vbar);
        for (size_t k = nsteps; k-- > 0;) {
            const PauliStep *st = &p->steps.data[k];
            LLVMTypeRef types[] = {e->ptr, e->ptr, e->i32, e->ptr, e->i32, e->f64, e->f64, e->ptr};
            LLVMValueRef args[] = {vbar, pt[k].pairs, e_i32(e, st->npairs), pt[k].scaled, e_i32(e, st->nscaled),
                                   trig[k].c, trig[k].s, e_at(e, tape, off[k])};
            LLVMValueRef d = e_call(e, "ans_pauli_rotate_adjoint", e->f64, 8, types, args);
            e_grad_add(e, &st->angle, (uint64_t)o * e->c->nparams, d);
        }
    }
    free(pt);
    free(trig);
    free(off);
}

