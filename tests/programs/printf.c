/* printf of every conversion with flags, widths, precisions and length modifiers, over many
 * values: integers at their limits and random, doubles (special values, subnormals, powers of ten,
 * random bit patterns) in %e %f %g %a, long double in %Le %Lf %Lg %La, strings, chars, %n, %%.
 * Output goes through snprintf into a buffer too, and the returned lengths are printed. */
#include <float.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "common.h"

static char line[4096];

#define P(...)                                                                \
    do {                                                                      \
        int n_ = snprintf(line, sizeof line, __VA_ARGS__);                    \
        printf("%d|%s|\n", n_, line);                                         \
    } while (0)

static const char *const int_fmts[] = { "%d", "%i", "%5d", "%-5d|", "%05d", "%+d", "% d", "%.0d", "%.3d", "%8.3d", "%-+8.3d", "%x", "%#x", "%X", "%#X", "%08x", "%#010x", "%o", "%#o", "%.0o", "%#.0o", "%u", "%12u", "%c" };

static double random_double(void) {
    uint64_t b = rnd();
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

static void doubles(double v) {
    P("%e|%E|%.0e|%#.0e|%.3e|%+.10e|%20.5e|%-20.5e", v, v, v, v, v, v, v, v);
    if (fabs(v) < 1e30 || isinf(v)) P("%f|%F|%.0f|%#.0f|%.1f|%.3f|%+.10f|%015.4f|%-15.2f", v, v, v, v, v, v, v, v, v);
    else P("%.0f", v); /* hundreds of digits: one conversion is enough */
    P("%g|%G|%.0g|%#g|%#.3g|%.10g|%.17g|%+g|% g|%012g", v, v, v, v, v, v, v, v, v, v);
    P("%a|%A|%.0a|%.1a|%.3a|%.13a|%#a|%+a|%20a|%-20a|%020a", v, v, v, v, v, v, v, v, v, v, v);
}

static void long_doubles(long double v) {
    P("%Le|%.0Le|%.5Le|%.25Le", v, v, v, v);
    P("%Lf|%.0Lf|%.3Lf|%.20Lf", v, v, v, v);
    P("%Lg|%.3Lg|%.21Lg|%#.3Lg", v, v, v, v);
    P("%La|%.0La|%.3La|%.20La|%LA", v, v, v, v, v);
}

int main(void) {
    /* integers */
    static const long long ivals[] = { 0, 1, -1, 7, -7, 42, 99, 100, -100, 255, 256, 65535, 65536, INT_MAX, INT_MIN,
                                       (long long)UINT_MAX, LLONG_MAX, LLONG_MIN, 1000000007, -123456789 };
    for (unsigned i = 0; i < sizeof ivals / sizeof ivals[0]; i++) {
        long long v = ivals[i];
        for (unsigned f = 0; f < sizeof int_fmts / sizeof int_fmts[0]; f++) {
            if (int_fmts[f][strlen(int_fmts[f]) - 1] == 'c' && (v < 32 || v > 126)) continue;
            P(int_fmts[f], (int)v);
        }
        P("%hhd %hhu %hhx %hd %hu %hx", (int)v, (int)v, (int)v, (int)v, (int)v, (int)v);
        P("%ld %lu %lx %lo %#lx", (long)v, (unsigned long)v, (unsigned long)v, (unsigned long)v, (unsigned long)v);
        P("%lld %llu %llx %llX %llo %+lld %-25lld| %025lld", v, (unsigned long long)v, (unsigned long long)v,
          (unsigned long long)v, (unsigned long long)v, v, v, v);
        P("%jd %ju %zd %zu %zx %td", (intmax_t)v, (uintmax_t)v, (ssize_t)v, (size_t)v, (size_t)v, (ptrdiff_t)v);
        P("%" PRId64 " %" PRIu64 " %" PRIx64 " %" PRIo32, (int64_t)v, (uint64_t)v, (uint64_t)v, (uint32_t)v);
    }
    rng_seed(7);
    for (int i = 0; i < 200; i++) {
        uint64_t r = rnd();
        int sh = (int)(r & 63);
        long long v = (long long)(r >> sh);
        P("%lld %llu %llx %#llo %.20lld %-30llu| %hhd %hd %d", v, (unsigned long long)v, (unsigned long long)v,
          (unsigned long long)v, v, (unsigned long long)v, (int)v, (int)v, (int)v);
    }
    /* * width and precision */
    for (int w = -12; w <= 12; w += 3)
        for (int p = -1; p <= 8; p += 3) {
            P("[%*d] [%.*d] [%*.*d] [%*.*s] [%*.*f] [%*.*e] [%*.*x]", w, 42, p, -42, w, p, 12345, w, p, "abcdefghij", w, p,
              3.14159, w, p, -2.5e-7, w, p, 0xbeefu);
        }
    /* strings, chars, %n, %%, %p */
    static const char *strs[] = { "", "a", "hello", "hello, world", "tab\there", "\x80\xff high bytes" };
    for (unsigned i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        P("%s|%10s|%-10s|%.3s|%10.2s|%-10.0s|", strs[i], strs[i], strs[i], strs[i], strs[i], strs[i]);
    }
    for (int c = 32; c < 127; c += 5) P("%c%c|%3c|%-3c|", c, c + 1, c, c);
    int n1 = 0, n2 = 0;
    long ln = 0;
    signed char hn = 0;
    P("abc%nde%sfg%lnhi%hhn%n%%", &n1, "XYZ", &ln, &hn, &n2);
    printf("n: %d %ld %d %d\n", n1, ln, (int)hn, n2);
    P("%p %p %p", (void *)0x1234, (void *)0xffffffffffffull, (void *)0);
    P("%% %5% %-5%|");
    /* truncation: snprintf returns the full length */
    char small[8];
    int r = snprintf(small, sizeof small, "%s-%d-%e", "truncate", 123456, 1.5);
    printf("trunc %d [%s]\n", r, small);
    r = snprintf(NULL, 0, "%0100d", 5);
    printf("null %d\n", r);

    /* doubles: special values and edge cases */
    static const double dvals[] = { 0.0, -0.0, 1.0, -1.0, 0.5, 0.1, 0.2, 0.3, 1.0 / 3.0, 2.0 / 3.0, 0.05, 0.15, 0.25, 0.35,
                                    0.45, 1.5, 2.5, 9.5, 99.5, 999.5, 0.000123456, 123456789.0, 1e15, 1e16, 1e17, 1e21, 1e22,
                                    1e23, 1e100, 1e300, 1e308, DBL_MAX, DBL_MIN, DBL_MIN / 2, DBL_TRUE_MIN, DBL_EPSILON,
                                    M_PI, -M_E, 4503599627370495.5, 9007199254740993.0, 5e-324, 2.2250738585072009e-308 };
    for (unsigned i = 0; i < sizeof dvals / sizeof dvals[0]; i++) doubles(dvals[i]);
    doubles(INFINITY);
    doubles(-INFINITY);
    P("%f %e %g %a %F %E %G %A", NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN);
    P("%f %e %g %a", -NAN, -NAN, -NAN, -NAN);
    for (int e = -30; e <= 30; e++) {
        double v = pow(10.0, e);
        P("%.17g %.0e %a %.3f", v, v, v, v);
    }
    rng_seed(11);
    for (int i = 0; i < 120; i++) {
        double v = random_double();
        if (isnan(v)) continue;
        P("%.17g|%.25e|%a|%.3a|%g", v, v, v, v, v);
        if (fabs(v) < 1e30 && fabs(v) > 1e-30) P("%.30f|%f", v, v);
    }
    for (int i = 0; i < 200; i++) {
        /* values with few significant digits: rounding ties in decimal */
        double v = (double)(int64_t)(rnd() % 2000001 - 1000000) / 1000.0;
        P("%.0f %.1f %.2f %.3f %.2e %.3g %g", v, v, v, v, v, v, v);
    }
    /* float promoted to double */
    float fv[] = { 1.1f, 0.1f, 16777217.0f, FLT_MAX, FLT_MIN, 1e-45f };
    for (unsigned i = 0; i < sizeof fv / sizeof fv[0]; i++) P("%.9g %a %e", (double)fv[i], (double)fv[i], (double)fv[i]);

    /* long double */
    static const long double lvals[] = { 0.0L, -0.0L, 1.0L, 0.1L, 1.0L / 3.0L, 2.5L, 1e10L, 1e-10L,
                                         LDBL_EPSILON, 3.14159265358979323846264338327950288L,
                                         123456789012345678901234567890.0L };
    for (unsigned i = 0; i < sizeof lvals / sizeof lvals[0]; i++) {
        long_doubles(lvals[i]);
        long_doubles(-lvals[i] / 7);
    }
    /* extreme exponents: hex only (decimal conversion of 1e4000 costs tens of millions of
     * instructions in glibc's multi-precision code) */
    P("%.3Le|%Lg|%.3Le|%Lg", 1e100L, 1e100L, -1e-100L, -1e-100L);
    static const long double lext[] = { 1e4000L, 1e-4000L, LDBL_MAX, LDBL_MIN, LDBL_MIN / 1024, -1e-4940L };
    for (unsigned i = 0; i < sizeof lext / sizeof lext[0]; i++) P("%La|%.3La|%.20La|%LA", lext[i], lext[i], lext[i], lext[i]);
    /* (no %Lf of infinity: glibc spends ~15 million instructions on it) */
    P("%Le|%Lg|%La|%LE|%LG", (long double)INFINITY, -(long double)INFINITY, (long double)INFINITY, (long double)INFINITY, -(long double)INFINITY);
    P("%Le %La", (long double)NAN, (long double)NAN);
    for (int i = 0; i < 40; i++) {
        long double v = ldexpl((long double)(rnd() >> 1) / 9223372036854775808.0L + 1.0L, (int)rnd_below(400) - 200);
        if (i & 1) v = -v;
        P("%.30Lg|%La", v, v);
    }
    return 0;
}
