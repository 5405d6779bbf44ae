// Copy-on-write fork, checked from the guest: every mode prints what it saw, the same on any
// correct kernel (native Linux, elfbox x86-64 and aarch64, TypeScript CPU or Unicorn).
//   cow big MB      a heap of MB touched megabytes: both sides write after fork, each sees only
//                   its own writes; the fork's duration goes to stderr (fork_us=)
//   cow nested      parent, child and grandchild each write the shared pages in turn
//   cow exit        the child exits, then the parent writes
//   cow orphan      the parent exits (and another execs) while a child has not read its pages yet
//   cow layout      munmap, mprotect and MAP_FIXED over pages a fork still shares; MAP_SHARED stays shared
//   cow code        code written after fork: each side runs its own version
//   cow kernel      read() into shared and not-yet-copied pages (the kernel's own writes)
//   cow forks MB N  touch MB megabytes, then N times fork a child that exits at once and wait
//                   (for measuring: time it with N and with 0)
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PG 4096
static const char *self;

static uint64_t sum(const unsigned char *p, size_t n) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i += 8) { h ^= *(const uint64_t *)(p + i); h *= 1099511628211ull; }
  return h;
}

static void fill(unsigned char *p, size_t n, unsigned seed) {
  for (size_t i = 0; i < n; i += 8) *(uint64_t *)(p + i) = (uint64_t)i * 0x9e3779b97f4a7c15ull + seed;
}

