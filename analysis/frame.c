/*
 * frame.c — fixed Clifford gates moved to the end of the circuit.
 *
 * Input: an elaborated Circuit. Output: a Frame in the arena — every gate that is not a fixed
 * Clifford, in circuit order, with its generator conjugated, and every observable conjugated
 * by the whole Clifford frame. Reads the circuit, never changes it.
 *
 * Derivation. A circuit is G_L ⋯ G_1 (G_1 acts first). A Clifford C that comes before a
 * rotation R = exp(-iθG) in time moves past it as R·C = C·(C† R C), and C† R C =
 * exp(-iθ C† G C). Moving every Clifford to the end therefore conjugates each generator by
 * all the Cliffords before it, latest first: for Cliffords C_1 … C_k (time order) before the
 * gate, G' = F† G F with F = C_k ⋯ C_1. The circuit becomes F·V, V the conjugated
 * non-Clifford gates in their order, and ⟨ψ|U† O U|ψ⟩ = ⟨ψ|V† (F† O F) V|ψ⟩: each observable
 * is conjugated by the whole frame. (physics.md's "pushed to the end" pairs this with the
 * state; it is the observable that takes the frame when the gates go to the end.)
 *
 * Tableau. The frame is kept as the images F† X_j F and F† Z_j F of every qubit's X and Z,
 * each ± a Hermitian string. Appending a Clifford C (F ← C·F) replaces the rows of C's own
 * qubits: F†(C† X_a C)F, where C† X_a C is a short string from the hand-written table
 * below, is the product of the old rows of C's qubits — O(gate qubits × words) a gate. A
 * string P = ⊗_j P_j maps to the product of its factors' images (Y_j = i X_j Z_j), so a term
 * costs O(weight × words). A qubit no Clifford has touched has no row (its images are X_j
 * and Z_j themselves) and costs O(1); rows are allocated when first touched.
 *
 * Signs. Products carry the phase as a power of i (pauli_product's k, plus 2 for each
 * negative row, plus 1 for each Y = i X Z). The image of a Hermitian string is Hermitian, so
 * the power is even at the end and gives the sign; coefficients stay exact (only negated).
 *
 * Discards do not touch the frame: the front end rejects any later gate or observable on a
 * discarded qubit (E045), so tracing the qubit out at the end instead gives the same
 * expectations — the circuit equals the unitary one measured with O ⊗ I. Fixed gates that
 * are not Clifford (t, tdg, ccx) and rotations by any angle stay in place as frame gates.
 */
#include "analysis.h"

#include <assert.h>
#include <string.h>

/* ---- the gates' tables ------------------------------------------------------------------ */

/* sign · ⊗_b factors[b] on the gate's local qubits (b = position in the call). */
typedef struct LocalImage {
    int8_t sign;
    char factors[3];
} LocalImage;

/* C† X_a C and C† Z_a C for each local qubit a (control first for cx, cy, cz). */
typedef struct CliffordRule {
    LocalImage x[2], z[2];
} CliffordRule;

/*
 * Written from the matrices (language.md's definitions):
 *   s  = diag(1, i):         S† X S = -Y        sdg: S X S† = Y
 *   sx = e^{iπ/4} rx(π/2):   SX† Z SX = Y       sxdg: -Y      (X fixed)
 *   cx: X_c → X_c X_t, Z_t → Z_c Z_t; cz: X_c → X_c Z_t, X_t → Z_c X_t;
 *   cy: X_c → X_c Y_t, X_t → Z_c X_t, Z_t → Z_c Z_t;
 *   iswap = exp(iπ/4 (XX + YY)): X_0 → -Z_0 Y_1, Z_0 → Z_1 (and symmetrically).
 * tests/unit/test_frame.c checks every entry, sign included, against the dense matrices.
 */
