/*
 * analysis.h — the analysis stage's one header, sectioned by file.
 *
 *   frame.c       Circuit            -> Frame        fixed Clifford gates moved to the end:
 *                                                    later generators and the observables
 *                                                    conjugated (C† P C), with signs
 *   generators.c  Circuit + Frame    -> Generators   one effective generator per parameter
 *                                                    (sharing rule), per input element, per
 *                                                    fixed non-Clifford gate
 *   lie.c         generators, seeds  -> LieSpace     the smallest subspace containing the seeds
 *                                                    and closed under ad of the generators:
 *                                                    the DLA (seeds = generators) or an
 *                                                    observable's module (seed = O); exact
 *                                                    (sums: lie_sum.c, by symmetry classes of
 *                                                    strings from lie_symmetry.c)
 *   structure.c   LieSpace           -> centre, simple ideals, ranks, names
 *   lints.c       Analysis           -> W032–W037, N031, N032
 *
 * Every function is a pure function of its inputs (plus the arena it allocates from). No
 * floating-point tolerance decides a dimension: string closures are set operations, sum
 * closures decide independence by exact elimination modulo two 61-bit primes.
 *
 * Conventions (physics.md): Pauli strings are Hermitian (Y = iXZ); the Lie bracket of
 * Hermitian partners is A∘B = i[A, B]; for anticommuting strings P, Q, i[P, Q] = ±2·R with
 * R the string of PQ. Spans are real.
 */
#ifndef ANSC_ANALYSIS_H
#define ANSC_ANALYSIS_H

#include "frontend/circuit.h"

/* ---- frame.c -------------------------------------------------------------------------- */

/* C† P C for the fixed Clifford gate `kind` (class GATE_CLIFFORD) on the given qubits (call
 * order: control first), in place on the string p (2·words words). Returns the sign:
 * C† P C = sign · p_after. Returns 0, p unchanged, for a kind that is not a fixed Clifford. */
int clifford_conjugate(GateKind kind, const uint32_t *qubits, uint64_t *p, uint32_t words);

typedef struct FrameGate {
    uint32_t gate;       /* index in circuit->gates */
    PauliSum *generator; /* F† G F for the Clifford frame F before the gate; identity dropped */
} FrameGate;

typedef struct Frame {
    VEC(FrameGate) gates;   /* every gate that is not a fixed Clifford, in circuit order */
    PauliSum **observables; /* F† O F for the whole frame, one per circuit observable
                               (identity terms kept: F† I F = I) */
    uint32_t cliffords;     /* fixed Clifford gates absorbed */
} Frame;

/* F is the product of the circuit's fixed Clifford gates (C_k ⋯ C_1, time order C_1 first);
 * the circuit equals F · V, V the frame gates exp(-i·angle·generator) in order, up to a
 * global phase (dropped identity terms). Discards do not enter. */
Frame *frame_build(Arena *a, const Circuit *c);

/* ---- generators.c --------------------------------------------------------------------- */

/* One effective generator: exp(-i θ G) for the variable θ it belongs to. */
typedef struct EffectiveGenerator {
    PauliSum *op;       /* after the frame, weighted by the angle coefficients, no identity */
    AngleSource source; /* ANGLE_PARAM, ANGLE_INPUT, or ANGLE_CONST for a fixed gate */
    uint32_t index;     /* the parameter or input element */
    uint32_t gate;      /* the first gate it comes from (circuit->gates index) */
    bool split;         /* one of several separate generators of a shared parameter */
} EffectiveGenerator;

typedef struct Generators {
    VEC(EffectiveGenerator) list; /* distinct up to a scalar factor, ordered by the first gate
                                     of each variable (a split variable's gates together) */
    uint32_t fixed;               /* fixed non-Clifford gates among them */
    uint32_t unused_params;       /* parameters that drive no gate */
} Generators;

/* The sharing rule of language.md: the gates a parameter drives give one generator, the
 * weighted sum of theirs, when they commute pairwise and every gate standing between them
 * commutes with them too; otherwise each gives its own (W030). Fixed non-Clifford gates
 * are generators too (N030). Generators equal up to a scalar are kept once. */
Generators *generators_build(Arena *a, DiagSink *diags, const Circuit *c, const Frame *f);