static int reap(pid_t p) {
  int st = 0;
  while (waitpid(p, &st, 0) < 0 && errno == EINTR) {}
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void waitfor(int fd) { char c; while (read(fd, &c, 1) < 0 && errno == EINTR) {} }
static void signal1(int fd) { (void)!write(fd, "x", 1); }

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static void big(size_t mb) {
  size_t n = mb << 20;
  unsigned char *h = malloc(n);
  fill(h, n, 1);
  uint64_t orig = sum(h, n);
  int go[2], done[2];
  pipe(go); pipe(done);
  double t0 = now_us();
  pid_t p = fork();
  if (p == 0) {
    // the parent writes every other page first: the child still sees the old bytes
    waitfor(go[0]);
    int same = sum(h, n) == orig;
    for (size_t i = 0; i < n; i += 2 * PG) h[i + 1] = 0xcc;
    size_t mine = 0;
    for (size_t i = 0; i < n; i += 2 * PG) mine += h[i + 1] == 0xcc;
    printf("child: heap as at fork %d, own writes %zu of %zu\n", same, mine, n / (2 * PG));
    fflush(stdout);
    signal1(done[1]);
    _exit(0);
  }
  double t1 = now_us();
  fprintf(stderr, "fork_us=%.0f\n", t1 - t0);
  for (size_t i = PG; i < n; i += 2 * PG) h[i + 2] = 0xaa;
  signal1(go[1]);
  waitfor(done[0]);
  int st = reap(p);
  size_t bad = 0;
  for (size_t i = 0; i < n; i += 2 * PG) bad += h[i + 1] == 0xcc;
  size_t mine = 0;
  for (size_t i = PG; i < n; i += 2 * PG) mine += h[i + 2] == 0xaa;
  printf("parent: child's writes seen %zu, own writes %zu, child status %d\n", bad, mine, st);
}

/* 1 when h holds fill(seed) with exactly the given memsets applied (off, len, byte; len 0 ends). */
static int exactly(const unsigned char *h, size_t n, unsigned seed, const size_t *ops) {
  unsigned char *e = malloc(n);
  fill(e, n, seed);
  for (; ops[1]; ops += 3) memset(e + ops[0], (int)ops[2], ops[1]);
  int ok = memcmp(e, h, n) == 0;
  free(e);
  return ok;
}

static void nested(void) {
  size_t n = 64 * PG;
  unsigned char *h = malloc(n);
  fill(h, n, 2);
  int a[2], b[2], c[2];
  pipe(a); pipe(b); pipe(c);
  size_t none[] = {0, 0, 0};
  size_t pw[] = {0, n / 8, 0x11, 0, 0, 0};
  size_t cw[] = {n / 4, n / 2, 0x22, 0, 0, 0};
  size_t gw[] = {0, n / 2, 0x33, 0, 0, 0};
  pid_t p = fork();
  if (p == 0) {
    pid_t g = fork();
    if (g == 0) {
      waitfor(b[0]); // the parent and the child have written by now
      printf("grandchild: as at fork %d\n", exactly(h, n, 2, none));
      memset(h, 0x33, n / 2);
      printf("grandchild: only own writes %d\n", exactly(h, n, 2, gw));
      fflush(stdout);
      signal1(c[1]);
      _exit(0);
    }
    waitfor(a[0]);
    printf("child: as at fork %d\n", exactly(h, n, 2, none));
    fflush(stdout);
    memset(h + n / 4, 0x22, n / 2);
    signal1(b[1]);
    waitfor(c[0]);
    int st = reap(g);
    printf("child: grandchild %d, only own writes %d\n", st, exactly(h, n, 2, cw));
    fflush(stdout);
    _exit(0);
  }
  memset(h, 0x11, n / 8);
  signal1(a[1]);
  int st = reap(p);
  printf("parent: child %d, only own writes %d\n", st, exactly(h, n, 2, pw));
}

static void exit_first(void) {
  size_t n = 32 * PG;
  unsigned char *h = malloc(n);
  fill(h, n, 3);
  uint64_t orig = sum(h, n);
  pid_t p = fork();
  if (p == 0) _exit(sum(h, n) == orig ? 7 : 1);
  printf("child status %d\n", reap(p));
  memset(h, 0x44, n);
  printf("parent wrote after the child exited: %d\n", h[0] == 0x44 && h[n - 1] == 0x44);
  p = fork(); // a second fork of pages the first child once shared
  if (p == 0) _exit(h[5] == 0x44 ? 8 : 1);
  printf("second child status %d\n", reap(p));
}

static void orphan(void) {
  size_t n = 48 * PG;
  unsigned char *h = malloc(n);
  fill(h, n, 4);
  uint64_t orig = sum(h, n);
  int out[2];
  pipe(out);
  // middle process: forks a reader, writes its own copy, then exits; the reader checks after that
  pid_t mid = fork();
  if (mid == 0) {
    int gate[2];
    pipe(gate);
    pid_t r = fork();
    if (r == 0) {
      close(gate[1]);
      waitfor(gate[0]); // EOF: the middle process is gone
      int ok = sum(h, n) == orig;
      (void)!write(out[1], ok ? "reader after exit: 1\n" : "reader after exit: 0\n", 21);
      _exit(0);
    }
    close(gate[0]);
    memset(h, 0x55, n / 2); // the other half stays shared: the reader still reads it from here
    _exit(0);
  }
  reap(mid);
  memset(h + n / 4, 0x77, n / 2); // and this process writes what both still share
  // the same with exec: the middle process replaces its image while the reader waits
  pid_t mid2 = fork();
  if (mid2 == 0) {
    int gate[2];
    pipe2(gate, O_CLOEXEC);
    uint64_t at = sum(h, n);
    pid_t r = fork();
    if (r == 0) {
      close(gate[1]);
      waitfor(gate[0]); // EOF: the exec closed the write end
      int ok = sum(h, n) == at;
      (void)!write(out[1], ok ? "reader after exec: 1\n" : "reader after exec: 0\n", 21);
      _exit(0);
    }
    close(gate[0]);
    memset(h + n / 2, 0x66, n / 2);
    execl(self, self, "noop", (char *)0);
    _exit(127);
  }
  reap(mid2);
  memset(h, 0x78, n);
  close(out[1]);
  char buf[128];
  int k, tot = 0;
  while ((k = read(out[0], buf + tot, sizeof buf - 1 - tot)) > 0) tot += k;
  buf[tot] = 0;
  // the readers are init's children now (we are pid 1 under elfbox, not natively): wait for all
  while (wait(NULL) > 0) {}
  if (tot == 42 && strncmp(buf, "reader after exec", 17) == 0) printf("%.21s%.21s", buf + 21, buf); // order of arrival varies
  else printf("%s", buf);
}

static void layout(void) {
  unsigned char *m = mmap(0, 6 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  unsigned char *s = mmap(0, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  for (int i = 0; i < 6; i++) memset(m + i * PG, 'a' + i, PG);
  memset(s, 's', 2 * PG);
  int go[2];
  pipe(go);
  pid_t p = fork();
  if (p == 0) {
    waitfor(go[0]);
    // the parent has unmapped page 0, made page 1 read-only, mapped zeros over page 2, written page 3
    int ok = 1;
    for (int i = 0; i < 6; i++) ok &= m[i * PG] == 'a' + i && m[i * PG + PG - 1] == 'a' + i;
    printf("child: pages as at fork %d\n", ok);
    mprotect(m + 4 * PG, PG, PROT_READ); // a page not copied yet: protection changes, bytes stay
    printf("child: read-only page %c\n", m[4 * PG + 7]);
    munmap(m + 5 * PG, PG);
    printf("child: shared page %c\n", s[PG + 1]);
    s[10] = 'C';
    _exit(0);
  }
  munmap(m, PG);
  mprotect(m + PG, PG, PROT_READ);
  mmap(m + 2 * PG, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  m[3 * PG] = 'X';
  s[PG + 1] = 'P';
  signal1(go[1]);
  int st = reap(p);
  printf("parent: child %d, page1 %c page2 %d page3 %c page5 %c, shared from child %c\n", st, m[PG], m[2 * PG], m[3 * PG], m[5 * PG], s[10]);
}

typedef int (*fn_t)(void);

static void code(void) {
  unsigned char *c = mmap(0, PG, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
#if defined(__x86_64__)
  unsigned char body[] = {0xb8, 1, 0, 0, 0, 0xc3}; // mov eax, imm32; ret
  #define SETV(v) (c[1] = (v))
#else
  uint32_t body[] = {0x52800020, 0xd65f03c0}; // movz w0, #1; ret
  #define SETV(v) (((uint32_t *)c)[0] = 0x52800000 | ((v) << 5))
#endif
  memcpy(c, body, sizeof body);
  __builtin___clear_cache((char *)c, (char *)c + sizeof body);
  fn_t f = (fn_t)c;
  int before = f();
  int go[2], back[2];
  pipe(go); pipe(back);
  pid_t p = fork();
  if (p == 0) {
    int first = f();
    signal1(back[1]);
    waitfor(go[0]); // the parent rewrote its copy
    int second = f();
    SETV(3);
    __builtin___clear_cache((char *)c, (char *)c + 8);
    printf("child: %d %d %d\n", first, second, f());
    fflush(stdout);
    _exit(0);
  }
  waitfor(back[0]);
  SETV(2);
  __builtin___clear_cache((char *)c, (char *)c + 8);
  int mine = f();
  signal1(go[1]);
  reap(p);
  printf("parent: %d %d %d\n", before, mine, f());
}

static void kernel(void) {
  size_t n = 8 * PG;
  unsigned char *h = malloc(n);
  fill(h, n, 5);
  unsigned char *copy = malloc(n);
  memcpy(copy, h, n);
  int data[2], go[2];
  pipe(data); pipe(go);
  pid_t p = fork();
  if (p == 0) {
    waitfor(go[0]);
    int same = memcmp(h, copy, n) == 0;
    // the kernel writes into a page this process has not touched since the fork
    (void)!write(data[1], "child-bytes", 11);
    int k = read(data[0], h + 5 * PG + 100, 11);
    int ok = k == 11 && memcmp(h + 5 * PG + 100, "child-bytes", 11) == 0 && memcmp(h + 5 * PG, copy + 5 * PG, 100) == 0 &&
             memcmp(h + 5 * PG + 111, copy + 5 * PG + 111, PG - 111) == 0;
    printf("child: as at fork %d, read into an uncopied page %d\n", same, ok);
    fflush(stdout);
    _exit(0);
  }
  // the kernel writes into pages the child still shares (read from a pipe, across a page boundary)
  (void)!write(data[1], "parent-bytes-0123456789", 23);
  int k = read(data[0], h + 2 * PG - 5, 23);
  FILE *f = fopen("/proc/self/maps", "r"); // the kernel writes into a stdio buffer too
  char line[256];
  int lines = 0;
  while (f && fgets(line, sizeof line, f)) lines++;
  if (f) fclose(f);
  signal1(go[1]);
  reap(p);
  printf("parent: read %d %d, maps lines > 3 %d\n", k, memcmp(h + 2 * PG - 5, "parent-bytes-0123456789", 23) == 0, lines > 3);
}

static void forks(size_t mb, int n) {
  unsigned char *h = malloc(mb << 20);
  fill(h, mb << 20, 6);
  for (int i = 0; i < n; i++) {
    pid_t p = fork();
    if (p == 0) _exit(h[i * PG] & 1);
    reap(p);
  }
  printf("forks %d of %zu MB\n", n, mb);
}

int main(int argc, char **argv) {
  self = argv[0];
  setvbuf(stdout, NULL, _IOLBF, 0);
  const char *m = argc > 1 ? argv[1] : "";
  if (!strcmp(m, "big")) big(argc > 2 ? strtoul(argv[2], 0, 10) : 16);
  else if (!strcmp(m, "nested")) nested();
  else if (!strcmp(m, "exit")) exit_first();
  else if (!strcmp(m, "orphan")) orphan();
  else if (!strcmp(m, "layout")) layout();
  else if (!strcmp(m, "code")) code();
  else if (!strcmp(m, "kernel")) kernel();
  else if (!strcmp(m, "forks")) forks(argc > 2 ? strtoul(argv[2], 0, 10) : 16, argc > 3 ? atoi(argv[3]) : 1);
  else if (!strcmp(m, "noop")) return 0;
  else { fprintf(stderr, "usage: cow big MB|nested|exit|orphan|layout|code|kernel\n"); return 2; }
  return 0;
}
