/*
 * plan_pauli.c — Circuit -> PauliProgram: Heisenberg propagation of one observable over
 * Pauli strings, with optional weight truncation, and its runner.
 *
 * Input: an elaborated Circuit and one observable O = Σ c_P P. Output: a PauliProgram in the
 * arena (slots, steps, reduction). Reads the circuit, never changes it.
 *
 * The picture. <O> = <ψ|U† O U|ψ> for U = G_L ⋯ G_1, so O is conjugated by the gates from
 * the last to the first: O ← G† O G. The planner does all of the string algebra once; what
 * is left for run time is one coefficient per string (a slot) and, per rotation, a list of
 * slot pairs to rotate (ans_pauli_rotate). Propagation is in circuit order — not in the
 * analysis' Clifford frame — so that the weight a truncation looks at is the weight the
 * string physically has at that point of the circuit.
 *
 * Slots. Slot s holds a string P_s and a compile-time sign ε_s: O = Σ_s ε_s v[s] P_s. A fixed
 * Clifford C maps each string to C† P C = ± P' (clifford_conjugate): the slot is relabelled
 * and the sign folded into ε, no run-time work. A rotation term exp(-i·g·θ·Q) with
 * φ = 2gθ maps a string P that anticommutes with Q to cos φ · P + sin φ · (−i·P·Q), and
 * −i·P·Q = σ·R (P·Q = i^k R, σ = +1 for k = 1, −1 for k = 3). R anticommutes with Q too and
 * maps back to −σ·P, so (P, R) is one 2×2 rotation of the coefficients c:
 *     c_P ← cos φ·c_P − σ sin φ·c_R,   c_R ← cos φ·c_R + σ sin φ·c_P.
 * In slot values v = ε·c this is v_P ← c·v_P − τ s·v_R, v_R ← c·v_R + τ s·v_P with
 * τ = σ·ε_P·ε_R: the pair (P, R) in ans_pauli_rotate's orientation for τ = +1, (R, P) for
 * τ = −1. A string R with no slot gets a new one (value 0, ε = +1), unless its weight
 * exceeds the truncation: then P is only scaled (v_P ← c·v_P). A Clifford that makes a
 * string too heavy kills its slot; the observable's own terms heavier than the truncation
 * are dropped at the start, so the rule "no string heavier than `truncate` is ever kept"
 * holds at every point.
 *
 * Speed. Each gate visits only the slots whose string acts on one of its qubits: every
 * qubit keeps a list of the live slots touching it. Lists are updated lazily — a slot is
 * appended when its string gains the qubit; entries whose slot died or left the qubit (or
 * repeat) are dropped the next time the list is read, which is the next gate on that qubit,
 * so the cost is amortised over the events that made them stale (only a Clifford can move
 * a string off a qubit, so only relabelled slots are checked). Strings map to slots through
 * an open-addressing table with backward-shift deletion (relabelled and dead slots leave
 * it); each entry keeps 32 bits of the hash beside the slot, so a probe touches no other
 * slot's data. Large plans are bound by memory latency, so a step looks only at the words
 * of the strings where Q acts (they decide the commutation, the phase and R's weight),
 * prefetches candidates ahead, and looks partners up in batches whose table entries are
 * prefetched together.
 *
 * At time 0 the reduction weighs each live slot: ε·Tr(ρP) for the product state (zero
 * terms left out), or ε with the string's index among the state strings for `state input`.
 */
#include "codegen.h"
#include "runtime/ansc_sim.h"
#include "runtime/kernels.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- the planner's state ----------------------------------------------------------------- */

typedef struct SlotList {
    uint32_t *data;
    uint32_t len, cap;
} SlotList;

/* What a gate reads of a slot besides its string, side by side. The marks
 * are epochs: equal to the planner's current one means "seen" (see collect and rotate). */
typedef struct SlotInfo {
    uint32_t list_mark, gate_mark, done_mark;
    uint32_t weight;
    int8_t sign; /* ε */
    uint8_t live;
    uint8_t moved; /* relabelled by a Clifford: its support may have changed */
} SlotInfo;

/* A string P of a rotation step waiting for its partner's lookup (pair_pending). */
typedef struct Pending {
    uint32_t slot, weight;
    int sigma;
    uint64_t hash;
} Pending;

enum {
    PLANNER_BATCH = 32, /* lookups whose cache misses overlap */
    PLANNER_AHEAD = 8,  /* candidates prefetched ahead */
};

