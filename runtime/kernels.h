/*
 * kernels.h — the numerical kernels that generated simulators call.
 *
 * The emitted code is thin: it computes each step's angle from the parameter and input
 * vectors, takes its cosine and sine, and calls one of these with constant tables (pair
 * lists, qubit masks, eigenvectors) that the code generator prepared. Every kernel is a
 * plain function of its arguments, unit-tested without LLVM (tests/unit/test_kernels*.c).
 * Exported names carry the runtime's prefix `ans_`.
 *
 * Conventions. A Hermitian Pauli string on at most 64 qubits is the mask pair (x, z) with
 * P = i^{|x∧z|} X^x Z^z (so x = z = 1 on a qubit is Y); qubit q is bit q of a basis index.
 * Complex vectors and matrices are interleaved (re, im) doubles; matrices are row-major.
 */
#ifndef ANSC_KERNELS_H
#define ANSC_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/* ---- memory (kernels_sv.c) ------------------------------------------------------------ */

/* Zeroed, 64-byte aligned; NULL when out of memory. ans_free(NULL) does nothing. */
void *ans_alloc(size_t bytes);
void ans_free(void *p);

/* v[slot[i]] = value[i] for i < n (kernels_common.c). */
void ans_scatter(double *v, const uint32_t *slot, const double *value, uint32_t n);

/* Names as a simulator stores them: n NUL-terminated strings back to back in blob, and
 * out[n] to receive pointers to them. A constant array of n pointers would need a
 * relocation per name at compile, link and load time (a QCNN lists millions of state
 * strings); the first call fills out instead, later calls return at once. Safe to call from
 * several threads: one fills, the others wait for it (kernels_common.c). The emitted code
 * lays the struct out as {i32, i32, ptr, ptr}. */
typedef struct AnsPackedNames {
    _Atomic int32_t state; /* 0 packed, 1 being filled, 2 filled */
    uint32_t n;
    const char *blob;
    const char **out;
} AnsPackedNames;
void ans_unpack_names(AnsPackedNames *p);

/* ---- pauli: Heisenberg propagation of a coefficient vector (kernels_pauli.c) ----------- */

/*
 * One rotation step on a vector v of Pauli-string coefficients (slots). For each pair
 * (a, b) = (pairs[2i], pairs[2i+1]):
 *     v[a] ← c·v[a] − s·v[b],   v[b] ← c·v[b] + s·v[a]      (both from the old values)
 * and for each slot k in scaled[0, nscaled): v[k] ← c·v[k] (its partner was truncated).
 * With tape != NULL the old values are recorded first: tape[2i], tape[2i+1] for pair i,
 * then tape[2·npairs + k] for scaled[k] (2·npairs + nscaled doubles).
 */
void ans_pauli_rotate(double *v, const uint32_t *pairs, uint32_t npairs, const uint32_t *scaled,
                      uint32_t nscaled, double c, double s, double *tape);
/* The adjoint of that step, for c = cos φ, s = sin φ. vbar holds dE/d(new v); it becomes
 * dE/d(old v). Returns dE/dφ, using the recorded old values. */
double ans_pauli_rotate_adjoint(double *vbar, const uint32_t *pairs, uint32_t npairs,
                                const uint32_t *scaled, uint32_t nscaled, double c, double s,
                                const double *tape);

/* Σ_i weight[i] · v[slot[i]] · (state_index[i] == UINT32_MAX ? 1 : state[state_index[i]]);
 * state_index may be NULL (no state factors). */
double ans_reduce(const double *v, const uint32_t *slot, const double *weight,
                  const uint32_t *state_index, const double *state, uint32_t n);
/* The adjoint of ans_reduce: vbar[slot[i]] += scale · weight[i] · (state factor). */
void ans_reduce_adjoint(double *vbar, const uint32_t *slot, const double *weight,
                        const uint32_t *state_index, const double *state, uint32_t n,
                        double scale);

/* ---- statevector (kernels_sv.c) -------------------------------------------------------- */

/* psi (2^n amplitudes) ← the product state; kets[q] is 0 |0>, 1 |1>, 2 |+>, 3 |->. */
void ans_sv_init(double *psi, uint32_t n, const uint8_t *kets);
/* psi ← exp(-iφP) psi = (c·I − i·s·P) psi, c = cos φ, s = sin φ. */
void ans_sv_rotate(double *psi, uint32_t n, uint64_t x, uint64_t z, double c, double s);
/* <psi|P|psi> (real: P is Hermitian). */
double ans_sv_expect(const double *psi, uint32_t n, uint64_t x, uint64_t z);
/* out += coef · P psi. */
void ans_sv_add_pauli(double *out, const double *psi, uint32_t n, uint64_t x, uint64_t z,
                      double coef);
/* Im <lam|P|psi>. */
double ans_sv_im_inner(const double *lam, const double *psi, uint32_t n, uint64_t x, uint64_t z);
/* psi ← U psi for the 2^k × 2^k matrix u acting on qubits[0..k) (qubits[0] is the least
 * significant bit of u's row index), k ≤ 10. */
void ans_sv_apply(double *psi, uint32_t n, const uint32_t *qubits, uint32_t k, const double *u);
/* u ← V · diag(exp(-iφ·λ_j)) · V† for the dim × dim unitary V (columns eigenvectors of a
 * Hermitian matrix H with eigenvalues lambda), i.e. u = exp(-iφH). */
void ans_herm_exp(const double *vecs, const double *lambda, uint32_t dim, double phi, double *u);

/* ---- dla: g-sim in an orthonormal basis of a module (kernels_dla.c) -------------------- */

/*
 * A generator acts on module coordinates through a real antisymmetric d × d matrix A
 * (X ↦ i[G, X] in an orthonormal basis); the code generator diagonalises the Hermitian
 * iA = Σ_j λ_j w_j w_j† at compile time and keeps the r eigenpairs with λ_j > 0 (W: d × r,
 * complex, interleaved, row-major, columns the eigenvectors; lambda[r]), so that
 * exp(φA) x = x + 2 Re W diag(e^{-iφλ} − 1) W† x for real x.
 * ans_dla_step: v ← exp(φA) v (real; scratch holds 4·r doubles).
 * ans_dla_step_adjoint: with old = the v before the step (the caller records it), vbar =
 * dE/d(new v) becomes dE/d(old v) = exp(−φA) vbar; returns dE/dφ = vbar · A · new.
 */
void ans_dla_step(double *v, uint32_t d, uint32_t r, const double *w, const double *lambda,
                  double phi, double *scratch);
double ans_dla_step_adjoint(double *vbar, uint32_t d, uint32_t r, const double *w,
                            const double *lambda, double phi, const double *old, double *scratch);

#endif
