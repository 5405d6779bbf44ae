/* Integer arithmetic corners: division and remainder of every signed/unsigned width at the limits
 * (never INT_MIN / -1 or / 0, which trap), 128-bit multiply and divide (libgcc helpers),
 * overflow-checking builtins, shifts, rotates, bit counts, byte swaps, and saturating conversions
 * from floating point done explicitly. Random operands come from a seeded PRNG. */
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include "common.h"

#define NOINLINE __attribute__((noinline))

/* noinline so the compiler can't fold the operations away at compile time */
NOINLINE static int64_t sdiv64(int64_t a, int64_t b) { return a / b; }
NOINLINE static int64_t smod64(int64_t a, int64_t b) { return a % b; }
NOINLINE static uint64_t udiv64(uint64_t a, uint64_t b) { return a / b; }
NOINLINE static uint64_t umod64(uint64_t a, uint64_t b) { return a % b; }
NOINLINE static int32_t sdiv32(int32_t a, int32_t b) { return a / b; }
NOINLINE static int32_t smod32(int32_t a, int32_t b) { return a % b; }
NOINLINE static uint32_t udiv32(uint32_t a, uint32_t b) { return a / b; }
NOINLINE static uint32_t umod32(uint32_t a, uint32_t b) { return a % b; }
NOINLINE static int16_t sdiv16(int16_t a, int16_t b) { return (int16_t)(a / b); }
NOINLINE static uint8_t udiv8(uint8_t a, uint8_t b) { return (uint8_t)(a / b); }
NOINLINE static int8_t smod8(int8_t a, int8_t b) { return (int8_t)(a % b); }
NOINLINE static __int128 sdiv128(__int128 a, __int128 b) { return a / b; }
NOINLINE static unsigned __int128 umod128(unsigned __int128 a, unsigned __int128 b) { return a % b; }
NOINLINE static unsigned __int128 umul128(unsigned __int128 a, unsigned __int128 b) { return a * b; }
NOINLINE static uint64_t rotl64(uint64_t x, unsigned r) { return (x << (r & 63)) | (x >> ((64 - r) & 63)); }
NOINLINE static uint32_t rotr32(uint32_t x, unsigned r) { return (x >> (r & 31)) | (x << ((32 - r) & 31)); }

static void p128(const char *what, unsigned __int128 v) {
    printf("%s %016" PRIx64 "%016" PRIx64 "\n", what, (uint64_t)(v >> 64), (uint64_t)v);
}