typedef struct Planner {
    Arena *arena;
    const Circuit *c;
    uint32_t words, truncate;
    uint64_t max_slots;
    const char *why;

    /* slots: never reused, a dead slot keeps its string */
    uint32_t nslots, cap;
    uint64_t *strings; /* cap × 2·words */
    uint64_t *hash;
    SlotInfo *info;
    uint32_t list_epoch, gate_epoch, done_epoch;

    /* string -> slot: table_entry, 0 empty; linear probing, backward-shift deletion */
    uint64_t *table;
    uint32_t table_cap, table_len;

    SlotList *touch; /* per qubit: live slots acting on it (lazily cleaned) */
    SlotList cand, pairs, scaled;
    uint32_t *support; /* nqubits: a term's qubits */
    uint32_t *qwords;  /* words: the words where a term is not I */
    Pending pending[PLANNER_BATCH];
    uint64_t *rbuf; /* PLANNER_BATCH strings: the pending partners */
} Planner;

static void *planner_xrealloc(void *p, size_t bytes)
{
    void *q = realloc(p, bytes ? bytes : 1);
    if (!q)
        abort(); /* as arena_alloc: budgets upstream keep it from happening */
    return q;
}

static void list_push(SlotList *l, uint32_t v)
{
    if (l->len == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 8;
        l->data = planner_xrealloc(l->data, (size_t)l->cap * sizeof *l->data);
    }
    l->data[l->len++] = v;
}

static inline uint64_t *slot_string(const Planner *pl, uint32_t s)
{
    return pl->strings + (size_t)s * 2u * pl->words;
}

static void planner_free(Planner *pl)
{
    free(pl->strings);
    free(pl->hash);
    free(pl->info);
    free(pl->table);
    if (pl->touch)
        for (uint32_t q = 0; q < pl->c->nqubits; q++)
            free(pl->touch[q].data);
    free(pl->touch);
    free(pl->cand.data);
    free(pl->pairs.data);
    free(pl->scaled.data);
    free(pl->support);
    free(pl->qwords);
    free(pl->rbuf);
}

/* ---- string -> slot table ------------------------------------------------------------------ */

/* A hash whose low bits depend on every bit of the string (the table indexes by low bits;
 * strings differ in few bits): a multiply-xorshift per word and splitmix64's finaliser. */
static uint64_t string_hash(const uint64_t *p, uint32_t words)
{
    uint64_t h = 0x243F6A8885A308D3ull;
    for (uint32_t i = 0; i < 2 * words; i++) {
        h = (h ^ p[i]) * 0x9E3779B97F4A7C15ull;
        h ^= h >> 29;
    }
    h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ull;
    h = (h ^ (h >> 27)) * 0x94D049BB133111EBull;
    return h ^ (h >> 31);
}

/* An entry: the hash's low 32 bits (the home position and a filter) above slot + 1. */
static inline uint64_t table_entry(uint64_t h, uint32_t s) { return (h << 32) | (s + 1u); }
static inline uint32_t entry_home(uint64_t e, uint32_t mask) { return (uint32_t)(e >> 32) & mask; }

static void table_put(Planner *pl, uint64_t entry)
{
    uint32_t mask = pl->table_cap - 1, i = entry_home(entry, mask);
    while (pl->table[i])
        i = (i + 1) & mask;
    pl->table[i] = entry;
}

static void table_insert(Planner *pl, uint32_t s)
{
    if ((uint64_t)(pl->table_len + 1) * 2 > pl->table_cap) {
        uint64_t *old = pl->table;
        uint32_t old_cap = pl->table_cap;
        pl->table_cap = old_cap ? 2 * old_cap : 1024;
        pl->table = calloc(pl->table_cap, sizeof *pl->table);
        if (!pl->table)
            abort();
        for (uint32_t i = 0; i < old_cap; i++)
            if (old[i])
                table_put(pl, old[i]);
        free(old);
    }
    table_put(pl, table_entry(pl->hash[s], s));
    pl->table_len++;
}

/* The live slot holding p (hash h), or UINT32_MAX. The stored hash bits spare most
 * string comparisons and every visit to another slot's data. */
