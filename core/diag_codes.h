/*
 * diag_codes.h — every diagnostic ansc can emit, one line each: the stable code, its
 * severity and a title. The list expands into the DiagCode enum, the code names and the
 * documentation check (tests/unit/test_diag.c compares it with docs/diagnostics.md, and
 * every code has a golden test under tests/golden/diag/).
 *
 * Codes are never renumbered or reused. Ranges:
 *   E001–E009 reading and syntax     E010–E039 names, types and placement (sema)
 *   E040–E069 elaboration            E070–E079 limits
 *   E080–E099 analysis               W001–W029 front-end warnings
 *   W030–W069 analysis warnings      N030–N069 analysis notes
 *   E100–E119 code generation
 */
#ifndef ANSC_DIAG_CODES_H
#define ANSC_DIAG_CODES_H

#define DIAG_CODES(X)                                                                         \
    X(E001, SEV_ERROR, "invalid character")                                                   \
    X(E002, SEV_ERROR, "unterminated comment")                                                \
    X(E003, SEV_ERROR, "malformed number")                                                    \
    X(E004, SEV_ERROR, "syntax error")                                                        \
    X(E005, SEV_ERROR, "nesting too deep")                                                    \
    X(E006, SEV_ERROR, "cannot read file")                                                    \
    X(E007, SEV_ERROR, "file too large")                                                      \
    X(E008, SEV_ERROR, "invalid ket")                                                         \
    X(E010, SEV_ERROR, "unknown name")                                                        \
    X(E011, SEV_ERROR, "name already defined")                                                \
    X(E012, SEV_ERROR, "index out of range")                                                  \
    X(E013, SEV_ERROR, "unknown gate")                                                        \
    X(E014, SEV_ERROR, "wrong number of angles")                                              \
    X(E015, SEV_ERROR, "wrong number of qubits")                                              \
    X(E016, SEV_ERROR, "expected an integer")                                                 \
    X(E017, SEV_ERROR, "expected a qubit")                                                    \
    X(E018, SEV_ERROR, "expected a Pauli operator")                                           \
    X(E019, SEV_ERROR, "invalid Pauli arithmetic")                                            \
    X(E020, SEV_ERROR, "wrong number of indices")                                             \
    X(E021, SEV_ERROR, "not an array")                                                        \
    X(E022, SEV_ERROR, "statement not allowed here")                                          \
    X(E023, SEV_ERROR, "misplaced ansatz header")                                             \
    X(E024, SEV_ERROR, "unknown size override")                                               \
    X(E025, SEV_ERROR, "state given twice")                                                   \
    X(E026, SEV_ERROR, "recursive gate")                                                      \
    X(E027, SEV_ERROR, "unknown function")                                                    \
    X(E028, SEV_ERROR, "wrong number of function arguments")                                  \
    X(E029, SEV_ERROR, "unknown analysis fact")                                               \
    X(E030, SEV_ERROR, "name not visible in a gate body")                                     \
    X(E031, SEV_ERROR, "expected a real number")                                              \
    X(E040, SEV_ERROR, "division by zero")                                                    \
    X(E041, SEV_ERROR, "integer overflow")                                                    \
    X(E042, SEV_ERROR, "log2 of a number that is not a power of two")                         \
    X(E043, SEV_ERROR, "invalid size")                                                        \
    X(E044, SEV_ERROR, "repeated qubit in a gate")                                            \
    X(E045, SEV_ERROR, "use of a discarded qubit")                                            \
    X(E046, SEV_ERROR, "angle is not affine")                                                 \
    X(E047, SEV_ERROR, "angle depends on two parameters")                                     \
    X(E048, SEV_ERROR, "Pauli product on a repeated qubit")                                   \
    X(E049, SEV_ERROR, "zero operator")                                                       \
    X(E050, SEV_ERROR, "zero range step")                                                     \
    X(E051, SEV_ERROR, "broadcast size mismatch")                                             \
    X(E052, SEV_ERROR, "observable defined twice")                                            \
    X(E053, SEV_ERROR, "state does not match the qubits")                                     \
    X(E054, SEV_ERROR, "negative exponent")                                                   \
    X(E070, SEV_ERROR, "too many qubits")                                                     \
    X(E071, SEV_ERROR, "elaboration too long")                                                \
    X(E072, SEV_ERROR, "gate calls nested too deeply")                                        \
    X(E073, SEV_ERROR, "circuit too large")                                                   \
    X(E074, SEV_ERROR, "array too large")                                                     \
    X(W001, SEV_WARNING, "integer division in a real expression")                             \
    X(W002, SEV_WARNING, "generator is only a global phase")                                  \
    X(W003, SEV_WARNING, "no observable")                                                     \
    X(E080, SEV_ERROR, "expectation does not hold")                                           \
    X(E100, SEV_ERROR, "simulation method does not apply")                                    \
    X(E101, SEV_ERROR, "no simulation method fits")                                           \
    X(W030, SEV_WARNING, "parameter shared by non-commuting generators")                      \
    X(W031, SEV_WARNING, "expectation not checked")                                           \
    X(N030, SEV_NOTE, "fixed non-Clifford gates: the algebra is an upper bound")              \
    X(W032, SEV_WARNING, "parameter drives no gate")                                          \
    X(W033, SEV_WARNING, "parameter has no effect on any observable")                         \
    X(W034, SEV_WARNING, "global observable: cost-function-dependent barren plateau")         \
    X(W035, SEV_WARNING, "under-parameterised circuit")                                       \
    X(W036, SEV_WARNING, "rotations that merge: redundant parameter")                         \
    X(W037, SEV_WARNING, "expressive algebra: barren plateau")                                \
    X(N031, SEV_NOTE, "over-parameterised circuit")                                           \
    X(N032, SEV_NOTE, "small modules: classically simulable")                                 \
    X(N033, SEV_NOTE, "the closure stopped at its budget")

#endif
