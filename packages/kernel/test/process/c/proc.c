// Process tests for elfbox: each mode prints lines that do not depend on pids or timing, so the
// output under elfbox can be compared with a native (or qemu-user) run.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <termios.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <unistd.h>
#include "wait-status.h"

static char *self;


/** A call's result and, when it failed, errno (read after the call, whatever the compiler's argument order). */
static void res(const char *what, long r) {
  printf("%s: %ld errno %d\n", what, r, r < 0 ? errno : 0);
}

static pid_t reap(pid_t p, const char *what) {
  int st = 0;
  pid_t r = waitpid(p, &st, 0);
  if (r != p) printf("%s: waitpid returned %d errno %d\n", what, r, errno);
  else show(what, st);
  return r;
}

static void statuses(void) {
  pid_t p = fork();
  if (p == 0) _exit(7);
  reap(p, "exit(7)");
  p = fork();
  if (p == 0) { kill(getpid(), SIGTERM); pause(); _exit(0); }
  reap(p, "SIGTERM");
  p = fork();
  if (p == 0) { volatile int *bad = (int *)16; *bad = 1; _exit(0); }
  reap(p, "segfault");
  p = fork();
  if (p == 0) { abort(); }
  reap(p, "abort");
  // WNOHANG on a running child, then SIGKILL
  p = fork();
  if (p == 0) { for (;;) pause(); }
  int st = 0;
  printf("WNOHANG: %d\n", waitpid(p, &st, WNOHANG));
  kill(p, SIGKILL);
  reap(p, "SIGKILL");
  // stop / continue
  int go[2];
  pipe(go);
  p = fork();
  if (p == 0) { char c; raise(SIGSTOP); read(go[0], &c, 1); printf("child continued\n"); fflush(stdout); _exit(3); }
  if (waitpid(p, &st, WUNTRACED) == p) show("WUNTRACED", st);
  kill(p, SIGCONT);
  if (waitpid(p, &st, WCONTINUED) == p) show("WCONTINUED", st);
  write(go[1], "x", 1);
  reap(p, "after SIGCONT");
  // waitid with WNOWAIT leaves the zombie for a second wait
  p = fork();
  if (p == 0) _exit(9);
  siginfo_t si;
  memset(&si, 0, sizeof si);
  int r = waitid(P_PID, p, &si, WEXITED | WNOWAIT);
  printf("waitid: r=%d signo=%d code=%d status=%d pid_ok=%d\n", r, si.si_signo, si.si_code, si.si_status, si.si_pid == p);
  reap(p, "after WNOWAIT");
  res("no children", wait(&st));
}

static void vforks(void) {
  int x = 1;
  pid_t p = vfork();
  if (p == 0) { x = 2; _exit(5); }
  printf("vfork shared memory: x=%d\n", x);
  reap(p, "vfork _exit(5)");
  p = vfork();
  if (p == 0) { execl(self, self, "hello", (char *)0); _exit(127); }
  reap(p, "vfork exec");
}