static uint32_t table_find(const Planner *pl, const uint64_t *p, uint64_t h)
{
    if (!pl->table_cap)
        return UINT32_MAX;
    uint32_t mask = pl->table_cap - 1, i = (uint32_t)h & mask, n = 2 * pl->words;
    uint64_t want = h << 32;
    for (uint64_t e; (e = pl->table[i]) != 0; i = (i + 1) & mask) {
        uint32_t s = (uint32_t)e - 1;
        if ((e & ~(uint64_t)UINT32_MAX) == want && memcmp(slot_string(pl, s), p, n * sizeof *p) == 0)
            return s;
    }
    return UINT32_MAX;
}

/* Removes slot s; later entries of its probe run move back into the hole. */
static void table_remove(Planner *pl, uint32_t s)
{
    uint32_t mask = pl->table_cap - 1, i = (uint32_t)pl->hash[s] & mask;
    while ((uint32_t)pl->table[i] != s + 1)
        i = (i + 1) & mask;
    for (uint32_t j = (i + 1) & mask; pl->table[j]; j = (j + 1) & mask) {
        uint32_t home = entry_home(pl->table[j], mask);
        /* the entry at j may fill the hole at i unless its home lies in (i, j] cyclically */
        bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!stays) {
            pl->table[i] = pl->table[j];
            i = j;
        }
    }
    pl->table[i] = 0;
    pl->table_len--;
}

/* ---- slots ----------------------------------------------------------------------------- */

/* Appends slot s to the lists of the qubits in the string's support. */
static void touch_support(Planner *pl, uint32_t s)
{
    const uint64_t *p = slot_string(pl, s);
    for (uint32_t w = 0; w < pl->words; w++)
        for (uint64_t m = p[w] | p[pl->words + w]; m; m &= m - 1)
            list_push(&pl->touch[w * 64 + (uint32_t)__builtin_ctzll(m)], s);
}

/* A new live slot for the string p (sign +1), or UINT32_MAX over the budget. */
static uint32_t slot_new(Planner *pl, const uint64_t *p, uint64_t h, uint32_t weight)
{
    if (pl->nslots >= pl->max_slots || pl->nslots == UINT32_MAX - 1) {
        pl->why = arena_printf(pl->arena, "the observable needs more than %llu Pauli strings "
                                          "(--max-strings raises the budget, --truncate drops heavy strings)",
                               (unsigned long long)pl->max_slots);
        return UINT32_MAX;
    }
    if (pl->nslots == pl->cap) {
        pl->cap = pl->cap ? 2 * pl->cap : 1024;
        size_t n = pl->cap;
        pl->strings = planner_xrealloc(pl->strings, n * 2u * pl->words * sizeof *pl->strings);
        pl->hash = planner_xrealloc(pl->hash, n * sizeof *pl->hash);
        pl->info = planner_xrealloc(pl->info, n * sizeof *pl->info);
    }
    uint32_t s = pl->nslots++;
    memcpy(slot_string(pl, s), p, 2u * pl->words * sizeof *p);
    pl->hash[s] = h;
    pl->info[s] = (SlotInfo){.weight = weight, .sign = 1, .live = 1};
    table_insert(pl, s);
    touch_support(pl, s);
    return s;
}

static bool too_heavy(const Planner *pl, uint32_t weight)
{
    return pl->truncate > 0 && weight > pl->truncate;
}

typedef enum { EPOCH_LIST, EPOCH_GATE, EPOCH_DONE } EpochKind;

/* The next value of one of the epochs; at its wrap that epoch's marks are cleared, so that
 * an old mark never equals a new epoch. */
static void next_epoch(Planner *pl, EpochKind kind)
{
    uint32_t *epoch = kind == EPOCH_LIST ? &pl->list_epoch
                    : kind == EPOCH_GATE ? &pl->gate_epoch : &pl->done_epoch;
    if (++*epoch == UINT32_MAX) {
        for (uint32_t s = 0; s < pl->nslots; s++)
            *(kind == EPOCH_LIST ? &pl->info[s].list_mark
              : kind == EPOCH_GATE ? &pl->info[s].gate_mark : &pl->info[s].done_mark) = 0;
        *epoch = 1;
    }
}

/* pl->cand ← the live slots acting on any of the qubits (each once). Cleans the lists read:
 * entries of dead slots, of slots that left the qubit, and repeats go. */
