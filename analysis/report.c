/*
 * report.c — the analysis as text for people and as the JSON of cli.md.
 *
 * Both read an Analysis and write into a StrBuf; neither computes anything. The text is
 * meant for teaching as much as for checking: it says what each number is. Keys of the
 * JSON report that later stages compute (purities, variance, scaling, verdict) are added
 * by those stages.
 */
#include "analysis.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>

static void put_sizes(StrBuf *sb, const Circuit *c)
{
    for (size_t i = 0; i < c->sizes.len; i++)
        sb_printf(sb, "%s%s = %lld", i ? ", " : "", c->sizes.data[i].name,
                  (long long)c->sizes.data[i].value);
}

static const char *tri_text(Tri t) { return t == TRI_TRUE ? "yes" : t == TRI_FALSE ? "no" : "unknown"; }

static void put_growth(StrBuf *sb, Growth g)
{
    if (g.kind == GROWTH_POLYNOMIAL)
        sb_printf(sb, "polynomial, degree %g%s", g.degree, g.exact ? "" : " (estimated)");
    else if (g.kind == GROWTH_EXPONENTIAL)
        sb_printf(sb, "exponential, base %.2f", g.base);
    else
        sb_puts(sb, "unknown (fewer than three complete points)");
}

static void report_scaling_text(StrBuf *sb, const Analysis *an)
{
    const Scaling *sc = an->scaling;
    if (!sc)
        return;
    sb_printf(sb, "scaling over %s:\n  %6s %7s %12s %12s\n", sc->size, sc->size, "qubits", "dim g",
              "dim V_O");
    for (size_t i = 0; i < sc->points.len; i++) {
        const ScalingPoint *p = &sc->points.data[i];
        char dla[32], mod[32];
        snprintf(dla, sizeof dla, "%s%u", p->dla_complete ? "" : ">=", p->dla_dim);
        snprintf(mod, sizeof mod, "%s%u", p->module_complete ? "" : ">=", p->module_dim);
        sb_printf(sb, "  %6lld %7u %12s %12s\n", (long long)p->size, p->qubits, dla, mod);
    }
    sb_puts(sb, "  dim g: ");
    put_growth(sb, sc->dla);
    sb_puts(sb, "\n  dim V_O: ");
    put_growth(sb, sc->module);
    sb_putc(sb, '\n');
}

static void report_verdict_text(StrBuf *sb, const Analysis *an)
{
    if (!an->concluded)
        return;
    const Verdict *v = &an->verdict;
    sb_printf(sb, "verdict:\n  barren plateau: %s\n  classically simulable: %s\n  method: %s\n"
              "  because: %s\n",
              tri_text(v->barren_plateau), tri_text(v->simulable), v->method, v->reason);
}

static json_t *json_tri(Tri t) { return t == TRI_UNKNOWN ? json_null() : json_boolean(t == TRI_TRUE); }

static json_t *json_growth(Growth g)
{
    if (g.kind == GROWTH_POLYNOMIAL)
        return json_pack("{s:s, s:f, s:b}", "kind", "polynomial", "degree", g.degree, "exact",
                         g.exact);
    if (g.kind == GROWTH_EXPONENTIAL)
        return json_pack("{s:s, s:f}", "kind", "exponential", "base", g.base);
    return json_null();
}

static json_t *json_scaling(const Analysis *an)
{
    const Scaling *sc = an->scaling;
    if (!sc)
        return json_null();
    json_t *points = json_array();
    for (size_t i = 0; i < sc->points.len; i++) {
        const ScalingPoint *p = &sc->points.data[i];
        json_t *o = json_object();
        json_object_set_new(o, sc->size, json_integer(p->size));
        json_object_set_new(o, "qubits", json_integer(p->qubits));
        json_object_set_new(o, "dla_dimension", json_integer(p->dla_dim));
        json_object_set_new(o, "dla_complete", json_boolean(p->dla_complete));
        json_object_set_new(o, "module_dimension", json_integer(p->module_dim));
        json_object_set_new(o, "module_complete", json_boolean(p->module_complete));
        json_object_set_new(o, "variance", isfinite(p->variance) ? json_real(p->variance) : json_null());
        json_array_append_new(points, o);
    }
    return json_pack("{s:s, s:o, s:o, s:o, s:o}", "size", sc->size, "points", points,
                     "dla_growth", json_growth(sc->dla), "module_growth", json_growth(sc->module),
                     "variance_growth", json_growth(sc->variance));
}