static void execs(const char *dir) {
  char path[512];
  // a #! script whose interpreter is this program: Linux passes the rest of the line as one argument
  snprintf(path, sizeof path, "%s/script.sh", dir);
  FILE *f = fopen(path, "w");
  fprintf(f, "#!%s   argv  one two  \necho not run\n", self);
  fclose(f);
  chmod(path, 0755);
  pid_t p = fork();
  if (p == 0) { execl(path, "ignored", "extra", (char *)0); printf("exec script: errno %d\n", errno); _exit(1); }
  reap(p, "script");
  // errors: missing, not executable, not a binary, a directory, too long
  errno = 0; execl("/nonexistent/x", "x", (char *)0); printf("missing: errno %d\n", errno);
  snprintf(path, sizeof path, "%s/noexec", dir);
  f = fopen(path, "w"); fputs("data\n", f); fclose(f);
  chmod(path, 0644);
  errno = 0; execl(path, "x", (char *)0); printf("not executable: errno %d\n", errno);
  chmod(path, 0755);
  errno = 0; execl(path, "x", (char *)0); printf("not a binary: errno %d\n", errno);
  errno = 0; execl(dir, "x", (char *)0); printf("directory: errno %d\n", errno);
  char *big = malloc(200000);
  memset(big, 'a', 199999); big[199999] = 0;
  errno = 0; execl(self, self, big, (char *)0); printf("huge argument: errno %d\n", errno);
  // FD_CLOEXEC: fd 5 survives exec, fd 6 does not
  int a = open("/dev/null", O_RDONLY), b = open("/dev/null", O_RDONLY | O_CLOEXEC);
  dup2(a, 5);
  dup3(b, 6, O_CLOEXEC);
  p = fork();
  if (p == 0) { execl(self, self, "fds", (char *)0); _exit(127); }
  reap(p, "cloexec");
  // the fd table is copied, the open file description (offset) is shared
  snprintf(path, sizeof path, "%s/shared", dir);
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
  p = fork();
  if (p == 0) { write(fd, "child ", 6); _exit(0); }
  reap(p, "writer");
  write(fd, "parent\n", 7);
  char buf[64] = {0};
  pread(fd, buf, sizeof buf - 1, 0);
  printf("shared offset: %s", buf);
}

static void pipeline(void) {
  int p1[2], p2[2];
  pipe(p1);
  pipe(p2);
  pid_t a = fork();
  if (a == 0) {
    dup2(p1[1], 1); close(p1[0]); close(p1[1]); close(p2[0]); close(p2[1]);
    for (int i = 1; i <= 200; i++) printf("line %d\n", i);
    exit(0);
  }
  pid_t b = fork();
  if (b == 0) {
    dup2(p1[0], 0); dup2(p2[1], 1); close(p1[0]); close(p1[1]); close(p2[0]); close(p2[1]);
    char line[64];
    while (fgets(line, sizeof line, stdin)) if (strchr(line, '7')) fputs(line, stdout);
    exit(0);
  }
  pid_t c = fork();
  if (c == 0) {
    dup2(p2[0], 0); close(p1[0]); close(p1[1]); close(p2[0]); close(p2[1]);
    char line[64];
    int n = 0;
    char last[64] = "";
    while (fgets(line, sizeof line, stdin)) { n++; strcpy(last, line); }
    printf("counted %d, last %s", n, last);
    exit(n);
  }
  close(p1[0]); close(p1[1]); close(p2[0]); close(p2[1]);
  int sa, sb, sc;
  waitpid(c, &sc, 0);
  waitpid(a, &sa, 0);
  waitpid(b, &sb, 0);
  show("producer", sa);
  show("filter", sb);
  show("counter", sc);
}

static void orphans(void) {
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  pid_t top = getpid();
  int fds[2];
  pipe(fds);
  pid_t mid = fork();
  if (mid == 0) {
    pid_t g = fork();
    if (g == 0) {
      close(fds[1]);
      char c;
      read(fds[0], &c, 1); // until the middle process is gone
      while (getppid() != top) usleep(1000);
      printf("grandchild adopted by the subreaper\n");
      fflush(stdout);
      _exit(4);
    }
    _exit(0);
  }
  close(fds[0]);
  reap(mid, "middle");
  close(fds[1]);
  int st;
  pid_t r = wait(&st);
  printf("wait got the grandchild: %d\n", r > 0 && r != mid);
  show("grandchild", st);
  // PR_SET_PDEATHSIG: the grandchild gets SIGTERM when its parent dies
  pipe(fds);
  mid = fork();
  if (mid == 0) {
    pid_t g = fork();
    if (g == 0) {
      prctl(PR_SET_PDEATHSIG, SIGTERM);
      close(fds[0]);
      write(fds[1], "x", 1);
      for (;;) pause();
    }
    char c;
    close(fds[1]);
    read(fds[0], &c, 1);
    _exit(0);
  }
  close(fds[0]); close(fds[1]);
  reap(mid, "middle 2");
  r = wait(&st);
  show("pdeathsig grandchild", st);
}

