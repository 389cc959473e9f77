/*
 * analyze.c — the analysis pipeline and the `expect` checks.
 *
 * Input: an elaborated Circuit. Output: an Analysis (arena, plus the malloc'd closures that
 * analysis_free releases) and diagnostics: E080 for an expectation that does not hold,
 * W031 for one that cannot be checked, and what the stages report (W030, N030).
 *
 *   frame        fixed Clifford gates moved to the end (frame.c)
 *   generators   the sharing rule (generators.c)
 *   dla          closure of the generators (lie.c), within the budget
 *   structure    centre, simple ideals, name (structure.c), when the closure is complete
 *   modules      each observable's closure under ad of the generators, and O ∈ g?
 *   lints        W032–W037, N031, N032 from all of the above (lints.c), last
 */
#include "analysis.h"

#include <string.h>

static bool compare(int64_t have, CmpOp op, int64_t want)
{
    switch (op) {
    case CMP_EQ: return have == want;
    case CMP_NE: return have != want;
    case CMP_LT: return have < want;
    case CMP_LE: return have <= want;
    case CMP_GT: return have > want;
    case CMP_GE: return have >= want;
    }
    return false;
}

static const char *cmp_text(CmpOp op)
{
    static const char *t[] = {"==", "!=", "<", "<=", ">", ">="};
    return t[op];
}

static void check_expects(DiagSink *diags, const Analysis *an)
{
    const Circuit *c = an->circuit;
    for (size_t i = 0; i < c->expects.len; i++) {
        const Expect *x = &c->expects.data[i];
        const char *fact = NULL, *why = "the closure stopped at its budget (raise --max-dim, or "
                                          "use ansc analyze, whose budget is larger)";
        int64_t have = 0;
        bool known = true;
        switch (x->fact) {
        case FACT_DLA_DIM:
            fact = "dla.dim";
            have = an->dla->dim;
            known = an->dla->complete;
            break;
        case FACT_DLA_CENTER:
            fact = "dla.center";
            known = an->structure != NULL;
            have = known ? an->structure->center_dim : 0;
            if (an->dla->complete)
                why = "the algebra is spanned by sums and too large for the exact decomposition";
            break;
        case FACT_MODULE_DIM:
            fact = "module.dim";
            known = c->observables.len > 0 && an->observables[0].module_complete;
            have = known ? an->observables[0].module_dim : 0;
            if (c->observables.len == 0)
                why = "the ansatz has no observable";
            break;
        case FACT_SIMULABLE: /* the verdict's: analysis_conclude */
        case FACT_BARREN_PLATEAU:
        case FACT__COUNT:
            continue;
        }
        if (!known) {
            diag_report(diags, DIAG_W031, c->src, x->span, "'%s' is not checked: %s", fact, why);
            continue;
        }
        if (!compare(have, x->op, x->value))
            diag_report(diags, DIAG_E080, c->src, x->span,
                        "expectation does not hold: %s is %lld, expected %s %lld", fact,
                        (long long)have, cmp_text(x->op), (long long)x->value);
    }
}

Analysis *analyze_circuit(Arena *a, DiagSink *diags, const Circuit *c, const AnalysisOptions *o)
{
    if (!c)
        return NULL;
    Analysis *an = arena_alloc(a, sizeof *an);
    an->circuit = c;
    an->max_dim = o && o->max_dim ? o->max_dim : ANALYSIS_DEFAULT_MAX_DIM;
    an->max_work = o && o->max_work ? o->max_work : LIE_DEFAULT_WORK;
    an->frame = frame_build(a, c);
    an->generators = generators_build(a, diags, c, an->frame);

    size_t ngens = an->generators->list.len;
    PauliSum **gens = arena_alloc(a, (ngens + 1) * sizeof *gens);
    for (size_t i = 0; i < ngens; i++)
        gens[i] = an->generators->list.data[i].op;
    an->dla = lie_close_budget(c->nqubits, gens, ngens, gens, ngens, an->max_dim, an->max_work);
    if (an->dla->complete)
        an->structure = lie_structure(a, an->dla, gens, ngens);
    else if (c->gates.len && !(o && o->no_lints)) /* the scaling study's points stay quiet */
        diag_report(diags, DIAG_N033, c->src, c->gates.data[0].span,
                    "the Lie closure stopped at %u elements (the budget: --max-dim %u, or the "
                    "elimination work): every dimension reported is a lower bound and the "
                    "facts that need the whole algebra are unknown",
                    an->dla->dim, an->max_dim);

    an->observables = arena_alloc(a, (c->observables.len + 1) * sizeof *an->observables);
    for (size_t i = 0; i < c->observables.len; i++) {
        ObservableFacts *of = &an->observables[i];
        /* The identity part of O is invariant and carries no information about θ. */
        PauliSum *op = psum_without_identity(a, an->frame->observables[i]);
        of->name = c->observables.data[i].name;
        of->op = op;
        of->in_dla = an->dla->complete && op->len > 0 && lie_contains(an->dla, op);
        LieSpace *m = lie_close_budget(c->nqubits, gens, ngens, &op, op->len ? 1 : 0, an->max_dim,
                                       an->max_work);
        of->module = m;
        of->module_dim = m->dim;
        of->module_complete = m->complete;
    }
    analysis_variance(a, an, gens, ngens);
    check_expects(diags, an);
    if (!(o && o->no_lints))
        analysis_lints(diags, an);
    return an;
}

void analysis_free(Analysis *an)
{
    if (!an)
        return;
    lie_space_free(an->dla);
    for (size_t i = 0; i < an->circuit->observables.len; i++)
        lie_space_free(an->observables[i].module);
}