static const CliffordRule CLIFFORD_RULES[GATE__COUNT] = {
    [GATE_ID] = {.x = {{1, "X"}}, .z = {{1, "Z"}}},
    [GATE_X] = {.x = {{1, "X"}}, .z = {{-1, "Z"}}},
    [GATE_Y] = {.x = {{-1, "X"}}, .z = {{-1, "Z"}}},
    [GATE_Z] = {.x = {{-1, "X"}}, .z = {{1, "Z"}}},
    [GATE_H] = {.x = {{1, "Z"}}, .z = {{1, "X"}}},
    [GATE_S] = {.x = {{-1, "Y"}}, .z = {{1, "Z"}}},
    [GATE_SDG] = {.x = {{1, "Y"}}, .z = {{1, "Z"}}},
    [GATE_SX] = {.x = {{1, "X"}}, .z = {{1, "Y"}}},
    [GATE_SXDG] = {.x = {{1, "X"}}, .z = {{-1, "Y"}}},
    [GATE_CX] = {.x = {{1, "XX"}, {1, "IX"}}, .z = {{1, "ZI"}, {1, "ZZ"}}},
    [GATE_CY] = {.x = {{1, "XY"}, {1, "ZX"}}, .z = {{1, "ZI"}, {1, "ZZ"}}},
    [GATE_CZ] = {.x = {{1, "XZ"}, {1, "ZX"}}, .z = {{1, "ZI"}, {1, "IZ"}}},
    [GATE_SWAP] = {.x = {{1, "IX"}, {1, "XI"}}, .z = {{1, "IZ"}, {1, "ZI"}}},
    [GATE_ISWAP] = {.x = {{-1, "ZY"}, {-1, "YZ"}}, .z = {{1, "IZ"}, {1, "ZI"}}},
};

/* 0 = I, 1 = X, 2 = Z, 3 = Y: pauli_get's encoding (x bit | z bit << 1). */
static int factor_code(char f)
{
    return f == 'X' ? 1 : f == 'Z' ? 2 : f == 'Y' ? 3 : 0;
}

/* The image as a one-word string over local qubits (bit b = local qubit b). */
static void local_string(const LocalImage *im, unsigned n, uint64_t out[2])
{
    out[0] = out[1] = 0;
    for (unsigned b = 0; b < n; b++) {
        int f = factor_code(im->factors[b]);
        out[0] |= (uint64_t)(f & 1) << b;
        out[1] |= (uint64_t)(f >> 1) << b;
    }
}

static const CliffordRule *clifford_rule(GateKind kind, unsigned *nqubits)
{
    if ((unsigned)kind >= GATE__COUNT || gate_info(kind)->cls != GATE_CLIFFORD)
        return NULL;
    *nqubits = gate_info(kind)->qubits;
    return &CLIFFORD_RULES[kind];
}

/* acc ← acc · (sign · b) on one-word local strings; the phase goes to *e (powers of i). */
static void local_multiply(uint64_t acc[2], const uint64_t b[2], int sign, unsigned *e)
{
    uint64_t out[2];
    *e += pauli_product(acc, b, out, 1) + (sign < 0 ? 2u : 0u);
    acc[0] = out[0];
    acc[1] = out[1];
}

/*
 * C† P C = C† (P_rest ⊗ ⊗_a P_a) C = P_rest ⊗ ∏_a C† P_a C: the factors on the gate's
 * qubits are replaced by the product of their images; the rest of p is untouched.
 * Returns 0 (p unchanged) for a kind that is not a fixed Clifford.
 */