/* i[A, B] / 2, exactly (Real coefficients): for anticommuting strings P, Q this is ±R. */
PauliSum *psum_bracket(Arena *a, const PauliSum *x, const PauliSum *y);
/* Whether y = c·x for some real c != 0 (both without zero terms; any order of terms). */
bool psum_parallel(const PauliSum *x, const PauliSum *y);
/* [x, y] = 0, decided exactly (scratch holds the bracket when one is needed). */
bool psum_commute(Arena *scratch, const PauliSum *x, const PauliSum *y);

/* ---- lie.c ---------------------------------------------------------------------------- */

/* Pauli strings with ids, in insertion order, hashed. */
typedef struct StringSet {
    uint32_t words;
    uint32_t len, cap;
    uint64_t *strings; /* len × 2·words */
    uint32_t *index;   /* open addressing: id+1, 0 empty */
    uint32_t index_cap;
} StringSet;

void stringset_init(StringSet *s, uint32_t words);
/* Id of p, adding it when new (*added says which). Grows with malloc: stringset_free. */
uint32_t stringset_add(StringSet *s, const uint64_t *p, bool *added);
int64_t stringset_find(const StringSet *s, const uint64_t *p);
void stringset_free(StringSet *s);
static inline const uint64_t *stringset_get(const StringSet *s, uint32_t id)
{
    return s->strings + (size_t)id * 2u * s->words;
}

/* A vector over the strings of a StringSet: exact (mod LIE_PRIME and mod LIE_PRIME2) and
 * real (unit norm). The columns are those where the exact vector is nonzero. A basis
 * element is the raw bracket i[G, X]/2 of the closure (not reduced against the others), so
 * the value vectors of a basis are unit vectors but not orthogonal. */
typedef struct SparseVec {
    uint32_t len;
    uint32_t *col;  /* string ids, ascending */
    uint64_t *mod;  /* the vector's coefficients mod LIE_PRIME (an integer multiple of it) */
    uint64_t *mod2; /* the same vector mod LIE_PRIME2 */
    double *value;  /* the same direction in doubles, normalised to unit Euclidean norm */
} SparseVec;

#define LIE_PRIME 0x1FFFFFFFFFFFFFFFull  /* 2^61 - 1 */
#define LIE_PRIME2 0x3FFFFFFFFFFFFFC7ull /* 2^62 - 57 */

/* lie.c's exact row echelon forms (one per prime), kept for lie_contains. */
typedef struct LieEchelon LieEchelon;

typedef struct LieSpace {
    uint32_t nqubits, words;
    uint32_t dim;
    bool complete;  /* false: the budget stopped the closure and dim is a lower bound */
    bool strings;   /* spanned by Pauli strings: the basis is set's strings [0, dim) */
    StringSet set;  /* strings == true: the basis; else every string that occurs */
    SparseVec *basis; /* strings == false: dim vectors */
    LieEchelon *echelon; /* strings == false: private to lie.c */
    /* The two primes found different ranks (an unlucky prime: rank mod p never exceeds the
     * true rank, so dim is the larger, which is exact unless both were unlucky). */
    bool primes_disagree;
    /* The order of the exact symmetry group of the inputs that the sum path divided its
     * coordinates by (lie_symmetry.c); 1: none (and always on the string path). */
    uint32_t symmetry;
} LieSpace;

/* The smallest real subspace that contains the seeds and is closed under X -> i[G, X] for
 * every generator G. Identity terms are ignored. Stops at max_dim elements (complete =
 * false; also at LIE_MAX_ENTRIES stored coefficients on the sum path). When every
 * generator and seed is one string the space is string-spanned (strings == true); a sum
 * closure whose vectors touch exactly dim strings is returned in string form too. The
 * result owns malloc'd memory: lie_space_free. */
#define LIE_MAX_ENTRIES (1u << 24)
LieSpace *lie_close(uint32_t nqubits, PauliSum *const *gens, size_t ngens, PauliSum *const *seeds,
                    size_t nseeds, uint32_t max_dim);
/* The same with a work budget for the sum path: the closure stops (complete = false) once
 * it has done max_work units (a multiply-subtract or a cached bracket entry is one, a new
 * bracket product sixteen, a string's canonical form one per symmetry; at least 2^26 units
 * a second on this project's machines). lie_close uses LIE_DEFAULT_WORK, a few minutes at
 * most; `ansc check` uses 2^24. */
#define LIE_DEFAULT_WORK ((uint64_t)1 << 32)
LieSpace *lie_close_budget(uint32_t nqubits, PauliSum *const *gens, size_t ngens,
                           PauliSum *const *seeds, size_t nseeds, uint32_t max_dim,
                           uint64_t max_work);
