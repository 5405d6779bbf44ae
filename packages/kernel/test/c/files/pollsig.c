/* ppoll / pselect6 / epoll_pwait signal masks and select's remaining time, through the raw
 * syscalls (glibc's wrappers hide the timeout update) and glibc's wrappers. Prints only what
 * Linux guarantees. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile int hits;
static void on_usr1(int s) { (void)s; hits++; }

static int usr1_blocked(void) {
  sigset_t cur;
  sigprocmask(SIG_BLOCK, NULL, &cur);
  return sigismember(&cur, SIGUSR1);
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1; /* no SA_RESTART */
  sigaction(SIGUSR1, &sa, NULL);
  int p[2];
  pipe(p);
  unsigned long none = 0, usr1 = 1UL << (SIGUSR1 - 1);

  /* 1. a pending blocked signal that the call's mask unblocks interrupts the wait (EINTR), its
   *    handler runs, and the old mask (SIGUSR1 blocked) is back afterwards */
  sigset_t b;
  sigemptyset(&b);
  sigaddset(&b, SIGUSR1);
  sigprocmask(SIG_BLOCK, &b, NULL);
  struct pollfd pf = { .fd = p[0], .events = POLLIN };
  struct timespec ts = { 5, 0 };
  raise(SIGUSR1);
  hits = 0;
  long r = syscall(SYS_ppoll, &pf, 1, &ts, &none, 8);
  printf("ppoll mask: r=%ld errno=%s hits=%d blocked-after=%d\n", r, r < 0 && errno == EINTR ? "EINTR" : "other", hits, usr1_blocked());

  raise(SIGUSR1);
  hits = 0;
  fd_set rs;
  FD_ZERO(&rs);
  FD_SET(p[0], &rs);
  ts.tv_sec = 5; ts.tv_nsec = 0;
  struct { void *ss; size_t len; } sm = { &none, 8 };
  r = syscall(SYS_pselect6, p[0] + 1, &rs, NULL, NULL, &ts, &sm);
  printf("pselect6 mask: r=%ld errno=%s hits=%d blocked-after=%d\n", r, r < 0 && errno == EINTR ? "EINTR" : "other", hits, usr1_blocked());

  int ep = epoll_create1(0);
  struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 7 }, out;
  epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
  raise(SIGUSR1);
  hits = 0;
  sigset_t empty;
  sigemptyset(&empty);
  r = epoll_pwait(ep, &out, 1, 5000, &empty);
  printf("epoll_pwait mask: r=%ld errno=%s hits=%d blocked-after=%d\n", r, r < 0 && errno == EINTR ? "EINTR" : "other", hits, usr1_blocked());

  /* glibc's ppoll and pselect wrappers pass the mask the same way */
  raise(SIGUSR1);
  hits = 0;
  ts.tv_sec = 5;
  r = ppoll(&pf, 1, &ts, &empty);
  printf("glibc ppoll: r=%ld hits=%d blocked-after=%d\n", r, hits, usr1_blocked());
  raise(SIGUSR1);
  hits = 0;
  FD_ZERO(&rs);
  FD_SET(p[0], &rs);
  r = pselect(p[0] + 1, &rs, NULL, NULL, &ts, &empty);
  printf("glibc pselect: r=%ld hits=%d blocked-after=%d\n", r, hits, usr1_blocked());

  /* 2. the mask given to the call keeps the still-pending signal blocked when it leaves it
   *    blocked: the call times out, and the signal stays pending */
  struct timespec shortts = { 0, 20 * 1000 * 1000 };
  raise(SIGUSR1);
  hits = 0;
  r = syscall(SYS_ppoll, &pf, 1, &shortts, &usr1, 8);
  printf("ppoll keeps blocked: r=%ld hits=%d\n", r, hits);
  sigprocmask(SIG_UNBLOCK, &b, NULL); /* the pending SIGUSR1 runs now */
  printf("after unblock: hits=%d\n", hits);

  /* 3. a signal that arrives during the wait while the call's mask blocks it does not interrupt;
   *    its handler runs when the call returns (the child signals, then writes to the pipe) */
  hits = 0;
  pid_t c = fork();
  if (c == 0) {
    struct timespec d = { 0, 150 * 1000 * 1000 };
    nanosleep(&d, NULL);
    kill(getppid(), SIGUSR1);
    nanosleep(&d, NULL);
    write(p[1], "x", 1);
    _exit(0);
  }
  r = syscall(SYS_ppoll, &pf, 1, NULL, &usr1, 8);
  int h = hits;
  printf("signal during masked ppoll: r=%ld revents=%#x hits-after=%d\n", r, pf.revents, h);
  waitpid(c, NULL, 0);
  char ch;
  read(p[0], &ch, 1);

  /* 4. remaining time: the raw calls write what is left (0 after a timeout) */
  struct timespec t1 = { 0, 30 * 1000 * 1000 };
  r = syscall(SYS_ppoll, &pf, 1, &t1, NULL, 8);
  printf("ppoll timeout: r=%ld left=%ld.%09ld\n", r, (long)t1.tv_sec, t1.tv_nsec);
  struct timespec t2 = { 0, 30 * 1000 * 1000 };
  FD_ZERO(&rs);
  FD_SET(p[0], &rs);
  r = syscall(SYS_pselect6, p[0] + 1, &rs, NULL, NULL, &t2, NULL);
  printf("pselect6 timeout: r=%ld left=%ld.%09ld set=%d\n", r, (long)t2.tv_sec, t2.tv_nsec, FD_ISSET(p[0], &rs));
#ifdef SYS_select
  struct timeval tv = { 0, 30000 };
  FD_ZERO(&rs);
  FD_SET(p[0], &rs);
  r = syscall(SYS_select, p[0] + 1, &rs, NULL, NULL, &tv);
  printf("select timeout: r=%ld left=%ld.%06ld\n", r, (long)tv.tv_sec, (long)tv.tv_usec);
  /* select accepts tv_usec >= 1000000 (it normalizes); the time left stays below what was given */
  write(p[1], "y", 1);
  struct timeval big = { 1, 1500000 };
  FD_ZERO(&rs);
  FD_SET(p[0], &rs);
  r = syscall(SYS_select, p[0] + 1, &rs, NULL, NULL, &big);
  printf("select usec>1e6 ready: r=%ld normalized=%d below=%d\n", r, big.tv_usec < 1000000, big.tv_sec < 2 || (big.tv_sec == 2 && big.tv_usec <= 500000));
  read(p[0], &ch, 1);
#else
  printf("select timeout: r=0 left=0.000000\n");
  printf("select usec>1e6 ready: r=1 normalized=1 below=1\n");
#endif
  struct timeval gtv = { 0, 30000 };
  FD_ZERO(&rs);
  FD_SET(p[0], &rs);
  r = select(p[0] + 1, &rs, NULL, NULL, &gtv);
  printf("glibc select timeout: r=%ld left=%ld.%06ld\n", r, (long)gtv.tv_sec, (long)gtv.tv_usec);
  /* an invalid timespec is EINVAL */
  struct timespec bad = { 0, 1000000000 };
  r = syscall(SYS_ppoll, &pf, 1, &bad, NULL, 8);
  printf("ppoll bad ts: r=%ld einval=%d\n", r, errno == EINVAL);
  return 0;
}