static void groups(void) {
  pid_t kids[3];
  int ready[2];
  pipe(ready);
  for (int i = 0; i < 3; i++) {
    kids[i] = fork();
    if (kids[i] == 0) {
      setpgid(0, i == 0 ? 0 : kids[0]);
      close(ready[0]);
      write(ready[1], "x", 1);
      for (;;) pause();
    }
    setpgid(kids[i], kids[0]);
  }
  close(ready[1]);
  char c;
  for (int i = 0; i < 3; i++) read(ready[0], &c, 1);
  printf("same group: %d %d\n", getpgid(kids[1]) == kids[0], getpgid(kids[2]) == kids[0]);
  printf("kill group: %d\n", kill(-kids[0], SIGTERM));
  for (int i = 0; i < 3; i++) reap(kids[i], "member");
  res("kill empty group", kill(-kids[0], SIGTERM));
  pid_t p = fork();
  if (p == 0) {
    pid_t s = setsid();
    printf("setsid: %d sid=%d pgid=%d\n", s == getpid(), getsid(0) == getpid(), getpgrp() == getpid());
    res("setsid again", setsid());
    res("setpgid leader", setpgid(0, getppid()));
    fflush(stdout);
    _exit(0);
  }
  reap(p, "session child");
  res("getpgid(missing)", getpgid(999999));
}

static void sigchld(void) {
  signal(SIGCHLD, SIG_IGN);
  pid_t p = fork();
  if (p == 0) _exit(1);
  int st;
  pid_t r = waitpid(p, &st, 0);
  res("SIG_IGN auto-reap", r);
  signal(SIGCHLD, SIG_DFL);
  struct sigaction sa = { .sa_handler = SIG_DFL, .sa_flags = SA_NOCLDWAIT };
  sigaction(SIGCHLD, &sa, 0);
  p = fork();
  if (p == 0) _exit(1);
  r = waitpid(p, &st, 0);
  res("SA_NOCLDWAIT auto-reap", r);
  signal(SIGCHLD, SIG_DFL);
}

static void nproc(void) {
  struct rlimit rl = { 8, 8 };
  setrlimit(RLIMIT_NPROC, &rl);
  int n = 0, err = 0;
  for (int i = 0; i < 50; i++) {
    pid_t p = fork();
    if (p == 0) { for (;;) pause(); }
    if (p < 0) { err = errno; break; }
    n++;
  }
  printf("forks before EAGAIN: %d (errno %d)\n", n, err);
  kill(0, SIGKILL);
}

// wait4's rusage and RUSAGE_CHILDREN: a grandchild burns CPU, the child waits for it and exits;
// the parent's wait4 reports both (Linux's RUSAGE_BOTH of the child), getrusage and times() agree.
static void usage(void) {
  pid_t p = fork();
  if (p == 0) {
    pid_t g = fork();
    if (g == 0) {
      volatile unsigned long x = 0;
      for (unsigned long i = 0; i < 20000000; i++) x += i;
      _exit(0);
    }
    int st;
    waitpid(g, &st, 0);
    _exit(0);
  }
  struct rusage before, ru, after;
  getrusage(RUSAGE_CHILDREN, &before);
  memset(&ru, 0xff, sizeof ru);
  int st;
  pid_t w = wait4(p, &st, 0, &ru);
  getrusage(RUSAGE_CHILDREN, &after);
  long us = ru.ru_utime.tv_sec * 1000000L + ru.ru_utime.tv_usec;
  long b = before.ru_utime.tv_sec * 1000000L + before.ru_utime.tv_usec;
  long a = after.ru_utime.tv_sec * 1000000L + after.ru_utime.tv_usec;
  printf("wait4 %d, child+grandchild utime > 0: %d, usec < 1e6: %d\n", w == p, us > 0, ru.ru_utime.tv_usec >= 0 && ru.ru_utime.tv_usec < 1000000);
  printf("RUSAGE_CHILDREN before 0: %d, after == wait4's: %d\n", b == 0, a == us);
  struct tms t;
  times(&t);
  printf("times cutime == RUSAGE_CHILDREN in ticks: %d\n", (long)t.tms_cutime == a / (1000000 / sysconf(_SC_CLK_TCK)));
  // WNOHANG with nothing to report: Linux leaves the rusage untouched
  p = fork();
  if (p == 0) { pause(); _exit(0); }
  memset(&ru, 0xff, sizeof ru);
  w = wait4(p, &st, WNOHANG, &ru);
  printf("WNOHANG: %d, rusage untouched: %d\n", w, ru.ru_utime.tv_sec == -1 && ru.ru_maxrss == -1);
  kill(p, SIGKILL);
  waitpid(p, &st, 0);
}