/* The same with flags: LIE_NO_SYMMETRY makes the sum path work over every string, without
 * dividing by the inputs' symmetries (the same space, only slower: for tests and benches). */
enum { LIE_NO_SYMMETRY = 1u };
LieSpace *lie_close_flags(uint32_t nqubits, PauliSum *const *gens, size_t ngens,
                          PauliSum *const *seeds, size_t nseeds, uint32_t max_dim,
                          uint64_t max_work, unsigned flags);
void lie_space_free(LieSpace *s);
/* Whether v (a Pauli sum; identity terms ignored) lies in the span, decided exactly (an
 * inexact coefficient counts as the rational its double holds). */
bool lie_contains(const LieSpace *s, const PauliSum *v);
/* r modulo the prime p (the exact rational; an inexact Real is the rational value of its
 * double); false when the denominator vanishes mod p. */
bool lie_real_mod(Real r, uint64_t p, uint64_t *out);
/* a·b modulo p, for p one of the closure's primes, LIE_PRIME or LIE_PRIME2 (each folds
 * its own way). */
__extension__ typedef unsigned __int128 LieWide;
static inline uint64_t lie_mulmod(uint64_t a, uint64_t b, uint64_t p)
{
    LieWide t = (LieWide)a * b;
    if (p == LIE_PRIME) { /* 2^61 ≡ 1: fold the high bits onto the low ones */
        uint64_t r = ((uint64_t)t & LIE_PRIME) + (uint64_t)(t >> 61);
        return r >= LIE_PRIME ? r - LIE_PRIME : r;
    }
    /* 2^62 ≡ 57: t < 2^124 folds to below 2^68, then to below 2^62 + 57·58 < 2p */
    const uint64_t mask = ((uint64_t)1 << 62) - 1;
    LieWide u = (LieWide)(uint64_t)(t >> 62) * 57u + ((uint64_t)t & mask);
    uint64_t r = ((uint64_t)u & mask) + (uint64_t)(u >> 62) * 57u;
    return r >= LIE_PRIME2 ? r - LIE_PRIME2 : r;
}

/* ---- lie.c, lie_sum.c, lie_symmetry.c: shared inside the closure (internal) ---------- */

/* The non-identity terms with a finite nonzero coefficient of several sums, flattened; sums
 * with no such term are left out. */
typedef struct LieInput {
    uint32_t words, nterms, strings_cap, coef_cap, nsums, sums_cap;
    uint64_t *strings; /* nterms × 2·words */
    Real *coef;
    uint32_t *first; /* sum k is terms [first[k], first[k + 1]) */
} LieInput;

/* Appends the sum's terms (read on in->words words); returns the number kept. */
uint32_t lie_input_add(LieInput *in, const PauliSum *ps);
void lie_input_free(LieInput *in);
void *lie_realloc(void *p, size_t size); /* aborts when out of memory */
/* Grows *p (elem-sized items, capacity *cap) to hold at least need items, zeroing the rest. */
void lie_reserve(void **p, uint32_t *cap, size_t need, size_t elem);
uint64_t lie_inverse(uint64_t a, uint64_t p); /* a != 0 mod p, p one of the primes */

/* The sum path: fills s (basis, echelon, symmetry) from in, whose first ngens sums are the
 * generators and the rest the seeds. symmetry: divide by the inputs' symmetry group. */
void lie_close_sums(LieSpace *s, const LieInput *in, uint32_t ngens, uint32_t max_dim,
                    uint64_t max_work, bool symmetry);
/* lie_contains for a sum-spanned space (in: the vector's terms, distinct strings). */
bool lie_sums_contain(const LieSpace *s, const LieInput *in);
void lie_echelon_free(LieEchelon *e);

/* One element of C × D (lie_symmetry.c): the qubits permuted by q → ((reflect ? n−1−q : q)
 * + shift) mod n, then one single-qubit Clifford on every qubit: X → ±A, Z → ±B. */
typedef struct LieSymmetryElement {
    uint64_t ax, az, bx, bz; /* A's and B's x and z bits as all-ones or zero masks */
    uint32_t shift;
    uint8_t pair;            /* 0: A = X, B = Z (no change of type) */
    uint8_t neg;             /* bits 0, 1, 2: X's, Y's, Z's image negated */
    bool reflect;
} LieSymmetryElement;

/* The group K of elements fixing every input sum: a transversal of K over its Klein part K_0
 * (trans[0] the identity) and K_0's elements other than the identity. */
