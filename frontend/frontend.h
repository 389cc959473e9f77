/*
 * frontend.h — the front end's one internal header, sectioned by file.
 *
 * The passes, each a function of the previous one's output:
 *
 *   parse      (grammar/ + parse.c)  Source          -> Node tree          builds, checks syntax
 *   sema       (sema.c)              Node tree       -> the same tree      resolves names to
 *                                                                          Symbols, assigns types
 *                                                                          and value slots
 *   elaborate  (elaborate.c)         checked tree    -> Circuit            evaluates, unrolls,
 *                                                                          inlines; reads, never
 *                                                                          writes, the tree
 *
 * All three report into one DiagSink and allocate from one Arena. Each may be given a tree
 * with errors in it and must not crash: later passes run only when earlier ones succeeded,
 * but every pass recovers locally so that a run reports every independent error it can.
 */
#ifndef ANSC_FRONTEND_H
#define ANSC_FRONTEND_H

#include "circuit.h"

/* ---- limits (docs/language.md, "Limits") ------------------------------------------ */

enum {
    ANS_MAX_QUBITS = 1 << 16,          /* E070 */
    ANS_MAX_VECTOR = 1 << 24,          /* parameters or inputs in all; E074 */
    ANS_MAX_STEPS = 1 << 26,           /* loop iterations and statements run; E071 */
    ANS_MAX_INLINE_DEPTH = 64,         /* nested user-gate calls; E072 */
    ANS_MAX_PARSE_DEPTH = 2000,        /* parser stack; E005 */
    ANS_MAX_DIMS = 8,                  /* array dimensions */
};
#define ANS_MAX_CIRCUIT_BYTES ((size_t)1 << 30) /* elaborated circuit's memory; E073 */

/* ---- ast.c ------------------------------------------------------------------------ */

#define NODE_KINDS(N)                                                                         \
    N(PROGRAM)    /* block: the top-level statements */                                       \
    N(HEADER)     /* ansatz NAME(sizes) */                                                    \
    N(SIZE)       /* NAME = default, in a header */                                           \
    N(QUBIT_DECL) /* qubit[N] q;  qubit q; */                                                 \
    N(VAR_DECL)   /* one name of `param` or `input` */                                        \
    N(STATE)      /* state |0>;  state input; */                                              \
    N(LET)                                                                                    \
    N(GATE_DEF)                                                                               \
    N(CALL)     /* gate application */                                                        \
    N(EVOLVE)                                                                                 \
    N(FOR)                                                                                    \
    N(IF)                                                                                     \
    N(BLOCK)                                                                                  \
    N(DISCARD)                                                                                \
    N(OBSERVE)                                                                                \
    N(EXPECT)                                                                                 \
    N(BARRIER)                                                                                \
    N(EMPTY)    /* ; */                                                                       \
    N(INT)                                                                                    \
    N(REAL)                                                                                   \
    N(NAME)                                                                                   \
    N(INDEX)    /* base[index] */                                                             \
    N(UNARY)                                                                                  \
    N(BINARY)                                                                                 \
    N(FUNC)     /* log2(x), min(a, b), … */                                                   \
    N(PAULI)    /* X(q), Y(q), Z(q) */                                                        \
    N(IDENTITY) /* I */                                                                       \
    N(SUM)      /* sum(v in [a:b]) term */                                                    \
    N(RANGE)    /* [lo:hi], [lo:step:hi] */

typedef enum {
#define NODE_ENUM(k) ND_##k,
    NODE_KINDS(NODE_ENUM)
#undef NODE_ENUM
        ND__COUNT
} NodeKind;

#define OPERATORS(O)                                                                          \
    O(ADD, "+") O(SUB, "-") O(MUL, "*") O(DIV, "/") O(MOD, "%") O(POW, "**")                 \
    O(EQ, "==") O(NE, "!=") O(LT, "<") O(LE, "<=") O(GT, ">") O(GE, ">=")                    \
    O(AND, "&&") O(OR, "||") O(NOT, "!") O(NEG, "-") O(PLUS, "+")

typedef enum {
#define OP_ENUM(id, text) OP_##id,
    OPERATORS(OP_ENUM)
#undef OP_ENUM
        OP__COUNT
} Op;

const char *op_text(Op op);

/* Types assigned by sema. TY_REAL is any real value, constant or parameter-dependent:
 * whether an angle is affine is decided by the elaborator, which knows gate arguments. */
