/*
 * plan.c — Circuit + analysis -> Plan: which method simulates the circuit, and its tables.
 *
 * The plan is the whole simulator as data; emit.c turns it into code and plan_run runs it
 * directly, so the two can be compared.
 */
#include "codegen.h"
#include "runtime/ansc_sim.h"

#include <string.h>

static const char *const method_names[] = {
#define METHOD_NAME(id, text) text,
    METHOD_LIST(METHOD_NAME)
#undef METHOD_NAME
};

const char *method_name(Method m) { return m < METHOD__COUNT ? method_names[m] : "?"; }

Method method_lookup(const char *name)
{
    for (int m = 0; m < METHOD__COUNT; m++)
        if (strcmp(method_names[m], name) == 0)
            return (Method)m;
    return METHOD__COUNT;
}

void plan_options_default(PlanOptions *o)
{
    o->method = METHOD_AUTO;
    o->truncate = 0;
    o->max_slots = 0;
    o->max_qubits = 26;
    o->max_dim = 4096;
}

/* Tr(ρP) for the circuit's product state: the product over P's factors of <ket|factor|ket>,
 * which is ±1 for Z on |0>, |1> and X on |+>, |->, else 0. */
double plan_product_expectation(const Circuit *c, const uint64_t *p, uint32_t words)
{
    double e = 1;
    for (uint32_t w = 0; w < words && e != 0; w++)
        for (uint64_t m = p[w] | p[words + w]; m && e != 0; m &= m - 1) {
            uint32_t q = w * 64 + (uint32_t)__builtin_ctzll(m);
            int f = pauli_get(p, words, q);
            switch (c->state[q]) {
            case KET_0: e *= f == 2 ? 1 : 0; break;
            case KET_1: e *= f == 2 ? -1 : 0; break;
            case KET_PLUS: e *= f == 1 ? 1 : 0; break;
            case KET_MINUS: e *= f == 1 ? -1 : 0; break;
            }
        }
    return e;
}

/* auto's budgets: smaller than an explicit method's, so that a method that does not fit
 * is found out in about a second and the next one gets its turn. */
enum { PLAN_MAX_SLOTS = 1u << 22, PLAN_AUTO_MAX_SLOTS = 1u << 20, PLAN_AUTO_MAX_DIM = 1024 };

/* The plans of every observable with one per-observable planner; false with *why. */
static bool plan_each(Arena *a, Plan *p, const Circuit *c, const Frame *f, const PlanOptions *o,
                      StringSet *state, Method m, const char **why)
{
    if (m == METHOD_PAULI)
        p->pauli = arena_alloc(a, sizeof *p->pauli * (c->observables.len + 1));
    else
        p->dla = arena_alloc(a, sizeof *p->dla * (c->observables.len + 1));
    for (uint32_t k = 0; k < c->observables.len; k++) {
        if (m == METHOD_PAULI) {
            PauliProgram *q = plan_pauli(a, c, c->observables.data[k].op, o->truncate, o->max_slots,
                                         state, why);
            if (!q)
                return false;
            p->pauli[k] = *q;
        } else {
            DlaProgram *q = plan_dla(a, c, f, k, o->max_dim, state, why);
            if (!q)
                return false;
            p->dla[k] = *q;
        }
    }
    return true;
}

static uint64_t pauli_cost(const Plan *p)
{
    uint64_t cost = 0;
    for (uint32_t k = 0; k < p->nobservables; k++)
        cost += 2 * p->pauli[k].pairs_total + p->pauli[k].scaled_total + p->pauli[k].nslots;
    return cost;
}

static uint64_t sv_cost(const Circuit *c)
{
    uint64_t terms = 0;
    for (size_t k = 0; k < c->gates.len; k++)
        terms += c->gates.data[k].generator->len;
    return (terms + c->observables.len + 1) << c->nqubits;
}

/* Tries method m; on success fills p (state strings included) and returns true. */
static bool plan_try(Arena *a, Plan *p, const Circuit *c, const PlanOptions *o, Method m,
                     const char **why)
{
    StringSet state;
    stringset_init(&state, pauli_words(c->nqubits));
    StringSet *ss = c->state_input ? &state : NULL;
    bool ok;
    p->pauli = NULL;
    p->dla = NULL;
    p->sv = NULL;
    if (m == METHOD_STATEVECTOR) {
        p->sv = plan_sv(a, c, o->max_qubits, why);
        ok = p->sv != NULL;
    } else {
        Frame *f = m == METHOD_DLA ? frame_build(a, c) : NULL;
        ok = plan_each(a, p, c, f, o, ss, m, why);
    }
    if (ok) {
        p->method = m;
        p->nstate_paulis = state.len;
        p->state_paulis = arena_alloc(a, sizeof *p->state_paulis * (state.len + 1));
        for (uint32_t i = 0; i < state.len; i++) {
            StrBuf sb = {0};
            sb_put_pauli(&sb, stringset_get(&state, i), state.words, c->nqubits);
            p->state_paulis[i] = arena_strndup(a, sb.data, sb.len);
            sb_free(&sb);
        }
    }
    stringset_free(&state);
    return ok;
}