typedef struct LieSymmetry {
    uint32_t nqubits, words;
    uint32_t order;          /* |K| */
    uint32_t ntrans, nklein;
    LieSymmetryElement *trans, *klein;
    uint64_t *scratch;       /* one string */
} LieSymmetry;

/* Finds K for the sums of in on nqubits qubits (0: K = {1}; no sums: K = C × D); the shifts
 * are tried only when 48·nqubits·(terms) <= max_checks. Free with lie_symmetry_free. */
void lie_symmetry_find(LieSymmetry *g, const LieInput *in, uint32_t nqubits, uint64_t max_checks);
void lie_symmetry_free(LieSymmetry *g);
/* out = e(p) up to the returned sign ±1 (out must not alias p). */
int lie_symmetry_apply(const LieSymmetry *g, const LieSymmetryElement *e, const uint64_t *p,
                       uint64_t *out);
/* The representative of p's orbit (its smallest image) into rep, the orbit's size, and the
 * sign σ with p = σ·k(rep) for some k ∈ K; 0 when the orbit is incompatible (some k ∈ K
 * maps p to −p, so p has coefficient 0 in every invariant vector). */
int lie_symmetry_canonical(const LieSymmetry *g, const uint64_t *p, uint64_t *rep,
                           uint32_t *orbit);

/* lie_echelon.c: the sum path's coordinates (columns: orbit representatives, in a fixed
 * order) and exact row echelon forms over them, for lie_sum.c. */
#define LIE_NO_COLUMN UINT32_MAX

/* A row being built: columns in the echelon's order, values mod one prime. */
typedef struct LieRow {
    uint32_t len, cap;
    uint32_t *col;
    uint64_t *val;
} LieRow;

/* One prime's row echelon form over the columns: row r is entries [start[r], start[r + 1]),
 * its first column its pivot with value 1, every other column later in the order. */
typedef struct LieRows {
    uint32_t rank, start_cap, pivot_cap, entries_cap;
    uint32_t *start;
    uint32_t *col;
    uint64_t *val;
    uint32_t *pivot; /* column -> row + 1, 0: no pivot */
} LieRows;

struct LieEchelon {
    LieRows rows[2];
    /* The prime's rows are a basis of the whole space mod p. Cleared when a coefficient's
     * denominator is a multiple of p, or when the second prime found an element dependent
     * that the first found independent (it is unlucky: it would lag behind from then on). */
    bool usable[2];
    LieSymmetry sym;
    /* The columns: orbit representatives (ncols: one past the largest column number). */
    uint32_t ncols, cols_cap, ids_cap;
    uint32_t *rep;      /* column -> string id of its representative */
    uint32_t *orbit;    /* column -> strings in its orbit */
    uint64_t *inv[2];   /* column -> 1/orbit mod each prime */
    uint32_t *col;      /* string id -> column, LIE_NO_COLUMN: incompatible (always 0) */
    int8_t *sign;       /* string id -> σ: the string is σ·k(rep) for some k ∈ K */
    /* The order of the columns: column c is bit c % 64 of chunk c / 64; a chunk holds the
     * columns of one weight class in creation order, and chunks are visited by position:
     * heavier strings first. A bucket (class) owns positions [base, base + cap); a full
     * bucket doubles and every position moves (column ids never do). */
    uint32_t nbuckets, nchunks, chunks_cap, npos;
    uint32_t *bucket_chunks, *bucket_cap, *bucket_base, *bucket_open; /* per bucket */
    uint32_t *chunk_bucket, *chunk_seq, *chunk_fill, *chunk_pos;      /* per chunk */
    uint32_t *order; /* position -> chunk, LIE_NO_COLUMN: empty */
};

/* Dense scratch over the columns, zero between uses. */
typedef struct LieWork {
    uint32_t cols;
    uint64_t *acc[2];
    double *accd;
    uint64_t *red;
    uint64_t *bits; /* nonzero columns of acc (while bracketing) or red (while reducing) */
    uint32_t lo, hi; /* the words of bits in use */
    SparseVec cand;  /* the bracket or input just computed, columns ascending */
    uint32_t cand_cap;
    LieRow row[2];  /* per prime: the remainder when cand is independent */
    uint64_t *buf;  /* four strings */
    uint64_t ops, max_ops; /* work done, and the budget for it */
} LieWork;