#define TYPES(T)                                                                              \
    T(NONE, "nothing") T(INT, "an integer") T(REAL, "a real number")                          \
    T(QUBIT, "a qubit") T(REGISTER, "a qubit register") T(PAULI, "a Pauli operator")         \
    T(ARRAY, "an array") T(ERROR, "an erroneous expression")

typedef enum {
#define TYPE_ENUM(id, text) TY_##id,
    TYPES(TYPE_ENUM)
#undef TYPE_ENUM
} Type;

const char *type_text(Type t);

typedef struct Node Node;
typedef struct Symbol Symbol;

typedef struct NodeList {
    Node *head, *tail;
} NodeList;

struct Node {
    NodeKind kind;
    Span span;
    Node *next; /* next in a statement, argument or operand list */
    Type type;  /* expressions, after sema */
    union {
        struct { Node *stmts; uint32_t nslots; } program, block;   /* nslots: program only */
        struct { const char *name; Span name_span; Node *sizes; } header;
        struct { const char *name; Span name_span; Node *value; Symbol *sym; } let; /* SIZE, LET */
        struct { const char *name; Span name_span; Node *size; Symbol *sym; } qubit;
        struct { const char *name; Span name_span; Node *dims; bool input; Symbol *sym; } var;
        struct { const char *ket; bool input; } state;
        struct {
            const char *name;
            Span name_span;
            Node *params; /* NAME nodes */
            Node *qubits; /* NAME nodes */
            Node *body;   /* BLOCK */
            Symbol *sym;
            uint32_t nparams, nqubits;
        } gatedef;
        struct {
            const char *name;
            Span name_span;
            Node *args;     /* angles */
            Node *operands; /* qubits */
            GateKind builtin; /* GATE__COUNT for a user gate */
            Symbol *gate;     /* the user gate */
        } call;
        struct { Node *angle; Node *op; } evolve;
        struct { const char *var; Span var_span; Node *range; Node *body; Symbol *sym; } loop; /* FOR, SUM */
        struct { Node *cond, *then, *otherwise; } cond;
        struct { Node *operands; } operands; /* DISCARD, BARRIER */
        struct { const char *name; Span name_span; Node *op; } observe;
        struct {
            const char *object, *field; /* "dla", "dim"; field NULL for simulable */
            Span fact_span;
            CmpOp cmp;
            Node *value;
            bool negated;
            ExpectFact fact;
        } expect;
        struct { int64_t value; } int_lit;
        struct { Real value; } real_lit;
        struct { const char *name; Symbol *sym; } name;
        struct { Node *base, *index; } index;
        struct { Op op; Node *operand; } unary;
        struct { Op op; Node *lhs, *rhs; Span op_span; } binary;
        struct { const char *name; Span name_span; Node *args; } func;
        struct { char axis; Node *qubit; } pauli;
        struct { Node *lo, *step, *hi; } range;
    };
};

Node *node_new(Arena *a, NodeKind kind, Span span);
void node_list_append(NodeList *list, Node *n);
uint32_t node_count(const Node *list);
const char *node_kind_name(NodeKind kind);
/* S-expression dump, one statement a line, with types and resolved symbols when present. */
void ast_dump(StrBuf *sb, const Node *program);

/* ---- parse.c ---------------------------------------------------------------------- */

/* Parses a whole source; NULL only when nothing could be read at all. Syntax errors are
 * reported and recovered from at the next ';' or '}'. */
Node *parse_source(Arena *a, DiagSink *diags, const Source *src);

/* ---- sema.c ----------------------------------------------------------------------- */

#define SYMBOL_KINDS(S)                                                                       \
    S(SIZE, "size") S(LET, "let constant") S(LOOP, "loop variable")                           \
    S(REGISTER, "qubit register") S(PARAM, "parameter") S(INPUT, "input")                     \
    S(CONST, "constant") S(GATE_ANGLE, "gate angle argument")                                 \
    S(GATE_QUBIT, "gate qubit argument") S(GATE, "gate")

typedef enum {
#define SYM_ENUM(id, text) SYM_##id,
    SYMBOL_KINDS(SYM_ENUM)
#undef SYM_ENUM
} SymbolKind;

const char *symbol_kind_text(SymbolKind kind);

