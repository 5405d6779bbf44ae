/* Floating-point exception flags through <fenv.h>, C11 atomics (LSE with -march=armv8.1-a, else
   outline atomics chosen by HWCAP) and the ACLE CRC32 intrinsics. */
#include <fenv.h>
#include <math.h>
#include <stdio.h>
#include <stdatomic.h>
#include <arm_acle.h>

static void show(const char *what) {
  printf("%-10s inv=%d dz=%d ovf=%d unf=%d inx=%d\n", what, !!fetestexcept(FE_INVALID), !!fetestexcept(FE_DIVBYZERO),
         !!fetestexcept(FE_OVERFLOW), !!fetestexcept(FE_UNDERFLOW), !!fetestexcept(FE_INEXACT));
  feclearexcept(FE_ALL_EXCEPT);
}

int main(int argc, char **argv) {
  volatile double z = 0.0, one = 1.0, big = 1e308, tiny = 1e-308, three = 3.0;
  volatile float fz = 0.0f, fbig = 3e38f;
  volatile double r;
  volatile long l;
  feclearexcept(FE_ALL_EXCEPT);
  r = one / three; show("1/3");
  r = one / z; show("1/0");
  r = z / z; show("0/0");
  r = big * big; show("big*big");
  r = tiny * tiny; show("tiny^2");
  r = sqrt(-one); show("sqrt(-1)");
  r = one + one; show("1+1");
  r = fma(big, 10.0, -big); show("fma");
  l = (long)(big); show("(long)big");
  l = lrint(2.5); show("lrint");
  r = (float)fbig * fbig; show("fbig^2");
  r = (double)(float)(one / three); show("(float)");
  r = fz / fz; show("0f/0f");
  (void)r; (void)l;

  _Atomic long counter = 0; _Atomic int small = 5;
  for (int i = 0; i < 1000; i++) atomic_fetch_add(&counter, i);
  long expect = 7;
  atomic_compare_exchange_strong(&counter, &expect, 1);
  printf("counter=%ld expect=%ld\n", (long)counter, expect);
  int prev = atomic_exchange(&small, 42);
  atomic_fetch_or(&small, 0x100); atomic_fetch_and(&small, ~2); atomic_fetch_xor(&small, 1);
  printf("prev=%d small=%d\n", prev, (int)small);

  unsigned c = 0xffffffff, cc = 0xffffffff;
  const char *s = argc > 1 ? argv[1] : "elfbox";
  for (const char *p = s; *p; p++) { c = __crc32b(c, (unsigned char)*p); cc = __crc32cb(cc, (unsigned char)*p); }
  c = __crc32d(c, 0x0123456789abcdefULL); cc = __crc32cw(cc, 0xdeadbeef); c = __crc32h(c, 0xbeef);
  printf("crc32=%08x crc32c=%08x\n", ~c, ~cc);
  return 0;
}
