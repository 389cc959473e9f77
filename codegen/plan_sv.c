/*
 * plan_sv.c — Circuit -> SvProgram: the exact state-vector method, and its runner.
 *
 * Every gate exp(-iθG) becomes steps over the 2^n amplitudes. When G's terms commute
 * pairwise (every standard gate, most `evolve`s), exp(-iθG) is the product of one rotation
 * exp(-iθ·g·P) = cos − i sin P per term, each a single pass over the state
 * (ans_sv_rotate). Otherwise G is written out as a dense Hermitian matrix on its support
 * (at most SV_MAX_DENSE qubits) and diagonalised here, once: at run time the step builds
 * exp(-iφG) = V e^{-iφΛ} V† (ans_herm_exp) and applies it (ans_sv_apply).
 *
 * Gradients use the adjoint method: one forward pass, then for each observable a backward
 * pass carrying ψ_k and λ_k = U_{k+1}† ⋯ U_L† O ψ_L; dE/dφ_k = 2 Im <λ_k|H_k|ψ_k>.
 * Discards need nothing here: a discarded qubit is never touched again, so tracing it out
 * leaves the remaining qubits' statistics as they are.
 */
#include "codegen.h"
#include "runtime/ansc_sim.h"
#include "runtime/kernels.h"

#include <math.h>
#include <string.h>

enum { SV_MAX_DENSE = 10 };

static void masks_of(const uint64_t *p, uint32_t words, uint64_t *x, uint64_t *z)
{
    *x = p[0];
    *z = p[words];
}

/* H (2^k × 2^k, complex interleaved) = Σ_t coef_t P_t restricted to the k qubits, local
 * bit j = global qubit qubits[j]. */
static void dense_generator(const SvStep *st, double *h)
{
    uint32_t dim = 1u << st->k;
    for (uint32_t t = 0; t < st->nterms; t++) {
        uint64_t x = 0, z = 0;
        for (uint32_t j = 0; j < st->k; j++) {
            x |= ((st->term_x[t] >> st->qubits[j]) & 1u) << j;
            z |= ((st->term_z[t] >> st->qubits[j]) & 1u) << j;
        }
        unsigned ny = (unsigned)__builtin_popcountll(x & z) & 3u;
        for (uint32_t col = 0; col < dim; col++) {
            /* P|col> = i^ny (-1)^{|col ∧ z|} |col ⊕ x> */
            unsigned ph = (ny + 2u * ((unsigned)__builtin_popcountll(col & z) & 1u)) & 3u;
            double re = ph == 0 ? 1 : ph == 2 ? -1 : 0, im = ph == 1 ? 1 : ph == 3 ? -1 : 0;
            size_t at = 2 * ((size_t)(col ^ x) * dim + col);
            h[at] += st->term_coef[t] * re;
            h[at + 1] += st->term_coef[t] * im;
        }
    }
}

static bool terms_commute(const PauliSum *g)
{
    for (uint32_t s = 0; s < g->len; s++)
        for (uint32_t t = s + 1; t < g->len; t++)
            if (!pauli_commutes(psum_string(g, s), psum_string(g, t), g->words))
                return false;
    return true;
}

static StepAngle angle_scaled(const Angle *a, double g)
{
    StepAngle s = {.source = a->source, .index = a->index, .k = 0, .b = g * a->offset};
    if (a->source != ANGLE_CONST)
        s.k = g * a->coef.value;
    return s;
}

