/*
 * bench_sv.c — the state-vector rotation against one pass of memory traffic.
 *
 * usage: bench_sv [N [RUNS]]      (N = 24 qubits, RUNS = 10 by default)
 *
 * The target: at n = 24 a rotation gate takes at most twice as long as a memcpy of
 * the state (2^24 amplitudes, 256 MiB) into another buffer, timed in the same run. Each
 * case is the best of RUNS repetitions, single-threaded, after both buffers have been
 * touched. Prints one table, gate / ms / ratio_to_memcpy, and the largest ratio.
 */
#include "kernels.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct Case {
    char name[48];
    uint64_t x, z;
} Case;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return 1e3 * (double)ts.tv_sec + 1e-6 * (double)ts.tv_nsec;
}

static void add_case(Case *cases, int *count, const char *gate, const char *factors,
                     const uint32_t *qubits, int k)
{
    Case *c = &cases[(*count)++];
    c->x = c->z = 0;
    int at = snprintf(c->name, sizeof c->name, "%s", gate);
    for (int i = 0; i < k; i++) {
        uint64_t bit = (uint64_t)1 << qubits[i];
        if (factors[i] == 'X' || factors[i] == 'Y')
            c->x |= bit;
        if (factors[i] == 'Z' || factors[i] == 'Y')
            c->z |= bit;
        at += snprintf(c->name + at, sizeof c->name - (size_t)at, "%s%u", i ? "," : " q",
                       qubits[i]);
    }
}

int main(int argc, char **argv)
{
    uint32_t n = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 24;
    int runs = argc > 2 ? atoi(argv[2]) : 10;
    if (n < 3 || n > 32 || runs < 1) {
        fprintf(stderr, "usage: bench_sv [N (3..32) [RUNS]]\n");
        return 2;
    }
    size_t bytes = 2 * sizeof(double) << n;
    double *psi = ans_alloc(bytes), *copy = ans_alloc(bytes);
    if (!psi || !copy) {
        fprintf(stderr, "bench_sv: cannot allocate 2 x %zu bytes\n", bytes);
        ans_free(psi);
        ans_free(copy);
        return 1;
    }
    /* A generic state: |+...+> then a layer of ry and rz, so no amplitude is special. */
    uint8_t *kets = calloc(n, 1);
    for (uint32_t q = 0; q < n; q++)
        kets[q] = 2;
    ans_sv_init(psi, n, kets);
    free(kets);
    for (uint32_t q = 0; q < n; q++) {
        ans_sv_rotate(psi, n, (uint64_t)1 << q, (uint64_t)1 << q, cos(0.1 * q), sin(0.1 * q));
        ans_sv_rotate(psi, n, 0, (uint64_t)1 << q, cos(0.3 + q), sin(0.3 + q));
    }
    memcpy(copy, psi, bytes);


    Case cases[32];
    int count = 0;
    uint32_t low = 0, mid = n / 2, high = n - 1;
    const char *single[3] = {"rx", "ry", "rz"}, *factor[3] = {"X", "Y", "Z"};
    for (int g = 0; g < 3; g++) {
        add_case(cases, &count, single[g], factor[g], &low, 1);
        add_case(cases, &count, single[g], factor[g], &mid, 1);
        add_case(cases, &count, single[g], factor[g], &high, 1);
    }
    uint32_t pair_low[2] = {0, 1}, pair_far[2] = {mid, high}, triple[3] = {low, mid, high};
    uint32_t triple_low[3] = {0, 1, 2};
    add_case(cases, &count, "rzz", "ZZ", pair_low, 2);
    add_case(cases, &count, "rzz", "ZZ", pair_far, 2);
    add_case(cases, &count, "rxx", "XX", pair_low, 2);
    add_case(cases, &count, "rxx", "XX", pair_far, 2);
    add_case(cases, &count, "ryy", "YY", pair_low, 2);
    add_case(cases, &count, "xyz", "XYZ", triple, 3);
    add_case(cases, &count, "xyz", "XYZ", triple_low, 3);
    add_case(cases, &count, "zyx", "ZYX", triple, 3);

    /* Every repetition of a gate follows a memcpy, so that both see the same machine (other
     * processes, frequency); the memcpy figure is the best over all of them. */
    double memcpy_ms = INFINITY, best[32];
    for (int i = 0; i < count; i++) {
        best[i] = INFINITY;
        for (int r = 0; r < runs; r++) {
            double t0 = now_ms();
            memcpy(copy, psi, bytes);
            double t1 = now_ms();
            ans_sv_rotate(psi, n, cases[i].x, cases[i].z, cos(0.37), sin(0.37));
            double t2 = now_ms();
            memcpy_ms = fmin(memcpy_ms, t1 - t0);
            best[i] = fmin(best[i], t2 - t1);
        }
    }
    printf("n = %u, %zu MiB per state, best of %d\n", n, bytes >> 20, runs);
    printf("%-18s %9s %16s\n", "gate", "ms", "ratio_to_memcpy");
    printf("%-18s %9.3f %16.2f\n", "memcpy", memcpy_ms, 1.0);
    double worst = 0;
    for (int i = 0; i < count; i++) {
        worst = fmax(worst, best[i] / memcpy_ms);
        printf("%-18s %9.3f %16.2f\n", cases[i].name, best[i], best[i] / memcpy_ms);
    }
    printf("largest ratio %.2f (target: at most 2)\n", worst);
    ans_free(psi);
    ans_free(copy);
    return 0;
}