static void collect(Planner *pl, const uint32_t *qubits, uint32_t nq)
{
    pl->cand.len = 0;
    next_epoch(pl, EPOCH_GATE);
    for (uint32_t i = 0; i < nq; i++) {
        uint32_t q = qubits[i];
        SlotList *l = &pl->touch[q];
        next_epoch(pl, EPOCH_LIST);
        uint32_t kept = 0;
        for (uint32_t j = 0; j < l->len; j++) {
            uint32_t s = l->data[j];
            /* only a Clifford moves a string off a qubit: other strings need no look */
            if (!pl->info[s].live || pl->info[s].list_mark == pl->list_epoch ||
                (pl->info[s].moved && pauli_get(slot_string(pl, s), pl->words, q) == 0))
                continue;
            pl->info[s].list_mark = pl->list_epoch;
            l->data[kept++] = s;
            if (pl->info[s].gate_mark != pl->gate_epoch) {
                pl->info[s].gate_mark = pl->gate_epoch;
                list_push(&pl->cand, s);
            }
        }
        l->len = kept;
    }
}

/* ---- gates ----------------------------------------------------------------------------- */

/* A fixed Clifford: every string on its qubits relabelled, signs into ε; too heavy dies. */
static void clifford(Planner *pl, const Gate *g)
{
    collect(pl, g->qubits, g->nqubits);
    /* out of the table first: a relabelled string may be another's old one */
    for (uint32_t i = 0; i < pl->cand.len; i++)
        table_remove(pl, pl->cand.data[i]);
    for (uint32_t i = 0; i < pl->cand.len; i++) {
        uint32_t s = pl->cand.data[i];
        uint64_t *p = slot_string(pl, s);
        int before[3] = {0, 0, 0};
        for (uint32_t a = 0; a < g->nqubits; a++)
            before[a] = pauli_get(p, pl->words, g->qubits[a]);
        int sign = clifford_conjugate(g->kind, g->qubits, p, pl->words);
        pl->info[s].sign = (int8_t)(pl->info[s].sign * sign);
        pl->info[s].moved = 1;
        uint32_t w = pl->info[s].weight;
        for (uint32_t a = 0; a < g->nqubits; a++) {
            int after = pauli_get(p, pl->words, g->qubits[a]);
            w = w - (before[a] != 0) + (after != 0);
            if (!before[a] && after)
                list_push(&pl->touch[g->qubits[a]], s);
        }
        pl->info[s].weight = w;
        pl->hash[s] = string_hash(p, pl->words);
        if (too_heavy(pl, w))
            pl->info[s].live = 0;
        else
            table_insert(pl, s);
    }
}

/* The batch's strings P (pending) with their partners R (rbuf): each P not yet paired in
 * this step is paired with R's slot, a new one when R has none. The pair is oriented for
 * ans_pauli_rotate by τ = σ·ε_P·ε_R (see the file's header). */
static bool pair_pending(Planner *pl, uint32_t nb)
{
    for (uint32_t b = 0; b < nb; b++) {
        const Pending *pe = &pl->pending[b];
        uint32_t s = pe->slot;
        if (pl->info[s].done_mark == pl->done_epoch)
            continue; /* the partner of an earlier P of this step */
        pl->info[s].done_mark = pl->done_epoch;
        const uint64_t *r = pl->rbuf + (size_t)b * 2u * pl->words;
        uint32_t rs = table_find(pl, r, pe->hash);
        if (rs == UINT32_MAX && (rs = slot_new(pl, r, pe->hash, pe->weight)) == UINT32_MAX)
            return false;
        pl->info[rs].done_mark = pl->done_epoch;
        int tau = pe->sigma * pl->info[s].sign * pl->info[rs].sign;
        list_push(&pl->pairs, tau > 0 ? s : rs);
        list_push(&pl->pairs, tau > 0 ? rs : s);
    }
    return true;
}

/* One term g·Q of a rotation's generator: the step exp(-i·g·θ·Q), φ = 2gθ, appended to
 * the program when it touches a live slot. */
