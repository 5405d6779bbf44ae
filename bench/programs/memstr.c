/* libc string and memory routines: memcpy of varying sizes, strlen, qsort with strcmp. */
#include "bench.h"

static int cmp(const void *x, const void *y) {
  return strcmp(*(char *const *)x, *(char *const *)y);
}

int main(int argc, char **argv) {
  long reps = bench_arg(argc, argv, 1, 20);
  long count = bench_arg(argc, argv, 2, 20000);
  size_t bytes = (size_t)count * 65;
  char *pool = malloc(bytes), *copy = malloc(bytes);
  char **ptrs = malloc(sizeof(char *) * count);
  if (!pool || !copy || !ptrs) { fputs("out of memory\n", stderr); return 1; }
  uint32_t s = 777;
  size_t off = 0;
  for (long i = 0; i < count; i++) {
    s = s * 1664525u + 1013904223u;
    size_t len = 1 + (s >> 24) % 64;
    for (size_t j = 0; j < len; j++) { s = s * 1664525u + 1013904223u; pool[off + j] = (char)('a' + (s >> 27) % 26); }
    pool[off + len] = '\0';
    off += len + 1;
  }
  uint64_t h = BENCH_FNV_INIT, total = 0;
  uint64_t t0 = bench_now_ns();
  for (long r = 0; r < reps; r++) {
    /* copy the pool in chunks of sizes 1..4096, shifted by r so alignments vary */
    size_t pos = 0, step = 1 + (size_t)r;
    while (pos < off) {
      size_t len = step % 4096 + 1;
      if (len > off - pos) len = off - pos;
      memcpy(copy + pos, pool + pos, len);
      pos += len; step = step * 7 + 13;
    }
    char *p = copy;
    for (long i = 0; i < count; i++) { ptrs[i] = p; size_t l = strlen(p); total += l; p += l + 1; }
    qsort(ptrs, (size_t)count, sizeof(char *), cmp);
    h = bench_fnv(h, ptrs[r % count], strlen(ptrs[r % count]));
  }
  uint64_t t1 = bench_now_ns();
  for (long i = 0; i < count; i += count / 64 + 1) h = bench_fnv(h, ptrs[i], strlen(ptrs[i]));
  printf("memstr reps=%ld count=%ld total=%llu hash=%016llx\n", reps, count, (unsigned long long)total,
         (unsigned long long)h);
  bench_work(t0, t1);
  return 0;
}
