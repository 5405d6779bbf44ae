// Memory-management checks for elfbox: each subcommand prints facts that do not depend on
// addresses, so the output can be compared byte for byte with a native (or qemu-user) run.
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
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


/* ---- faults caught by a handler: which signal, si_code and where (relative to a base) ---- */
static sigjmp_buf jb;
static volatile int got_sig, got_code;
static char *volatile got_addr;

static void catcher(int sig, siginfo_t *si, void *uc) {
  (void)uc;
  got_sig = sig; got_code = si->si_code; got_addr = si->si_addr;
  siglongjmp(jb, 1);
}

static void catch_faults(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = catcher;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigaction(SIGBUS, &sa, NULL);
  sigaction(SIGSEGV, &sa, NULL);
}

static const char *codename(int sig, int code) {
  if (sig == SIGBUS) return code == BUS_ADRERR ? "BUS_ADRERR" : code == BUS_ADRALN ? "BUS_ADRALN" : "BUS_?";
  return code == SEGV_MAPERR ? "SEGV_MAPERR" : code == SEGV_ACCERR ? "SEGV_ACCERR" : "SEGV_?";
}

/* Reads (or writes) *p; prints the byte or the signal, si_code and si_addr - base. */
static void probe(const char *what, char *base, char *p, int write) {
  got_sig = 0;
  if (sigsetjmp(jb, 1) == 0) {
    if (write) *(volatile char *)p = 'W';
    int v = *(volatile char *)p;
    printf("%s: ok %d\n", what, v);
  } else {
    printf("%s: %s %s at base%+ld\n", what, got_sig == SIGBUS ? "SIGBUS" : got_sig == SIGSEGV ? "SIGSEGV" : "signal?",
           codename(got_sig, got_code), (long)(got_addr - base));
  }
}

static void sigbus(const char *path) {
  catch_faults();
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
  char *buf = malloc(PG + 100);
  memset(buf, 'b', PG + 100);
  if (write(fd, buf, PG + 100) != PG + 100) { perror("write"); exit(2); }
  char *p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  char *q = mmap(NULL, 3 * PG, PROT_READ, MAP_PRIVATE, fd, 0);
  if (p == MAP_FAILED || q == MAP_FAILED) { perror("mmap"); exit(2); }
  probe("shared, in the file", p, p + 5, 0);
  probe("shared, past EOF in the last page", p, p + PG + 100, 0);
  probe("shared, last byte of the last page", p, p + 2 * PG - 1, 0);
  probe("shared, page past EOF, read", p, p + 2 * PG + 16, 0);
  probe("shared, page past EOF, write", p, p + 2 * PG + 32, 1);
  probe("private, page past EOF, read", q, q + 2 * PG + 48, 0);
  int pp[2];
  pipe(pp);
  errno = 0;
  ssize_t n = write(pp[1], p + 2 * PG, 1);
  printf("write(2) from a page past EOF: %zd %s\n", n, en(errno));
  ftruncate(fd, 3 * PG);
  probe("after growing the file, shared", p, p + 2 * PG + 16, 0);
  probe("after growing the file, private", q, q + 2 * PG + 16, 0);
  p[2 * PG + 1] = 'Z';
  char c = 0;
  pread(fd, &c, 1, 2 * PG + 1);
  printf("write to the grown page reached the file: %c\n", c);
  ftruncate(fd, PG);
  probe("after shrinking the file, shared", p, p + PG + 8, 0);
  probe("after shrinking the file, private", q, q + 2 * PG, 0);
  probe("the first page is still there", p, p + 3, 0);
  close(fd);
}


/* Without --memory: a request for twice the host's RAM fails as Linux's overcommit check fails it. */
static void bigalloc(void) {
  struct sysinfo si;
  sysinfo(&si);
  size_t twice = 2 * ((size_t)si.totalram + si.totalswap) * si.mem_unit;
  errno = 0;
  void *p = mmap((void *)0x100000000000, twice, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  printf("mmap of twice the RAM at a high hint: %s\n", p == MAP_FAILED ? en(errno) : "mapped");
  void *q = malloc(twice);
  printf("malloc of twice the RAM: %s\n", q ? "ok" : "NULL");
}


/* Size in KiB of the mapping holding addr, from /proc/self/maps (0 when unmapped). */
static long vma_kb(void *addr) {
  FILE *f = fopen("/proc/self/maps", "r");
  char line[512];
  long kb = 0;
  while (f && fgets(line, sizeof line, f)) {
    unsigned long lo, hi;
    if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && lo <= (unsigned long)addr && (unsigned long)addr < hi) kb = (long)((hi - lo) >> 10);
  }
  if (f) fclose(f);
  return kb;
}

static void *m_plain(void) { return mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0); }