static bool rotate(Planner *pl, PauliProgram *prog, uint32_t gate, const uint64_t *q, double gcoef)
{
    uint32_t words = pl->words, ns = 0, nw = 0;
    for (uint32_t w = 0; w < words; w++) {
        if (q[w] | q[words + w])
            pl->qwords[nw++] = w;
        for (uint64_t m = q[w] | q[words + w]; m; m &= m - 1)
            pl->support[ns++] = w * 64 + (uint32_t)__builtin_ctzll(m);
    }
    collect(pl, pl->support, ns);

    next_epoch(pl, EPOCH_DONE);
    pl->pairs.len = pl->scaled.len = 0;
    uint32_t nb = 0, mask = pl->table_cap - 1; /* any candidate has a slot: the table exists */
    for (uint32_t i = 0; i < pl->cand.len; i++) { /* new slots are in no candidate list */
        if (i + PLANNER_AHEAD < pl->cand.len) {
            uint32_t ahead = pl->cand.data[i + PLANNER_AHEAD];
            __builtin_prefetch(&pl->info[ahead]);
            __builtin_prefetch(slot_string(pl, ahead) + pl->qwords[0]);
            __builtin_prefetch(slot_string(pl, ahead) + words + pl->qwords[0]);
        }
        uint32_t s = pl->cand.data[i];
        const uint64_t *p = slot_string(pl, s);
        if (pl->info[s].done_mark == pl->done_epoch)
            continue;
        /* Only Q's words decide: the commutation, the phase of P·Q (pauli_product's count,
         * which gains a multiple of 4 on a word where Q is I) and R's weight. */
        unsigned anti = 0, k = 0;
        int dweight = 0;
        for (uint32_t j = 0; j < nw; j++) {
            uint32_t w = pl->qwords[j];
            uint64_t x1 = p[w], z1 = p[words + w], x2 = q[w], z2 = q[words + w];
            uint64_t x3 = x1 ^ x2, z3 = z1 ^ z2;
            anti += (unsigned)__builtin_popcountll((x1 & z2) ^ (z1 & x2));
            k += (unsigned)__builtin_popcountll(x1 & z1) + (unsigned)__builtin_popcountll(x2 & z2) +
                 3u * (unsigned)__builtin_popcountll(x3 & z3) + 2u * (unsigned)__builtin_popcountll(z1 & x2);
            dweight += __builtin_popcountll(x3 | z3) - __builtin_popcountll(x1 | z1);
        }
        if (!(anti & 1))
            continue;
        uint32_t weight = (uint32_t)((int)pl->info[s].weight + dweight);
        if (too_heavy(pl, weight)) { /* R can have no slot, and s is nobody's partner */
            pl->info[s].done_mark = pl->done_epoch;
            list_push(&pl->scaled, s);
            continue;
        }
        /* R = P with Q's words flipped; its lookup waits in a batch, its table entry
         * prefetched, so that the batch's cache misses overlap */
        Pending *pe = &pl->pending[nb];
        uint64_t *r = pl->rbuf + (size_t)nb * 2u * words;
        memcpy(r, p, 2u * words * sizeof *p);
        for (uint32_t j = 0; j < nw; j++) {
            uint32_t w = pl->qwords[j];
            r[w] ^= q[w];
            r[words + w] ^= q[words + w];
        }
        *pe = (Pending){.slot = s, .weight = weight, .sigma = (k & 3u) == 1 ? 1 : -1,
                        .hash = string_hash(r, words)}; /* −i·P·Q = σ·R; P·Q = i^k R */
        __builtin_prefetch(&pl->table[(uint32_t)pe->hash & mask]);
        if (++nb == PLANNER_BATCH) {
            if (!pair_pending(pl, nb))
                return false;
            nb = 0;
            mask = pl->table_cap - 1;
        }
    }
    if (nb && !pair_pending(pl, nb))
        return false;
    if (!pl->pairs.len && !pl->scaled.len)
        return true; /* nothing alive anticommutes with Q: no step */

    const Gate *g = &pl->c->gates.data[gate];
    PauliStep st = {.gate = gate};
    st.angle.source = g->angle.source;
    st.angle.index = g->angle.index;
    st.angle.k = g->angle.source == ANGLE_CONST ? 0 : 2 * gcoef * g->angle.coef.value;
    st.angle.b = 2 * gcoef * g->angle.offset;
    st.npairs = pl->pairs.len / 2;
    st.nscaled = pl->scaled.len;
    st.pairs = arena_alloc(pl->arena, (size_t)pl->pairs.len * sizeof *st.pairs);
    if (pl->pairs.len)
        memcpy(st.pairs, pl->pairs.data, (size_t)pl->pairs.len * sizeof *st.pairs);
    st.scaled = arena_alloc(pl->arena, (size_t)st.nscaled * sizeof *st.scaled);
    if (st.nscaled)
        memcpy(st.scaled, pl->scaled.data, (size_t)st.nscaled * sizeof *st.scaled);
    vec_push(pl->arena, &prog->steps, st);
    prog->pairs_total += st.npairs;
    prog->scaled_total += st.nscaled;
    return true;
}