int clifford_conjugate(GateKind kind, const uint32_t *qubits, uint64_t *p, uint32_t words)
{
    unsigned n = 0;
    const CliffordRule *r = clifford_rule(kind, &n);
    if (!r)
        return 0;
    uint64_t acc[2] = {0, 0}, img[2];
    unsigned e = 0;
    for (unsigned a = 0; a < n; a++) {
        int f = pauli_get(p, words, qubits[a]);
        if (f & 1) {
            local_string(&r->x[a], n, img);
            local_multiply(acc, img, r->x[a].sign, &e);
        }
        if (f & 2) {
            local_string(&r->z[a], n, img);
            local_multiply(acc, img, r->z[a].sign, &e);
        }
        if (f == 3)
            e += 1; /* Y = i X Z */
    }
    for (unsigned a = 0; a < n; a++)
        pauli_set(p, words, qubits[a], "IXZY"[((acc[0] >> a) & 1) | ((acc[1] >> a) & 1) << 1]);
    assert((e & 1) == 0);
    return (e & 3) == 0 ? 1 : -1;
}

/* ---- the tableau of the accumulated frame ------------------------------------------------ */

typedef struct Tableau {
    uint32_t nqubits, words;
    uint64_t **rows; /* per qubit: NULL (images X_j, Z_j), or 4·words words: F†X_jF, F†Z_jF */
    int8_t *signs;   /* per qubit: the signs of the two images */
    uint64_t *tmp;   /* 2·words: product scratch */
    uint64_t *fresh; /* 4 strings of 2·words: a gate's new rows before they are installed */
    Arena *arena;    /* scratch: rows and buffers, freed with it */
} Tableau;

static void tableau_init(Tableau *t, Arena *scratch, uint32_t nqubits, uint32_t words)
{
    t->nqubits = nqubits;
    t->words = words;
    t->arena = scratch;
    t->rows = arena_alloc(scratch, ((size_t)nqubits + 1) * sizeof *t->rows);
    t->signs = arena_alloc(scratch, 2 * ((size_t)nqubits + 1) * sizeof *t->signs);
    t->tmp = arena_alloc(scratch, 2u * words * sizeof *t->tmp);
    t->fresh = arena_alloc(scratch, 8u * words * sizeof *t->fresh);
}

/* acc ← acc · F† P_q F for the single-qubit factor f (pauli_get code) on qubit q; the phase
 * goes to *e (powers of i). */
static void tableau_multiply_factor(Tableau *t, uint64_t *acc, unsigned *e, uint32_t q, int f)
{
    uint32_t w = t->words;
    const uint64_t *row = t->rows[q];
    if (!row) {
        /* The bare factor: only the word holding q takes part in the product. */
        uint64_t bit = (uint64_t)1 << (q % 64);
        uint64_t here[2] = {acc[q / 64], acc[w + q / 64]};
        uint64_t factor[2] = {(f & 1) ? bit : 0, (f & 2) ? bit : 0};
        uint64_t out[2];
        *e += pauli_product(here, factor, out, 1);
        acc[q / 64] = out[0];
        acc[w + q / 64] = out[1];
        return;
    }
    size_t bytes = 2u * w * sizeof *acc;
    if (f & 1) {
        *e += pauli_product(acc, row, t->tmp, w) + (t->signs[2 * q] < 0 ? 2u : 0u);
        memcpy(acc, t->tmp, bytes);
    }
    if (f & 2) {
        *e += pauli_product(acc, row + 2u * w, t->tmp, w) + (t->signs[2 * q + 1] < 0 ? 2u : 0u);
        memcpy(acc, t->tmp, bytes);
    }
    if (f == 3)
        *e += 1; /* Y = i X Z */
}

/* out ← the string of F† P F; returns its sign. out must not alias p. */
static int tableau_conjugate(Tableau *t, const uint64_t *p, uint64_t *out)
{
    uint32_t w = t->words;
    memset(out, 0, 2u * w * sizeof *out);
    unsigned e = 0;
    for (uint32_t i = 0; i < w; i++) {
        uint64_t m = p[i] | p[w + i];
        while (m) {
            uint32_t q = i * 64 + (uint32_t)__builtin_ctzll(m);
            m &= m - 1;
            tableau_multiply_factor(t, out, &e, q, pauli_get(p, w, q));
        }
    }
    assert((e & 1) == 0);
    return (e & 3) == 0 ? 1 : -1;
}

