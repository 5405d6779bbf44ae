/* System call latency, lmbench lat_syscall style.
 *   lat_syscall null  N        getppid() N times
 *   lat_syscall read  N        read 1 byte from /dev/null N times
 *   lat_syscall write N        write 1 byte to /dev/null N times
 *   lat_syscall open  N PATH   open(PATH) + close N times (PATH is created first, then removed)
 * Prints a result line that does not depend on the process (so runners can be compared)
 * and work_ns for the whole loop; ns per call = work_ns / N. */
#include "bench.h"
#include <fcntl.h>
#include <unistd.h>

/* Runs body n/10 times untimed first (translation, caches and branch predictors warm up, as
 * lmbench does), then n times between t0 and t1. */
#define TIMED(body) do { \
    for (long i = 0; i < n / 10; i++) { body; } \
    t0 = bench_now_ns(); \
    for (long i = 0; i < n; i++) { body; } \
    t1 = bench_now_ns(); \
  } while (0)

int main(int argc, char **argv) {
  if (argc < 3) { fputs("usage: lat_syscall null|read|write|open N [PATH]\n", stderr); return 2; }
  const char *mode = argv[1];
  long n = bench_arg(argc, argv, 2, 0);
  long bad = 0, sum = 0;
  uint64_t t0, t1;
  if (strcmp(mode, "null") == 0) {
    pid_t ppid = getppid();
    TIMED(if (getppid() != ppid) bad++);
  } else if (strcmp(mode, "read") == 0 || strcmp(mode, "write") == 0) {
    int wr = mode[0] == 'w';
    int fd = open("/dev/null", wr ? O_WRONLY : O_RDONLY);
    if (fd < 0) { perror("open /dev/null"); return 1; }
    char c = 'x';
    if (wr) TIMED(ssize_t r = write(fd, &c, 1); if (r != 1) bad++; else sum += r);
    else TIMED(ssize_t r = read(fd, &c, 1); if (r != 0) bad++; else sum += r);
    close(fd);
  } else if (strcmp(mode, "open") == 0) {
    if (argc < 4) { fputs("open needs a PATH\n", stderr); return 2; }
    const char *path = argv[3];
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, "elfbox\n", 7) != 7) { perror(path); return 1; }
    close(fd);
    TIMED(fd = open(path, O_RDONLY); if (fd < 0) { bad++; continue; } sum += fd >= 3; if (close(fd) != 0) bad++);
    unlink(path);
  } else {
    fprintf(stderr, "unknown mode %s\n", mode);
    return 2;
  }
  printf("lat_syscall %s n=%ld sum=%ld bad=%ld\n", mode, n, sum, bad);
  bench_work(t0, t1);
  return bad != 0;
}
