/* File I/O: write MB megabytes to PATH in 4 KiB blocks, close, read it back in 4 KiB blocks,
 * hash what was read, remove the file. */
#include "bench.h"
#include <fcntl.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 3) { fputs("usage: fileio PATH MB\n", stderr); return 2; }
  const char *path = argv[1];
  long mb = bench_arg(argc, argv, 2, 64);
  long blocks = mb * 256;
  static unsigned char buf[4096];
  uint64_t t0 = bench_now_ns();
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) { perror(path); return 1; }
  for (long b = 0; b < blocks; b++) {
    uint32_t s = (uint32_t)b * 2654435761u;
    for (int i = 0; i < 4096; i += 4) { s = s * 1664525u + 1013904223u; memcpy(buf + i, &s, 4); }
    if (write(fd, buf, sizeof buf) != (ssize_t)sizeof buf) { perror("write"); return 1; }
  }
  if (close(fd) != 0) { perror("close"); return 1; }
  fd = open(path, O_RDONLY);
  if (fd < 0) { perror(path); return 1; }
  uint64_t h = BENCH_FNV_INIT, total = 0;
  for (;;) {
    ssize_t r = read(fd, buf, sizeof buf);
    if (r < 0) { perror("read"); return 1; }
    if (r == 0) break;
    total += (uint64_t)r;
    /* hash one word per block: the point is the I/O, not the hashing */
    h = bench_fnv(h, buf + (total / 4096) % 1024 * 4, 4);
  }
  close(fd);
  uint64_t t1 = bench_now_ns();
  unlink(path);
  printf("fileio mb=%ld bytes=%llu hash=%016llx\n", mb, (unsigned long long)total, (unsigned long long)h);
  bench_work(t0, t1);
  return total != (uint64_t)blocks * 4096;
}
