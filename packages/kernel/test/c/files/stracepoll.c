/* poll, ppoll, select, pselect6 and epoll calls whose strace lines are compared with real strace's:
 * pollfd arrays, fd sets, sigmasks, and the results after "=". */
#define _GNU_SOURCE
#include <poll.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <signal.h>
#include <sys/epoll.h>
int main(void) {
  int p[2]; pipe(p); write(p[1], "x", 1);
  struct pollfd pf[3] = { { p[0], POLLIN, 0 }, { p[1], POLLOUT | POLLIN, 0 }, { -1, POLLIN, 0 } };
  poll(pf, 3, 1000);
  struct pollfd q = { p[1], POLLIN, 0 };
  poll(&q, 1, 0);
  struct timespec ts = { 1, 500 };
  unsigned long m = 1UL << 9;
  syscall(SYS_ppoll, pf, 2, &ts, &m, 8);
  struct timespec t0 = { 0, 1000000 };
  syscall(SYS_ppoll, &q, 1, &t0, NULL, 8);
  fd_set r, w; FD_ZERO(&r); FD_ZERO(&w); FD_SET(p[0], &r); FD_SET(p[1], &r); FD_SET(p[1], &w);
  struct timeval tv = { 2, 0 };
  syscall(SYS_select, p[1] + 1, &r, &w, NULL, &tv);
  FD_ZERO(&r); FD_SET(p[1], &r);
  struct timeval tv0 = { 0, 1000 };
  syscall(SYS_select, p[1] + 1, &r, NULL, NULL, &tv0);
  FD_ZERO(&r); FD_SET(p[0], &r);
  struct timespec ts2 = { 3, 0 };
  struct { void *s; size_t l; } sm = { &m, 8 };
  syscall(SYS_pselect6, p[0] + 1, &r, NULL, NULL, &ts2, &sm);
  FD_ZERO(&r); FD_SET(p[0], &r);
  syscall(SYS_pselect6, p[0] + 1, &r, NULL, NULL, NULL, NULL);
  FD_ZERO(&r); FD_SET(p[1], &r);
  syscall(SYS_select, p[1] + 1, &r, NULL, NULL, &tv0);
  /* epoll: create1's flags, ctl's event struct, the events wait wrote */
  int ep = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 0x100000007ULL }, out[4];
  epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
  ev.events = EPOLLOUT | EPOLLONESHOT | EPOLLRDHUP; ev.data.u64 = 9;
  epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &ev);
  epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL);
  epoll_wait(ep, out, 4, 100);
  sigset_t s; sigemptyset(&s); sigaddset(&s, SIGUSR1);
  epoll_pwait(ep, out, 4, 100, &s);
  char c; read(p[0], &c, 1);
  epoll_wait(ep, out, 4, 0);
  return 0;
}
