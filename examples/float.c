/* Floating-point printf: a few values in %f, %e, %g and %a (hex float, so every bit shows).
 * Exercises the SSE (x86-64) or FP/SIMD (aarch64) path and libc's float formatting. */
#include <math.h>
#include <stdio.h>

int main(void) {
    volatile double vals[] = { 0.0, -0.0, 1.0, 0.1, 1.0 / 3.0, 2.5e-310, 6.02214076e23, -1e300 * 10, 3.141592653589793 };
    for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        double v = vals[i];
        printf("%-22.15g %.6f %.10e %a\n", v, v, v, v);
    }
    volatile double x = 2.0;
    printf("sqrt(2)=%.17g\n", sqrt(x));
    volatile float f = 1.0f / 7.0f;
    printf("1/7f=%.9g %a\n", (double)f, (double)f);
    double sum = 0;
    for (int i = 1; i <= 1000; i++) sum += 1.0 / ((double)i * i);
    printf("sum 1/n^2 (1..1000)=%.17g\n", sum);
    return 0;
}
