// Memory-management checks for elfbox: each subcommand prints facts that do not depend on
// addresses, so the output can be compared byte for byte with a native (or qemu-user) run.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

static long PG;

/* errno names: musl's and glibc's strerror texts differ, the names do not. */
static const char *en(int e) {
  switch (e) {
  case 0: return "OK";
  case ENOMEM: return "ENOMEM";
  case EINVAL: return "EINVAL";
  case EEXIST: return "EEXIST";
  case EFAULT: return "EFAULT";
  case EACCES: return "EACCES";
  case EAGAIN: return "EAGAIN";
  default: return "E?";
  }
}

static int mkfile(const char *path, const char *fill, size_t pages) {
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) { perror("open"); exit(2); }
  char *buf = malloc(PG);
  for (size_t i = 0; i < pages; i++) {
    memset(buf, fill[0] + (int)i, PG);
    if (write(fd, buf, PG) != PG) { perror("write"); exit(2); }
  }
  free(buf);
  return fd;
}

static void shared(const char *path) {
  int fd = mkfile(path, "a", 2);
  char *a = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  char *b = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (a == MAP_FAILED || b == MAP_FAILED) { perror("mmap"); exit(2); }
  printf("shared initial: %c %c\n", a[0], b[PG]);
  a[10] = 'X';
  printf("other mapping sees write without syscall: %c\n", b[10]);
  b[PG + 5] = 'Y';
  printf("and back: %c\n", a[PG + 5]);
  char c = 0;
  pread(fd, &c, 1, 10);
  printf("file sees write: %c\n", c);
  pread(fd, &c, 1, PG + 5);
  printf("file sees second write: %c\n", c);
  pwrite(fd, "Z", 1, 20);
  printf("mappings see pwrite: %c %c\n", a[20], b[20]);
  a[30] = 'M';
  msync(a, PG, MS_SYNC);
  munmap(a, 2 * PG);
  printf("still mapped copy after munmap of the other: %c\n", b[30]);
  close(fd);
  printf("after close: %c\n", b[10]);
  b[40] = 'C';
  munmap(b, 2 * PG);
  fd = open(path, O_RDONLY);
  pread(fd, &c, 1, 40);
  printf("write after close reached file: %c\n", c);
  close(fd);
}

static void private_cow(const char *path) {
  int fd = mkfile(path, "p", 2);
  char *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  if (p == MAP_FAILED) { perror("mmap"); exit(2); }
  printf("private initial: %c %c\n", p[0], p[PG]);
  pwrite(fd, "1", 1, 0);
  pwrite(fd, "2", 1, PG);
  printf("file writes seen before a private write: %c %c\n", p[0], p[PG]);
  p[1] = 'w';
  pwrite(fd, "3", 1, 0);
  pwrite(fd, "4", 1, PG);
  printf("after private write to page 0: page0 %c%c page1 %c\n", p[0], p[1], p[PG]);
  char c = 0;
  pread(fd, &c, 1, 1);
  printf("private write not in file: %c\n", c);
  // MADV_DONTNEED on a private file page gives the file's bytes back
  madvise(p, PG, MADV_DONTNEED);
  printf("after DONTNEED: %c%c\n", p[0], p[1]);
  munmap(p, 2 * PG);
  close(fd);
}

