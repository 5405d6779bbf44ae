#include <stdio.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#define N 1003
static uint8_t a8[N], b8[N]; static int16_t a16[N], b16[N]; static int32_t a32[N], b32[N]; static int64_t a64[N];
static float f32[N], g32[N]; static double f64[N], g64[N];
__attribute__((noinline)) static unsigned sad(void) { unsigned s = 0; for (int i = 0; i < N; i++) s += (unsigned)abs(a8[i] - b8[i]); return s; }
__attribute__((noinline)) static int dot16(void) { int s = 0; for (int i = 0; i < N; i++) s += a16[i] * b16[i]; return s; }
__attribute__((noinline)) static void sat8(void) { for (int i = 0; i < N; i++) { int v = a8[i] + b8[i]; a8[i] = v > 255 ? 255 : v; } }
__attribute__((noinline)) static int32_t max32(void) { int32_t m = INT32_MIN; for (int i = 0; i < N; i++) m = a32[i] > m ? a32[i] : m; return m; }
__attribute__((noinline)) static void rev(void) { for (int i = 0; i < N / 2; i++) { int32_t t = b32[i]; b32[i] = b32[N - 1 - i]; b32[N - 1 - i] = t; } }
__attribute__((noinline)) static void conv(void) { for (int i = 0; i < N; i++) { f32[i] = (float)a32[i] * 0.5f; f64[i] = (double)a16[i] / 3.0; a64[i] = (int64_t)g64[i] + a32[i]; } }
__attribute__((noinline)) static double fsum(void) { double s = 0; for (int i = 0; i < N; i++) s += f64[i] * g64[i] + sqrt(fabs(g64[i])); return s; }
__attribute__((noinline)) static float fmaxf_(void) { float m = -INFINITY; for (int i = 0; i < N; i++) m = fmaxf(m, f32[i] * g32[i]); return m; }
__attribute__((noinline)) static void shifts(void) { for (int i = 0; i < N; i++) { a32[i] = (a32[i] >> 3) ^ (b32[i] << 5); a16[i] = (int16_t)(a16[i] * 3 >> 2); } }
__attribute__((noinline)) static int64_t sum64(void) { int64_t s = 0; for (int i = 0; i < N; i++) s += a64[i] * 3 - (a64[i] >> 1); return s; }
__attribute__((noinline)) static unsigned cnt(void) { unsigned c = 0; for (int i = 0; i < N; i++) c += __builtin_popcount(a32[i]); return c; }
int main(void) {
  uint32_t s = 1;
  for (int i = 0; i < N; i++) {
    s = s * 1664525u + 1013904223u; a8[i] = s >> 24; b8[i] = s >> 16; a16[i] = (int16_t)(s >> 8); b16[i] = (int16_t)s;
    s = s * 1664525u + 1013904223u; a32[i] = (int32_t)s; b32[i] = (int32_t)(s * 7u); g32[i] = (float)(int16_t)s / 7.0f; g64[i] = (double)(int32_t)s / 11.0;
  }
  for (int r = 0; r < 3; r++) {
    printf("sad=%u dot=%d max=%d\n", sad(), dot16(), max32());
    sat8(); rev(); conv(); shifts();
    printf("fsum=%.10g fmax=%.6g sum64=%lld cnt=%u f32[5]=%.7g a64[7]=%lld\n", fsum(), fmaxf_(), (long long)sum64(), cnt(), f32[5], (long long)a64[7]);
  }
  char buf[300]; memset(buf, 'a', sizeof buf); buf[299] = 0;
  for (int i = 0; i < 299; i += 37) buf[i] = 'A' + i % 26;
  printf("%zu %s\n", strlen(buf), strrchr(buf, 'B') ? strrchr(buf, 'B') : "-");
  return 0;
}
