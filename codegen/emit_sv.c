/*
 * emit_sv.c — a statevector program (plan_sv.c) as LLVM IR: one kernel call per step
 * (rotations by a string's masks, dense gates from compile-time eigenvectors), or, past
 * EMIT_STRAIGHT_MAX rotation steps, one loop over a constant record table; gradients by the
 * ψ/λ backward pass (runtime/kernels_sv.c).
 */
#include "emit.h"

#include <stdlib.h>
#include <string.h>

/* A statevector rotation: psi ← exp(-iφP) psi for the string (x, z). */
typedef struct SvRecord {
    AngleRecord angle;
    uint64_t x, z;
} SvRecord;

typedef struct SvTables {
    LLVMValueRef vecs, lambda, qubits;
} SvTables;

/* psi ← U(±φ) psi for one step. */
static void e_sv_step(Emit *e, const SvProgram *p, const SvStep *st, const SvTables *t, LLVMValueRef psi,
                      Trig trig, bool inverse, LLVMValueRef u)
{
    if (st->kind == SV_ROTATE) {
        LLVMTypeRef types[] = {e->ptr, e->i32, e->i64, e->i64, e->f64, e->f64};
        LLVMValueRef s = inverse ? LLVMBuildFNeg(e->b, trig.s, "") : trig.s;
        LLVMValueRef args[] = {psi, e_i32(e, p->nqubits), e_i64(e, st->x), e_i64(e, st->z), trig.c, s};
        e_call(e, "ans_sv_rotate", e->vd, 6, types, args);
        return;
    }
    LLVMTypeRef ht[] = {e->ptr, e->ptr, e->i32, e->f64, e->ptr};
    LLVMValueRef phi = inverse ? LLVMBuildFNeg(e->b, trig.phi, "") : trig.phi;
    LLVMValueRef hargs[] = {t->vecs, t->lambda, e_i32(e, 1u << st->k), phi, u};
    e_call(e, "ans_herm_exp", e->vd, 5, ht, hargs);
    LLVMTypeRef at[] = {e->ptr, e->i32, e->ptr, e->i32, e->ptr};
    LLVMValueRef aargs[] = {psi, e_i32(e, p->nqubits), t->qubits, e_i32(e, st->k), u};
    e_call(e, "ans_sv_apply", e->vd, 5, at, aargs);
}

static LLVMValueRef e_sv_im(Emit *e, const SvProgram *p, const SvStep *st, LLVMValueRef lam, LLVMValueRef psi)
{
    LLVMTypeRef types[] = {e->ptr, e->ptr, e->i32, e->i64, e->i64};
    if (st->kind == SV_ROTATE) {
        LLVMValueRef args[] = {lam, psi, e_i32(e, p->nqubits), e_i64(e, st->x), e_i64(e, st->z)};
        return e_call(e, "ans_sv_im_inner", e->f64, 5, types, args);
    }
    LLVMValueRef sum = e_f64(e, 0);
    for (uint32_t t = 0; t < st->nterms; t++) {
        LLVMValueRef args[] = {lam, psi, e_i32(e, p->nqubits), e_i64(e, st->term_x[t]), e_i64(e, st->term_z[t])};
        LLVMValueRef im = e_call(e, "ans_sv_im_inner", e->f64, 5, types, args);
        sum = LLVMBuildFAdd(e->b, sum, LLVMBuildFMul(e->b, e_f64(e, st->term_coef[t]), im, ""), "");
    }
    return sum;
}

/* values[o] = <psi|O_o|psi>; with grad, also back = psi and lam = O_o psi, the start of
 * observable o's backward pass. */
static void e_sv_observable(Emit *e, const SvProgram *p, uint32_t o, bool grad, LLVMValueRef psi,
                            LLVMValueRef back, LLVMValueRef lam)
{
    const SvObservable *ob = &p->observables[o];
    LLVMValueRef nq = e_i32(e, p->nqubits), value = e_f64(e, 0);
    LLVMTypeRef xt[] = {e->ptr, e->i32, e->i64, e->i64};
    for (uint32_t i = 0; i < ob->nterms; i++) {
        LLVMValueRef args[] = {psi, nq, e_i64(e, ob->x[i]), e_i64(e, ob->z[i])};
        LLVMValueRef x = e_call(e, "ans_sv_expect", e->f64, 4, xt, args);
        value = LLVMBuildFAdd(e->b, value, LLVMBuildFMul(e->b, e_f64(e, ob->coef[i]), x, ""), "");
    }
    e_store(e, value, e->values, o);
    if (!grad)
        return;
    uint64_t bytes = (uint64_t)16 << p->nqubits;
    LLVMBuildMemCpy(e->b, back, 16, psi, 16, e_i64(e, bytes));
    LLVMBuildMemSet(e->b, lam, LLVMConstInt(e->i8, 0, 0), e_i64(e, bytes), 16);
    LLVMTypeRef at[] = {e->ptr, e->ptr, e->i32, e->i64, e->i64, e->f64};
    for (uint32_t i = 0; i < ob->nterms; i++) {
        LLVMValueRef args[] = {lam, psi, nq, e_i64(e, ob->x[i]), e_i64(e, ob->z[i]), e_f64(e, ob->coef[i])};
        e_call(e, "ans_sv_add_pauli", e->vd, 6, at, args);
    }
}

/* A large statevector program of rotations only: the forward pass, and per observable
 * the backward pass, as loops over a constant table of SvRecords. */
