/*
 * random.c — the generator behind --random and --sample.
 *
 * A parameter vector drawn with a seed must be the same on every machine and in every
 * later version, so the algorithm is fixed and documented (docs/simulator.md) rather than
 * left to the C library's rand(): xoshiro256** (Blackman and Vigna), its four state words
 * being four successive outputs of splitmix64 started at the seed (the seeding its authors
 * recommend; it never yields the all-zero state). Only integer arithmetic modulo 2^64 and
 * one exact conversion are involved: uniform = (next >> 11) · 2^-53 takes the top 53 bits,
 * so it is exactly representable, and the angle is one IEEE multiplication by the double
 * nearest 2π, which stays below 2π (2π·(1 − 2^-53) rounds down).
 */
#include "ansc_sim.h"

static uint64_t random_rotate_left(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

/* splitmix64: advance *x by the golden gamma and mix. */
static uint64_t random_splitmix64(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

void ans_random_seed(AnsRandom *random, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        random->s[i] = random_splitmix64(&x);
}

uint64_t ans_random_next(AnsRandom *random)
{
    uint64_t *s = random->s;
    uint64_t result = random_rotate_left(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = random_rotate_left(s[3], 45);
    return result;
}

double ans_random_uniform(AnsRandom *random)
{
    return (double)(ans_random_next(random) >> 11) * 0x1.0p-53;
}

double ans_random_angle(AnsRandom *random)
{
    /* The double nearest 2π, 0x1.921fb54442d18p+2. */
    return 6.283185307179586476925286766559 * ans_random_uniform(random);
}