int main(void) {
    static const int64_t s64[] = { 0, 1, -1, 2, -2, 3, -3, 7, -7, 10, 100, -100, INT64_MAX, INT64_MIN, INT64_MAX - 1,
                                   INT64_MIN + 1, INT32_MAX, INT32_MIN, (int64_t)UINT32_MAX, 0x123456789abcdefLL };
    const unsigned n = sizeof s64 / sizeof s64[0];
    for (unsigned i = 0; i < n; i++) {
        for (unsigned j = 0; j < n; j++) {
            int64_t a = s64[i], b = s64[j];
            if (b == 0) continue;
            printf("%" PRId64 " %" PRId64 ":", a, b);
            if (!(a == INT64_MIN && b == -1)) printf(" s64 %" PRId64 " %" PRId64, sdiv64(a, b), smod64(a, b));
            printf(" u64 %" PRIu64 " %" PRIu64, udiv64((uint64_t)a, (uint64_t)b), umod64((uint64_t)a, (uint64_t)b));
            int32_t a32 = (int32_t)a, b32 = (int32_t)b;
            if (b32 != 0) {
                if (!(a32 == INT32_MIN && b32 == -1)) printf(" s32 %d %d", sdiv32(a32, b32), smod32(a32, b32));
                printf(" u32 %u %u", udiv32((uint32_t)a32, (uint32_t)b32), umod32((uint32_t)a32, (uint32_t)b32));
            }
            int16_t a16 = (int16_t)a, b16 = (int16_t)b;
            if (b16 != 0) printf(" s16 %d", sdiv16(a16, b16)); /* INT16_MIN / -1 is fine: promoted to int */
            if ((uint8_t)b != 0) printf(" u8 %u", udiv8((uint8_t)a, (uint8_t)b));
            if ((int8_t)b != 0) printf(" s8 %d", smod8((int8_t)a, (int8_t)b));
            printf("\n");
        }
    }
    /* random 64- and 128-bit */
    rng_seed(128);
    uint32_t h = FNV_INIT;
    for (int i = 0; i < 20000; i++) {
        uint64_t a = rnd() >> rnd_below(64), b = rnd() >> rnd_below(64);
        if (b == 0) b = 1;
        h = fnv_u64(h, udiv64(a, b));
        h = fnv_u64(h, umod64(a, b));
        int64_t sa = (int64_t)a * ((i & 1) ? -1 : 1), sb = (int64_t)b * ((i & 2) ? -1 : 1);
        if (!(sa == INT64_MIN && sb == -1)) {
            h = fnv_u64(h, (uint64_t)sdiv64(sa, sb));
            h = fnv_u64(h, (uint64_t)smod64(sa, sb));
        }
        unsigned __int128 wa = ((unsigned __int128)rnd() << 64) | rnd(), wb = (unsigned __int128)(rnd() >> rnd_below(64)) + 1;
        if (i & 4) wb = (wb << 64) | rnd();
        unsigned __int128 m = umul128(a, b), r = umod128(wa, wb);
        __int128 q = sdiv128((__int128)wa, (__int128)wb | 1);
        h = fnv_u64(h, (uint64_t)m);
        h = fnv_u64(h, (uint64_t)(m >> 64));
        h = fnv_u64(h, (uint64_t)r);
        h = fnv_u64(h, (uint64_t)(r >> 64));
        h = fnv_u64(h, (uint64_t)q);
        h = fnv_u64(h, (uint64_t)((unsigned __int128)q >> 64));
        if (i % 2000 == 0) {
            p128("mul", m);
            p128("mod", r);
            p128("sdiv", (unsigned __int128)q);
        }
        /* bit operations */
        h = fnv_u64(h, (uint64_t)__builtin_popcountll(a) | (uint64_t)__builtin_parityll(a) << 8);
        if (a) h = fnv_u64(h, (uint64_t)__builtin_clzll(a) | (uint64_t)__builtin_ctzll(a) << 8);
        h = fnv_u64(h, __builtin_bswap64(a) ^ __builtin_bswap32((uint32_t)b) ^ __builtin_bswap16((uint16_t)a));
        h = fnv_u64(h, rotl64(a, (unsigned)b) ^ rotr32((uint32_t)a, (unsigned)(b >> 7)));
        h = fnv_u64(h, (uint64_t)((int64_t)a >> (b & 63)) ^ (a << (b & 63)) ^ (a >> ((b >> 6) & 63)));
        h = fnv_u64(h, (uint64_t)((int32_t)a >> (b & 31)) ^ ((uint32_t)a >> (b & 31)));
        /* overflow builtins */
        int64_t o1;
        uint64_t o2;
        int32_t o3;
        int f1 = __builtin_add_overflow((int64_t)a, (int64_t)b, &o1);
        int f2 = __builtin_mul_overflow(a, b, &o2);
        int f3 = __builtin_sub_overflow((int32_t)a, (int32_t)b, &o3);
        int f4 = __builtin_mul_overflow((int64_t)a, (int64_t)b, &o1);
        h = fnv_u64(h, (uint64_t)o1 ^ o2 ^ (uint64_t)(uint32_t)o3);
        h = fnv_u64(h, (uint64_t)(f1 | f2 << 1 | f3 << 2 | f4 << 3));
    }
    printf("random hash %08x\n", h);
    /* signed/unsigned mixing, sign extension, truncation */
    for (int i = -3; i <= 3; i++) {
        int8_t c = (int8_t)(i * 50);
        uint8_t uc = (uint8_t)(i * 50);
        int16_t s = (int16_t)(i * 20000);
        printf("%d: c=%d uc=%u s=%d (int64)c=%" PRId64 " (uint64)c=%" PRIu64 " (uint32)s=%u c<uc=%d s>>3=%d uc<<28=%d\n", i, c,
               uc, s, (int64_t)c, (uint64_t)c, (uint32_t)s, c < uc, s >> 3, (int)((unsigned)uc << 24));
    }
    /* floating point to integer: in range, truncation toward zero */
    static const double ds[] = { 0.0, -0.0, 0.9, -0.9, 1.5, -1.5, 2147483647.0, -2147483648.0, 4294967295.0, 9.2e18, -9.2e18, 1.8e19 };
    for (unsigned i = 0; i < sizeof ds / sizeof ds[0]; i++) {
        double d = ds[i];
        printf("%a: i32 %d u32 %u i64 %" PRId64 " u64 %" PRIu64 "\n", d, (d > -2147483649.0 && d < 2147483648.0) ? (int32_t)d : 0,
               (d > -1.0 && d < 4294967296.0) ? (uint32_t)d : 0u, (d > -9.3e18 && d < 9.3e18) ? (int64_t)d : 0,
               (d > -1.0 && d < 1.8446744073709552e19) ? (uint64_t)d : 0u);
    }
    /* integer to floating point, incl. rounding of large 64-bit values */
    for (int i = 0; i < 20; i++) {
        uint64_t u = rnd() | 1;
        int64_t s = (int64_t)u;
        printf("u %" PRIu64 " -> %a %a; s %" PRId64 " -> %a %a\n", u, (double)u, (double)(float)u, s, (double)s, (double)(float)s);
    }
    return 0;
}
