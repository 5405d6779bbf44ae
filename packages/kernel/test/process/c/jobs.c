// Job control and pidfds for elfbox's process tests. Each mode prints lines that do not depend on
// pids or timing, so a run under elfbox can be compared with a native run:
//   orphan  a process group orphaned with a stopped member gets SIGHUP + SIGCONT
//   pidfd   pidfd_open / pidfd_send_signal / pidfd_getfd, CLONE_PIDFD (clone, clone3), waitid
//           P_PIDFD (PIDFD_NONBLOCK: EAGAIN), poll on a pidfd, the errnos; kill of a zombie
//   notty   stdin is no terminal: the job-control ioctls are ENOTTY, a background read reads
//   tty     run under a pseudo-terminal as session leader: tcgetpgrp/tcsetpgrp, SIGTTIN and
//           SIGTTOU for a background group (EINTR with a handler, EIO when ignored, restart
//           after SIGCONT, TOSTOP), TIOCSCTTY / TIOCNOTTY / TIOCGSID
//   strace  a child writes and exits while the parent waits (for strace -f's [pid N] lines)
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include "wait-status.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x1000
#endif
#ifndef PIDFD_NONBLOCK
#define PIDFD_NONBLOCK O_NONBLOCK
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#define SYS_pidfd_send_signal 424
#define SYS_pidfd_getfd 438
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif

struct clone_args_v0 {
  uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};


static void res(const char *what, long r) {
  printf("%s: %ld errno %d\n", what, r < 0 ? r : (r > 0 ? 1 : 0), r < 0 ? errno : 0);
}

static void reap(pid_t p, const char *what, int opts) {
  int st = 0;
  pid_t r = waitpid(p, &st, opts);
  if (r != p) printf("%s: waitpid returned %d errno %d\n", what, r, errno);
  else show(what, st);
}

// ---- orphaned process groups ---------------------------------------------------------------------

static void orphan(void) {
  prctl(PR_SET_CHILD_SUBREAPER, 1); // the grandchildren come back to us, outside their session
  int ready[2];
  pipe(ready);
  pid_t s = fork();
  if (s == 0) {
    setsid(); // a new session, s leads it; we (the top) are outside it
    pid_t c = fork();
    if (c == 0) {
      setpgid(0, 0); // group G in s's session: c is its link to s's group
      pid_t g1 = fork();
      if (g1 == 0) { raise(SIGSTOP); _exit(1); } // SIGHUP ends it once continued
      pid_t g2 = fork();
      if (g2 == 0) {
        signal(SIGHUP, SIG_IGN);
        raise(SIGSTOP);
        _exit(2); // continued by SIGCONT
      }
      int st;
      waitpid(g1, &st, WUNTRACED);
      waitpid(g2, &st, WUNTRACED);
      printf("both stopped: %d\n", WIFSTOPPED(st));
      fflush(stdout);
      write(ready[1], "x", 1);
      _exit(0); // G loses its link: orphaned with stopped members
    }
    int st;
    waitpid(c, &st, 0);
    show("middle", st);
    fflush(stdout);
    char b;
    read(ready[0], &b, 1);
    _exit(0);
  }
  close(ready[1]);
  reap(s, "session leader", 0);
  // g1 and g2 were adopted by us: g1 died of SIGHUP, g2 ignored it and went on
  int st1 = -1, st2 = -1;
  for (int i = 0; i < 2; i++) {
    int st;
    pid_t r = wait(&st);
    if (r < 0) { printf("wait: errno %d\n", errno); break; }
    if (WIFEXITED(st) && WEXITSTATUS(st) == 2) st2 = st; else st1 = st;
  }
  show("g1", st1);
  show("g2", st2);
  // a group with a stopped member that keeps its link (our group, via us) gets nothing
  pid_t k = fork();
  if (k == 0) { raise(SIGSTOP); _exit(3); }
  reap(k, "same-group child", WUNTRACED);
  kill(k, SIGCONT);
  reap(k, "same-group child", 0);
}

// ---- pidfds --------------------------------------------------------------------------------------

static int pidfd_open(pid_t p, unsigned f) { return syscall(SYS_pidfd_open, p, f); }
static int pidfd_send(int fd, int sig, siginfo_t *i, unsigned f) { return syscall(SYS_pidfd_send_signal, fd, sig, i, f); }
static int pidfd_getfd(int fd, int t, unsigned f) { return syscall(SYS_pidfd_getfd, fd, t, f); }

static int pollfd1(int fd, int timeout) {
  struct pollfd p = { .fd = fd, .events = POLLIN };
  int r = poll(&p, 1, timeout);
  return r <= 0 ? r : p.revents;
}

