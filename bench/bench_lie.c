/*
 * bench_lie.c — the Lie closure's speed and memory on the cases.
 *
 * usage: bench_lie CASE N [RUNS] [--no-symmetry]
 *   su N         X_i, Y_i, Z_iZ_{i+1} on N qubits: su(2^N), 4^N − 1 strings (string path)
 *   ising N      Z_iZ_{i+1}, X_i per term, open chain: so(2N) (string path)
 *   heis N       per-bond XX+YY+ZZ summed, open chain (sum path): 4, 12, 40, 129 for N=3..6
 *   heis_eo N    two generators, Σ_even (XX+YY+ZZ) and Σ_odd (XX+YY+ZZ) (sum path): 31, 66,
 *                400, 724 for N=5..8; symmetry group of order 48 (the 24 global Cliffords ×
 *                the reflection) for even N, 24 for odd N
 * --no-symmetry closes over every string (LIE_NO_SYMMETRY), the sum path before symmetry
 * reduction. Prints one tab-separated line: case, N, dimension, median seconds (wall clock),
 * peak RSS in MiB, median CPU seconds, the symmetry group's order.
 */
#include "analysis/analysis.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static void add_term(Arena *a, PauliSum *s, uint32_t n, const char *factors, const uint32_t *q,
                     int count)
{
    uint64_t *p = arena_alloc(a, 2u * pauli_words(n) * sizeof *p);
    for (int i = 0; i < count; i++)
        pauli_set(p, pauli_words(n), q[i], factors[i]);
    psum_add(a, s, p, real_int(1));
}

static size_t build(Arena *a, const char *name, uint32_t n, PauliSum **gens)
{
    size_t k = 0;
    if (strcmp(name, "su") == 0 || strcmp(name, "ising") == 0) {
        for (uint32_t i = 0; i < n; i++) {
            gens[k] = psum_new(a, n);
            add_term(a, gens[k++], n, "X", &i, 1);
            if (name[0] == 's') {
                gens[k] = psum_new(a, n);
                add_term(a, gens[k++], n, "Y", &i, 1);
            }
            if (i + 1 < n) {
                uint32_t q[2] = {i, i + 1};
                gens[k] = psum_new(a, n);
                add_term(a, gens[k++], n, "ZZ", q, 2);
            }
        }
        return k;
    }
    bool even_odd = strcmp(name, "heis_eo") == 0;
    if (even_odd) {
        gens[0] = psum_new(a, n);
        gens[1] = psum_new(a, n);
        k = 2;
    }
    for (uint32_t i = 0; i + 1 < n; i++) {
        uint32_t q[2] = {i, i + 1};
        PauliSum *s = even_odd ? gens[i % 2] : (gens[k++] = psum_new(a, n));
        add_term(a, s, n, "XX", q, 2);
        add_term(a, s, n, "YY", q, 2);
        add_term(a, s, n, "ZZ", q, 2);
    }
    return k;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

int main(int argc, char **argv)
{
    unsigned flags = 0;
    if (argc > 3 && strcmp(argv[argc - 1], "--no-symmetry") == 0) {
        flags = LIE_NO_SYMMETRY;
        argc--;
    }
    if (argc < 3) {
        fputs("usage: bench_lie su|ising|heis|heis_eo N [RUNS] [--no-symmetry]\n", stderr);
        return 2;
    }
    uint32_t n = (uint32_t)atoi(argv[2]);
    int runs = argc > 3 ? atoi(argv[3]) : 5;
    if (n < 2 || n > 4096 || runs < 1 || runs > 100) {
        fputs("bench_lie: N from 2 to 4096, RUNS from 1 to 100\n", stderr);
        return 2;
    }
    Arena a;
    arena_init(&a);
    PauliSum **gens = arena_alloc(&a, 3u * n * sizeof *gens);
    size_t k = build(&a, argv[1], n, gens);
    double t[100], cpu[100];
    uint32_t dim = 0, order = 1;
    for (int r = 0; r < runs; r++) {
        struct timespec t0, t1, c0, c1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
        LieSpace *g = lie_close_flags(n, gens, k, gens, k, 1u << 26, LIE_DEFAULT_WORK, flags);
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        dim = g->dim;
        order = g->symmetry;
        lie_space_free(g);
        t[r] = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
        cpu[r] = (double)(c1.tv_sec - c0.tv_sec) + 1e-9 * (double)(c1.tv_nsec - c0.tv_nsec);
    }
    qsort(t, (size_t)runs, sizeof t[0], cmp_double);
    qsort(cpu, (size_t)runs, sizeof cpu[0], cmp_double);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("%s\t%u\t%u\t%.6f\t%.1f\t%.6f\t%u\n", argv[1], n, dim, t[runs / 2],
           ru.ru_maxrss / 1024.0, cpu[runs / 2], order);
    arena_free(&a);
    return 0;
}
