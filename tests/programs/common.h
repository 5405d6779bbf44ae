/* Shared helpers for the tier-2 test programs: a seeded PRNG (splitmix64) so every run makes the
 * same data, and an FNV-1a hash to fold many results into one printed line. Nothing here depends
 * on addresses, time or the environment, so output is byte-identical between runs. */
#ifndef ELFBOX_TEST_COMMON_H
#define ELFBOX_TEST_COMMON_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

static uint64_t rng_state = 0x243f6a8885a308d3ull;

static inline void rng_seed(uint64_t s) { rng_state = s; }

static inline uint64_t rnd(void) {
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* A value in [0, n): multiply-shift instead of a division (cheap under emulation too). */
static inline uint32_t rnd_below(uint32_t n) { return (uint32_t)(((rnd() >> 32) * (uint64_t)n) >> 32); }

/* A cheaper 32-bit stream (xorshift32) for filling buffers. */
static uint32_t xs_state = 2463534242u;
static inline uint32_t xs32(void) {
    uint32_t x = xs_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return xs_state = x;
}

#define FNV_INIT 0x811c9dc5u

static inline uint32_t fnv_bytes(uint32_t h, const void *p, size_t n) {
    const unsigned char *b = (const unsigned char *)p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x01000193u;
    }
    return h;
}

static inline uint32_t fnv_u64(uint32_t h, uint64_t v) {
    for (int i = 0; i < 8; i++) {
        h ^= (uint32_t)(v & 0xff);
        h *= 0x01000193u;
        v >>= 8;
    }
    return h;
}

#endif
