/*
 * print.c — the elaborated circuit as text (`ansc print`, `--stop-after=elaborate`).
 *
 * One gate a line: index, name, angle, qubits, then the generator G of exp(-i·angle·G) in
 * sparse Pauli form. Angles print as `coef*theta[i] + offset`; constants that are simple
 * multiples of π print as such (pi/2, -pi/4), everything else in the shortest exact form.
 * The format is for people and golden tests; the analysis reads the Circuit, not this.
 */
#include "frontend.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const VarArray *find_array(const Circuit *c, AngleSource source, uint32_t index)
{
    const VarArray *list = source == ANGLE_PARAM ? c->params.data : c->inputs.data;
    size_t n = source == ANGLE_PARAM ? c->params.len : c->inputs.len;
    for (size_t i = 0; i < n; i++)
        if (index >= list[i].offset && index - list[i].offset < list[i].count)
            return &list[i];
    return NULL;
}

void sb_put_var_element(StrBuf *sb, const Circuit *c, AngleSource source, uint32_t index)
{
    const VarArray *arr = find_array(c, source, index);
    if (!arr) {
        sb_printf(sb, "%s#%u", source == ANGLE_PARAM ? "param" : "input", index);
        return;
    }
    sb_puts(sb, arr->name);
    uint32_t rest = index - arr->offset;
    uint32_t idx[ANS_MAX_DIMS];
    for (uint32_t d = arr->ndims; d > 0; d--) {
        idx[d - 1] = rest % arr->dims[d - 1];
        rest /= arr->dims[d - 1];
    }
    for (uint32_t d = 0; d < arr->ndims; d++)
        sb_printf(sb, "[%u]", idx[d]);
}

void sb_put_qubit(StrBuf *sb, const Circuit *c, uint32_t qubit)
{
    for (size_t i = 0; i < c->registers.len; i++) {
        const Register *r = &c->registers.data[i];
        if (qubit >= r->offset && qubit - r->offset < r->size) {
            if (r->scalar)
                sb_puts(sb, r->name);
            else
                sb_printf(sb, "%s[%u]", r->name, qubit - r->offset);
            return;
        }
    }
    sb_printf(sb, "#%u", qubit);
}

/* "pi/2", "-3*pi/4" when v is k·π/d for a small d, else the shortest exact decimal. This is
 * display only: a value that merely looks like a multiple of π prints as a number. */
static void put_constant(StrBuf *sb, double v)
{
    if (v == 0) {
        sb_putc(sb, '0');
        return;
    }
    for (int d = 1; d <= 16; d++) {
        double k = v * d / ANS_PI;
        double r = nearbyint(k);
        if (r != 0 && fabs(r) <= 64 && r * ANS_PI / d == v) {
            long kk = (long)r;
            sb_puts(sb, kk < 0 ? "-" : "");
            if (labs(kk) != 1)
                sb_printf(sb, "%ld*", labs(kk));
            sb_puts(sb, "pi");
            if (d != 1)
                sb_printf(sb, "/%d", d);
            return;
        }
    }
    sb_put_double(sb, v);
}

static void put_angle(StrBuf *sb, const Circuit *c, const Angle *a)
{
    if (a->source == ANGLE_CONST) {
        put_constant(sb, a->offset);
        return;
    }
    Real k = a->coef;
    if (real_is_exact(k) && k.num == -1 && k.den == 1) {
        sb_putc(sb, '-');
    } else if (!(real_is_exact(k) && k.num == 1 && k.den == 1)) {
        sb_put_real(sb, k);
        sb_putc(sb, '*');
    }
    sb_put_var_element(sb, c, a->source, a->index);
    if (a->offset != 0) {
        sb_puts(sb, a->offset < 0 ? " - " : " + ");
        put_constant(sb, fabs(a->offset));
    }
}

static void put_vars(StrBuf *sb, const char *title, const VarArray *list, size_t n, uint32_t total)
{
    sb_printf(sb, "%s %u", title, total);
    for (size_t i = 0; i < n; i++) {
        sb_printf(sb, "%s%s", i == 0 ? ": " : ", ", list[i].name);
        for (uint32_t d = 0; d < list[i].ndims; d++)
            sb_printf(sb, "[%u]", list[i].dims[d]);
    }
    sb_putc(sb, '\n');
}

