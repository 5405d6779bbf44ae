/* Flush-to-zero: built with -Ofast, whose crtfastmath.o sets FPCR.FZ at start-up, so denormal
   operands read as zeros and results below the smallest normal become zeros (scalar and the loops
   gcc vectorises). Prints FPCR.FZ, the results' bits and FPSR.IDC/UFC. */
#include <stdio.h>
#include <string.h>
#include <float.h>

static unsigned long fpcr(void) { unsigned long x; __asm__ volatile("mrs %0, fpcr" : "=r"(x)); return x; }
static unsigned long fpsr(void) { unsigned long x; __asm__ volatile("mrs %0, fpsr" : "=r"(x)); return x; }
static void clear(void) { __asm__ volatile("msr fpsr, %0" ::"r"(0UL)); }
static unsigned long long bd(double d) { unsigned long long u; memcpy(&u, &d, 8); return u; }
static unsigned bf(float f) { unsigned u; memcpy(&u, &f, 4); return u; }
static void flags(const char *what) { unsigned long s = fpsr(); printf("%-12s idc=%lu ufc=%lu ixc=%lu\n", what, (s >> 7) & 1, (s >> 3) & 1, (s >> 4) & 1); clear(); }

#define N 64
float fa[N], fb[N], fc[N];
double da[N], db[N], dc[N];

int main(int argc, char **argv) {
  volatile double dmin = DBL_MIN, dden = DBL_MIN / 4, one = 1.0 + argc * 0.0;
  volatile float fmin = FLT_MIN, fden;
  unsigned den_bits = 0x00400000;
  memcpy((void *)&fden, &den_bits, 4);
  printf("fz=%lu\n", (fpcr() >> 24) & 1);
  clear();
  printf("dden*1    %016llx\n", bd(dden * one)); flags("dden*1");
  printf("dmin*0.5  %016llx\n", bd(dmin * 0.5)); flags("dmin*0.5");
  printf("dmin/3    %016llx\n", bd(dmin / 3.0)); flags("dmin/3");
  printf("dmin*1-u  %016llx\n", bd(dmin * (one - DBL_EPSILON / 2))); flags("rounds up");
  printf("fden*2    %08x\n", bf(fden * 2.0f)); flags("fden*2");
  printf("fmin*.75  %08x\n", bf(fmin * 0.75f)); flags("fmin*.75");
  printf("(double)f %016llx\n", bd((double)fden)); flags("f->d");
  printf("(float)d  %08x\n", bf((float)(dmin * 1e10))); flags("d->f");
  printf("(int)     %d\n", (int)(dden * 1e308)); flags("d->int");
  printf("cmp       %d %d\n", dden == 0.0, fden < fmin * 0.5f); flags("cmp");
  /* loops gcc vectorises at -Ofast */
  for (int i = 0; i < N; i++) {
    fa[i] = FLT_MIN * (0.5f + (float)i / 32.0f) * (float)one; /* the first 16 would be denormal: zeros */
    fb[i] = (float)(i + 1) / 40.0f;
    da[i] = DBL_MIN * (0.5 + (double)i / 32.0) * one;
    db[i] = (double)(i + 1) / 40.0;
  }
  flags("init");
  float fs = 0; double ds = 0;
  for (int i = 0; i < N; i++) { fc[i] = fa[i] * fb[i] + fa[i]; dc[i] = da[i] * db[i] - da[i] / 2; }
  for (int i = 0; i < N; i++) { fs += fc[i] * 4.0f; ds += dc[i] * 8.0; }
  int fz = 0, dz = 0;
  for (int i = 0; i < N; i++) { fz += fc[i] == 0.0f; dz += dc[i] == 0.0; }
  printf("zeros     %d %d\n", fz, dz);
  flags("loops");
  unsigned long h = 0;
  for (int i = 0; i < N; i++) h = h * 31 + bf(fc[i]) + bd(dc[i]);
  printf("hash      %016lx sum %08x %016llx\n", h, bf(fs), bd(ds));
  printf("%.6g %.6g %.17g\n", (double)fc[N - 1], (double)fs, ds);
  return 0;
}
