/* Built with -Ofast: crtfastmath.o sets MXCSR.FTZ and DAZ at start-up, so every SSE operation
 * below reads denormal inputs as zeros and flushes tiny results to zero. Inputs come from argv
 * and volatile loads (not folded at compile time); results are printed as bit patterns. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <xmmintrin.h>

static uint64_t bd(double x) { uint64_t b; memcpy(&b, &x, 8); return b; }
static uint32_t bf(float x) { uint32_t b; memcpy(&b, &x, 4); return b; }

int main(int argc, char **argv) {
  volatile double one = argc > 1 ? 1.0 : 2.0, zero = 0.0, big = 0x1p1023, tiny = 0x1p-1020, den = 0x1.8p-1070;
  volatile float zerof = 0.0f, onef = (float)one, tinyf = 0x1p-124f, denf = 0x1.8p-140f;
  printf("mxcsr ftz=%u daz=%u\n", (_mm_getcsr() >> 15) & 1, (_mm_getcsr() >> 6) & 1);
  /* halving down to zero: stops at the smallest normal under FTZ */
  int n = 0; for (double x = one; x != 0; x *= 0.5) n++;
  int nf = 0; for (float x = onef; x != 0; x *= 0.5f) nf++;
  printf("halvings %d %d\n", n, nf);
  /* denormal inputs (DAZ) and tiny products / quotients (FTZ) */
  double r[8] = { den + zero, den * 1e300, tiny * 0.01, tiny / 7.0, tiny - 0x1.0000000000001p-1020, den < 0x1p-1074 * 2 ? 1.0 : 0.0, (double)denf, -tiny * 0.3 };
  for (int i = 0; i < 8; i++) printf("r%d %016llx\n", i, (unsigned long long)bd(r[i]));
  float s[6] = { denf + zerof, denf * 1e30f, tinyf * 0.01f, tinyf / 3.0f, (float)(tiny * 1e-20), -tinyf * 0.0625f };
  for (int i = 0; i < 6; i++) printf("s%d %08x\n", i, bf(s[i]));
  /* a vectorisable loop over mixed normal and denormal values, and a conversion to int */
  static double v[64]; static float w[64];
  for (int i = 0; i < 64; i++) { v[i] = (i & 1 ? den : tiny) * (i + 1); w[i] = (i & 1 ? denf : tinyf) * (float)(i + 1); }
  double sum = 0; float sumf = 0; long ints = 0;
  for (int i = 0; i < 64; i++) { sum += v[i] * 0.125; sumf += w[i] * 0.125f; ints += (long)(v[i] * big); }
  printf("sum %016llx %08x %ld\n", (unsigned long long)bd(sum), bf(sumf), ints);
  /* min/max and compares on denormals */
  double mx = den, mn = -den; for (int i = 0; i < 64; i++) { if (v[i] * 0.5 > mx) mx = v[i] * 0.5; if (-v[i] < mn) mn = -v[i]; }
  printf("minmax %016llx %016llx eq0 %d\n", (unsigned long long)bd(mx), (unsigned long long)bd(mn), den == 0.0);
  return 0;
}
