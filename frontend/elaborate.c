/*
 * elaborate.c — from a checked tree to the flat Circuit: statements, gates, layout.
 *
 * Input: a tree that sema accepted (every name resolved, every expression typed). Output: a
 * Circuit in the arena, or NULL with diagnostics (E012, E040–E054, E070–E074, W001–W003).
 * The tree is only read: values live in a slot array indexed by the symbols' slots, so
 * loop variables and gate arguments are rebound without touching the tree (a gate body
 * is never active twice at once: gates are defined before use and cannot recurse).
 *
 * Two passes over the top level. The layout pass evaluates the sizes (with -D), top-level
 * lets and qubit registers, so that the qubit count — and with it the width of every
 * Pauli string — is known before the first gate. The main pass then runs the program:
 * loops unrolled, user gates inlined, whole-register operands broadcast, u split into
 * three rotations, every gate given its generator. Expressions are evaluated by
 * evaluate.c. Errors inside loops are reported once (the sink drops repeats).
 */
#include "frontend.h"

#include <string.h>

/* ---- gates ------------------------------------------------------------------------------ */

static Angle angle_of(const Affine *a)
{
    return (Angle){.source = a->source, .index = a->index, .coef = a->k, .offset = a->c.value};
}

static void emit(Elab *e, GateKind kind, const uint32_t *qubits, uint32_t nq, const Affine *angle,
                 PauliSum *generator, Span span)
{
    Gate g = {.kind = kind, .nqubits = nq, .span = span};
    g.qubits = arena_alloc(e->arena, (nq ? nq : 1) * sizeof *g.qubits);
    memcpy(g.qubits, qubits, nq * sizeof *qubits);
    if (generator) {
        g.generator = generator;
        g.angle = angle_of(angle);
    } else {
        double fixed = 0;
        g.generator = gate_generator(e->arena, kind, qubits, e->c->nqubits, &fixed);
        if (gate_info(kind)->cls == GATE_ROTATION)
            g.angle = angle_of(angle);
        else
            g.angle = (Angle){.source = ANGLE_CONST, .coef = real_int(0), .offset = fixed};
    }
    vec_push(e->arena, &e->c->gates, g);
}

static void exec_stmts(Elab *e, const Node *stmts);

static void apply(Elab *e, const Node *call, const Affine *args, const uint32_t *qubits, uint32_t nq)
{
    for (uint32_t i = 0; i < nq; i++) {
        if (!elab_check_live(e, qubits[i], call->span, "this gate"))
            return;
        for (uint32_t j = 0; j < i; j++)
            if (qubits[i] == qubits[j]) {
                StrBuf name = {0};
                sb_put_qubit(&name, e->c, qubits[i]);
                REPORT(e, E044, call->span, "'%s' is given qubit %s twice; the qubits of a gate "
                       "must be distinct", call->call.name, name.data);
                sb_free(&name);
                return;
            }
    }
    GateKind kind = call->call.builtin;
    if (kind == GATE_U) { /* u(θ, φ, λ) = rz(φ) · ry(θ) · rz(λ): rz(λ) acts first */
        emit(e, GATE_RZ, qubits, 1, &args[2], NULL, call->span);
        emit(e, GATE_RY, qubits, 1, &args[0], NULL, call->span);
        emit(e, GATE_RZ, qubits, 1, &args[1], NULL, call->span);
        return;
    }
    if (kind != GATE__COUNT) {
        emit(e, kind, qubits, nq, args, NULL, call->span);
        return;
    }
    const Node *def = call->call.gate->decl;
    if (e->inline_depth >= ANS_MAX_INLINE_DEPTH) {
        REPORT(e, E072, call->span, "gate calls are nested more than %d deep",
               ANS_MAX_INLINE_DEPTH);
        e->fatal = true;
        return;
    }
    uint32_t i = 0;
    for (const Node *p = def->gatedef.params; p; p = p->next)
        e->slots[p->name.sym->slot].angle = args[i++];
    i = 0;
    for (const Node *q = def->gatedef.qubits; q; q = q->next)
        e->slots[q->name.sym->slot].qubit = qubits[i++];
    e->inline_depth++;
    exec_stmts(e, def->gatedef.body->block.stmts);
    e->inline_depth--;
}

