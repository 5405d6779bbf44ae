#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <float.h>
int main(void) {
  double v[] = {0.0, -0.0, 1.0, -1.5, 3.14159265358979323846, 1e-310, 1e308, 123456.789, 2.0/3.0, 0.1};
  for (int i = 0; i < 10; i++) printf("%g %f %e %.15g %a\n", v[i], v[i], v[i], v[i], v[i]);
  printf("%f %f %f %f\n", sqrt(2.0), floor(-2.5), ceil(2.1), fabs(-3.0));
  printf("%.17g %.17g %.17g\n", sin(1.0), cos(1.0), exp(1.0));
  printf("%.17g %.17g %.17g\n", log(10.0), pow(2.0, 0.5), atan2(1.0, 2.0));
  printf("%d %ld %lld\n", (int)-3.7, lround(2.5), llrint(-4.5));
  float f = 1.0f / 3.0f; printf("%f %.9g %a\n", f, f, f);
  long double l = 1.0L; for (int i = 1; i < 30; i++) l = l * i / (i + 0.5L);
  printf("%Lf %.25Lg %La\n", l, l, l);
  printf("%Lg %Lg %Lg\n", sqrtl(2.0L), 1.0L / 7.0L, (long double)DBL_MAX * 16.0L);
  printf("%.20Lg %.20Lg\n", strtold("3.14159265358979323846264338327950288", 0), strtold("1e-4000", 0));
  double acc = 0; for (int i = 1; i < 1000; i++) acc += 1.0 / (i * (double)i);
  printf("%.17g %d %d\n", acc, isnan(NAN), isinf(-INFINITY));
  printf("%f %f\n", (double)(float)16777217.0, (double)(unsigned long)1e19);
  printf("%lu %ld %d\n", (unsigned long)1.8e19, (long)-9.2e18, (int)(float)2147483520.0f);
  return 0;
}
