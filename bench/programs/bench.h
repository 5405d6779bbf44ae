/* Shared helpers for the elfbox benchmark programs.
 *
 * Output convention (the harness in bench/run.mjs relies on it):
 *   - every line except those starting with "work_ns=" must be identical between native,
 *     qemu-user and elfbox for the same arguments; the harness compares them before a run's
 *     time counts;
 *   - "work_ns=<n>" is the time of the measured region, taken with CLOCK_MONOTONIC inside
 *     the guest, so that process start-up does not hide the cost of the work itself.
 */
#ifndef ELFBOX_BENCH_H
#define ELFBOX_BENCH_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline uint64_t bench_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* 64-bit FNV-1a over a byte range, continuing from h. */
static inline uint64_t bench_fnv(uint64_t h, const void *p, size_t n) {
  const unsigned char *b = (const unsigned char *)p;
  for (size_t i = 0; i < n; i++) { h ^= b[i]; h *= 0x100000001b3ull; }
  return h;
}
#define BENCH_FNV_INIT 0xcbf29ce484222325ull

static inline long bench_arg(int argc, char **argv, int i, long def) {
  if (argc <= i) return def;
  char *end;
  long v = strtol(argv[i], &end, 10);
  if (*end != '\0' || v < 0) { fprintf(stderr, "bad number: %s\n", argv[i]); exit(2); }
  return v;
}

static inline void bench_work(uint64_t t0, uint64_t t1) {
  printf("work_ns=%llu\n", (unsigned long long)(t1 - t0));
}
#endif