/* Whether the terms (indices into gen) commute pairwise; sums of diagonal strings or of
 * X-type strings are decided without the quadratic check. */
static bool terms_commute(const PauliSum *gen, const uint32_t *terms, uint32_t n)
{
    bool diagonal = true, x_only = true;
    for (uint32_t t = 0; t < n; t++) {
        const uint64_t *p = psum_string(gen, terms[t]);
        for (uint32_t w = 0; w < gen->words; w++) {
            diagonal = diagonal && p[w] == 0;
            x_only = x_only && p[gen->words + w] == 0;
        }
    }
    if (diagonal || x_only)
        return true;
    for (uint32_t s = 0; s < n; s++)
        for (uint32_t t = s + 1; t < n; t++)
            if (!pauli_commutes(psum_string(gen, terms[s]), psum_string(gen, terms[t]), gen->words))
                return false;
    return true;
}

/* "gate 'evolve' at line 7", or "gate 12 (evolve)" without a source. */
static const char *gate_place(Arena *a, const Circuit *c, uint32_t gate)
{
    const Gate *g = &c->gates.data[gate];
    const char *name = gate_info(g->kind)->name;
    if (c->src) {
        uint32_t line, column;
        source_position(c->src, g->span.start, &line, &column);
        return arena_printf(a, "gate '%s' at line %u", name, line);
    }
    return arena_printf(a, "gate %u (%s)", gate, name);
}

/* A rotation or a fixed non-Clifford gate: one step per non-identity term (they commute,
 * so exp(-iθ Σ g_t Q_t) = Π_t exp(-iθ g_t Q_t) in any order). Identity terms are a global
 * phase. */
static bool rotation(Planner *pl, PauliProgram *prog, uint32_t gate)
{
    const Gate *g = &pl->c->gates.data[gate];
    const PauliSum *gen = g->generator;
    uint32_t *terms = planner_xrealloc(NULL, ((size_t)gen->len + 1) * sizeof *terms), n = 0;
    for (uint32_t t = 0; t < gen->len; t++)
        if (gen->coef[t].value != 0 && !pauli_is_identity(psum_string(gen, t), gen->words))
            terms[n++] = t;
    bool ok = terms_commute(gen, terms, n);
    if (!ok)
        pl->why = arena_printf(pl->arena, "%s: its generator's terms do not commute",
                               gate_place(pl->arena, pl->c, gate));
    if (g->angle.source == ANGLE_CONST && g->angle.offset == 0)
        n = 0; /* exp(0): nothing to do */
    for (uint32_t i = 0; ok && i < n; i++)
        ok = rotate(pl, prog, gate, psum_string(gen, terms[i]), gen->coef[terms[i]].value);
    free(terms);
    return ok;
}

/* ---- the reduction at time 0 ------------------------------------------------------------- */

static void reduction(Planner *pl, PauliProgram *prog, StringSet *state_strings)
{
    Reduction *r = &prog->reduction;
    uint32_t n = 0;
    for (uint32_t s = 0; s < pl->nslots; s++)
        n += pl->info[s].live;
    r->slot = arena_alloc(pl->arena, (size_t)n * sizeof *r->slot);
    r->weight = arena_alloc(pl->arena, (size_t)n * sizeof *r->weight);
    if (state_strings)
        r->state_index = arena_alloc(pl->arena, (size_t)n * sizeof *r->state_index);
    for (uint32_t s = 0; s < pl->nslots; s++) {
        if (!pl->info[s].live)
            continue;
        const uint64_t *p = slot_string(pl, s);
        double w = pl->info[s].sign;
        if (state_strings)
            r->state_index[r->n] = stringset_add(state_strings, p, NULL);
        else if ((w *= plan_product_expectation(pl->c, p, pl->words)) == 0)
            continue;
        r->slot[r->n] = s;
        r->weight[r->n++] = w;
    }
}

/* ---- plan_pauli ------------------------------------------------------------------------ */

