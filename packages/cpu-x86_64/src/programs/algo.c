#include <stdio.h>
#include <stdlib.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
static int cmp(const void *a, const void *b) { int x = *(const int *)a, y = *(const int *)b; return (x > y) - (x < y); }
static int cmpd(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }
static jmp_buf jb;
static void thrower(int n) { if (n == 0) longjmp(jb, 42); thrower(n - 1); }
static uint64_t fib(int n) { return n < 2 ? (uint64_t)n : fib(n - 1) + fib(n - 2); }
int main(void) {
  int a[1000]; double d[300];
  uint32_t s = 12345;
  for (int i = 0; i < 1000; i++) { s = s * 1103515245 + 12345; a[i] = (int)(s >> 8) - (1 << 22); }
  for (int i = 0; i < 300; i++) { s = s * 1103515245 + 12345; d[i] = (double)(int)s / 7.0; }
  qsort(a, 1000, sizeof a[0], cmp);
  qsort(d, 300, sizeof d[0], cmpd);
  long long sum = 0; for (int i = 0; i < 1000; i++) sum += (long long)a[i] * (i + 1);
  printf("qsort %d %d %lld %.6f %.6f\n", a[0], a[999], sum, d[0], d[299]);
  int r = setjmp(jb);
  if (r == 0) thrower(50); else printf("longjmp %d\n", r);
  printf("fib %llu\n", (unsigned long long)fib(27));
  uint64_t x = 0x123456789abcdefULL, acc = 0;
  for (int i = 1; i < 200; i++) {
    acc ^= x / (uint64_t)i + x % (uint64_t)(i * 7 + 1);
    acc += (uint64_t)((__int128)x * (x ^ acc) >> 64);
    int64_t sx = (int64_t)(x ^ (acc << 3));
    acc ^= (uint64_t)(sx / -(int64_t)i) + (uint64_t)(sx % (i + 3));
    acc = (acc << (i & 63)) | (acc >> ((64 - (i & 63)) & 63));
    acc += __builtin_popcountll(acc) + __builtin_clzll(acc | 1) + __builtin_ctzll(acc | 0x8000000000000000ULL);
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
  }
  printf("int64 %llx\n", (unsigned long long)acc);
  int32_t y = -7; uint32_t u = 0xffffff00u; int16_t hs = -300; int8_t bs = -5;
  printf("%d %d %u %u %d %d %d\n", y / 2, y % 3, u / 7, u >> 3, y >> 1, hs * bs, (int)(u * 3u) >> 5);
  char *m = malloc(100000); memset(m, 7, 100000); long t = 0; for (int i = 0; i < 100000; i += 1000) t += m[i]; free(m);
  printf("malloc %ld\n", t);
  return 0;
}