static volatile pid_t thread_tid;
static void *thread_main(void *a) {
  (void)a;
  thread_tid = syscall(SYS_gettid);
  for (;;) pause();
  return 0;
}

static void on_usr1(int sig, siginfo_t *si, void *u) {
  (void)u;
  char b[96];
  int n = snprintf(b, sizeof b, "child: sig %d code %d value %d\n", sig, si->si_code, si->si_value.sival_int);
  write(1, b, n);
  _exit(7);
}

static void pidfds(void) {
  int gate[2];
  pipe(gate);
  pid_t c = fork();
  if (c == 0) { close(gate[1]); char b; read(gate[0], &b, 1); _exit(5); }
  close(gate[0]);
  int pfd = pidfd_open(c, 0);
  res("pidfd_open", pfd);
  printf("cloexec: %d\n", (fcntl(pfd, F_GETFD) & FD_CLOEXEC) != 0);
  char b[8];
  res("read pidfd", read(pfd, b, sizeof b));
  printf("poll while running: %d\n", pollfd1(pfd, 0));
  close(gate[1]); // the child exits
  int rev = pollfd1(pfd, 5000);
  printf("poll after exit: in %d hup %d\n", (rev & POLLIN) != 0, (rev & POLLHUP) != 0);
  siginfo_t si;
  memset(&si, 0, sizeof si);
  res("pidfd_send_signal to a zombie", pidfd_send(pfd, SIGTERM, 0, 0));
  res("kill of a zombie", kill(c, 0));
  res("pidfd_getfd of a zombie", pidfd_getfd(pfd, 0, 0));
  res("waitid P_PIDFD", waitid(P_PIDFD, pfd, &si, WEXITED));
  printf("  pid ok %d code %d status %d\n", si.si_pid == c, si.si_code, si.si_status);
  rev = pollfd1(pfd, 0);
  printf("poll after reap: in %d hup %d\n", (rev & POLLIN) != 0, (rev & POLLHUP) != 0);
  res("pidfd_send_signal after reap", pidfd_send(pfd, SIGTERM, 0, 0));
  res("waitid P_PIDFD after reap", waitid(P_PIDFD, pfd, &si, WEXITED));
  res("pidfd_getfd after reap", pidfd_getfd(pfd, 0, 0));
  close(pfd);

  res("pidfd_open(-1)", pidfd_open(-1, 0));
  res("pidfd_open(0)", pidfd_open(0, 0));
  res("pidfd_open bad flags", pidfd_open(getpid(), 1));
  res("pidfd_open(no such pid)", pidfd_open(3999999, 0));
  pthread_t th;
  pthread_create(&th, 0, thread_main, 0);
  while (!thread_tid) usleep(1000);
  res("pidfd_open(a thread)", pidfd_open(thread_tid, 0));
  res("pidfd_send_signal(stdout)", pidfd_send(1, SIGTERM, 0, 0));
  res("pidfd_send_signal(-1)", pidfd_send(-1, SIGTERM, 0, 0));
  res("waitid P_PIDFD(stdout)", waitid(P_PIDFD, 1, &si, WEXITED));

  // signals through a pidfd: with and without siginfo
  int ready[2];
  pipe(ready);
  c = fork();
  if (c == 0) {
    struct sigaction sa = { .sa_sigaction = on_usr1, .sa_flags = SA_SIGINFO };
    sigaction(SIGUSR1, &sa, 0);
    int keep = open("/dev/null", O_RDONLY);
    dup2(ready[1], 9);
    close(ready[0]); close(ready[1]);
    write(9, "r", 1);
    (void)keep;
    for (;;) pause();
  }
  close(ready[1]);
  read(ready[0], b, 1);
  pfd = pidfd_open(c, 0);
  long r0;
  res("pidfd_send_signal bad flags", pidfd_send(pfd, SIGUSR1, 0, 0x80));
  res("pidfd_send_signal two scopes", pidfd_send(pfd, SIGUSR1, 0, 3));
  memset(&si, 0, sizeof si);
  si.si_signo = SIGUSR2;
  si.si_code = SI_QUEUE;
  res("siginfo with another signo", pidfd_send(pfd, SIGUSR1, &si, 0));
  si.si_signo = SIGUSR1;
  si.si_code = SI_USER;
  res("siginfo SI_USER to another process", pidfd_send(pfd, SIGUSR1, &si, 0));
  res("pidfd_send_signal(65)", pidfd_send(pfd, 65, 0, 0));
  res("pidfd_send_signal(0)", pidfd_send(pfd, 0, 0, 0));
  // pidfd_getfd: the child's fd 9 (the write end of our pipe)
  int got = pidfd_getfd(pfd, 9, 0);
  res("pidfd_getfd(9)", got);
  printf("getfd cloexec: %d\n", (fcntl(got, F_GETFD) & FD_CLOEXEC) != 0);
  write(got, "via getfd", 9);
  close(got);
  int n = read(ready[0], b, 8);
  printf("read back: %.*s\n", n, b);
  res("pidfd_getfd(closed fd)", pidfd_getfd(pfd, 55, 0));
  res("pidfd_getfd bad flags", pidfd_getfd(pfd, 9, 1));
  res("pidfd_getfd(stdout as pidfd)", pidfd_getfd(1, 9, 0));
  si.si_code = SI_QUEUE;
  si.si_value.sival_int = 42;
  r0 = pidfd_send(pfd, SIGUSR1, &si, 0); // the child prints, then we do
  reap(c, "signalled child", 0);
  res("pidfd_send_signal SI_QUEUE", r0);
  close(pfd);

  // CLONE_PIDFD through clone(): the fd is written at the parent_tid pointer
  int cfd = -1;
  long r = syscall(SYS_clone, CLONE_PIDFD | SIGCHLD, 0, &cfd, 0, 0);
  if (r == 0) syscall(SYS_exit_group, 6);
  printf("clone CLONE_PIDFD: %d fd %d\n", r > 0, cfd >= 0);
  printf("clone pidfd cloexec: %d\n", (fcntl(cfd, F_GETFD) & FD_CLOEXEC) != 0);
  rev = pollfd1(cfd, 5000);
  printf("clone pidfd poll: in %d\n", (rev & POLLIN) != 0);
  res("waitid P_PIDFD", waitid(P_PIDFD, cfd, &si, WEXITED));
  printf("  pid ok %d status %d\n", si.si_pid == r, si.si_status);
  close(cfd);
  res("clone CLONE_PIDFD|CLONE_PARENT_SETTID", syscall(SYS_clone, CLONE_PIDFD | CLONE_PARENT_SETTID | SIGCHLD, 0, &cfd, 0, 0));

  // clone3 with CLONE_PIDFD
  struct clone_args_v0 ca;
  memset(&ca, 0, sizeof ca);
  int c3fd = -1;
  ca.flags = CLONE_PIDFD;
  ca.pidfd = (uintptr_t)&c3fd;
  ca.exit_signal = SIGCHLD;
  r = syscall(SYS_clone3, &ca, sizeof ca);
  if (r == 0) syscall(SYS_exit_group, 8);
  printf("clone3 CLONE_PIDFD: %d fd %d\n", r > 0, c3fd >= 0);
  res("waitid P_PIDFD", waitid(P_PIDFD, c3fd, &si, WEXITED));
  printf("  pid ok %d status %d\n", si.si_pid == r, si.si_status);
  close(c3fd);

  // PIDFD_NONBLOCK: waitid would block, so EAGAIN
  int g2[2];
  pipe(g2);
  c = fork();
  if (c == 0) { close(g2[1]); read(g2[0], b, 1); _exit(9); }
  close(g2[0]);
  pfd = pidfd_open(c, PIDFD_NONBLOCK);
  res("waitid on a PIDFD_NONBLOCK pidfd", waitid(P_PIDFD, pfd, &si, WEXITED));
  memset(&si, 0xff, sizeof si);
  res("waitid WNOHANG", waitid(P_PIDFD, pfd, &si, WEXITED | WNOHANG));
  printf("  si_pid %d\n", si.si_pid);
  close(g2[1]);
  pollfd1(pfd, 5000);
  res("waitid after exit", waitid(P_PIDFD, pfd, &si, WEXITED));
  printf("  status %d\n", si.si_status);
  close(pfd);
}