// tcgetpgrp / tcsetpgrp on the controlling terminal (stdout must be one: run under a pty)
static void tty(void) {
  printf("foreground is my group: %d\n", tcgetpgrp(1) == getpgrp());
  signal(SIGTTOU, SIG_IGN); // a background group's tcsetpgrp would stop it otherwise
  pid_t p = fork();
  if (p == 0) { setpgid(0, 0); pause(); _exit(0); }
  setpgid(p, p);
  printf("tcsetpgrp(child's group): %d\n", tcsetpgrp(1, p));
  printf("foreground is the child's group: %d\n", tcgetpgrp(1) == p);
  pid_t gone = fork();
  if (gone == 0) _exit(0);
  int st;
  waitpid(gone, &st, 0);
  errno = 0;
  int r = tcsetpgrp(1, gone);
  printf("a group that does not exist: %d errno %d\n", r, errno);
  errno = 0;
  r = tcsetpgrp(1, -1);
  printf("negative: %d errno %d\n", r, errno);
  r = tcsetpgrp(1, getpgrp());
  printf("back to mine: %d, foreground is my group: %d\n", r, tcgetpgrp(1) == getpgrp());
  kill(p, SIGKILL);
  waitpid(p, &st, 0);
}

int main(int argc, char **argv) {
  self = argv[0];
  setvbuf(stdout, 0, _IOLBF, 0);
  if (argc > 1 && !strncmp(argv[1], "argv", 4)) {
    for (int i = 1; i < argc; i++) {
      const char *a = argv[i], *slash = strrchr(a, '/');
      printf("arg%d=[%s]\n", i, i == 2 && slash ? slash + 1 : a);
    }
    return 0;
  }
  if (argc > 1 && !strcmp(argv[1], "hello")) { printf("hello from exec\n"); return 0; }
  if (argc > 1 && !strcmp(argv[1], "fds")) {
    printf("fd5 open: %d, fd6 open: %d\n", fcntl(5, F_GETFD) >= 0, fcntl(6, F_GETFD) >= 0);
    return 0;
  }
  const char *mode = argc > 1 ? argv[1] : "";
  if (!strcmp(mode, "status")) statuses();
  else if (!strcmp(mode, "vfork")) vforks();
  else if (!strcmp(mode, "exec")) execs(argv[2]);
  else if (!strcmp(mode, "pipeline")) pipeline();
  else if (!strcmp(mode, "orphan")) orphans();
  else if (!strcmp(mode, "group")) groups();
  else if (!strcmp(mode, "sigchld")) sigchld();
  else if (!strcmp(mode, "nproc")) nproc();
  else if (!strcmp(mode, "rusage")) usage();
  else if (!strcmp(mode, "tty")) tty();
  else if (!strcmp(mode, "xexec")) { // fork and exec another program (of either arch) with "hello"
    pid_t p = fork();
    if (p == 0) { execl(argv[2], argv[2], "hello", (char *)0); _exit(127); }
    reap(p, "xexec");
  }
  else { fprintf(stderr, "usage: proc status|vfork|exec DIR|pipeline|orphan|group|sigchld|nproc\n"); return 2; }
  return 0;
}
