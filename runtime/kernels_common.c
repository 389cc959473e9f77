/*
 * kernels_common.c — small kernels shared by the methods (kernels.h).
 */
#include "kernels.h"

#include <sched.h>
#include <stdatomic.h>
#include <string.h>

void ans_scatter(double *v, const uint32_t *slot, const double *value, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        v[slot[i]] = value[i];
}

void ans_unpack_names(AnsPackedNames *p)
{
    if (atomic_load_explicit(&p->state, memory_order_acquire) == 2)
        return;
    int32_t packed = 0;
    if (atomic_compare_exchange_strong_explicit(&p->state, &packed, 1, memory_order_acq_rel,
                                                memory_order_acquire)) {
        const char *s = p->blob;
        for (uint32_t i = 0; i < p->n; i++) {
            p->out[i] = s;
            s += strlen(s) + 1;
        }
        atomic_store_explicit(&p->state, 2, memory_order_release);
        return;
    }
    while (atomic_load_explicit(&p->state, memory_order_acquire) != 2)
        sched_yield();
}