// ---- terminals -------------------------------------------------------------------------------------

static void notty(void) {
  res("tcgetpgrp", tcgetpgrp(0));
  res("tcsetpgrp", tcsetpgrp(0, getpgrp()));
  pid_t sid;
  res("TIOCGSID", ioctl(0, TIOCGSID, &sid));
  res("TIOCSCTTY", ioctl(0, TIOCSCTTY, 0));
  res("TIOCNOTTY", ioctl(0, TIOCNOTTY));
  pid_t c = fork();
  if (c == 0) {
    setpgid(0, 0);
    char b[16];
    int n = read(0, b, sizeof b);
    printf("background read from a pipe: %d\n", n);
    printf("background write: ok\n");
    fflush(stdout);
    _exit(0);
  }
  reap(c, "background reader", 0);
}

static volatile int handled;
static void on_sig(int s) { handled = s; }

static void tty(void) {
  printf("isatty: %d, leader: %d\n", isatty(0), getsid(0) == getpid());
  printf("tcgetpgrp is ours: %d\n", tcgetpgrp(0) == getpgrp());
  pid_t sid = 0;
  res("TIOCGSID", ioctl(0, TIOCGSID, &sid));
  printf("TIOCGSID is our session: %d\n", sid == getsid(0));
  res("tcsetpgrp(-1)", tcsetpgrp(0, -1));
  res("tcsetpgrp(no such group)", tcsetpgrp(0, 3999999));
  fflush(stdout);
  pid_t a = fork();
  if (a == 0) {
    setpgid(0, 0);
    char b[4];
    struct sigaction sa = { .sa_handler = on_sig }; // no SA_RESTART
    sigaction(SIGTTIN, &sa, 0);
    long n = read(0, b, 1);
    printf("A: read with a handler: %ld errno %d handled %d\n", n, n < 0 ? errno : 0, handled);
    signal(SIGTTIN, SIG_IGN);
    n = read(0, b, 1);
    printf("A: read with SIGTTIN ignored: %ld errno %d\n", n, n < 0 ? errno : 0);
    signal(SIGTTIN, SIG_DFL);
    printf("A: write without TOSTOP works\n");
    printf("A: tcgetpgrp from the background is the parent's group: %d\n", tcgetpgrp(0) == getpgid(getppid()));
    fflush(stdout);
    // tcsetattr from the background: SIGTTOU stops us; it restarts when continued
    struct termios t;
    tcgetattr(0, &t);
    t.c_lflag |= TOSTOP;
    int r = tcsetattr(0, TCSANOW, &t);
    printf("A: tcsetattr TOSTOP in the foreground: %d\n", r);
    printf("A: foreground now: %d\n", tcgetpgrp(0) == getpgrp());
    fflush(stdout);
    tcsetpgrp(0, getpgid(getppid())); // give it back (we are in front: no signal)
    printf("A: this line waited until TOSTOP was cleared\n"); // SIGTTOU stops us first
    fflush(stdout);
    // a background group ignoring SIGTTOU may take the terminal (what shells do)
    signal(SIGTTOU, SIG_IGN);
    printf("A: tcsetpgrp with SIGTTOU ignored: %d\n", tcsetpgrp(0, getpgrp()));
    printf("A: foreground again: %d\n", tcgetpgrp(0) == getpgrp());
    tcsetpgrp(0, getpgid(getppid()));
    fflush(stdout);
    _exit(0);
  }
  setpgid(a, a);
  reap(a, "A", WUNTRACED); // stopped by SIGTTOU (tcsetattr)
  kill(a, SIGCONT);
  reap(a, "A", WUNTRACED); // stopped again: the call restarted, still in the background
  printf("give A the terminal: %d\n", tcsetpgrp(0, a));
  fflush(stdout);
  kill(a, SIGCONT);
  reap(a, "A", WUNTRACED); // continued, changed the settings, gave the terminal back, wrote with TOSTOP: stopped
  struct termios t;
  tcgetattr(0, &t);
  t.c_lflag &= ~TOSTOP;
  printf("clear TOSTOP: %d\n", tcsetattr(0, TCSANOW, &t));
  fflush(stdout);
  kill(a, SIGCONT);
  reap(a, "A", 0);

  pid_t b = fork();
  if (b == 0) {
    setsid();
    res("B: tcgetpgrp after setsid", tcgetpgrp(0));
    res("B: TIOCSCTTY of another session's terminal", ioctl(0, TIOCSCTTY, 0));
    fflush(stdout);
    _exit(0);
  }
  reap(b, "B", 0);
  signal(SIGHUP, SIG_IGN); // TIOCNOTTY by the session leader hangs up its foreground group: us
  res("TIOCNOTTY", ioctl(0, TIOCNOTTY));
  res("tcgetpgrp without a terminal", tcgetpgrp(0));
  res("TIOCNOTTY again", ioctl(0, TIOCNOTTY));
  res("TIOCSCTTY", ioctl(0, TIOCSCTTY, 0));
  printf("tcgetpgrp is ours again: %d\n", tcgetpgrp(0) == getpgrp());
}

// ---- strace -f -------------------------------------------------------------------------------------

static void stracef(void) {
  pid_t c = fork();
  if (c == 0) { write(1, "child\n", 6); _exit(3); }
  int st;
  waitpid(c, &st, 0);
  write(1, "parent\n", 7);
}

int main(int argc, char **argv) {
  setvbuf(stdout, 0, _IOLBF, 0);
  const char *mode = argc > 1 ? argv[1] : "";
  if (!strcmp(mode, "orphan")) orphan();
  else if (!strcmp(mode, "pidfd")) pidfds();
  else if (!strcmp(mode, "notty")) notty();
  else if (!strcmp(mode, "tty")) tty();
  else if (!strcmp(mode, "strace")) stracef();
  else { fprintf(stderr, "usage: jobs orphan|pidfd|notty|tty|strace\n"); return 2; }
  return 0;
}