static inline uint64_t lie_add_mod(uint64_t a, uint64_t b, uint64_t p)
{
    uint64_t r = a + b;
    return r >= p ? r - p : r;
}
static inline uint64_t lie_neg_mod(uint64_t a, uint64_t p) { return a ? p - a : 0; }
/* Marks column c of the scratch's bitset (and the range of words in use). */
static inline void lie_mark(LieWork *w, uint32_t c)
{
    uint32_t word = c >> 6;
    w->bits[word] |= (uint64_t)1 << (c & 63);
    w->lo = word < w->lo ? word : w->lo;
    w->hi = word > w->hi ? word : w->hi;
}

void *lie_grow(void *p, size_t old, size_t cap, size_t elem); /* realloc, the rest zeroed */
void lie_work_fit(LieWork *w, uint32_t cols);
void lie_work_free(LieWork *w);
void lie_unmarked(LieWork *w);
/* Moves the marked accumulators into w->cand, columns ascending, exact zeros dropped. */
void lie_gather(LieWork *w);
/* An empty echelon (both primes usable) for strings on nqubits qubits. */
LieEchelon *lie_echelon_new(uint32_t nqubits);
void lie_echelon_fit_ids(LieEchelon *e, uint32_t ids);
/* A new column for string id (of the given weight), its orbit's representative; the
 * scratch w grows to hold it. */
uint32_t lie_echelon_add_column(LieEchelon *e, LieWork *w, uint32_t id, uint32_t orbit,
                                uint32_t weight);
/* Reduces v (columns col, values val mod prime t) by e's rows; true when independent, its
 * remainder (1 at its pivot) then in *out unless out is NULL. */
bool lie_reduce(const LieEchelon *e, int t, const uint32_t *col, const uint64_t *val,
                uint32_t len, LieWork *w, LieRow *out);
void lie_rows_append(LieRows *E, const LieRow *r);

/* ---- structure.c ---------------------------------------------------------------------- */

/* Ideal.short_roots when the root lengths were not computed. */
#define LIE_ROOTS_UNKNOWN UINT32_MAX

typedef struct Ideal {
    uint32_t dim;
    uint32_t rank;        /* 0: not computed (an unsplit ideal, or beyond the budget) */
    uint32_t short_roots; /* roots shorter than the longest (0: one length), computed only
                             where dim and rank leave so(2k+1) and sp(k) undecided;
                             else LIE_ROOTS_UNKNOWN */
    bool simple;          /* false: a sum of simple ideals that could not be split */
    const char *name;     /* "su(4)", "so(8)", "sp(2)", … or NULL */
} Ideal;

typedef struct Structure {
    uint32_t center_dim; /* exact */
    VEC(Ideal) ideals;   /* the simple ideals of [g, g], largest first */
    const char *name;    /* the whole algebra, "u(1)^2 ⊕ su(4) ⊕ so(6)^2"; NULL when an
                            ideal is unnamed (exceptional, unsplit, rank unknown) or g = 0 */
    bool full;           /* g = su(2^k) on the k touched qubits */
    bool decomposed;     /* every listed ideal is simple (false: some ideal.simple is false) */
} Structure;

/* The centre, simple ideals (dimensions, ranks, names) and name of the closure g of the
 * generators gens (g = lie_close(gens, seeds = gens), complete). NULL when g is incomplete,
 * is not the closure of gens, or is sum-spanned beyond LIE_STRUCTURE_MAX_DENSE. */
Structure *lie_structure(Arena *a, const LieSpace *g, PauliSum *const *gens, size_t ngens);
/* su(N), so(N), sp(N), u(1) (dim 1), or NULL, from a simple algebra's dimension, rank and
 * number of short roots (LIE_ROOTS_UNKNOWN: not known; then NULL where dimension and rank
 * do not decide: so(2k+1) and sp(k) for k >= 3). Coincidences take one name, su before sp
 * before so (so(3) = su(2), so(5) = sp(2), so(6) = su(4)); so(4) is not simple: NULL. */
const char *lie_simple_name(Arena *a, uint32_t dim, uint32_t rank, uint32_t short_roots);

/* ---- structure_sum.c: lie_structure for sum-spanned g (internal to structure*.c) ------- */

/* Largest sum-spanned algebra decomposed (exact linear algebra modulo LIE_PRIME on d×d
 * coordinates: about 0.3 s at d = 400, 3 s at 900, 20 s at 1,400). */
#define LIE_STRUCTURE_MAX_DENSE 1500u
/* Fills st->center_dim and st->ideals (names not yet given); false when g is beyond
 * LIE_STRUCTURE_MAX_DENSE, its basis is not independent modulo LIE_PRIME, or a generator
 * is not in g. */