struct Symbol {
    SymbolKind kind;
    const char *name;
    Span span;     /* where it is declared (empty for built-in constants) */
    Node *decl;    /* the declaring node, if any */
    uint32_t slot; /* the elaborator's value slot */
    uint32_t ndims; /* PARAM/INPUT arrays; REGISTER: 1, or 0 for `qubit q;` */
    double value;   /* CONST */
};

typedef struct Define {
    const char *name;
    int64_t value;
    bool used;
} Define;

/* Checks the tree, annotating it. Returns false when it reported errors. After syntax
 * errors, unknown names and gates are not reported (they may be echoes). */
bool sema_check(Arena *a, DiagSink *diags, const Source *src, Node *program, Define *defines,
                size_t ndefines, bool after_syntax_errors);

/* ---- elaborate.c ------------------------------------------------------------------ */

/* Evaluates a checked tree into a circuit; NULL when it reported errors. */
Circuit *elaborate(Arena *a, DiagSink *diags, const Source *src, const Node *program,
                   const Define *defines, size_t ndefines);

/* ---- elaborate.c, evaluate.c: the elaborator's state ----------------------------- */

typedef struct Affine {
    Real k; /* coefficient of the variable; zero for a constant */
    AngleSource source;
    uint32_t index;
    Real c;
} Affine;

/* A declaration that failed (its error reported) leaves its slot INVALID; uses of it are
 * then dropped silently instead of cascading. */
#define INVALID UINT32_MAX

typedef union Value {
    int64_t i; /* sizes, lets, loop variables */
    struct {
        uint32_t offset, size;
    } reg;        /* registers */
    uint32_t var; /* param/input arrays: index into the circuit's params or inputs */
    Affine angle; /* gate angle arguments */
    uint32_t qubit; /* gate qubit arguments */
} Value;

/* A gate operand: one qubit, or a whole register (broadcast). */
typedef struct Operand {
    uint32_t first, count;
    bool whole;
    Span span;
} Operand;

typedef struct Elab {
    Arena *arena;
    DiagSink *diags;
    const Source *src;
    Circuit *c;
    Value *slots;
    uint64_t steps;
    uint32_t inline_depth;
    bool fatal; /* a limit was hit: stop everything */
    const Span **discarded; /* per qubit: where it was discarded, or NULL */
    uint32_t unnamed;
    bool observed; /* an observe statement ran (even one with errors): no W003 */
    const Node *state;
    const Node *header;
    const Define *defines;
    size_t ndefines;
} Elab;

#define REPORT(e, code, span, ...)                                                            \
    diag_report((e)->diags, DIAG_##code, (e)->src, (span), __VA_ARGS__)

static inline Affine affine_const(Real c)
{
    return (Affine){.k = real_int(0), .source = ANGLE_CONST, .c = c};
}
static inline bool affine_is_const(const Affine *a) { return a->source == ANGLE_CONST; }

/* One step of the budget (E071) and a look at the arena's size (E073); false: stop. */
bool elab_step(Elab *e, Span at);
/* real_context: the integer is part of an angle or a coefficient (for W001). */
bool elab_int(Elab *e, const Node *n, int64_t *out, bool real_context);
bool elab_affine(Elab *e, const Node *n, Affine *out);
/* A gate operand: one qubit, or a whole register. */
bool elab_operand(Elab *e, const Node *n, Operand *out);
bool elab_check_live(Elab *e, uint32_t q, Span at, const char *use);
PauliSum *elab_pauli(Elab *e, const Node *n);
/* Bounds of a range (E050 on a zero step); then range_next steps until it returns false. */
bool elab_range(Elab *e, const Node *range, int64_t *lo, int64_t *st, int64_t *hi);
bool elab_range_next(int64_t *v, int64_t st, int64_t hi);

/* ---- frontend.c ------------------------------------------------------------------- */

typedef enum { STAGE_PARSE, STAGE_CHECK, STAGE_ELABORATE } Stage;

typedef struct FrontendResult {
    Node *program;    /* after parse (and check) */
    Circuit *circuit; /* after elaborate */
    bool ok;          /* no errors in the stages run */
} FrontendResult;

/* The front end's passes in order, stopping after `last` or at the first failing pass. */
FrontendResult frontend_run(Arena *a, DiagSink *diags, const Source *src, Define *defines,
                            size_t ndefines, Stage last);

#endif