void analysis_report_text(StrBuf *sb, const Analysis *an)
{
    const Circuit *c = an->circuit;
    sb_printf(sb, "ansatz %s(", c->name);
    put_sizes(sb, c);
    sb_printf(sb, "): %u qubits, %u parameters, %u inputs, %zu gates\n", c->nqubits, c->nparams,
              c->ninputs, c->gates.len);
    sb_printf(sb, "generators: %zu distinct after the Clifford frame (%u Clifford gates moved to "
              "the end) and parameter sharing",
              an->generators->list.len, an->frame->cliffords);
    if (an->generators->fixed)
        sb_printf(sb, "; %u fixed non-Clifford", an->generators->fixed);
    sb_putc(sb, '\n');

    const LieSpace *g = an->dla;
    sb_printf(sb, "dynamical Lie algebra: dimension %s%u", g->complete ? "" : "at least ", g->dim);
    if (!g->complete)
        sb_printf(sb, " (the closure stopped at its budget: --max-dim %u elements, or the "
                  "elimination work)\n", an->max_dim);
    else if (an->structure && an->structure->name)
        sb_printf(sb, ", %s\n", an->structure->name);
    else
        sb_putc(sb, '\n');
    if (an->structure) {
        const Structure *s = an->structure;
        sb_printf(sb, "  centre: dimension %u\n", s->center_dim);
        sb_puts(sb, "  simple ideals:");
        if (s->ideals.len == 0)
            sb_puts(sb, " none (the algebra is abelian)");
        for (size_t i = 0; i < s->ideals.len; i++)
            sb_printf(sb, "%s %s (dimension %u, rank %u)", i ? "," : "",
                      s->ideals.data[i].name ? s->ideals.data[i].name : "unnamed",
                      s->ideals.data[i].dim, s->ideals.data[i].rank);
        sb_putc(sb, '\n');
        sb_printf(sb, "  all of su(2^k) on the qubits it touches: %s\n", s->full ? "yes" : "no");
    }
    sb_printf(sb, "observables: %zu\n", c->observables.len);
    for (size_t i = 0; i < c->observables.len; i++) {
        const ObservableFacts *o = &an->observables[i];
        sb_printf(sb, "  %s: %s the algebra; its module (the space its Heisenberg evolution "
                  "stays in) has dimension %s%u\n",
                  o->name, !g->complete ? "maybe in" : o->in_dla ? "in" : "not in",
                  o->module_complete ? "" : "at least ", o->module_dim);
        if (isfinite(o->variance))
            sb_printf(sb, "    predicted variance of <%s> for a deep circuit: %.6g\n"
                      "    (purities P_g(O) = %.6g, P_g(rho) = %.6g; %s)\n",
                      o->name, o->variance, o->purity, o->state_purity, o->variance_reason);
        else
            sb_printf(sb, "    predicted variance: not available (%s)\n",
                      o->variance_reason ? o->variance_reason : "unknown");
    }
    report_scaling_text(sb, an);
    report_verdict_text(sb, an);
}

void analysis_report_json(StrBuf *sb, const Analysis *an, const DiagSink *diags)
{
    const Circuit *c = an->circuit;
    json_t *sizes = json_object();
    for (size_t i = 0; i < c->sizes.len; i++)
        json_object_set_new(sizes, c->sizes.data[i].name, json_integer(c->sizes.data[i].value));
    json_t *dla = json_pack("{s:I, s:b}", "dimension", (json_int_t)an->dla->dim, "complete",
                            an->dla->complete);
    if (an->structure) {
        const Structure *s = an->structure;
        json_t *ideals = json_array(), *ranks = json_array(), *names = json_array();
        for (size_t i = 0; i < s->ideals.len; i++) {
            json_array_append_new(ideals, json_integer(s->ideals.data[i].dim));
            json_array_append_new(ranks, json_integer(s->ideals.data[i].rank));
            json_array_append_new(names, s->ideals.data[i].name
                                             ? json_string(s->ideals.data[i].name)
                                             : json_null());
        }
        json_object_set_new(dla, "full", json_boolean(s->full));
        json_object_set_new(dla, "center_dimension", json_integer(s->center_dim));
        json_object_set_new(dla, "ideals", ideals);
        json_object_set_new(dla, "ideal_ranks", ranks);
        json_object_set_new(dla, "ideal_names", names);
        json_object_set_new(dla, "name", s->name ? json_string(s->name) : json_null());
    } else {
        json_object_set_new(dla, "full", json_null());
        json_object_set_new(dla, "center_dimension", json_null());
        json_object_set_new(dla, "ideals", json_null());
        json_object_set_new(dla, "name", json_null());
    }
    json_t *observables = json_array();
    for (size_t i = 0; i < c->observables.len; i++) {
        const ObservableFacts *o = &an->observables[i];
        json_array_append_new(observables,
                              json_pack("{s:s, s:o, s:I, s:b, s:o, s:o, s:o, s:s?}", "name",
                                        o->name, "in_dla",
                                        an->dla->complete ? json_boolean(o->in_dla) : json_null(),
                                        "module_dimension", (json_int_t)o->module_dim,
                                        "module_complete", o->module_complete, "purity",
                                        isfinite(o->purity) ? json_real(o->purity) : json_null(),
                                        "state_purity",
                                        isfinite(o->state_purity) ? json_real(o->state_purity)
                                                                  : json_null(),
                                        "variance",
                                        isfinite(o->variance) ? json_real(o->variance) : json_null(),
                                        "variance_reason", o->variance_reason));
    }
    json_t *verdict = an->concluded
                          ? json_pack("{s:o, s:o, s:s, s:s}", "barren_plateau",
                                      json_tri(an->verdict.barren_plateau), "simulable",
                                      json_tri(an->verdict.simulable), "method", an->verdict.method,
                                      "reason", an->verdict.reason)
                          : json_null();
    json_t *doc = json_pack("{s:s, s:o, s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:o}",
                            "ansatz", c->name, "sizes", sizes, "qubits", (json_int_t)c->nqubits,
                            "parameters", (json_int_t)c->nparams, "inputs",
                            (json_int_t)c->ninputs, "gates", (json_int_t)c->gates.len,
                            "generators", (json_int_t)an->generators->list.len, "dla", dla,
                            "observables", observables, "scaling", json_scaling(an), "verdict",
                            verdict, "diagnostics", (json_t *)diag_json_list(diags));
    char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (text) {
        sb_puts(sb, text);
        sb_putc(sb, '\n');
        free(text);
    }
    json_decref(doc);
}