bool lie_structure_sums(Arena *a, const LieSpace *g, PauliSum *const *gens, size_t ngens,
                        Structure *st);
/* The rank shared by every simple algebra of this dimension, or 0 (none, or ranks differ).
 * so(2k+1) and sp(k) share dimension and rank, so this is k for them. (structure.c) */
uint32_t lie_rank_from_dimension(uint32_t dim);

/* ---- structure_modp.c: exact linear algebra modulo LIE_PRIME (for structure_sum.c) -- */

__extension__ typedef unsigned __int128 ModpWide;

static inline uint64_t modp_add(uint64_t a, uint64_t b)
{
    uint64_t r = a + b;
    return r >= LIE_PRIME ? r - LIE_PRIME : r;
}
static inline uint64_t modp_sub(uint64_t a, uint64_t b) { return a >= b ? a - b : a + (LIE_PRIME - b); }
static inline uint64_t modp_neg(uint64_t a) { return a ? LIE_PRIME - a : 0; }

/* t < 2^128 reduced: 2^61 ≡ 1, so fold the high bits onto the low ones twice. */
static inline uint64_t modp_fold(ModpWide t)
{
    ModpWide u = (t & LIE_PRIME) + (t >> 61);
    uint64_t r = (uint64_t)(u & LIE_PRIME) + (uint64_t)(u >> 61);
    return r >= LIE_PRIME ? r - LIE_PRIME : r;
}
static inline uint64_t modp_mul(uint64_t a, uint64_t b) { return modp_fold((ModpWide)a * b); }

/* row r -= f · row s over columns [from, cols). */
static inline void modp_row_axpy(uint64_t *r, const uint64_t *s, uint64_t f, uint32_t from, uint32_t cols)
{
    for (uint32_t j = from; j < cols; j++)
        if (s[j])
            r[j] = modp_sub(r[j], modp_mul(f, s[j]));
}


uint64_t modp_pow(uint64_t a, uint64_t e);
uint64_t modp_inv(uint64_t a); /* a != 0 */
/* A pseudo-random residue from a splitmix64 state (a fixed seed keeps results pure). */
uint64_t modp_random(uint64_t *state);
void *modp_alloc(size_t n, size_t size); /* calloc that aborts */

/* Dense row-major matrices. c (n×m) = a (n×k)·b (k×m), c not aliased; y = a·x for d×d a. */
void modp_mat_mul(uint64_t *c, const uint64_t *a, const uint64_t *b, uint32_t n, uint32_t k,
                  uint32_t m);
void modp_mat_vec(uint64_t *y, const uint64_t *a, const uint64_t *x, uint32_t d);
/* Gauss–Jordan in place; the first rank rows become the RREF, pivots in piv. */
uint32_t modp_rref(uint64_t *m, uint32_t rows, uint32_t cols, uint32_t *piv);
/* Null space basis (nullity × cols, malloc'd) of m (destroyed). */
uint64_t *modp_kernel(uint64_t *m, uint32_t rows, uint32_t cols, uint32_t *nullity);
/* Inverse (malloc'd) of the n×n matrix a, or NULL when singular. */
uint64_t *modp_inverse(const uint64_t *a, uint32_t n);

/* A sparse n×n matrix, rows compressed. */
typedef struct ModpSparse {
    uint32_t n;
    uint32_t *start, *col;
    uint64_t *val;
} ModpSparse;
ModpSparse modp_sparse_from_dense(const uint64_t *a, uint32_t n);
void modp_sparse_free(ModpSparse *m);
void modp_sparse_vec(uint64_t *y, const ModpSparse *a, const uint64_t *x); /* y = a·x */

/* A subspace of F_p^cols as rows in reduced row echelon form. */
typedef struct ModpSpace {
    uint32_t dim, cap, cols;
    uint64_t *rows; /* dim × cols */
    uint32_t *piv;  /* row r is 1 at column piv[r], and every other row is 0 there */
} ModpSpace;
ModpSpace modp_space_new(uint32_t cols);
void modp_space_free(ModpSpace *s);
/* Adds v (reduced in place) when it is independent of the rows; true then. */
bool modp_space_insert(ModpSpace *s, uint64_t *v);
/* Whether v (reduced in place) lies in the subspace. */
bool modp_space_contains(const ModpSpace *s, uint64_t *v);
/* M ∩ U^⊥ under the symmetric cols×cols form G. */
ModpSpace modp_space_complement(const ModpSpace *M, const ModpSpace *U, const uint64_t *G);
/* The number count[k] (k = 1 … m) of real simple ideals of dimension k in a module of
 * dimension m, semisimple and multiplicity-free, over the algebra generated by the m×m
 * matrices A[0..K), from its centroid (maps commuting with every A_k), which modulo p
 * keeps Galois-conjugate ideals together as one field F_{p^e}. O(K m⁴). False when the
 * random choices fail. */
