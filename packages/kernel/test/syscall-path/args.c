/* Raw system calls whose arguments have the top bits set, whose results are negative errnos or
 * above 2^32: the syscall path's argument decoding (int arguments take the low 32 bits, offsets
 * are signed 64-bit) and result encoding, compared against a native (or qemu-user) run.
 * Usage: args PATH (a file it may create and remove). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static long R(long r) { return r == -1 ? -errno : r; }
#define SHOW(what, expr) printf("%-44s %ld\n", what, R(expr))
#define HI 0xffffffff00000000L

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  char buf[32];
  int p[2];
  if (pipe2(p, 0) != 0) return 1;
  SHOW("write(HI|wfd, \"abcdefgh\", 8)", syscall(SYS_write, HI | p[1], "abcdefgh", 8L));
  memset(buf, 0, sizeof buf);
  SHOW("read(0x100000000|rfd, buf, 3)", syscall(SYS_read, 0x100000000L | p[0], buf, 3L));
  printf("%-44s %s\n", "  read bytes", buf);
  SHOW("close(-1)", syscall(SYS_close, -1L));
  SHOW("close(0x7fffffff)", syscall(SYS_close, 0x7fffffffL));
  SHOW("read(1000, buf, 1)", syscall(SYS_read, 1000L, buf, 1L));
  SHOW("fcntl(HI|rfd, F_GETFD)", syscall(SYS_fcntl, HI | p[0], (long)F_GETFD));
  SHOW("dup3(rfd, 0x7fffffff00000009, 0)", syscall(SYS_dup3, (long)p[0], 0x7fffffff00000009L, 0L));
  SHOW("fcntl(9, F_GETFD)", syscall(SYS_fcntl, 9L, (long)F_GETFD));
  SHOW("kill(0x100000000|getpid(), 0)", syscall(SYS_kill, 0x100000000L | getpid(), 0L));
  SHOW("getpid() == gettid()", syscall(SYS_getpid) == syscall(SYS_gettid));

  int fd = syscall(SYS_openat, (long)AT_FDCWD, argv[1], (long)(O_RDWR | O_CREAT | O_TRUNC), 0600L);
  if (fd < 0) { perror(argv[1]); return 1; }
  SHOW("write(fd, 16 bytes)", syscall(SYS_write, (long)fd, "0123456789abcdef", 16L));
  SHOW("lseek(fd, -1, SEEK_SET)", syscall(SYS_lseek, (long)fd, -1L, (long)SEEK_SET));
  SHOW("lseek(fd, -16, SEEK_END)", syscall(SYS_lseek, (long)fd, -16L, (long)SEEK_END));
  SHOW("lseek(fd, -17, SEEK_END)", syscall(SYS_lseek, (long)fd, -17L, (long)SEEK_END));
  SHOW("lseek(fd, 0x100000003, SEEK_SET)", syscall(SYS_lseek, (long)fd, 0x100000003L, (long)SEEK_SET));
  SHOW("lseek(fd, 0x7ffffffff0, SEEK_SET)", syscall(SYS_lseek, (long)fd, 0x7ffffffff0L, (long)SEEK_SET));
  SHOW("lseek(fd, 0x100000003, SEEK_SET)", syscall(SYS_lseek, (long)fd, 0x100000003L, (long)SEEK_SET));
  SHOW("lseek(fd, 0, SEEK_CUR)", syscall(SYS_lseek, (long)fd, 0L, (long)SEEK_CUR));
  SHOW("lseek(fd, 0x100000000|SEEK_END whence)", syscall(SYS_lseek, (long)fd, 0L, 0x100000000L | SEEK_END));
  memset(buf, 0, sizeof buf);
  SHOW("pread64(fd, buf, 4, 2)", syscall(SYS_pread64, (long)fd, buf, 4L, 2L));
  printf("%-44s %s\n", "  pread bytes", buf);
  SHOW("pread64(fd, buf, 4, 1<<63)", syscall(SYS_pread64, (long)fd, buf, 4L, (long)(1UL << 63)));
  SHOW("pread64(fd, buf, 4, -2)", syscall(SYS_pread64, (long)fd, buf, 4L, -2L));
  long m = syscall(SYS_mmap, 0L, 8192L, (long)(PROT_READ | PROT_WRITE), (long)(MAP_PRIVATE | MAP_ANONYMOUS), -1L, 0L);
  printf("%-44s %d\n", "mmap: page-aligned, not an error", m > 0 && (m & 0xfff) == 0);
  SHOW("munmap(m, 8192)", syscall(SYS_munmap, m, 8192L));
  SHOW("munmap(m+1, 8192)", syscall(SYS_munmap, m + 1, 8192L));
  SHOW("close(fd)", syscall(SYS_close, (long)fd));
  SHOW("unlinkat(path)", syscall(SYS_unlinkat, (long)AT_FDCWD, argv[1], 0L));
  return 0;
}
