// signalfd: blocked SIGUSR1, SIGCHLD and a real-time signal read through signalfds as struct
// signalfd_siginfo records (128 bytes each, several per read), SFD_NONBLOCK's EAGAIN, poll and
// epoll readiness, SFD_CLOEXEC, a new mask on an existing fd, and the errors (EINVAL for bad
// flags, a bad size, a short buffer or an fd that is no signalfd; EBADF).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void show(const char *what, long r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerrorname_np(errno));
  else printf("%s: %ld\n", what, r);
}

static void dump(const struct signalfd_siginfo *s, pid_t me, pid_t child) {
  printf("  signo %u code %d", s->ssi_signo, s->ssi_code);
  if (s->ssi_signo == SIGCHLD) printf(" status %d pid is child %d", s->ssi_status, (pid_t)s->ssi_pid == child);
  else printf(" pid is me %d int %d", (pid_t)s->ssi_pid == me, s->ssi_int);
  printf(" uid ok %d\n", s->ssi_uid == getuid());
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  pid_t me = getpid();
  printf("sizeof(struct signalfd_siginfo) %zu\n", sizeof(struct signalfd_siginfo));
  sigset_t m;
  sigemptyset(&m);
  sigaddset(&m, SIGUSR1);
  sigaddset(&m, SIGCHLD);
  sigaddset(&m, SIGRTMIN);
  sigprocmask(SIG_BLOCK, &m, NULL);

  show("bad flags", signalfd(-1, &m, 0x1));
  show("bad size", syscall(SYS_signalfd4, -1, &m, 4, 0));
  show("not a signalfd", signalfd(1, &m, 0));
  show("bad fd", signalfd(99, &m, 0));

  int fd = signalfd(-1, &m, SFD_NONBLOCK | SFD_CLOEXEC);
  printf("fd %d cloexec %d nonblock %d\n", fd, fcntl(fd, F_GETFD) == FD_CLOEXEC, (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0);
  struct signalfd_siginfo si[4];
  show("read nothing pending", read(fd, si, sizeof si));
  show("read short buffer", read(fd, si, 100));
  struct pollfd p = {fd, POLLIN, 0};
  show("poll nothing", poll(&p, 1, 0));

  kill(me, SIGUSR1);
  union sigval v = {.sival_int = 42};
  sigqueue(me, SIGRTMIN, v);
  v.sival_int = 43;
  sigqueue(me, SIGRTMIN, v);
  p.revents = 0;
  show("poll pending", poll(&p, 1, 0));
  printf("revents POLLIN %d\n", p.revents == POLLIN);
  long n = read(fd, si, sizeof si);
  show("read three", n);
  for (long i = 0; i < n / (long)sizeof si[0]; i++) dump(&si[i], me, 0);
  show("read again", read(fd, si, sizeof si));

  // one record per read when the buffer holds one
  kill(me, SIGUSR1);
  sigqueue(me, SIGRTMIN, v);
  show("read one of two", read(fd, si, sizeof si[0]));
  dump(&si[0], me, 0);
  show("read the other", read(fd, si, sizeof si[0]));
  dump(&si[0], me, 0);

  // a blocking signalfd for SIGCHLD only, woken when the child exits; and epoll
  sigset_t c;
  sigemptyset(&c);
  sigaddset(&c, SIGCHLD);
  int cfd = signalfd(-1, &c, 0);
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 7}, out;
  epoll_ctl(ep, EPOLL_CTL_ADD, cfd, &ev);
  show("epoll nothing", epoll_wait(ep, &out, 1, 0));
  pid_t child = fork();
  if (child == 0) _exit(3);
  n = read(cfd, si, sizeof si);
  show("blocking read SIGCHLD", n);
  dump(&si[0], me, child);
  int st;
  waitpid(child, &st, 0);
  printf("child exit %d\n", WEXITSTATUS(st));
  kill(me, SIGCHLD);
  show("epoll pending", epoll_wait(ep, &out, 1, 1000));
  printf("epoll data %u events %u\n", out.data.u32, out.events);
  show("read SIGCHLD from kill", read(cfd, si, sizeof si));
  dump(&si[0], me, 0);

  // a new mask on an existing fd: SIGUSR1 only; SIGRTMIN stays pending
  sigset_t u;
  sigemptyset(&u);
  sigaddset(&u, SIGUSR1);
  show("new mask", signalfd(fd, &u, 0));
  sigqueue(me, SIGRTMIN, v);
  show("read with the new mask", read(fd, si, sizeof si));
  kill(me, SIGUSR1);
  show("read SIGUSR1", read(fd, si, sizeof si));
  sigset_t pend;
  sigpending(&pend);
  printf("SIGRTMIN still pending %d\n", sigismember(&pend, SIGRTMIN));
  close(fd);
  close(cfd);
  return 0;
}
