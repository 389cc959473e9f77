/*
 * kernels_dla.c — the dla method's kernels: one step of g-sim on the coordinates of an
 * observable's module, and its adjoint.
 *
 * Design. In an orthonormal basis of the module a generator acts as a real antisymmetric
 * d × d matrix A. The code generator diagonalised the Hermitian iA = Σ_j λ_j w_j w_j† at
 * compile time (codegen/eig.c) and kept only the r eigenpairs with λ_j > 0: A is real, so
 * the eigenvectors of −λ_j are the conjugates of those of λ_j, and the kernel of A does
 * not move anything. Hence, for real x,
 *     exp(φA) x = x + 2 Re Σ_{j<r} (e^{−iφλ_j} − 1) w_j (w_j† x),
 * two complex matrix–vector products with the d × r matrix W and r phases — O(r·d) however
 * φ varies, and r ≤ d/2 (a generator that is one Pauli string has a small rank: it moves
 * only the basis elements it anticommutes with). W is row-major and interleaved; W†x runs
 * over W's rows (axpys into c) and W·c over them again (dot products), so both stream W
 * once, in order. The scratch holds c = W†x as separate real and imaginary halves (2r)
 * and, in the adjoint, g = W†vbar beside it (2r more): 4·r doubles.
 *
 * Adjoint. With new = exp(φA) old and vbar = dE/d(new), A = 2 Re Σ_j (−iλ_j) w_j w_j† on
 * real vectors and w_j† new = e^{−iφλ_j} c_j (c = W†old, g = W†vbar, vbar·w_j = conj g_j):
 *     dE/dφ = vbar · A · new = 2 Re Σ_j (−iλ_j e^{−iφλ_j} c_j) · conj(g_j),
 *     dE/d(old) = exp(−φA) vbar = vbar + 2 Re Σ_j (e^{+iφλ_j} − 1) w_j g_j,
 * three products in all.
 */
#include "kernels.h"

#include <math.h>

/* (cr, ci) = W† x for real x (W: d × r). */
static void dla_adjoint_times(const double *w, uint32_t d, uint32_t r, const double *x, double *cr,
                              double *ci)
{
    for (uint32_t j = 0; j < r; j++)
        cr[j] = ci[j] = 0;
    for (uint32_t i = 0; i < d; i++) {
        const double *row = w + 2 * (size_t)i * r;
        double xi = x[i];
        if (xi == 0)
            continue;
        for (uint32_t j = 0; j < r; j++) { /* conj(W_ij) x_i */
            cr[j] += row[2 * j] * xi;
            ci[j] -= row[2 * j + 1] * xi;
        }
    }
}

/* y += 2 Re(W c). */
static void dla_add_twice_real(const double *w, uint32_t d, uint32_t r, const double *cr,
                               const double *ci, double *y)
{
    for (uint32_t i = 0; i < d; i++) {
        const double *row = w + 2 * (size_t)i * r;
        double s0 = 0, s1 = 0;
        for (uint32_t j = 0; j < r; j++) {
            s0 += row[2 * j] * cr[j];
            s1 += row[2 * j + 1] * ci[j];
        }
        y[i] += 2 * (s0 - s1);
    }
}

void ans_dla_step(double *v, uint32_t d, uint32_t r, const double *w, const double *lambda,
                  double phi, double *scratch)
{
    double *cr = scratch, *ci = scratch + r;
    dla_adjoint_times(w, d, r, v, cr, ci);
    for (uint32_t j = 0; j < r; j++) { /* c_j ← (e^{−iφλ_j} − 1) c_j */
        double c = cos(phi * lambda[j]) - 1, s = sin(phi * lambda[j]);
        double re = cr[j], im = ci[j];
        cr[j] = c * re + s * im;
        ci[j] = c * im - s * re;
    }
    dla_add_twice_real(w, d, r, cr, ci, v);
}

double ans_dla_step_adjoint(double *vbar, uint32_t d, uint32_t r, const double *w,
                            const double *lambda, double phi, const double *old, double *scratch)
{
    double *cr = scratch, *ci = scratch + r, *gr = scratch + 2 * (size_t)r,
           *gi = scratch + 3 * (size_t)r;
    dla_adjoint_times(w, d, r, old, cr, ci);
    dla_adjoint_times(w, d, r, vbar, gr, gi);
    double dphi = 0;
    for (uint32_t j = 0; j < r; j++) {
        double c = cos(phi * lambda[j]), s = sin(phi * lambda[j]);
        /* t = −iλ e^{−iφλ} c_j; dphi += 2 Re(t · conj g_j) */
        double er = c * cr[j] + s * ci[j], ei = c * ci[j] - s * cr[j];
        double tr = lambda[j] * ei, ti = -lambda[j] * er;
        dphi += 2 * (tr * gr[j] + ti * gi[j]);
        /* g_j ← (e^{+iφλ} − 1) g_j */
        double re = gr[j], im = gi[j];
        gr[j] = (c - 1) * re - s * im;
        gi[j] = (c - 1) * im + s * re;
    }
    dla_add_twice_real(w, d, r, gr, gi, vbar);
    return dphi;
}
