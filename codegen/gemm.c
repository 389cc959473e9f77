/*
 * gemm.c — the dense real matrix product the dla planner and the eigensolver share
 * (codegen.h: cg_gemm), strided so that either operand may be read transposed without a
 * copy. Compile time only.
 */
#include "codegen.h"

/* 4 × 2 blocks of c in registers (eight sums and six operands fit x86-64's sixteen
 * floating-point registers without spilling), the rest one entry at a time. */
void cg_gemm(uint32_t m, uint32_t n, uint32_t k, double alpha, const double *a, size_t ars,
             size_t acs, const double *b, size_t brs, size_t bcs, double *c, size_t crs,
             size_t ccs)
{
    uint32_t m4 = m & ~3u, n2 = n & ~1u;
    for (uint32_t i = 0; i < m4; i += 4) {
        const double *a0 = a + i * ars, *a1 = a0 + ars, *a2 = a1 + ars, *a3 = a2 + ars;
        for (uint32_t j = 0; j < n2; j += 2) {
            const double *b0 = b + j * bcs, *b1 = b0 + bcs;
            double s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
            for (uint32_t p = 0; p < k; p++) {
                size_t ao = p * acs, bo = p * brs;
                double x0 = a0[ao], x1 = a1[ao], x2 = a2[ao], x3 = a3[ao];
                double y0 = b0[bo], y1 = b1[bo];
                s00 += x0 * y0;
                s01 += x0 * y1;
                s10 += x1 * y0;
                s11 += x1 * y1;
                s20 += x2 * y0;
                s21 += x2 * y1;
                s30 += x3 * y0;
                s31 += x3 * y1;
            }
            double *c0 = c + i * crs + j * ccs;
            c0[0] += alpha * s00;
            c0[ccs] += alpha * s01;
            c0[crs] += alpha * s10;
            c0[crs + ccs] += alpha * s11;
            c0[2 * crs] += alpha * s20;
            c0[2 * crs + ccs] += alpha * s21;
            c0[3 * crs] += alpha * s30;
            c0[3 * crs + ccs] += alpha * s31;
        }
    }
    for (uint32_t i = 0; i < m; i++) /* the edges: rows from m4 on, columns from n2 on */
        for (uint32_t j = i < m4 ? n2 : 0; j < n; j++) {
            double s = 0;
            for (uint32_t p = 0; p < k; p++)
                s += a[i * ars + p * acs] * b[p * brs + j * bcs];
            c[i * crs + j * ccs] += alpha * s;
        }
}