/* gate(args) operands; — whole registers broadcast, single qubits repeat. */
static void exec_call(Elab *e, const Node *n)
{
    uint32_t nargs = node_count(n->call.args), nops = node_count(n->call.operands);
    Affine *args = arena_alloc(e->arena, (nargs ? nargs : 1) * sizeof *args);
    Operand *ops = arena_alloc(e->arena, (nops ? nops : 1) * sizeof *ops);
    uint32_t i = 0;
    for (const Node *a = n->call.args; a; a = a->next)
        if (!elab_affine(e, a, &args[i++]))
            return;
    i = 0;
    const Operand *whole = NULL;
    for (const Node *o = n->call.operands; o; o = o->next, i++) {
        if (!elab_operand(e, o, &ops[i]))
            return;
        if (ops[i].whole && whole && whole->count != ops[i].count) {
            REPORT(e, E051, o->span, "broadcasting over registers of different sizes (%u and %u)",
                   whole->count, ops[i].count);
            return;
        }
        if (ops[i].whole && !whole)
            whole = &ops[i];
    }
    uint32_t reps = whole ? whole->count : 1;
    uint32_t *qubits = arena_alloc(e->arena, (nops ? nops : 1) * sizeof *qubits);
    for (uint32_t r = 0; r < reps && !e->fatal; r++) {
        if (r > 0 && !elab_step(e, n->span))
            return;
        for (uint32_t k = 0; k < nops; k++)
            qubits[k] = ops[k].first + (ops[k].whole ? r : 0);
        apply(e, n, args, qubits, nops);
    }
}

static void exec_evolve(Elab *e, const Node *n)
{
    Affine angle;
    if (!elab_affine(e, n->evolve.angle, &angle))
        return;
    PauliSum *h = elab_pauli(e, n->evolve.op);
    if (!h)
        return;
    psum_compact(e->arena, h);
    if (h->len == 0) {
        REPORT(e, E049, n->evolve.op->span, "the generator of evolve is zero");
        return;
    }
    uint32_t *support = arena_alloc(e->arena, e->c->nqubits * sizeof *support + 4);
    uint32_t nq = psum_support(h, support);
    for (uint32_t i = 0; i < nq; i++)
        if (!elab_check_live(e, support[i], n->evolve.op->span, "this generator"))
            return;
    if (nq == 0)
        REPORT(e, W002, n->evolve.op->span,
               "this generator is a multiple of the identity: the gate is a global phase");
    emit(e, GATE_EVOLVE, support, nq, &angle, h, n->span);
}

static void exec_discard(Elab *e, const Node *n)
{
    for (const Node *o = n->operands.operands; o; o = o->next) {
        Operand q;
        if (!elab_operand(e, o, &q))
            continue;
        for (uint32_t k = 0; k < q.count; k++) {
            uint32_t qubit = q.first + k;
            if (!elab_check_live(e, qubit, o->span, "discard"))
                continue;
            Span *at = arena_alloc(e->arena, sizeof *at);
            *at = o->span;
            e->discarded[qubit] = at;
            Discard d = {.qubit = qubit, .before = (uint32_t)e->c->gates.len, .span = o->span};
            vec_push(e->arena, &e->c->discards, d);
        }
    }
}

static void exec_observe(Elab *e, const Node *n)
{
    e->observed = true;
    const char *name = n->observe.name;
    Span at = n->observe.name ? n->observe.name_span : n->span;
    if (!name)
        name = arena_printf(e->arena, "obs%u", e->unnamed++);
    for (size_t i = 0; i < e->c->observables.len; i++)
        if (strcmp(e->c->observables.data[i].name, name) == 0) {
            if (e->c->observables.data[i].span.start == at.start) {
                REPORT(e, E052, at, "observable '%s' is defined again on each pass of a loop; "
                       "leave it unnamed (obs0, obs1, …) or move it out of the loop", name);
                return;
            }
            Diag *d = REPORT(e, E052, at, "observable '%s' is defined twice", name);
            diag_note(e->diags, d, e->src, e->c->observables.data[i].span,
                      "'%s' is first defined here", name);
            return;
        }
    PauliSum *op = elab_pauli(e, n->observe.op);
    if (!op)
        return;
    psum_compact(e->arena, op);
    if (op->len == 0) {
        REPORT(e, E049, n->observe.op->span, "observable '%s' is zero", name);
        return;
    }
    Observable o = {.name = name, .op = op, .span = at};
    vec_push(e->arena, &e->c->observables, o);
}

