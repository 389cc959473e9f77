/*
 * scaling.c — how the facts grow with the qubit count, and the verdict.
 *
 * Input: the analysis at the requested size and, when the driver swept a size (`n`, or
 * --sweep NAME=a:b), the facts at each swept size. Output: growth fits (polynomial with a
 * degree, or exponential with a base) and the verdict: barren plateau? classically
 * simulable? by which method? — each true, false or unknown, with a reason a person can read.
 *
 * Growth is read from the tail of the sequence, where the asymptotics show: for a polynomial
 * x^d the local log-log slope converges to d, for an exponential b^x it keeps rising (by
 * about x·log b), and the per-step growth factor stays near b. Integer sequences that are exactly polynomial over consecutive sizes
 * (constant k-th finite differences) get an exact integer degree. Dimensions are exact; the
 * fit only classifies their growth, it decides no dimension.
 *
 * The verdict's rules, and the literature behind them, are in docs/analysis.md ("Verdict").
 */
#include "analysis.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* k-th finite differences constant (and nonzero) over consecutive integer sizes. */
static int exact_degree(const double *x, const double *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (y[i] != nearbyint(y[i]) || fabs(y[i]) > 9e15 || (i && x[i] != x[i - 1] + 1))
            return -1;
    double d[64];
    size_t m = n < 64 ? n : 64;
    memcpy(d, y, m * sizeof *d);
    for (int k = 0; k <= 4 && (size_t)k + 2 <= m; k++) {
        bool constant = true;
        for (size_t i = 1; i < m - (size_t)k; i++)
            constant &= d[i] == d[0];
        if (constant && d[0] != 0)
            return k;
        for (size_t i = 0; i + 1 < m - (size_t)k; i++)
            d[i] = d[i + 1] - d[i];
    }
    return -1;
}

Growth growth_fit(const double *x, const double *y, size_t n)
{
    Growth g = {.kind = GROWTH_UNKNOWN};
    if (n < 3)
        return g;
    for (size_t i = 0; i < n; i++)
        if (!(y[i] > 0) || !(x[i] > 0) || (i && x[i] <= x[i - 1]))
            return g;
    int k = exact_degree(x, y, n);
    if (k >= 0) {
        g.kind = GROWTH_POLYNOMIAL;
        g.degree = k;
        g.exact = true;
        return g;
    }
    /* Work with a growing sequence; a decay is the reciprocal's growth. */
    bool decay = y[n - 1] < y[0];
    double factor_first = pow(decay ? y[0] / y[1] : y[1] / y[0], 1.0 / (x[1] - x[0]));
    double factor_last = pow(decay ? y[n - 2] / y[n - 1] : y[n - 1] / y[n - 2],
                             1.0 / (x[n - 1] - x[n - 2]));
    /* The local log-log slope: it converges to the degree for a polynomial, and rises by
     * about log b per unit step for an exponential b^x. With four or more points that rise
     * decides; with three, the growth factor's persistence does. */
    bool exponential;
    if (n >= 4) {
        double s1 = log(y[n - 2] / y[n - 3]) / log(x[n - 2] / x[n - 3]);
        double s2 = log(y[n - 1] / y[n - 2]) / log(x[n - 1] / x[n - 2]);
        double rise = (decay ? s1 - s2 : s2 - s1) / (x[n - 1] - x[n - 2]);
        exponential = rise > 0.5 && factor_last >= 1.3;
    } else {
        exponential = factor_last >= 1.3 && factor_last >= 0.85 * factor_first;
    }
    if (exponential) {
        g.kind = GROWTH_EXPONENTIAL;
        g.base = decay ? 1.0 / factor_last : factor_last;
    } else {
        g.kind = GROWTH_POLYNOMIAL;
        double slope = log(y[n - 1] / y[n - 2]) / log(x[n - 1] / x[n - 2]);
        g.degree = nearbyint(slope * 10) / 10; /* an estimate: one decimal */
    }
    return g;
}

void scaling_fit(Scaling *s)
{
    size_t n = s->points.len;
    double *x = calloc(n + 1, sizeof *x), *dla = calloc(n + 1, sizeof *dla),
           *mod = calloc(n + 1, sizeof *mod), *var = calloc(n + 1, sizeof *var);
    double *mx = calloc(n + 1, sizeof *mx), *vx = calloc(n + 1, sizeof *vx);
    size_t nd = 0, nm = 0, nv = 0;
    if (x && dla && mod && var && mx && vx) {
        for (size_t i = 0; i < n; i++) {
            const ScalingPoint *p = &s->points.data[i];
            if (p->dla_complete) {
                x[nd] = (double)p->size;
                dla[nd++] = p->dla_dim;
            }
            if (p->module_complete) {
                mx[nm] = (double)p->size;
                mod[nm++] = p->module_dim;
            }
            if (isfinite(p->variance) && p->variance > 0) {
                vx[nv] = (double)p->size;
                var[nv++] = p->variance;
            }
        }
        s->dla = growth_fit(x, dla, nd);
        s->module = growth_fit(mx, mod, nm);
        s->variance = growth_fit(vx, var, nv);
    }
    free(x);
    free(dla);
    free(mod);
    free(var);
    free(mx);
    free(vx);
}