/* plan_sv: one step per commuting term, or one dense step per non-commuting gate. */
SvProgram *plan_sv(Arena *a, const Circuit *c, uint32_t max_qubits, const char **why)
{
    if (c->state_input) {
        *why = "the statevector method needs a product state; this ansatz reads its state as data";
        return NULL;
    }
    if (c->nqubits > max_qubits || c->nqubits > 62) {
        *why = arena_printf(a, "%u qubits are more than the statevector method's %u", c->nqubits,
                            max_qubits < 62 ? max_qubits : 62);
        return NULL;
    }
    SvProgram *p = arena_alloc(a, sizeof *p);
    p->nqubits = c->nqubits;
    p->kets = arena_alloc(a, c->nqubits + 1u);
    for (uint32_t q = 0; q < c->nqubits; q++)
        p->kets[q] = (uint8_t)c->state[q];
    for (size_t k = 0; k < c->gates.len; k++) {
        const Gate *gate = &c->gates.data[k];
        PauliSum *g = psum_without_identity(a, gate->generator);
        if (g->len == 0)
            continue;
        if (terms_commute(g)) {
            for (uint32_t t = 0; t < g->len; t++) {
                SvStep st = {.kind = SV_ROTATE, .gate = (uint32_t)k,
                             .angle = angle_scaled(&gate->angle, g->coef[t].value)};
                masks_of(psum_string(g, t), g->words, &st.x, &st.z);
                vec_push(a, &p->steps, st);
            }
            continue;
        }
        SvStep st = {.kind = SV_DENSE, .gate = (uint32_t)k, .angle = angle_scaled(&gate->angle, 1.0)};
        st.qubits = arena_alloc(a, sizeof *st.qubits * c->nqubits);
        st.k = psum_support(g, st.qubits);
        if (st.k > SV_MAX_DENSE) {
            *why = arena_printf(a, "gate %zu's generator does not commute term by term and acts on %u "
                                   "qubits (at most %d)", k + 1, st.k, SV_MAX_DENSE);
            return NULL;
        }
        st.nterms = g->len;
        st.term_x = arena_alloc(a, sizeof *st.term_x * g->len);
        st.term_z = arena_alloc(a, sizeof *st.term_z * g->len);
        st.term_coef = arena_alloc(a, sizeof *st.term_coef * g->len);
        for (uint32_t t = 0; t < g->len; t++) {
            masks_of(psum_string(g, t), g->words, &st.term_x[t], &st.term_z[t]);
            st.term_coef[t] = g->coef[t].value;
        }
        uint32_t dim = 1u << st.k;
        double *h = arena_alloc(a, sizeof *h * 2 * dim * dim);
        dense_generator(&st, h);
        st.vecs = arena_alloc(a, sizeof *st.vecs * 2 * dim * dim);
        st.lambda = arena_alloc(a, sizeof *st.lambda * dim);
        cg_herm_eig(h, dim, st.lambda, st.vecs);
        vec_push(a, &p->steps, st);
    }
    p->observables = arena_alloc(a, sizeof *p->observables * (c->observables.len + 1));
    for (size_t o = 0; o < c->observables.len; o++) {
        const PauliSum *op = c->observables.data[o].op;
        SvObservable *ob = &p->observables[o];
        ob->x = arena_alloc(a, sizeof *ob->x * (op->len + 1));
        ob->z = arena_alloc(a, sizeof *ob->z * (op->len + 1));
        ob->coef = arena_alloc(a, sizeof *ob->coef * (op->len + 1));
        for (uint32_t t = 0; t < op->len; t++) {
            if (op->coef[t].value == 0)
                continue;
            masks_of(psum_string(op, t), op->words, &ob->x[ob->nterms], &ob->z[ob->nterms]);
            ob->coef[ob->nterms++] = op->coef[t].value;
        }
    }
    return p;
}

/* ψ ← U_step(φ) ψ; u is scratch for a dense step (2·4^k doubles). */
static void sv_step(const SvStep *st, uint32_t n, double *psi, double phi, double *u)
{
    if (st->kind == SV_ROTATE) {
        ans_sv_rotate(psi, n, st->x, st->z, cos(phi), sin(phi));
        return;
    }
    ans_herm_exp(st->vecs, st->lambda, 1u << st->k, phi, u);
    ans_sv_apply(psi, n, st->qubits, st->k, u);
}

/* Im <lam|H_step|psi>. */
static double sv_step_im(const SvStep *st, uint32_t n, const double *lam, const double *psi)
{
    if (st->kind == SV_ROTATE)
        return ans_sv_im_inner(lam, psi, n, st->x, st->z);
    double r = 0;
    for (uint32_t t = 0; t < st->nterms; t++)
        r += st->term_coef[t] * ans_sv_im_inner(lam, psi, n, st->term_x[t], st->term_z[t]);
    return r;
}

int sv_run(const SvProgram *p, uint32_t nobs, uint32_t nparams, const double *params,
           const double *inputs, double *values, double *grad)
{
    uint32_t n = p->nqubits;
    size_t bytes = ((size_t)2 << n) * sizeof(double);
    uint32_t kmax = 0;
    for (size_t k = 0; k < p->steps.len; k++)
        if (p->steps.data[k].kind == SV_DENSE && p->steps.data[k].k > kmax)
            kmax = p->steps.data[k].k;
    double *psi = ans_alloc(bytes), *u = ans_alloc(((size_t)2 << (2 * kmax)) * sizeof(double));
    double *back = grad ? ans_alloc(bytes) : NULL, *lam = grad ? ans_alloc(bytes) : NULL;
    int status = ANS_ERR_MEMORY;
    if (!psi || !u || (grad && (!back || !lam)))
        goto done;
    ans_sv_init(psi, n, p->kets);
    for (size_t k = 0; k < p->steps.len; k++)
        sv_step(&p->steps.data[k], n, psi, step_angle(&p->steps.data[k].angle, params, inputs), u);
    for (uint32_t o = 0; o < nobs; o++) {
        const SvObservable *ob = &p->observables[o];
        values[o] = 0;
        for (uint32_t t = 0; t < ob->nterms; t++)
            values[o] += ob->coef[t] * ans_sv_expect(psi, n, ob->x[t], ob->z[t]);
        if (!grad)
            continue;
        memcpy(back, psi, bytes);
        memset(lam, 0, bytes);
        for (uint32_t t = 0; t < ob->nterms; t++)
            ans_sv_add_pauli(lam, psi, n, ob->x[t], ob->z[t], ob->coef[t]);
        for (size_t k = p->steps.len; k-- > 0;) {
            const SvStep *st = &p->steps.data[k];
            double phi = step_angle(&st->angle, params, inputs);
            if (st->angle.source == ANGLE_PARAM)
                grad[(size_t)o * nparams + st->angle.index] += st->angle.k * 2 * sv_step_im(st, n, lam, back);
            if (k == 0)
                break;
            sv_step(st, n, back, -phi, u);
            sv_step(st, n, lam, -phi, u);
        }
    }
    status = ANS_OK;
done:
    ans_free(psi);
    ans_free(u);
    ans_free(back);
    ans_free(lam);
    return status;
}
