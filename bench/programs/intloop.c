/* Integer loop: xorshift, multiply, shifts, a data-dependent branch and a 32-bit division. */
#include "bench.h"

int main(int argc, char **argv) {
  long n = bench_arg(argc, argv, 1, 50000000);
  uint64_t t0 = bench_now_ns();
  uint64_t x = 0x9e3779b97f4a7c15ull, acc = 1;
  for (long i = 0; i < n; i++) {
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    acc += (x * 0x2545f4914f6cdd1dull) >> (i & 31);
    if (acc & 1) acc ^= (uint64_t)i; else acc += x >> 3;
    if ((i & 15) == 0) acc += (uint32_t)acc / ((uint32_t)x | 1u);
  }
  uint64_t t1 = bench_now_ns();
  printf("intloop n=%ld acc=%016llx x=%016llx\n", n, (unsigned long long)acc, (unsigned long long)x);
  bench_work(t0, t1);
  return 0;
}
