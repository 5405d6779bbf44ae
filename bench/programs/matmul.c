/* Floating-point matrix multiply: C += A * B on n x n doubles, reps times.
 * The checksum hashes the bits of C, so any rounding difference shows. */
#include "bench.h"

int main(int argc, char **argv) {
  long n = bench_arg(argc, argv, 1, 160);
  long reps = bench_arg(argc, argv, 2, 4);
  double *a = malloc(sizeof(double) * n * n), *b = malloc(sizeof(double) * n * n);
  double *c = calloc((size_t)(n * n), sizeof(double));
  if (!a || !b || !c) { fputs("out of memory\n", stderr); return 1; }
  uint32_t s = 12345;
  for (long i = 0; i < n * n; i++) {
    s = s * 1103515245u + 12345u; a[i] = (double)(s >> 8) / 16777216.0 - 0.5;
    s = s * 1103515245u + 12345u; b[i] = (double)(s >> 8) / 16777216.0 - 0.5;
  }
  uint64_t t0 = bench_now_ns();
  for (long r = 0; r < reps; r++)
    for (long i = 0; i < n; i++)
      for (long k = 0; k < n; k++) {
        double aik = a[i * n + k];
        for (long j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
      }
  uint64_t t1 = bench_now_ns();
  double trace = 0;
  for (long i = 0; i < n; i++) trace += c[i * n + i];
  printf("matmul n=%ld reps=%ld hash=%016llx trace=%.9e\n", n, reps,
         (unsigned long long)bench_fnv(BENCH_FNV_INIT, c, sizeof(double) * n * n), trace);
  bench_work(t0, t1);
  return 0;
}