static void exec_var_decl(Elab *e, const Node *n)
{
    VarArray arr = {.name = n->var.name, .span = n->var.name_span};
    e->slots[n->var.sym->slot].var = INVALID;
    uint64_t count = 1;
    for (const Node *d = n->var.dims; d; d = d->next) {
        int64_t v;
        if (!elab_int(e, d, &v, false))
            return;
        if (v < 0) {
            REPORT(e, E043, d->span, "array dimension %lld is negative", (long long)v);
            return;
        }
        if (v > ANS_MAX_VECTOR || (count *= (uint64_t)v) > ANS_MAX_VECTOR) {
            REPORT(e, E074, n->span, "'%s' would have more than %d elements", n->var.name,
                   ANS_MAX_VECTOR);
            return;
        }
        arr.dims[arr.ndims++] = (uint32_t)v;
    }
    uint32_t *total = n->var.input ? &e->c->ninputs : &e->c->nparams;
    if (*total + count > ANS_MAX_VECTOR) {
        REPORT(e, E074, n->span, "the %s vector would have more than %d elements",
               n->var.input ? "input" : "parameter", ANS_MAX_VECTOR);
        e->fatal = true;
        return;
    }
    arr.offset = *total;
    arr.count = (uint32_t)count;
    *total += (uint32_t)count;
    if (n->var.input) {
        e->slots[n->var.sym->slot].var = (uint32_t)e->c->inputs.len;
        vec_push(e->arena, &e->c->inputs, arr);
    } else {
        e->slots[n->var.sym->slot].var = (uint32_t)e->c->params.len;
        vec_push(e->arena, &e->c->params, arr);
    }
}

static void exec_expect(Elab *e, const Node *n)
{
    Expect x = {.fact = n->expect.fact, .op = n->expect.cmp, .negated = n->expect.negated,
                .span = n->span};
    if (n->expect.value && !elab_int(e, n->expect.value, &x.value, false))
        return;
    vec_push(e->arena, &e->c->expects, x);
}

static void exec_stmt(Elab *e, const Node *n)
{
    if (!elab_step(e, n->span))
        return;
    switch (n->kind) {
    case ND_VAR_DECL:
        exec_var_decl(e, n);
        break;
    case ND_STATE:
        e->state = n;
        break;
    case ND_LET: {
        int64_t v;
        if (elab_int(e, n->let.value, &v, false))
            e->slots[n->let.sym->slot].i = v;
        break;
    }
    case ND_CALL:
        exec_call(e, n);
        break;
    case ND_EVOLVE:
        exec_evolve(e, n);
        break;
    case ND_FOR: {
        int64_t lo, st, hi;
        if (!elab_range(e, n->loop.range, &lo, &st, &hi) || (st > 0 ? lo > hi : lo < hi))
            break;
        int64_t v = lo;
        do {
            if (!elab_step(e, n->span))
                return;
            e->slots[n->loop.sym->slot].i = v;
            exec_stmts(e, n->loop.body->block.stmts);
        } while (!e->fatal && elab_range_next(&v, st, hi));
        break;
    }
    case ND_IF: {
        int64_t v;
        if (!elab_int(e, n->cond.cond, &v, false))
            break;
        const Node *branch = v ? n->cond.then : n->cond.otherwise;
        if (branch && branch->kind == ND_IF)
            exec_stmt(e, branch);
        else if (branch)
            exec_stmts(e, branch->block.stmts);
        break;
    }
    case ND_BLOCK:
        exec_stmts(e, n->block.stmts);
        break;
    case ND_DISCARD:
        exec_discard(e, n);
        break;
    case ND_BARRIER: /* ignored, but its operands must still be valid */
        for (const Node *o = n->operands.operands; o; o = o->next) {
            Operand q;
            elab_operand(e, o, &q);
        }
        break;
    case ND_OBSERVE:
        exec_observe(e, n);
        break;
    case ND_EXPECT:
        exec_expect(e, n);
        break;
    default: /* header, qubits: the layout pass; gate definitions: inlined at calls */
        break;
    }
}

static void exec_stmts(Elab *e, const Node *stmts)
{
    for (const Node *n = stmts; n && !e->fatal; n = n->next)
        exec_stmt(e, n);
}

/* ---- layout: sizes, top-level lets, registers ------------------------------------------- */