static void e_sv_loops(Emit *e, const SvProgram *p, bool grad, LLVMValueRef psi, LLVMValueRef back, LLVMValueRef lam)
{
    size_t n = p->steps.len;
    SvRecord *recs = calloc(n, sizeof *recs);
    for (size_t k = 0; k < n; k++) {
        const SvStep *st = &p->steps.data[k];
        recs[k] = (SvRecord){{st->angle.source, st->angle.index, st->angle.k, st->angle.b}, st->x, st->z};
    }
    LLVMValueRef table = e_table(e, recs, sizeof *recs * n);
    free(recs);
    LLVMTypeRef rt[] = {e->ptr, e->i32, e->i64, e->i64, e->f64, e->f64};
    LLVMTypeRef it[] = {e->ptr, e->ptr, e->i32, e->i64, e->i64};
    LLVMValueRef nq = e_i32(e, p->nqubits);
    /* pass -1: forward; pass o: observable o's backward pass */
    for (int64_t pass = -1; pass < (int64_t)e->plan->nobservables; pass++) {
        bool backward = pass >= 0;
        if (backward) {
            e_sv_observable(e, p, (uint32_t)pass, grad, psi, back, lam);
            if (!grad)
                continue;
        }
        Loop l;
        LLVMValueRef rec = e_loop_begin(e, &l, n, backward, table, sizeof(SvRecord));
        LLVMValueRef source, index, k;
        LLVMValueRef phi = e_record_phi(e, rec, &source, &index, &k);
        LLVMValueRef c = e_libm(e, "cos", phi), sn = e_libm(e, "sin", phi);
        LLVMValueRef x = e_field(e, rec, offsetof(SvRecord, x), e->i64), z = e_field(e, rec, offsetof(SvRecord, z), e->i64);
        if (!backward) {
            LLVMValueRef args[] = {psi, nq, x, z, c, sn};
            e_call(e, "ans_sv_rotate", e->vd, 6, rt, args);
        } else {
            LLVMValueRef iargs[] = {lam, back, nq, x, z};
            LLVMValueRef im = e_call(e, "ans_sv_im_inner", e->f64, 5, it, iargs);
            e_record_grad(e, source, index, k, (uint64_t)pass * e->c->nparams,
                          LLVMBuildFMul(e->b, e_f64(e, 2), im, ""));
            LLVMValueRef neg = LLVMBuildFNeg(e->b, sn, "");
            LLVMValueRef a1[] = {back, nq, x, z, c, neg};
            e_call(e, "ans_sv_rotate", e->vd, 6, rt, a1);
            LLVMValueRef a2[] = {lam, nq, x, z, c, neg};
            e_call(e, "ans_sv_rotate", e->vd, 6, rt, a2);
        }
        e_loop_end(e, &l);
    }
}

static bool sv_only_rotations(const SvProgram *p)
{
    for (size_t k = 0; k < p->steps.len; k++)
        if (p->steps.data[k].kind != SV_ROTATE)
            return false;
    return true;
}

void e_sv(Emit *e, const SvProgram *p, bool grad, LLVMValueRef psi, LLVMValueRef u, LLVMValueRef back,
          LLVMValueRef lam)
{
    size_t nsteps = p->steps.len;
    if (nsteps > EMIT_STRAIGHT_MAX && sv_only_rotations(p)) {
        LLVMTypeRef types[] = {e->ptr, e->i32, e->ptr};
        LLVMValueRef args[] = {psi, e_i32(e, p->nqubits), e_table(e, p->kets, p->nqubits)};
        e_call(e, "ans_sv_init", e->vd, 3, types, args);
        e_sv_loops(e, p, grad, psi, back, lam);
        return;
    }
    SvTables *t = calloc(nsteps + 1, sizeof *t);
    Trig *trig = calloc(nsteps + 1, sizeof *trig);
    {
        LLVMTypeRef types[] = {e->ptr, e->i32, e->ptr};
        LLVMValueRef args[] = {psi, e_i32(e, p->nqubits), e_table(e, p->kets, p->nqubits)};
        e_call(e, "ans_sv_init", e->vd, 3, types, args);
    }
    for (size_t k = 0; k < nsteps; k++) {
        const SvStep *st = &p->steps.data[k];
        if (st->kind == SV_DENSE) {
            uint32_t dim = 1u << st->k;
            t[k].vecs = e_table(e, st->vecs, sizeof(double) * 2 * dim * dim);
            t[k].lambda = e_table(e, st->lambda, sizeof(double) * dim);
            t[k].qubits = e_table(e, st->qubits, sizeof(uint32_t) * st->k);
        }
        trig[k] = e_trig(e, &st->angle);
        e_sv_step(e, p, st, &t[k], psi, trig[k], false, u);
    }
    for (uint32_t o = 0; o < e->plan->nobservables; o++) {
        e_sv_observable(e, p, o, grad, psi, back, lam);
        if (!grad)
            continue;
        for (size_t k = nsteps; k-- > 0;) {
            const SvStep *st = &p->steps.data[k];
            if (st->angle.source == ANGLE_PARAM) {
                LLVMValueRef im = e_sv_im(e, p, st, lam, back);
                e_grad_add(e, &st->angle, (uint64_t)o * e->c->nparams, LLVMBuildFMul(e->b, e_f64(e, 2), im, ""));
            }
            if (k == 0)
                break;
            e_sv_step(e, p, st, &t[k], back, trig[k], true, u);
            e_sv_step(e, p, st, &t[k], lam, trig[k], true, u);
        }
    }
    free(t);
    free(trig);
}

uint32_t sv_kmax(const SvProgram *p)
{
    uint32_t k = 0;
    for (size_t i = 0; i < p->steps.len; i++)
        if (p->steps.data[i].kind == SV_DENSE && p->steps.data[i].k > k)
            k = p->steps.data[i].k;
    return k;
}

