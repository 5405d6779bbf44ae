/* libm over ranges, printed with %a so every bit of every result is compared: the double,
 * float and long double variants of the elementary functions, plus fma, rounding functions,
 * frexp/ldexp/modf/remquo, and the floating-point environment (rounding modes, exception flags). */
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include "common.h"

typedef double (*f1)(double);
typedef double (*f2)(double, double);
typedef float (*f1f)(float);
typedef long double (*f1l)(long double);

static const struct { const char *name; f1 f; double lo, hi; } unary[] = {
    { "sin", sin, -10, 10 },     { "cos", cos, -10, 10 },      { "tan", tan, -1.5, 1.5 },
    { "asin", asin, -1, 1 },     { "acos", acos, -1, 1 },      { "atan", atan, -50, 50 },
    { "sinh", sinh, -20, 20 },   { "cosh", cosh, -20, 20 },    { "tanh", tanh, -5, 5 },
    { "asinh", asinh, -100, 100 }, { "acosh", acosh, 1, 100 }, { "atanh", atanh, -0.99, 0.99 },
    { "exp", exp, -700, 700 },   { "exp2", exp2, -1000, 1000 }, { "expm1", expm1, -5, 5 },
    { "log", log, 1e-300, 1e300 }, { "log2", log2, 1e-10, 1e10 }, { "log10", log10, 1e-20, 1e20 },
    { "log1p", log1p, -0.9, 10 }, { "sqrt", sqrt, 0, 1e10 },    { "cbrt", cbrt, -1e6, 1e6 },
    { "erf", erf, -4, 4 },       { "erfc", erfc, -4, 10 },     { "tgamma", tgamma, 0.1, 20 },
    { "lgamma", lgamma, 0.1, 100 }, { "floor", floor, -1e6, 1e6 }, { "ceil", ceil, -1e6, 1e6 },
    { "round", round, -100, 100 }, { "trunc", trunc, -100, 100 }, { "rint", rint, -100, 100 },
    { "nearbyint", nearbyint, -100, 100 }, { "fabs", fabs, -10, 10 }, { "logb", logb, -1e10, 1e10 },
};
static const struct { const char *name; f2 f; double lo, hi; } binary[] = {
    { "pow", pow, 0.01, 20 }, { "atan2", atan2, -10, 10 }, { "hypot", hypot, -1e5, 1e5 },
    { "fmod", fmod, -100, 100 }, { "remainder", remainder, -100, 100 }, { "fdim", fdim, -10, 10 },
    { "fmax", fmax, -10, 10 }, { "fmin", fmin, -10, 10 }, { "copysign", copysign, -10, 10 },
    { "nextafter", nextafter, -2, 2 },
};
static const struct { const char *name; f1f f; } unaryf[] = {
    { "sinf", sinf }, { "cosf", cosf }, { "expf", expf }, { "logf", logf }, { "sqrtf", sqrtf }, { "atanf", atanf },
    { "tanhf", tanhf }, { "cbrtf", cbrtf }, { "exp2f", exp2f }, { "log2f", log2f },
};
static const struct { const char *name; f1l f; } unaryl[] = {
    { "sinl", sinl }, { "cosl", cosl }, { "expl", expl }, { "logl", logl }, { "sqrtl", sqrtl }, { "atanl", atanl },
    { "tanl", tanl }, { "log2l", log2l }, { "cbrtl", cbrtl }, { "floorl", floorl },
};

#define N 256

static double in_range(double lo, double hi, int i) {
    /* evenly spread points plus a small pseudo-random offset, and the end points */
    if (i == 0) return lo;
    if (i == N - 1) return hi;
    double t = (i + (double)(rnd() >> 11) / 9007199254740992.0 - 0.5) / (N - 1);
    if (lo > 0 && hi / lo > 1e3) return lo * pow(hi / lo, t); /* logarithmic spread */
    return lo + (hi - lo) * t;
}

