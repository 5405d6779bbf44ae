// Signal API semantics: masks and pending sets, SA_RESETHAND, SA_NODEFER, sigsuspend,
// sigtimedwait, sigqueue with a value, kill/tgkill to self, sigaltstack queries, SIG_IGN.
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static volatile int hits, nested, depth, maxdepth;
static volatile int got_value;

static void count(int sig) { (void)sig; hits++; }
static volatile int raises;
static void nodefer(int sig) {
  depth++;
  if (depth > maxdepth) maxdepth = depth;
  if (raises++ < 2) raise(sig);
  depth--;
}
static void with_info(int sig, siginfo_t *si, void *uc) {
  (void)sig; (void)uc;
  got_value = si->si_value.sival_int;
  printf("queued: si_code=%d value=%d same-pid=%d\n", si->si_code, si->si_value.sival_int, si->si_pid == getpid());
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);

  // 1. blocked signals stay pending; unblocking delivers them once (standard signals do not queue)
  sa.sa_handler = count;
  sigaction(SIGUSR1, &sa, NULL);
  sigset_t m, pend, old;
  sigemptyset(&m);
  sigaddset(&m, SIGUSR1);
  sigprocmask(SIG_BLOCK, &m, &old);
  kill(getpid(), SIGUSR1);
  kill(getpid(), SIGUSR1);
  sigpending(&pend);
  printf("pending USR1=%d USR2=%d hits=%d\n", sigismember(&pend, SIGUSR1), sigismember(&pend, SIGUSR2), hits);
  sigprocmask(SIG_SETMASK, &old, NULL);
  printf("after unblock hits=%d\n", hits);

  // 2. SA_RESETHAND: the second signal takes the default action (SIGURG: ignored)
  sa.sa_flags = SA_RESETHAND;
  sigaction(SIGURG, &sa, NULL);
  raise(SIGURG);
  raise(SIGURG);
  struct sigaction cur;
  sigaction(SIGURG, NULL, &cur);
  printf("resethand: hits=%d handler-now-default=%d\n", hits, cur.sa_handler == SIG_DFL);

  // 3. SA_NODEFER lets the handler interrupt itself
  sa.sa_handler = nodefer;
  sa.sa_flags = SA_NODEFER;
  sigaction(SIGUSR2, &sa, NULL);
  raise(SIGUSR2);
  printf("nodefer: max depth %d\n", maxdepth);
  sa.sa_flags = 0;
  maxdepth = depth = raises = 0;
  sigaction(SIGUSR2, &sa, NULL);
  raise(SIGUSR2);
  printf("deferred: max depth %d\n", maxdepth);

  // 4. sigsuspend waits with a temporary mask and returns -1 EINTR after the handler
  sa.sa_handler = count;
  sigaction(SIGUSR1, &sa, NULL);
  sigprocmask(SIG_BLOCK, &m, NULL);
  kill(getpid(), SIGUSR1);
  sigset_t none;
  sigemptyset(&none);
  hits = 0;
  int r = sigsuspend(&none);
  printf("sigsuspend: r=%d errno=%s hits=%d\n", r, strerror(errno), hits);
  sigprocmask(SIG_BLOCK, NULL, &cur.sa_mask);
  printf("mask restored: USR1 blocked %d\n", sigismember(&cur.sa_mask, SIGUSR1));

  // 5. sigtimedwait takes a blocked pending signal without running the handler
  kill(getpid(), SIGUSR1);
  siginfo_t si;
  struct timespec ts = { 0, 20 * 1000 * 1000 };
  r = sigtimedwait(&m, &si, &ts);
  printf("sigtimedwait: %d si_signo=%d si_code=%d hits=%d\n", r, si.si_signo, si.si_code, hits);
  r = sigtimedwait(&m, &si, &ts);
  printf("sigtimedwait again: %d errno=%s\n", r, strerror(errno));

  // 6. sigqueue carries a value to an SA_SIGINFO handler
  sa.sa_sigaction = with_info;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGRTMIN + 1, &sa, NULL);
  union sigval v = { .sival_int = 42 };
  sigqueue(getpid(), SIGRTMIN + 1, v);
  printf("value seen: %d\n", got_value);

  // 7. tgkill to this thread; SIG_IGN drops the signal
  sa.sa_handler = count;
  sa.sa_flags = 0;
  sigaction(SIGWINCH, &sa, NULL);
  hits = 0;
  syscall(SYS_tgkill, getpid(), gettid(), SIGWINCH);
  sa.sa_handler = SIG_IGN;
  sigaction(SIGTERM, &sa, NULL);
  kill(getpid(), SIGTERM);
  printf("tgkill hits=%d, ignored SIGTERM survived\n", hits);

  // 8. sigaltstack: disabled by default, then set and reported
  stack_t ss;
  sigaltstack(NULL, &ss);
  printf("altstack: flags=%d\n", ss.ss_flags);
  static char stk[65536];
  ss.ss_sp = stk; ss.ss_size = sizeof stk; ss.ss_flags = 0;
  printf("set: %d\n", sigaltstack(&ss, NULL));
  stack_t o;
  sigaltstack(NULL, &o);
  printf("now: flags=%d size=%zu same-sp=%d\n", o.ss_flags, o.ss_size, o.ss_sp == stk);
  ss.ss_size = 100;
  r = sigaltstack(&ss, NULL);
  printf("too small: %d %s\n", r, strerror(errno));
  r = kill(getpid(), 65);
  printf("bad signal: %d %s\n", r, strerror(errno));
  return 0;
}
