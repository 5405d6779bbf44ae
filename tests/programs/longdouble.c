/* long double arithmetic: 80-bit x87 extended on x86-64, 128-bit IEEE quad (software) on aarch64.
 * Add, subtract, multiply, divide, sqrt, comparisons, conversions to and from integers, float and
 * double, over seeded random operands and special values; every result printed with %La. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "common.h"

static long double rand_ld(int spread) {
    long double m = (long double)(rnd() >> 1) / 9223372036854775808.0L + 1.0L; /* [1, 2) with 63 bits */
    int e = (int)rnd_below((uint32_t)(2 * spread + 1)) - spread;
    long double v = ldexpl(m, e);
    return (rnd() & 1) ? -v : v;
}

static void show(const char *what, long double v) {
    if (isnan(v)) printf("%s nan\n", what);
    else printf("%s %La\n", what, v);
}

int main(void) {
    printf("LDBL_MANT_DIG=%d LDBL_MAX_EXP=%d LDBL_MIN_EXP=%d sizeof=%zu\n", LDBL_MANT_DIG, LDBL_MAX_EXP, LDBL_MIN_EXP,
           sizeof(long double));
    show("max", LDBL_MAX);
    show("min", LDBL_MIN);
    show("eps", LDBL_EPSILON);
    rng_seed(80);
    uint32_t h = FNV_INIT;
    for (int i = 0; i < 400; i++) {
        volatile long double a = rand_ld(i < 200 ? 20 : 16000), b = rand_ld(i < 200 ? 20 : 16000);
        long double s = a + b, d = a - b, p = a * b, q = a / b, r = sqrtl(fabsl(a));
        long double f = fmal(a, b, -p);
        int cmp = (a < b) + 2 * (a == b) + 4 * (a > b) + 8 * (a <= b);
        if (i % 20 == 0) {
            printf("a=%La b=%La\n", a, b);
            show("  a+b", s);
            show("  a-b", d);
            show("  a*b", p);
            show("  a/b", q);
            show("  sqrt|a|", r);
            show("  fma(a,b,-ab)", f);
            printf("  cmp %d\n", cmp);
        }
        long double vals[] = { s, d, p, q, r, f };
        for (int k = 0; k < 6; k++) {
            /* hash the value bits that carry data (x87: 10 of the 16 bytes; quad: 16) */
            unsigned char bytes[sizeof(long double)];
            memset(bytes, 0, sizeof bytes);
            memcpy(bytes, &vals[k], LDBL_MANT_DIG == 64 ? 10 : sizeof(long double));
            h = fnv_bytes(h, bytes, sizeof bytes);
        }
        h = fnv_u64(h, (uint64_t)cmp);
    }
    printf("random ops hash %08x\n", h);
    /* conversions */
    static const int64_t ints[] = { 0, 1, -1, 3, INT64_MAX, INT64_MIN, INT64_MAX - 1, (int64_t)1 << 53, ((int64_t)1 << 53) + 1,
                                    ((int64_t)1 << 62) + 12345, -1234567890123456789LL };
    for (unsigned i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        long double v = (long double)ints[i];
        long double uv = (long double)(uint64_t)ints[i];
        printf("i64 %lld -> %La, u64 %llu -> %La, back %lld %llu, /3 %La\n", (long long)ints[i], v,
               (unsigned long long)(uint64_t)ints[i], uv, (long long)(int64_t)v, (unsigned long long)(uint64_t)uv, v / 3);
    }
    static const long double fracs[] = { 0.5L, 1.5L, 2.5L, -0.5L, -1.5L, 1e18L + 0.5L, 9.2233720368547758e18L, -9.2233720368547758e18L, 123.999L };
    for (unsigned i = 0; i < sizeof fracs / sizeof fracs[0]; i++) {
        long double v = fracs[i];
        printf("%La -> ll %lld ull %llu int %d rintl %La roundl %La llrintl %lld\n", v, (long long)v,
               v > 0 && v < 1.8e19L ? (unsigned long long)v : 0ULL, v > -2e9L && v < 2e9L ? (int)v : 0, rintl(v), roundl(v),
               fabsl(v) < 9e18L ? llrintl(v) : 0LL);
    }
    for (int i = 0; i < 30; i++) {
        long double v = rand_ld(1100);
        double dv = (double)v;
        float fv = (float)v;
        printf("%La -> double %a float %a -> back %La %La\n", v, dv, (double)fv, (long double)dv, (long double)fv);
    }
    /* subnormals and overflow */
    long double t = LDBL_MIN;
    for (int i = 0; i < 70; i += 7) show("min/2^i", t / ldexpl(1.0L, i));
    show("max*2", LDBL_MAX * 2);
    show("-max*2", -LDBL_MAX * 2);
    show("inf-inf", (long double)INFINITY - (long double)INFINITY);
    show("1/-0", 1.0L / -0.0L);
    /* an accumulating computation: the harmonic series in long double and double */
    long double hl = 0;
    double hd = 0;
    for (int i = 1; i <= 20000; i++) {
        hl += 1.0L / i;
        hd += 1.0 / i;
    }
    printf("harmonic(20000) %La %a\n", hl, hd);
    /* a long double Newton iteration for pi via atan series (Machin) */
    long double pi = 0, x = 1.0L / 5, x2 = x * x, term = x;
    for (int k = 0; k < 40; k++) { pi += (k & 1 ? -term : term) / (2 * k + 1); term *= x2; }
    long double pi2 = 0, y = 1.0L / 239, y2 = y * y;
    term = y;
    for (int k = 0; k < 20; k++) { pi2 += (k & 1 ? -term : term) / (2 * k + 1); term *= y2; }
    show("machin pi", 4 * (4 * pi - pi2));
    return 0;
}