int main(void) {
    rng_seed(2024);
    for (unsigned f = 0; f < sizeof unary / sizeof unary[0]; f++) {
        uint32_t h = FNV_INIT;
        for (int i = 0; i < N; i++) {
            double x = in_range(unary[f].lo, unary[f].hi, i);
            double y = unary[f].f(x);
            if (i % 32 == 3) printf("%s(%a) = %a\n", unary[f].name, x, y);
            h = fnv_bytes(h, &y, sizeof y);
        }
        static const double specials[] = { 0.0, -0.0, INFINITY, -INFINITY, NAN, 1e-310, -1e-310, DBL_MAX, 0.5, 1.0, -1.0 };
        for (unsigned k = 0; k < sizeof specials / sizeof specials[0]; k++) {
            double y = unary[f].f(specials[k]);
            if (isnan(y)) y = NAN; /* NaN sign/payload is not specified across implementations */
            h = fnv_bytes(h, &y, sizeof y);
        }
        printf("%-10s %08x\n", unary[f].name, h);
    }
    for (unsigned f = 0; f < sizeof binary / sizeof binary[0]; f++) {
        uint32_t h = FNV_INIT;
        for (int i = 0; i < N; i++)
            for (int j = 0; j < 8; j++) {
                double x = in_range(binary[f].lo, binary[f].hi, i), y = in_range(binary[f].lo, binary[f].hi, j * 9);
                double z = binary[f].f(x, y);
                if (i % 64 == 5 && j == 3) printf("%s(%a, %a) = %a\n", binary[f].name, x, y, z);
                h = fnv_bytes(h, &z, sizeof z);
            }
        printf("%-10s %08x\n", binary[f].name, h);
    }
    /* pow corners */
    static const double pb[] = { 0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 0.5, INFINITY, -INFINITY, 10.0 };
    static const double pe[] = { 0.0, -0.0, 1.0, -1.0, 2.0, 3.0, -3.0, 0.5, 1e10, INFINITY, -INFINITY, 1075.0, -1075.0 };
    for (unsigned i = 0; i < sizeof pb / sizeof pb[0]; i++) {
        for (unsigned j = 0; j < sizeof pe / sizeof pe[0]; j++) printf("%a ", pow(pb[i], pe[j]));
        printf("\n");
    }
    /* fma: exact product + sum with one rounding */
    uint32_t h = FNV_INIT;
    for (int i = 0; i < 500; i++) {
        double a = in_range(-1e3, 1e3, i % N), b = in_range(-1e-3, 1e3, (i * 7) % N), c = -a * b;
        double r = fma(a, b, c);
        float rf = fmaf((float)a, (float)b, (float)c);
        h = fnv_bytes(h, &r, sizeof r);
        h = fnv_bytes(h, &rf, sizeof rf);
        if (i % 100 == 0) printf("fma(%a, %a, %a) = %a, fmaf = %a\n", a, b, c, r, (double)rf);
    }
    printf("fma %08x\n", h);
    /* float and long double variants */
    for (unsigned f = 0; f < sizeof unaryf / sizeof unaryf[0]; f++) {
        h = FNV_INIT;
        for (int i = 1; i < N; i++) {
            float x = (float)i * 0.37f, y = unaryf[f].f(x);
            h = fnv_bytes(h, &y, sizeof y);
            if (i % 64 == 1) printf("%s(%a) = %a\n", unaryf[f].name, (double)x, (double)y);
        }
        printf("%-10s %08x\n", unaryf[f].name, h);
    }
    for (unsigned f = 0; f < sizeof unaryl / sizeof unaryl[0]; f++) {
        for (int i = 1; i < N; i += 37) {
            long double x = (long double)i * 0.37L, y = unaryl[f].f(x);
            printf("%s(%La) = %La\n", unaryl[f].name, x, y);
        }
    }
    /* decomposition */
    for (int i = 0; i < 20; i++) {
        double x = in_range(-1e6, 1e6, i * 3), ip;
        int e, q;
        double fr = frexp(x, &e), mf = modf(x, &ip), rq = remquo(x, 7.5, &q);
        printf("x=%a frexp=%a,%d ldexp=%a modf=%a,%a remquo=%a,%d ilogb=%d lround=%ld llrint=%lld scalbn=%a\n", x, fr, e,
               ldexp(fr, e + 3), mf, ip, rq, q & 7, ilogb(x), lround(x), llrint(x), scalbn(x, -1070));
    }
    /* rounding modes */
    static const int modes[] = { FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO };
    static const char *mname[] = { "nearest", "down", "up", "zero" };
    for (int m = 0; m < 4; m++) {
        fesetround(modes[m]);
        volatile double a = 1.0, b = 3.0, c = -2.0;
        volatile float fa = 1.0f, fb = 3.0f;
        printf("%-7s 1/3=%a -2/3=%a 1/3f=%a rint(2.5)=%a rint(-2.5)=%a nearbyint(0.5)=%a lrint(-1.5)=%ld sqrt(2)=%a %a\n",
               mname[m], a / b, c / b, (double)(fa / fb), rint(2.5), rint(-2.5), nearbyint(0.5), lrint(-1.5), sqrt(b - a),
               (double)((long double)a / (long double)b));
    }
    fesetround(FE_TONEAREST);
    /* exception flags */
    volatile double z = 0.0, one = 1.0, big = DBL_MAX, tiny = DBL_MIN;
    feclearexcept(FE_ALL_EXCEPT);
    volatile double r1 = one / z;
    printf("1/0=%a divbyzero=%d\n", r1, !!fetestexcept(FE_DIVBYZERO));
    feclearexcept(FE_ALL_EXCEPT);
    r1 = z / z;
    printf("0/0 nan=%d invalid=%d\n", isnan(r1), !!fetestexcept(FE_INVALID));
    feclearexcept(FE_ALL_EXCEPT);
    r1 = big * 2;
    printf("max*2=%a overflow=%d inexact=%d\n", r1, !!fetestexcept(FE_OVERFLOW), !!fetestexcept(FE_INEXACT));
    feclearexcept(FE_ALL_EXCEPT);
    r1 = tiny / 3;
    printf("min/3=%a underflow=%d\n", r1, !!fetestexcept(FE_UNDERFLOW));
    feclearexcept(FE_ALL_EXCEPT);
    r1 = one + 1.0;
    printf("1+1 inexact=%d\n", !!fetestexcept(FE_INEXACT));
    return 0;
}