static Span plan_span(const Circuit *c)
{
    if (c->observables.len)
        return c->observables.data[0].span;
    if (c->gates.len)
        return c->gates.data[0].span;
    return (Span){0, 0};
}

/*
 * plan_build: an explicit method is planned or refused (E100 when it does not apply,
 * with the planner's reason). auto takes the cheapest exact method: pauli when every
 * generator's terms commute and the strings stay within budget, unless the state vector
 * is smaller; otherwise the state vector for small circuits, else dla (g-sim), else the
 * state vector. --truncate implies pauli (a truncation is an approximation auto never
 * makes on its own).
 */
Plan *plan_build(Arena *a, DiagSink *diags, const Circuit *c, const PlanOptions *given)
{
    Plan *p = arena_alloc(a, sizeof *p);
    p->circuit = c;
    p->truncate = given->truncate;
    p->nobservables = (uint32_t)c->observables.len;
    Method m = given->method;
    if (m == METHOD_AUTO && given->truncate)
        m = METHOD_PAULI;
    /* a budget given is taken as it is; the default is the method's */
    PlanOptions options = *given;
    if (!options.max_slots)
        options.max_slots = m == METHOD_AUTO ? PLAN_AUTO_MAX_SLOTS : PLAN_MAX_SLOTS;
    const PlanOptions *o = &options;
    const char *why = NULL;
    if (m != METHOD_AUTO) {
        if (o->truncate && m != METHOD_PAULI) {
            diag_report(diags, DIAG_E100, c->src, plan_span(c),
                        "--truncate applies to the pauli method, not '%s'", method_name(m));
            return NULL;
        }
        if (!plan_try(a, p, c, o, m, &why)) {
            diag_report(diags, DIAG_E100, c->src, plan_span(c), "method '%s' does not apply: %s",
                        method_name(m), why);
            return NULL;
        }
        p->why = arena_printf(a, "chosen with --method %s", method_name(m));
        return p;
    }
    const char *why_pauli = NULL, *why_sv = NULL, *why_dla = NULL;
    bool sv_fits = !c->state_input && c->nqubits <= o->max_qubits;
    PlanOptions first = *o;
    if (first.max_dim > PLAN_AUTO_MAX_DIM)
        first.max_dim = PLAN_AUTO_MAX_DIM;
    if (plan_try(a, p, c, &first, METHOD_PAULI, &why_pauli)) {
        if (!sv_fits || pauli_cost(p) <= sv_cost(c)) {
            p->why = "every generator is a sum of commuting strings and the propagated strings "
                     "stay within budget";
            return p;
        }
        why_pauli = "the state vector is smaller";
    }
    if (sv_fits && c->nqubits <= 14 && plan_try(a, p, c, o, METHOD_STATEVECTOR, &why_sv)) {
        p->why = arena_printf(a, "%u qubits: the state vector is small (pauli: %s)", c->nqubits, why_pauli);
        return p;
    }
    if (plan_try(a, p, c, &first, METHOD_DLA, &why_dla)) {
        p->why = arena_printf(a, "the observables' modules are small (pauli: %s)", why_pauli);
        return p;
    }
    if (sv_fits && plan_try(a, p, c, o, METHOD_STATEVECTOR, &why_sv)) {
        p->why = arena_printf(a, "exact state vector (pauli: %s; dla: %s)", why_pauli, why_dla);
        return p;
    }
    diag_report(diags, DIAG_E101, c->src, plan_span(c),
                "no simulation method fits: pauli: %s; dla: %s; statevector: %s", why_pauli, why_dla,
                why_sv ? why_sv
                       : c->state_input ? "the state is data"
                                        : arena_printf(a, "%u qubits (at most %u)", c->nqubits,
                                                       o->max_qubits));
    return NULL;
}

int plan_run(const Plan *p, const double *params, const double *inputs, const double *state,
             double *values, double *grad)
{
    const Circuit *c = p->circuit;
    if (grad)
        memset(grad, 0, sizeof *grad * p->nobservables * c->nparams);
    if (p->method == METHOD_STATEVECTOR)
        return sv_run(p->sv, p->nobservables, c->nparams, params, inputs, values, grad);
    for (uint32_t k = 0; k < p->nobservables; k++) {
        double *g = grad ? grad + (size_t)k * c->nparams : NULL;
        int status = p->method == METHOD_PAULI ? pauli_run(&p->pauli[k], params, inputs, state, &values[k], g)
                                               : dla_run(&p->dla[k], params, inputs, state, &values[k], g);
        if (status != ANS_OK)
            return status;
    }
    return ANS_OK;
}