PauliProgram *plan_pauli(Arena *a, const Circuit *c, const PauliSum *observable, uint32_t truncate,
                         uint64_t max_slots, StringSet *state_strings, const char **why)
{
    if (c->state_input && !state_strings) {
        *why = "this ansatz reads its state as data: the plan needs the set of state strings";
        return NULL;
    }
    uint32_t words = pauli_words(c->nqubits);
    Planner pl = {.arena = a, .c = c, .words = words, .truncate = truncate,
                  .max_slots = max_slots};
    pl.touch = calloc(c->nqubits + 1u, sizeof *pl.touch);
    pl.support = calloc(c->nqubits + 1u, sizeof *pl.support);
    pl.qwords = calloc(words + 1u, sizeof *pl.qwords);
    pl.rbuf = calloc((size_t)PLANNER_BATCH * 2u * words, sizeof *pl.rbuf);
    if (!pl.touch || !pl.support || !pl.qwords || !pl.rbuf)
        abort();
    PauliProgram *prog = arena_alloc(a, sizeof *prog);

    /* the observable: identity to the constant, each other term a slot (the too heavy dropped) */
    bool ok = true;
    prog->init_slot = arena_alloc(a, ((size_t)observable->len + 1) * sizeof *prog->init_slot);
    prog->init_value = arena_alloc(a, ((size_t)observable->len + 1) * sizeof *prog->init_value);
    for (uint32_t t = 0; ok && t < observable->len; t++) {
        const uint64_t *p = psum_string(observable, t);
        double v = observable->coef[t].value;
        uint32_t w = pauli_weight(p, words);
        if (w == 0)
            prog->reduction.constant += v;
        else if (v != 0 && !too_heavy(&pl, w)) {
            uint32_t s = slot_new(&pl, p, string_hash(p, words), w);
            ok = s != UINT32_MAX;
            prog->init_slot[prog->ninit] = s;
            prog->init_value[prog->ninit++] = v;
        }
    }

    /* the gates, last first; discards change nothing for the qubits still measured */
    for (size_t k = c->gates.len; ok && k-- > 0;) {
        const Gate *g = &c->gates.data[k];
        if (gate_info(g->kind)->cls == GATE_CLIFFORD)
            clifford(&pl, g);
        else
            ok = rotation(&pl, prog, (uint32_t)k);
    }
    if (ok)
        reduction(&pl, prog, state_strings);
    prog->nslots = pl.nslots;
    *why = pl.why;
    planner_free(&pl);
    return ok ? prog : NULL;
}

/* ---- pauli_run ------------------------------------------------------------------------- */

int pauli_run(const PauliProgram *p, const double *params, const double *inputs,
              const double *state, double *value, double *grad)
{
    double *v = ans_alloc(((size_t)p->nslots + 1) * sizeof *v);
    double *tape = NULL, *vbar = NULL;
    if (grad) {
        tape = ans_alloc((2 * p->pairs_total + p->scaled_total + 1) * sizeof *tape);
        vbar = ans_alloc(((size_t)p->nslots + 1) * sizeof *vbar);
    }
    if (!v || (grad && (!tape || !vbar))) {
        ans_free(v);
        ans_free(tape);
        ans_free(vbar);
        return ANS_ERR_MEMORY;
    }
    ans_scatter(v, p->init_slot, p->init_value, p->ninit);
    double *at = tape;
    for (size_t k = 0; k < p->steps.len; k++) {
        const PauliStep *st = &p->steps.data[k];
        double phi = step_angle(&st->angle, params, inputs);
        ans_pauli_rotate(v, st->pairs, st->npairs, st->scaled, st->nscaled, cos(phi), sin(phi), at);
        if (at)
            at += 2 * (size_t)st->npairs + st->nscaled;
    }
    const Reduction *r = &p->reduction;
    *value = r->constant + ans_reduce(v, r->slot, r->weight, r->state_index, state, r->n);
    if (grad) {
        ans_reduce_adjoint(vbar, r->slot, r->weight, r->state_index, state, r->n, 1.0);
        for (size_t k = p->steps.len; k-- > 0;) {
            const PauliStep *st = &p->steps.data[k];
            at -= 2 * (size_t)st->npairs + st->nscaled;
            double phi = step_angle(&st->angle, params, inputs);
            double dphi = ans_pauli_rotate_adjoint(vbar, st->pairs, st->npairs, st->scaled,
                                                   st->nscaled, cos(phi), sin(phi), at);
            if (st->angle.source == ANGLE_PARAM)
                grad[st->angle.index] += st->angle.k * dphi;
        }
    }
    ans_free(v);
    ans_free(tape);
    ans_free(vbar);
    return ANS_OK;
}
