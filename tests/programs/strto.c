/* String to number conversions: atoi/atol/atoll, strtol/strtoul/strtoll/strtoull in every base
 * with overflow (errno ERANGE) and end pointers, strtod/strtof/strtold on decimal and hex
 * floats, infinities, NaNs, subnormals and hard rounding cases; and the round trip
 * double -> "%.17g" -> strtod for random bit patterns. */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"

static const char *ints[] = {
    "0", "1", "-1", "+42", "  \t\n 17", "007", "0x1f", "0X1F", "0b101", "077", "08", "z", "Z", "zz", "-0", "+-1",
    "123abc", "abc", "", " ", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
    "-9223372036854775809", "18446744073709551615", "18446744073709551616", "-18446744073709551615",
    "4294967295", "4294967296", "2147483647", "2147483648", "-2147483649", "0x", "0x7fffffffffffffff",
    "0xffffffffffffffff", "0x10000000000000000", "  -0x8000000000000000", "1e5", "12 34", "1_000",
    "99999999999999999999999999999999", "-", "+", "0xg", "0777777777777777777777", "01777777777777777777777",
};
static const int bases[] = { 0, 2, 8, 10, 16, 36, 3, 7 };

static const char *floats[] = {
    "0", "-0", "1", "-1.5", "0.1", "1e10", "1E-10", ".5", "5.", "  +3.25xyz", "1e", "1e+", "e5", "inf", "-INF",
    "infinity", "Infinity!", "nan", "-nan", "NaN(123)", "0x1p3", "0x1.8p-1", "0X.8P+2", "0x1.fffffffffffffp1023",
    "0x1p-1074", "0x1p-1075", "0x1.00000000000008p0", "0x1.00000000000018p0", "1e308", "1.8e308", "-1e400",
    "4.9e-324", "2.4703282292062327e-324", "2.4703282292062328e-324", "2.2250738585072011e-308",
    "2.2250738585072012e-308", "1e-400", "123456789012345678901234567890", "0.000000000000000000000000000001234",
    "9007199254740993", "9007199254740993.0000000001", "1.7976931348623157e308", "1.7976931348623158e308",
    "3.14159265358979323846264338327950288419716939937510", "100000000000000016777215", "100000000000000016777216",
    "7.038531e-26", "1.00000005960464477539062499", "1.000000059604644775390625", "1.00000005960464477539062501",
    "0x", "0x.p1", ".", "-.e1", "1.5e-2147483650", "1e2147483650", "   ", "+.1e+1",
};

int main(void) {
    for (unsigned i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        const char *s = ints[i];
        printf("[%s] atoi=%d atol=%ld", s, (int)strlen(s) < 12 ? atoi(s) : 0, (int)strlen(s) < 19 ? atol(s) : 0L);
        for (unsigned b = 0; b < sizeof bases / sizeof bases[0]; b++) {
            char *end;
            errno = 0;
            long v = strtol(s, &end, bases[b]);
            int e1 = errno;
            errno = 0;
            unsigned long long u = strtoull(s, NULL, bases[b]);
            int e2 = errno;
            errno = 0;
            long long ll = strtoll(s, NULL, bases[b]);
            int e3 = errno;
            errno = 0;
            unsigned long ul = strtoul(s, NULL, bases[b]);
            int e4 = errno;
            printf(" b%d:%ld/%d/%d,%llu/%d,%lld/%d,%lu/%d", bases[b], v, (int)(end - s), e1 == ERANGE, u, e2 == ERANGE, ll,
                   e3 == ERANGE, ul, e4 == ERANGE);
        }
        printf("\n");
    }
    for (unsigned i = 0; i < sizeof floats / sizeof floats[0]; i++) {
        const char *s = floats[i];
        char *e1, *e2, *e3;
        errno = 0;
        double d = strtod(s, &e1);
        int r1 = errno == ERANGE;
        errno = 0;
        float f = strtof(s, &e2);
        int r2 = errno == ERANGE;
        errno = 0;
        long double l = strtold(s, &e3);
        int r3 = errno == ERANGE;
        /* NaN sign and payload are printed as just "nan" */
        if (isnan(d)) printf("[%s] d=nan/%d", s, (int)(e1 - s));
        else printf("[%s] d=%a/%d/%d", s, d, (int)(e1 - s), r1);
        if (isnan(f)) printf(" f=nan/%d", (int)(e2 - s));
        else printf(" f=%a/%d/%d", (double)f, (int)(e2 - s), r2);
        if (isnan(l)) printf(" l=nan/%d", (int)(e3 - s));
        else printf(" l=%La/%d/%d", l, (int)(e3 - s), r3);
        printf(" atof=%a\n", isnan(atof(s)) ? 0.0 : atof(s));
    }
    /* round trips */
    rng_seed(99);
    int bad = 0;
    uint32_t h = FNV_INIT;
    char buf[64];
    for (int i = 0; i < 1000; i++) {
        uint64_t bits = rnd();
        double d;
        memcpy(&d, &bits, sizeof d);
        if (isnan(d) || isinf(d)) continue;
        snprintf(buf, sizeof buf, "%.17g", d);
        double back = strtod(buf, NULL);
        if (memcmp(&back, &d, sizeof d) != 0) bad++;
        h = fnv_bytes(h, buf, strlen(buf));
        float fl = (float)d;
        if (!isinf(fl)) {
            snprintf(buf, sizeof buf, "%.9g", (double)fl);
            float fb = strtof(buf, NULL);
            if (memcmp(&fb, &fl, sizeof fl) != 0) bad++;
            h = fnv_bytes(h, buf, strlen(buf));
        }
        if (i % 10 == 0) {
            /* shortest-ish decimal: %.15g parsed back is usually not identical */
            snprintf(buf, sizeof buf, "%.15g", d);
            double b15 = strtod(buf, NULL);
            h = fnv_bytes(h, &b15, sizeof b15);
            long double lb = strtold(buf, NULL);
            h = fnv_bytes(h, &lb, LDBL_MANT_DIG == 64 ? 10 : sizeof lb);
        }
    }
    printf("round trips: bad=%d hash=%08x\n", bad, h);
    return 0;
}