static void anon(void) {
  char *m = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  memset(m, 7, 4 * PG);
  madvise(m + PG, PG, MADV_DONTNEED);
  printf("DONTNEED zero-fills: %d %d %d\n", m[0], m[PG], m[2 * PG]);
  // munmap of a middle page splits the mapping
  printf("munmap middle: %d\n", munmap(m + 2 * PG, PG));
  unsigned char vec[4];
  errno = 0;
  int r = mincore(m, 4 * PG, vec);
  printf("mincore over a hole: %d %s\n", r, en(errno));
  r = mincore(m, 2 * PG, vec);
  printf("mincore: %d %d %d\n", r, vec[0] & 1, vec[1] & 1);
  printf("mlock %d munlock %d mlockall %d munlockall %d\n", mlock(m, PG), munlock(m, PG), mlockall(MCL_CURRENT), munlockall());
  errno = 0;
  r = mlock(m + 2 * PG, PG);
  printf("mlock unmapped: %d %s\n", r, en(errno));
  printf("msync: %d, bad flags: %d\n", msync(m, PG, MS_ASYNC), msync(m, PG, MS_ASYNC | MS_SYNC));
  // mprotect a sub-range, then the protection is visible to the kernel: read(2) into it fails
  printf("mprotect: %d\n", mprotect(m + PG, PG, PROT_READ));
  int p[2];
  pipe(p);
  write(p[1], "abc", 3);
  errno = 0;
  ssize_t n = read(p[0], m + PG, 3);
  printf("read into read-only page: %zd %s\n", n, en(errno));
  printf("read into writable page: %zd\n", read(p[0], m, 3));
  errno = 0;
  r = mprotect(m, 4 * PG, PROT_READ);
  printf("mprotect over a hole: %d %s\n", r, en(errno));
  // fixed, noreplace, hints, high addresses
  void *f = mmap(m, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  printf("FIXED_NOREPLACE on a mapping: %s\n", f == MAP_FAILED ? en(errno) : "mapped");
  f = mmap(m, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  printf("FIXED replaces: %d byte %d\n", f == m, m[0]);
  char *hi = mmap((void *)0x7f0000000000, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  printf("FIXED at 0x7f0000000000: %d\n", hi == (char *)0x7f0000000000);
  strcpy(hi + PG - 3, "high!");
  printf("high memory across a page: %s\n", hi + PG - 3);
  char *h2 = mmap((void *)0xc000000000, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  printf("hint 0xc000000000 honoured: %d\n", h2 == (char *)0xc000000000);
  h2[100] = 5;
  printf("write there: %d\n", h2[100]);
  // a big PROT_NONE reservation (Go reserves arenas like this), then part made usable
  char *res = mmap((void *)0xc100000000, 1UL << 36, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  printf("64 GiB PROT_NONE reservation: %d\n", res == (char *)0xc100000000);
  printf("commit 1 MiB of it: %d\n", mprotect(res + (1UL << 30), 1 << 20, PROT_READ | PROT_WRITE));
  res[(1UL << 30) + 12345] = 9;
  printf("use it: %d\n", res[(1UL << 30) + 12345]);
  munmap(res, 1UL << 36);
  errno = 0;
  void *bad = mmap((void *)0x800000000000, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  printf("FIXED beyond the user range: %s\n", bad == MAP_FAILED ? en(errno) : "mapped");
  errno = 0;
  bad = mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  printf("length 0: %s\n", bad == MAP_FAILED ? en(errno) : "mapped");
  errno = 0;
  r = munmap(m + 1, PG);
  printf("munmap unaligned: %d %s\n", r, en(errno));
  printf("munmap of nothing: %d\n", munmap((void *)0x10000000, PG));
  // MAP_SHARED | MAP_ANONYMOUS behaves as memory
  int *sh = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  sh[3] = 42;
  getpid();
  printf("shared anonymous: %d\n", sh[3]);
}

static void remap(void) {
  char *m = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  m[0] = 'a'; m[PG] = 'b';
  mmap(m + 2 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0); // blocks growth in place
  errno = 0;
  void *r = mremap(m, 2 * PG, 4 * PG, 0);
  printf("grow without MAYMOVE blocked: %s\n", r == MAP_FAILED ? en(errno) : "ok");
  char *n = mremap(m, 2 * PG, 4 * PG, MREMAP_MAYMOVE);
  printf("moved: %d data %c %c new page %d\n", n != m, n[0], n[PG], n[3 * PG]);
  n[3 * PG] = 'z';
  char *s = mremap(n, 4 * PG, PG, 0);
  printf("shrink in place: %d %c\n", s == n, s[0]);
  char *t = mmap(NULL, 8 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  char *fx = mremap(s, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, t + 4 * PG);
  printf("FIXED: %d %c\n", fx == t + 4 * PG, fx[0]);
  errno = 0;
  r = mremap(fx, PG, PG, MREMAP_FIXED, t);
  printf("FIXED without MAYMOVE: %s\n", r == MAP_FAILED ? en(errno) : "ok");
  char *d = mremap(fx, PG, PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP);
  if (d == MAP_FAILED) printf("DONTUNMAP: %s\n", en(errno));
  else printf("DONTUNMAP: moved %c, old still mapped and empty %d\n", d[0], fx[0]);
  errno = 0;
  r = mremap((void *)0x10000000, PG, 2 * PG, MREMAP_MAYMOVE);
  printf("mremap of nothing: %s\n", r == MAP_FAILED ? en(errno) : "ok");
}

static void faultw(void) {
  char *m = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  printf("reading a read-only page: %d\n", m[0]);
  fflush(stdout);
  m[0] = 1;
  printf("not reached\n");
}

static void faultx(void) {
  char *m = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  m[0] = (char)0xc3; // ret on x86-64; on aarch64 a fault happens before anything runs
  fflush(stdout);
  ((void (*)(void))m)();
  printf("not reached\n");
}

static void faultunmapped(void) {
  char *m = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(m + PG, PG);
  fflush(stdout);
  m[PG + 8] = 1;
}

static void limit(void) {
  size_t got = 0;
  for (int i = 0; i < 64; i++) {
    void *p = mmap(NULL, 16 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) { printf("mmap failed after %zu MiB: %s\n", got >> 20, en(errno)); break; }
    got += 16 << 20;
  }
  void *q = malloc(64 << 20);
  printf("malloc 64 MiB: %s\n", q ? "ok" : "NULL");
}

int main(int argc, char **argv) {
  PG = sysconf(_SC_PAGESIZE);
  setvbuf(stdout, NULL, _IOLBF, 0);
  const char *cmd = argc > 1 ? argv[1] : "";
  if (!strcmp(cmd, "shared")) shared(argv[2]);
  else if (!strcmp(cmd, "private")) private_cow(argv[2]);
  else if (!strcmp(cmd, "anon")) anon();
  else if (!strcmp(cmd, "remap")) remap();
  else if (!strcmp(cmd, "faultw")) faultw();
  else if (!strcmp(cmd, "faultx")) faultx();
  else if (!strcmp(cmd, "faultunmapped")) faultunmapped();
  else if (!strcmp(cmd, "limit")) limit();
  else { fprintf(stderr, "usage: mmtest shared|private|anon|remap|fault*|limit\n"); return 2; }
  return 0;
}