/* MAP_GROWSDOWN: grows on faults below it, not into the guard gap of a mapping below, not past RLIMIT_STACK. */
static void grow(void) {
  catch_faults();
  char *p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN, -1, 0);
  if (p == MAP_FAILED) { perror("mmap"); exit(2); }
  printf("growsdown mapping: %ld KiB\n", vma_kb(p));
  probe("one page below", p, p - 1, 1);
  printf("now: %ld KiB\n", vma_kb(p));
  probe("64 pages below", p, p - 64 * PG + 8, 1);
  printf("now: %ld KiB\n", vma_kb(p));
  char *low = p - 64 * PG;
  char *q = mmap(low - 32 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  probe("with a mapping 31 pages below", p, low - 8, 1);
  munmap(q, PG);
  probe("after unmapping it", p, low - 8, 1);
  printf("now: %ld KiB\n", vma_kb(p));
  struct rlimit old, rl;
  getrlimit(RLIMIT_STACK, &old);
  rl = old;
  rl.rlim_cur = 128 * 1024;
  setrlimit(RLIMIT_STACK, &rl);
  probe("past RLIMIT_STACK", p, low - PG - 8, 1);
  setrlimit(RLIMIT_STACK, &old);
  probe("within it again", p, low - PG - 8, 1);
  printf("now: %ld KiB\n", vma_kb(p));
  /* PROT_GROWSDOWN: the change reaches down to the start of the stack mapping */
  printf("mprotect PROT_GROWSDOWN: %d\n", mprotect(p, PG, PROT_READ | PROT_GROWSDOWN));
  probe("its lowest page after", p, low - PG, 1);
  errno = 0;
  int r = mprotect(m_plain(), PG, PROT_READ | PROT_GROWSDOWN);
  printf("PROT_GROWSDOWN on a plain mapping: %d %s\n", r, en(errno));
}

/* The main stack grows to RLIMIT_STACK (raised, then exec'd so the layout leaves room), then SIGSEGV. */
static long depth_kb;
static int recurse(int n) {
  volatile char buf[64 * 1024];
  memset((char *)buf, n, sizeof buf);
  depth_kb += 64;
  if (n <= 1) return buf[100];
  return recurse(n - 1) + buf[n % sizeof buf];
}

static void stack_main(char **argv, int stage) {
  if (stage == 0) {
    struct rlimit rl;
    getrlimit(RLIMIT_STACK, &rl);
    rl.rlim_cur = 32 << 20;
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < rl.rlim_cur) rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_STACK, &rl);
    char *args[] = {argv[0], "stack2", NULL};
    execv("/proc/self/exe", args);
    perror("execv");
    exit(2);
  }
  recurse(24 * 16); /* 24 MiB of frames */
  printf("24 MiB of stack under a 32 MiB RLIMIT_STACK: ok\n");
  fflush(stdout);
  static char alt[64 * 1024];
  stack_t ss = {.ss_sp = alt, .ss_size = sizeof alt, .ss_flags = 0};
  sigaltstack(&ss, NULL);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = catcher;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigaction(SIGSEGV, &sa, NULL);
  got_sig = 0;
  depth_kb = 0;
  if (sigsetjmp(jb, 1) == 0) recurse(1 << 20);
  printf("overflow: %s %s after more than 31 MiB: %s\n", got_sig == SIGSEGV ? "SIGSEGV" : "no signal", codename(got_sig, got_code),
         depth_kb > 31 * 1024 && depth_kb <= 32 * 1024 ? "yes" : "no");
}


/* Rss / Private_* / Anonymous of the mapping holding addr, from /proc/self/smaps. */
static void smaps_of(const char *what, void *addr) {
  FILE *f = fopen("/proc/self/smaps", "r");
  char line[512];
  int in = 0;
  printf("%s:", what);
  static const char *const want[] = {"Size:", "Rss:", "Private_Clean:", "Private_Dirty:", "Anonymous:"};
  while (f && fgets(line, sizeof line, f)) {
    char *end;
    unsigned long lo = strtoul(line, &end, 16);
    if (end > line && *end == '-') { /* a maps line starts each entry */
      unsigned long hi = strtoul(end + 1, NULL, 16);
      in = lo <= (unsigned long)addr && (unsigned long)addr < hi;
      continue;
    }
    for (int i = 0; in && i < 5; i++) {
      size_t n = strlen(want[i]);
      if (!strncmp(line, want[i], n)) printf(" %.*s %ld", (int)n - 1, want[i], strtol(line + n, NULL, 10));
    }
  }
  printf("\n");
  if (f) fclose(f);
}

static void smaps(const char *path) {
  /* a 1 MiB mapping between PROT_NONE neighbours, so it merges with nothing */
  char *r = mmap(NULL, 3 << 20, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  char *m = r + (1 << 20);
  mprotect(m, 1 << 20, PROT_READ | PROT_WRITE);
  smaps_of("1 MiB untouched", m);
  m[0] = 1; m[5 * PG] = 2; m[200 * PG + 7] = 3;
  smaps_of("3 pages written", m);
  int fd = mkfile(path, "s", 4);
  fsync(fd); /* clean page-cache pages */
  char *p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  volatile char c = p[0];
  (void)c;
  smaps_of("private file, read", p);
  p[PG] = 'x';
  smaps_of("one page copied on write", p);
  char *sh = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  sh[0] = 1; sh[2 * PG] = 1;
  smaps_of("shared anonymous, 2 pages written", sh);
  close(fd);
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
  else if (!strcmp(cmd, "sigbus")) sigbus(argv[2]);
  else if (!strcmp(cmd, "bigalloc")) bigalloc();
  else if (!strcmp(cmd, "grow")) grow();
  else if (!strcmp(cmd, "smaps")) smaps(argv[2]);
  else if (!strcmp(cmd, "stack")) stack_main(argv, 0);
  else if (!strcmp(cmd, "stack2")) stack_main(argv, 1);
  else { fprintf(stderr, "usage: mmtest shared|private|anon|remap|fault*|limit\n"); return 2; }
  return 0;
}