bool modp_centroid_count(uint64_t *const *A, uint32_t K, uint32_t m, uint32_t *count,
                         uint64_t *rng);

/* ---- structure_poly.c: polynomials over F_p (for structure_sum.c) --------------------- */

/* Coefficients low to high; deg = −1 for zero. */
typedef struct ModpPoly {
    int deg;
    uint64_t *c;
    uint32_t cap;
} ModpPoly;
ModpPoly modp_poly_new(uint32_t cap);
void modp_poly_free(ModpPoly *p);
uint64_t modp_poly_eval(const ModpPoly *p, uint64_t x);
/* The characteristic polynomial of the n×n matrix a, which is left in upper Hessenberg form
 * H = T a T^{-1}; x (n×n identity on entry, or NULL) receives T^{-1}. */
ModpPoly modp_charpoly(uint64_t *a, uint32_t n, uint64_t *x);
/* The minimal polynomial (monic) of the linearly recurrent sequence a[0..n), n >= 2·its
 * degree (Berlekamp–Massey). */
ModpPoly modp_berlekamp_massey(const uint64_t *a, uint32_t n);
/* The product of x − λ over the roots λ ∈ F_p that are simple roots of f (deg f >= 1). */
ModpPoly modp_simple_root_part(const ModpPoly *f);
/* A root of h, a product of distinct linear factors of degree >= 1 (Cantor–Zassenhaus). */
uint64_t modp_one_root(const ModpPoly *h, uint64_t *rng);
/* h ← h / gcd(h, g). */
void modp_poly_remove_common(ModpPoly *h, const ModpPoly *g);
/* f / (x − root) for a root of f. */
ModpPoly modp_poly_div_linear(const ModpPoly *f, uint64_t root);
/* f monic = Π_k s_k^k: count[k] = deg s_k for k = 1 … deg f (count has deg f + 1 slots). */
void modp_squarefree_degrees(const ModpPoly *f, uint32_t *count);

/* ---- scaling.c: growth fits and the verdict ---------------------------------------- */

typedef enum { GROWTH_UNKNOWN, GROWTH_POLYNOMIAL, GROWTH_EXPONENTIAL } GrowthKind;

typedef struct Growth {
    GrowthKind kind;
    double degree; /* polynomial: y ~ x^degree (negative for a decay) */
    double base;   /* exponential: y ~ base^x (below 1 for a decay) */
    bool exact;    /* polynomial: the points are exactly a polynomial of this degree */
} Growth;

/* The growth of y over x (sizes, ascending, y > 0), from at least three points. */
Growth growth_fit(const double *x, const double *y, size_t n);

typedef struct ScalingPoint {
    int64_t size;
    uint32_t qubits;
    uint32_t dla_dim, module_dim; /* module: the first observable's */
    bool dla_complete, module_complete, in_dla;
    double variance; /* NAN when not predicted */
} ScalingPoint;

typedef struct Scaling {
    const char *size; /* the size swept ("n") */
    VEC(ScalingPoint) points;
    Growth dla, module, variance;
} Scaling;

/* Fits the growths from the points whose closures completed. */
void scaling_fit(Scaling *s);

typedef enum { TRI_UNKNOWN = -1, TRI_FALSE = 0, TRI_TRUE = 1 } Tri;

typedef struct Verdict {
    Tri barren_plateau, simulable;
    const char *method; /* what `ansc build --method auto` would choose */
    const char *reason;
} Verdict;

/* The verdict's rules (docs/analysis.md, "Verdict"), from the analysis at the requested
 * size and, when there is one, the scaling study. Then checks the file's `expect simulable`
 * and `expect barren_plateau` (E080, or W031 when the verdict is unknown). */
struct Analysis;
void analysis_conclude(Arena *a, DiagSink *diags, struct Analysis *an, Scaling *scaling);

/* ---- analyze.c: the pipeline --------------------------------------------------------- */

enum { ANALYSIS_DEFAULT_MAX_DIM = 1 << 20 };

