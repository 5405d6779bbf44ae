// close_range(2) and posix_fadvise(2): what each flag does to the fd table, and the errors.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_UNSHARE 2
#define CLOSE_RANGE_CLOEXEC 4
#endif

static long cr(unsigned a, unsigned b, unsigned f) { return syscall(SYS_close_range, a, b, f); }
static int isopen(int fd) { return fcntl(fd, F_GETFD) != -1; }
static int cloexec(int fd) { return (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0; }

int main(void) {
  for (int i = 0; i < 6; i++) dup2(0, 10 + i);                     // fds 10..15
  long r = cr(11, 12, 0);
  printf("close 11-12: r=%ld open=%d%d%d%d\n", r, isopen(10), isopen(11), isopen(12), isopen(13));
  r = cr(13, 14, CLOSE_RANGE_CLOEXEC);
  printf("cloexec 13-14: r=%ld open=%d%d cloexec=%d%d%d\n", r, isopen(13), isopen(14), cloexec(13), cloexec(14), cloexec(15));
  r = cr(14, ~0u, CLOSE_RANGE_UNSHARE);
  printf("unshare 14-max: r=%ld open=%d%d%d\n", r, isopen(13), isopen(14), isopen(15));
  r = cr(5, 4, 0);
  printf("first>last: r=%ld errno=%s\n", r, r ? strerror(errno) : "-");
  r = cr(0, 1, 0x80);
  printf("bad flags: r=%ld errno=%s\n", r, r ? strerror(errno) : "-");
  r = cr(100, 200, 0);
  printf("nothing open: r=%ld\n", r);

  int fd = open("/proc/self/exe", O_RDONLY);
  int p[2];
  pipe(p);
  printf("fadvise file: %d\n", posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL));
  printf("fadvise bad advice: %s\n", strerror(posix_fadvise(fd, 0, 0, 99)));
  printf("fadvise negative len: %s\n", strerror(posix_fadvise(fd, 0, -1, POSIX_FADV_NORMAL)));
  printf("fadvise pipe: %s\n", strerror(posix_fadvise(p[0], 0, 0, POSIX_FADV_NORMAL)));
  printf("fadvise bad fd: %s\n", strerror(posix_fadvise(99, 0, 0, POSIX_FADV_NORMAL)));
  return 0;
}
