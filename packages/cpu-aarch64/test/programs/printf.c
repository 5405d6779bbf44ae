#include <stdio.h>
#include <stdint.h>
#include <inttypes.h>
int main(void) {
  double ds[] = {0.0, -0.0, 1.0, -1.5, 3.14159265358979, 1e300, 1e-300, 123456789.125, 0.1, 2.5e-310, 1.0/3.0};
  for (unsigned i = 0; i < sizeof ds / sizeof ds[0]; i++)
    printf("%f|%e|%g|%a|%.17g|%10.3f|%-12.4e|\n", ds[i], ds[i], ds[i], ds[i], ds[i], ds[i], ds[i]);
  float f = 1.1f;
  printf("%f %.10f\n", f, (double)f * 3);
  printf("%d %i %u %x %X %o %5d|%-5d|%05d %+d\n", -42, 42, 4000000000u, 0xdeadbeef, 0xbeef, 0777, 7, 7, 7, 7);
  printf("%ld %lu %lld %llx %zu %p\n", -1234567890123L, 18446744073709551615UL, -9223372036854775807LL - 1, 0x123456789abcdefULL, sizeof(long), (void *)0x1234);
  printf("%" PRId64 " %" PRIu32 " %hhd %hd %c %s %.3s %% %10s|%-10s|\n", (int64_t)-77, (uint32_t)77, (char)300, (short)70000, 'Z', "str", "abcdef", "right", "left");
  long double ld = 1.0L / 3.0L;
  printf("%Lf %.30Lg %Le\n", ld, ld, ld * 1e100L);
  return 0;
}