/* F ← C·F for the Clifford gate C: the rows of C's qubits become F†(C† X_a C)F and
 * F†(C† Z_a C)F, computed from the old rows before any is replaced. */
static void tableau_append(Tableau *t, GateKind kind, const uint32_t *qubits)
{
    unsigned n = 0;
    const CliffordRule *r = clifford_rule(kind, &n);
    if (!r || kind == GATE_ID)
        return;
    uint32_t w = t->words;
    size_t len = 2u * w;
    int8_t sign[4];
    for (unsigned a = 0; a < n; a++)
        for (unsigned zx = 0; zx < 2; zx++) {
            const LocalImage *im = zx ? &r->z[a] : &r->x[a];
            uint64_t *dst = t->fresh + (2 * a + zx) * len;
            memset(dst, 0, len * sizeof *dst);
            unsigned e = im->sign < 0 ? 2u : 0u;
            for (unsigned b = 0; b < n; b++) {
                int f = factor_code(im->factors[b]);
                if (f)
                    tableau_multiply_factor(t, dst, &e, qubits[b], f);
            }
            assert((e & 1) == 0);
            sign[2 * a + zx] = (e & 3) == 0 ? 1 : -1;
        }
    for (unsigned a = 0; a < n; a++) {
        uint32_t q = qubits[a];
        if (!t->rows[q])
            t->rows[q] = arena_alloc(t->arena, 2 * len * sizeof *t->rows[q]);
        memcpy(t->rows[q], t->fresh + 2 * a * len, 2 * len * sizeof *t->rows[q]);
        t->signs[2 * q] = sign[2 * a];
        t->signs[2 * q + 1] = sign[2 * a + 1];
    }
}

/* F† S F term by term, in the arena; identity terms dropped when asked (a generator's
 * identity part is a global phase), kept otherwise (an observable's is its constant). */
static PauliSum *tableau_conjugate_sum(Arena *a, Tableau *t, const PauliSum *s, bool drop_identity,
                                       uint64_t *buf)
{
    PauliSum *r = psum_new(a, t->nqubits);
    assert(r->words == t->words && s->words == t->words);
    for (uint32_t i = 0; i < s->len; i++) {
        int sign = tableau_conjugate(t, psum_string(s, i), buf);
        if (drop_identity && pauli_is_identity(buf, t->words))
            continue;
        psum_add(a, r, buf, sign < 0 ? real_neg(s->coef[i]) : s->coef[i]);
    }
    psum_compact(a, r);
    return r;
}

/* ---- the frame ------------------------------------------------------------------------------ */

Frame *frame_build(Arena *a, const Circuit *c)
{
    Frame *f = arena_alloc(a, sizeof *f);
    Arena scratch;
    arena_init(&scratch);
    Tableau t;
    tableau_init(&t, &scratch, c->nqubits, pauli_words(c->nqubits ? c->nqubits : 1));
    uint64_t *buf = arena_alloc(&scratch, 2u * t.words * sizeof *buf);
    for (size_t g = 0; g < c->gates.len; g++) {
        const Gate *gate = &c->gates.data[g];
        if (gate_info(gate->kind)->cls == GATE_CLIFFORD) {
            tableau_append(&t, gate->kind, gate->qubits);
            f->cliffords++;
            continue;
        }
        FrameGate fg = {.gate = (uint32_t)g,
                        .generator = tableau_conjugate_sum(a, &t, gate->generator, true, buf)};
        vec_push(a, &f->gates, fg);
    }
    f->observables = arena_alloc(a, (c->observables.len + 1) * sizeof *f->observables);
    for (size_t i = 0; i < c->observables.len; i++)
        f->observables[i] = tableau_conjugate_sum(a, &t, c->observables.data[i].op, false, buf);
    arena_free(&scratch);
    return f;
}