typedef struct AnalysisOptions {
    uint32_t max_dim;  /* closure budget (elements); 0: ANALYSIS_DEFAULT_MAX_DIM */
    uint64_t max_work; /* sum-path elimination budget; 0: LIE_DEFAULT_WORK */
    bool no_lints;     /* the points of a scaling study need no lints */
} AnalysisOptions;

typedef struct ObservableFacts {
    const char *name;
    PauliSum *op;      /* after the frame, without its identity part */
    bool in_dla;       /* O ∈ span(g) (i·O ∈ ig), decided exactly */
    LieSpace *module;  /* V_O; owned: analysis_free */
    uint32_t module_dim;
    bool module_complete;
    /* variance.c (Ragone et al. 2024; physics.md conventions): NAN when not known. */
    double purity;         /* P_g(O) */
    double state_purity;   /* P_g(ρ); NAN for `state input` */
    double variance;       /* predicted Var[<O>] of a deep circuit */
    const char *variance_reason; /* which formula applied, or why none did */
} ObservableFacts;

typedef struct Analysis {
    const Circuit *circuit;
    Frame *frame;
    Generators *generators;
    LieSpace *dla;         /* owned: analysis_free */
    Structure *structure;  /* NULL when the closure stopped at the budget */
    ObservableFacts *observables; /* one per circuit observable */
    uint32_t max_dim;
    uint64_t max_work;
    Scaling *scaling;  /* NULL: nothing was swept */
    Verdict verdict;   /* after analysis_conclude */
    bool concluded;
} Analysis;

/* frame → generators → DLA → structure → modules, then the `expect` statements (E080,
 * W031). Returns NULL only if the circuit is NULL. */
Analysis *analyze_circuit(Arena *a, DiagSink *diags, const Circuit *c, const AnalysisOptions *o);
void analysis_free(Analysis *an);

/* ---- lints.c -------------------------------------------------------------------------- */

/* The analysis lints (W032–W037, N031, N032; docs/diagnostics.md): parameters that do
 * nothing, a global cost, too few or too many parameters for dim g, rotations that merge,
 * an algebra expressive enough for a barren plateau or small enough to simulate. Reads the
 * analysis, changes nothing; called at the end of analyze_circuit. */
void analysis_lints(DiagSink *diags, const Analysis *an);

/* ---- lints.c, lints_effect.c: shared between the two files -------------------------- */

enum {
    LINT_LIST_MAX = 6,              /* elements named in one message */
    LINT_MERGE_SCAN = 64,           /* gates looked at past A for a partner */
    LINT_UNDER_MAX_DIM = 10000,     /* W035 only for algebras this small (reachable) */
    LINT_EXPRESSIVE_MIN_QUBITS = 4, /* W037 from su(16) on */
    LINT_SIMULABLE_MIN_QUBITS = 4,  /* N032: n^3 < 4^n - 1 is a real restriction */
};
#define LINT_CONE_MAX_STRINGS (1u << 14)
#define LINT_CONE_MAX_WORK ((uint64_t)1 << 22)

typedef struct Lint {
    DiagSink *diags;
    const Analysis *an;
    const Circuit *c;
    Arena *arena;          /* scratch */
    uint32_t *param_gates; /* per parameter element: the circuit gates it drives */
    uint32_t used_params;
    bool upper_bound;      /* fixed non-Clifford gates, split parameters or inputs */
    bool model_exact;      /* the generators account for every gate (see lint_model_exact) */
    bool *expressive;      /* per observable: W037 reported */
} Lint;

void lint_put_elements(StrBuf *sb, const Circuit *c, const uint32_t *list, uint32_t n);
bool lint_subject(StrBuf *sb, const Circuit *c, const VarArray *arr, const uint32_t *list,
                  uint32_t n);
bool lint_is_identity_gate(const Gate *g);
void lint_no_effect(Lint *l); /* W033 (lints_effect.c) */

/* ---- variance.c ----------------------------------------------------------------------- */

/* Purities P_g(O), P_g(ρ) and the predicted variance of each observable (NAN with a reason
 * where no formula applies), from the complete analysis. */
void analysis_variance(Arena *a, Analysis *an, PauliSum *const *gens, size_t ngens);

/* ---- report.c ------------------------------------------------------------------------- */

void analysis_report_text(StrBuf *sb, const Analysis *an);
/* The JSON report of cli.md (the keys computed so far), diagnostics included. */
void analysis_report_json(StrBuf *sb, const Analysis *an, const DiagSink *diags);

#endif