static void layout(Elab *e, const Node *program)
{
    for (const Node *n = program->program.stmts; n && !e->fatal; n = n->next) {
        if (n->kind == ND_HEADER && !e->header) {
            e->header = n;
            e->c->name = n->header.name;
            for (const Node *z = n->header.sizes; z; z = z->next) {
                int64_t v = 0;
                bool given = false;
                for (size_t i = 0; i < e->ndefines; i++)
                    if (strcmp(e->defines[i].name, z->let.name) == 0) {
                        v = e->defines[i].value;
                        given = true;
                    }
                if (!given && !elab_int(e, z->let.value, &v, false))
                    v = 0;
                e->slots[z->let.sym->slot].i = v;
                SizeValue sv = {.name = z->let.name, .value = v};
                vec_push(e->arena, &e->c->sizes, sv);
            }
        } else if (n->kind == ND_LET) {
            int64_t v;
            if (elab_int(e, n->let.value, &v, false))
                e->slots[n->let.sym->slot].i = v;
        } else if (n->kind == ND_QUBIT_DECL) {
            int64_t size = 1;
            e->slots[n->qubit.sym->slot].reg.offset = INVALID;
            if (n->qubit.size && !elab_int(e, n->qubit.size, &size, false))
                continue;
            if (size < 1) {
                REPORT(e, E043, n->qubit.size->span,
                       "register '%s' has %lld qubits; a register needs at least one",
                       n->qubit.name, (long long)size);
                continue;
            }
            if (size > ANS_MAX_QUBITS || e->c->nqubits + (uint64_t)size > ANS_MAX_QUBITS) {
                REPORT(e, E070, n->qubit.size ? n->qubit.size->span : n->span,
                       "register '%s' of %lld qubits brings the circuit to %llu qubits; the "
                       "limit is %d",
                       n->qubit.name, (long long)size,
                       (unsigned long long)(e->c->nqubits + (uint64_t)size), ANS_MAX_QUBITS);
                e->fatal = true;
                continue;
            }
            Register r = {.name = n->qubit.name, .offset = e->c->nqubits, .size = (uint32_t)size,
                          .scalar = n->qubit.size == NULL, .span = n->qubit.name_span};
            e->slots[n->qubit.sym->slot].reg.offset = r.offset;
            e->slots[n->qubit.sym->slot].reg.size = r.size;
            e->c->nqubits += r.size;
            vec_push(e->arena, &e->c->registers, r);
        }
    }
}

static void finish(Elab *e)
{
    Circuit *c = e->c;
    c->state = arena_alloc(e->arena, (c->nqubits ? c->nqubits : 1) * sizeof *c->state);
    if (e->state && e->state->state.input) {
        c->state_input = true;
    } else if (e->state) {
        const char *ket = e->state->state.ket;
        size_t symbols = strlen(ket) - 2;
        if (symbols != 1 && symbols != c->nqubits) {
            REPORT(e, E053, e->state->span,
                   "the state gives %zu kets for %u qubits; give one ket for all, or one per "
                   "qubit",
                   symbols, c->nqubits);
        } else {
            for (uint32_t q = 0; q < c->nqubits; q++) {
                char k = ket[1 + (symbols == 1 ? 0 : q)];
                c->state[q] = k == '0' ? KET_0 : k == '1' ? KET_1 : k == '+' ? KET_PLUS : KET_MINUS;
            }
        }
    }
    uint32_t *support = arena_alloc(e->arena, (c->nqubits ? c->nqubits : 1) * sizeof *support);
    for (size_t i = 0; i < c->observables.len; i++) {
        uint32_t n = psum_support(c->observables.data[i].op, support);
        for (uint32_t k = 0; k < n; k++)
            if (!elab_check_live(e, support[k], c->observables.data[i].span, "this observable"))
                break;
    }
    if (!e->observed && e->header)
        REPORT(e, W003, e->header->header.name_span,
               "ansatz '%s' has no observable; add 'observe NAME = …;' to analyse or simulate it",
               c->name);
}

Circuit *elaborate(Arena *a, DiagSink *diags, const Source *src, const Node *program,
                   const Define *defines, size_t ndefines)
{
    size_t errors = diags->errors;
    Circuit *c = arena_alloc(a, sizeof *c);
    c->src = src;
    c->name = "";
    Elab e = {.arena = a, .diags = diags, .src = src, .c = c, .defines = defines,
              .ndefines = ndefines};
    e.slots = arena_alloc(a, (program->program.nslots + 1) * sizeof *e.slots);
    layout(&e, program);
    if (!e.fatal) {
        e.discarded = arena_alloc(a, (c->nqubits + 1) * sizeof *e.discarded);
        exec_stmts(&e, program->program.stmts);
    }
    if (!e.fatal)
        finish(&e);
    return diags->errors == errors ? c : NULL;
}