void circuit_print(StrBuf *sb, const Circuit *c)
{
    sb_printf(sb, "ansatz %s(", c->name);
    for (size_t i = 0; i < c->sizes.len; i++)
        sb_printf(sb, "%s%s = %lld", i ? ", " : "", c->sizes.data[i].name,
                  (long long)c->sizes.data[i].value);
    sb_puts(sb, ")\n");
    sb_printf(sb, "qubits %u", c->nqubits);
    for (size_t i = 0; i < c->registers.len; i++) {
        const Register *r = &c->registers.data[i];
        sb_printf(sb, "%s%s", i == 0 ? ": " : ", ", r->name);
        if (!r->scalar)
            sb_printf(sb, "[%u]", r->size);
    }
    sb_putc(sb, '\n');
    put_vars(sb, "parameters", c->params.data, c->params.len, c->nparams);
    put_vars(sb, "inputs", c->inputs.data, c->inputs.len, c->ninputs);
    sb_puts(sb, "state ");
    if (c->state_input) {
        sb_puts(sb, "input");
    } else {
        bool uniform = true;
        for (uint32_t q = 1; q < c->nqubits; q++)
            uniform &= c->state[q] == c->state[0];
        sb_putc(sb, '|');
        for (uint32_t q = 0; q < (uniform && c->nqubits ? 1 : c->nqubits); q++)
            sb_putc(sb, "01+-"[c->state[q]]);
        sb_putc(sb, '>');
    }
    sb_putc(sb, '\n');

    sb_printf(sb, "gates %zu\n", c->gates.len);
    size_t next_discard = 0;
    for (size_t i = 0; i < c->gates.len; i++) {
        for (; next_discard < c->discards.len && c->discards.data[next_discard].before == i;
             next_discard++) {
            sb_puts(sb, "  discard ");
            sb_put_qubit(sb, c, c->discards.data[next_discard].qubit);
            sb_putc(sb, '\n');
        }
        const Gate *g = &c->gates.data[i];
        sb_printf(sb, "  %zu %s", i, gate_info(g->kind)->name);
        if (gate_info(g->kind)->cls == GATE_ROTATION) {
            sb_putc(sb, '(');
            put_angle(sb, c, &g->angle);
            sb_putc(sb, ')');
        }
        if (g->kind != GATE_EVOLVE)
            for (uint32_t q = 0; q < g->nqubits; q++) {
                sb_puts(sb, q ? ", " : " ");
                sb_put_qubit(sb, c, g->qubits[q]);
            }
        if (gate_info(g->kind)->cls != GATE_ROTATION) {
            sb_puts(sb, " [angle ");
            put_angle(sb, c, &g->angle);
            sb_putc(sb, ']');
        }
        sb_puts(sb, " : ");
        sb_put_psum(sb, g->generator);
        sb_putc(sb, '\n');
    }
    for (; next_discard < c->discards.len; next_discard++) {
        sb_puts(sb, "  discard ");
        sb_put_qubit(sb, c, c->discards.data[next_discard].qubit);
        sb_putc(sb, '\n');
    }

    sb_printf(sb, "observables %zu\n", c->observables.len);
    for (size_t i = 0; i < c->observables.len; i++) {
        sb_printf(sb, "  %s = ", c->observables.data[i].name);
        sb_put_psum(sb, c->observables.data[i].op);
        sb_putc(sb, '\n');
    }
    if (c->expects.len) {
        static const char *facts[] = {
#define FACT_TEXT(id, text) text,
            EXPECT_FACTS(FACT_TEXT)
#undef FACT_TEXT
        };
        static const char *cmps[] = {"==", "!=", "<", "<=", ">", ">="};
        sb_printf(sb, "expects %zu\n", c->expects.len);
        for (size_t i = 0; i < c->expects.len; i++) {
            const Expect *x = &c->expects.data[i];
            uint32_t line, col;
            source_position(c->src, x->span.start, &line, &col);
            sb_printf(sb, "  %s%s", x->negated ? "!" : "", facts[x->fact]);
            if (x->fact == FACT_DLA_DIM || x->fact == FACT_DLA_CENTER || x->fact == FACT_MODULE_DIM)
                sb_printf(sb, " %s %lld", cmps[x->op], (long long)x->value);
            sb_printf(sb, "  (line %u)\n", line);
        }
    }
}
