/*
 * test_kernels_common.c — the small shared kernels (runtime/kernels_common.c): the scatter
 * of initial values and the unpacking of a simulator's packed name arrays, including its
 * first call raced by several threads.
 */
#include "runtime/kernels.h"

#include "testing.h"

#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

Test(kernels_common, scatter_writes_only_the_listed_slots)
{
    double v[6] = {9, 9, 9, 9, 9, 9};
    const uint32_t slot[] = {4, 0, 2};
    const double value[] = {0.5, -1.25, 3};
    ans_scatter(v, slot, value, 3);
    const double want[6] = {-1.25, 9, 3, 9, 0.5, 9};
    for (int i = 0; i < 6; i++)
        cr_expect_eq(v[i], want[i], "v[%d] = %g", i, v[i]);
}

/* n names "name<i>" (and the empty string every seventh) packed as the emitter packs them. */
typedef struct Names {
    char *blob;
    const char **out;
    char (*want)[16];
    uint32_t n;
} Names;

static Names names_make(uint32_t n)
{
    Names s = {.blob = calloc((size_t)n * 16 + 1, 1), .out = calloc(n + 1, sizeof *s.out),
               .want = calloc(n + 1, sizeof *s.want), .n = n};
    size_t used = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (i % 7 != 3)
            snprintf(s.want[i], sizeof s.want[i], "name%u", i);
        size_t len = strlen(s.want[i]) + 1;
        memcpy(s.blob + used, s.want[i], len);
        used += len;
    }
    return s;
}

static void names_free(Names *s)
{
    free(s->blob);
    free(s->out);
    free(s->want);
}

Test(kernels_common, unpack_names_points_into_the_blob_in_order)
{
    Names s = names_make(100);
    AnsPackedNames p = {.n = s.n, .blob = s.blob, .out = s.out};
    ans_unpack_names(&p);
    for (uint32_t i = 0; i < s.n; i++) {
        cr_assert_str_eq(s.out[i], s.want[i], "name %u", i);
        cr_expect(s.out[i] >= s.blob && s.out[i] < s.blob + (size_t)s.n * 16, "name %u outside the blob", i);
    }
    /* a second call leaves everything as it is */
    s.out[5] = "changed";
    ans_unpack_names(&p);
    cr_expect_str_eq(s.out[5], "changed");
    names_free(&s);
}

static void *unpack_thread(void *arg)
{
    ans_unpack_names(arg);
    return NULL;
}

/* Every thread that returns must see the whole array filled, whichever thread filled it. */
static void *unpack_and_check(void *arg)
{
    AnsPackedNames *p = arg;
    ans_unpack_names(p);
    uintptr_t bad = 0;
    for (uint32_t i = 0; i < p->n; i++)
        bad += p->out[i] == NULL;
    return (void *)bad;
}

Test(kernels_common, unpack_names_raced_by_threads_fills_once)
{
    enum { THREADS = 8, ROUNDS = 20 };
    for (int round = 0; round < ROUNDS; round++) {
        Names s = names_make(20000);
        AnsPackedNames p = {.n = s.n, .blob = s.blob, .out = s.out};
        pthread_t t[THREADS];
        for (int i = 0; i < THREADS; i++)
            cr_assert_eq(pthread_create(&t[i], NULL, i % 2 ? unpack_and_check : unpack_thread, &p), 0);
        for (int i = 0; i < THREADS; i++) {
            void *bad = NULL;
            pthread_join(t[i], &bad);
            cr_expect_eq((uintptr_t)bad, 0, "round %d: thread %d saw %zu unfilled names", round, i, (size_t)(uintptr_t)bad);
        }
        for (uint32_t i = 0; i < s.n; i++)
            cr_assert_str_eq(s.out[i], s.want[i], "round %d: name %u", round, i);
        names_free(&s);
    }
}
