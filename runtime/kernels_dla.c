/*
 * kernels_dla.c — the dla method's kernels: one step of g-sim on the coordinates of an
 * observable's module, and its adjoint.
 *
 * Design. In an orthonormal basis of the module a generator acts as a real antisymmetric
 * d × d matrix A; the code generator diagonalised the Hermitian iA = W Λ W† at compile time
 * (codegen/eig.c), so a step is
 *     v ← exp(φA) v = Re( W · diag(e^{−iφλ_j}) · (W† v) )
 * (the result is real because exp(φA) is; taking the real part drops only rounding). That
 * is two complex matrix–vector products and d phases, O(d²) however φ varies, with no
 * matrix exponential at run time. W is row-major and interleaved; W†v runs over W's rows
 * (axpys into c) and W·c over them again (dot products), so both stream W once, in order.
 * The scratch holds c = W†v as separate real and imaginary halves (2d) and, in the
 * adjoint, g = W†vbar beside it (2d more): 4·d doubles.
 *
 * Adjoint. With new = exp(φA) old and vbar = dE/d(new):
 *     dE/dφ = vbar · A · new = Re Σ_j (−iλ_j e^{−iφλ_j} c_j) · conj(g_j),
 * c = W†old, g = W†vbar (Σ_i vbar_i W_ij = conj g_j for real vbar), and
 *     dE/d(old) = exp(φA)ᵀ vbar = exp(−φA) vbar = Re( W · diag(e^{+iφλ_j}) · g ),
 * three products in all.
 */
#include "kernels.h"

#include <math.h>

/* (cr, ci) = W† x for real x. */
static void dla_adjoint_times(const double *w, uint32_t d, const double *x, double *cr, double *ci)
{
    for (uint32_t j = 0; j < d; j++)
        cr[j] = ci[j] = 0;
    for (uint32_t i = 0; i < d; i++) {
        const double *row = w + 2 * (size_t)i * d;
        double xi = x[i];
        if (xi == 0)
            continue;
        for (uint32_t j = 0; j < d; j++) { /* conj(W_ij) x_i */
            cr[j] += row[2 * j] * xi;
            ci[j] -= row[2 * j + 1] * xi;
        }
    }
}

/* y = Re(W c). */
static void dla_times_real(const double *w, uint32_t d, const double *cr, const double *ci,
                           double *y)
{
    for (uint32_t i = 0; i < d; i++) {
        const double *row = w + 2 * (size_t)i * d;
        double s0 = 0, s1 = 0;
        for (uint32_t j = 0; j < d; j++) {
            s0 += row[2 * j] * cr[j];
            s1 += row[2 * j + 1] * ci[j];
        }
        y[i] = s0 - s1;
    }
}

void ans_dla_step(double *v, uint32_t d, const double *w, const double *lambda, double phi,
                  double *scratch)
{
    double *cr = scratch, *ci = scratch + d;
    dla_adjoint_times(w, d, v, cr, ci);
    for (uint32_t j = 0; j < d; j++) { /* c_j ← e^{−iφλ_j} c_j */
        double c = cos(phi * lambda[j]), s = sin(phi * lambda[j]);
        double re = cr[j], im = ci[j];
        cr[j] = c * re + s * im;
        ci[j] = c * im - s * re;
    }
    dla_times_real(w, d, cr, ci, v);
}

double ans_dla_step_adjoint(double *vbar, uint32_t d, const double *w, const double *lambda,
                            double phi, const double *old, double *scratch)
{
    double *cr = scratch, *ci = scratch + d, *gr = scratch + 2 * (size_t)d,
           *gi = scratch + 3 * (size_t)d;
    dla_adjoint_times(w, d, old, cr, ci);
    dla_adjoint_times(w, d, vbar, gr, gi);
    double dphi = 0;
    for (uint32_t j = 0; j < d; j++) {
        double c = cos(phi * lambda[j]), s = sin(phi * lambda[j]);
        /* t = −iλ e^{−iφλ} c_j; dphi += Re(t · conj g_j) */
        double er = c * cr[j] + s * ci[j], ei = c * ci[j] - s * cr[j];
        double tr = lambda[j] * ei, ti = -lambda[j] * er;
        dphi += tr * gr[j] + ti * gi[j];
        /* g_j ← e^{+iφλ} g_j */
        double re = gr[j], im = gi[j];
        gr[j] = c * re - s * im;
        gi[j] = c * im + s * re;
    }
    dla_times_real(w, d, gr, gi, vbar);
    return dphi;
}
