/*
 * kernels_common.c — small kernels shared by the methods (kernels.h).
 */
#include "kernels.h"

void ans_scatter(double *v, const uint32_t *slot, const double *value, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        v[slot[i]] = value[i];
}
