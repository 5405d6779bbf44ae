#include <stdio.h>
#include <setjmp.h>
#include <math.h>
static jmp_buf jb;
static int depth(int n) { if (n == 0) longjmp(jb, 42); return depth(n - 1) + 1; }
int main(void) {
  int r = setjmp(jb);
  if (r == 0) depth(100);
  printf("longjmp returned %d\n", r);
  volatile double x = 0.5;
  for (int i = 0; i < 12; i++) {
    double v = x * (i + 1) - 2.0;
    printf("%.15g %.15g %.15g %.15g %.15g %.15g %.15g %.15g\n", sin(v), cos(v), exp(v), log(fabs(v) + 1), sqrt(fabs(v)), pow(fabs(v), 1.7), atan2(v, 1.3), fma(v, v, -1.0));
    printf("%.9g %.9g %.9g %.15g %.15g\n", sinf((float)v), expf((float)v), logf((float)fabs(v) + 1.0f), floor(v), round(v * 2.5));
  }
  long double a = 1.0L;
  for (int i = 1; i < 30; i++) a = a * 3.0L / (i + 0.5L) + 1.0L / 7.0L;
  printf("%.30Lg %.20Lg %.25Lg\n", a, sqrtl(a), a / 3.0L - 1e-20L);
  long double b = 12345678901234567890.0L;
  printf("%Lf %lld %.10Lf\n", b * b, (long long)(b / 1e5L), (long double)(1.0 / 3.0));
  return 0;
}