static const char *growth_text(Arena *a, const char *what, Growth g)
{
    if (g.kind == GROWTH_EXPONENTIAL)
        return arena_printf(a, "%s grows exponentially (base %.2f)", what, g.base);
    if (g.kind == GROWTH_POLYNOMIAL)
        return arena_printf(a, "%s grows as n^%g%s", what, g.degree, g.exact ? "" : " (estimated)");
    return arena_printf(a, "%s: growth unknown", what);
}

static Verdict decide(Arena *a, const Analysis *an, const Scaling *sc)
{
    const Circuit *c = an->circuit;
    const ObservableFacts *o = c->observables.len ? &an->observables[0] : NULL;
    Verdict v = {.barren_plateau = TRI_UNKNOWN, .simulable = TRI_UNKNOWN};
    bool swept = sc && sc->points.len >= 3;

    if (o && o->module_complete && o->module_dim <= 65536)
        v.method = "dla";
    else if (c->nqubits <= 24)
        v.method = "statevector";
    else
        v.method = "pauli";

    /* Barren plateau: the predicted variance's decay (Ragone et al. 2024), or the algebra. */
    const char *bp_reason = NULL;
    if (swept && sc->variance.kind == GROWTH_EXPONENTIAL) {
        v.barren_plateau = TRI_TRUE;
        bp_reason = growth_text(a, "the predicted variance", sc->variance);
    } else if (swept && sc->variance.kind == GROWTH_POLYNOMIAL) {
        v.barren_plateau = TRI_FALSE;
        bp_reason = growth_text(a, "the predicted variance", sc->variance);
    } else if (an->structure && an->structure->full && o && o->in_dla) {
        v.barren_plateau = TRI_TRUE;
        bp_reason = "g is all of su(2^k) and O lies in it: Var = P_g(ρ)P_g(O)/(4^k − 1), "
                    "exponentially small (Ragone et al. 2024)";
    } else if (swept && sc->dla.kind == GROWTH_EXPONENTIAL && o && o->in_dla) {
        v.barren_plateau = TRI_TRUE;
        bp_reason = growth_text(a, "dim g", sc->dla);
    }

    /* Simulable: a polynomially growing module or algebra (g-sim, Goh et al. 2023). */
    const char *sim_reason = NULL;
    if (swept && sc->module.kind == GROWTH_POLYNOMIAL) {
        v.simulable = TRI_TRUE;
        v.method = "dla";
        sim_reason = growth_text(a, "dim V_O", sc->module);
    } else if (swept && sc->dla.kind == GROWTH_POLYNOMIAL) {
        v.simulable = TRI_TRUE;
        v.method = "dla";
        sim_reason = growth_text(a, "dim g", sc->dla);
    } else if (swept && sc->module.kind == GROWTH_EXPONENTIAL) {
        sim_reason = arena_printf(a, "%s; no polynomial method is known to ansc for it",
                                  growth_text(a, "dim V_O", sc->module));
    } else if (!swept) {
        sim_reason = "one size only: sweep a size (--sweep n=a:b) to see how the algebra grows";
    }

    v.reason = arena_printf(a, "%s%s%s", bp_reason ? bp_reason : "",
                            bp_reason && sim_reason ? "; " : "", sim_reason ? sim_reason : "");
    if (!bp_reason && !sim_reason)
        v.reason = "not enough is known";
    return v;
}

void analysis_conclude(Arena *a, DiagSink *diags, Analysis *an, Scaling *scaling)
{
    if (scaling)
        scaling_fit(scaling);
    an->scaling = scaling;
    an->verdict = decide(a, an, scaling);
    an->concluded = true;
    const Circuit *c = an->circuit;
    for (size_t i = 0; i < c->expects.len; i++) {
        const Expect *x = &c->expects.data[i];
        if (x->fact != FACT_SIMULABLE && x->fact != FACT_BARREN_PLATEAU)
            continue;
        const char *fact = x->fact == FACT_SIMULABLE ? "simulable" : "barren_plateau";
        Tri have = x->fact == FACT_SIMULABLE ? an->verdict.simulable : an->verdict.barren_plateau;
        if (have == TRI_UNKNOWN) {
            diag_report(diags, DIAG_W031, c->src, x->span,
                        "'%s%s' is not checked: the verdict is unknown (%s)",
                        x->negated ? "!" : "", fact, an->verdict.reason);
            continue;
        }
        bool want = !x->negated;
        if ((have == TRI_TRUE) != want)
            diag_report(diags, DIAG_E080, c->src, x->span,
                        "expectation does not hold: %s is %s (%s)", fact,
                        have == TRI_TRUE ? "true" : "false", an->verdict.reason);
    }
}
