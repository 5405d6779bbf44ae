// Handlers that read and edit the saved context: a SIGSEGV handler moves the pc to another
// function (resuming elsewhere), a SIGUSR1 handler changes a saved register and checks the
// saved FP state; FP registers survive a handler that clobbers its own.
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

static volatile double sink;

static void landing(void) {
  printf("resumed in landing()\n");
  fflush(stdout);
  exit(3);
}

static void on_segv(int sig, siginfo_t *si, void *p) {
  ucontext_t *uc = p;
  (void)sig; (void)si;
#if defined(__x86_64__)
  uc->uc_mcontext.gregs[REG_RIP] = (greg_t)landing;
  uc->uc_mcontext.gregs[REG_RSP] = (uc->uc_mcontext.gregs[REG_RSP] & ~15L) - 8;
#else
  uc->uc_mcontext.pc = (unsigned long)landing;
  uc->uc_mcontext.sp &= ~15UL;
#endif
}

static void on_usr1(int sig, siginfo_t *si, void *p) {
  ucontext_t *uc = p;
  volatile double x = 1.0;
  for (int i = 0; i < 10; i++) x = x * 3.5 + 1; // clobber FP registers in the handler
  sink = x;
#if defined(__x86_64__)
  printf("usr1: si_code=%d mxcsr=%#x fpstate=%s\n", si->si_code,
         uc->uc_mcontext.fpregs->mxcsr & 0xffc0, uc->uc_mcontext.fpregs ? "yes" : "no");
#else
  struct _aarch64_ctx *h = (struct _aarch64_ctx *)uc->uc_mcontext.__reserved;
  printf("usr1: si_code=%d first record magic=%#x size=%u\n", si->si_code, h->magic, h->size);
#endif
  printf("usr1: saved mask has SIGUSR2: %d, current mask has SIGUSR1: %d\n",
         sigismember(&uc->uc_sigmask, SIGUSR2), ({ sigset_t c; sigprocmask(SIG_BLOCK, NULL, &c); sigismember(&c, SIGUSR1); }));
  (void)sig;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_flags = SA_SIGINFO;
  sa.sa_sigaction = on_usr1;
  sigaction(SIGUSR1, &sa, NULL);
  sigset_t m;
  sigemptyset(&m);
  sigaddset(&m, SIGUSR2);
  sigprocmask(SIG_BLOCK, &m, NULL);
  volatile double a = 1.25, b = 2.5;
  double before = a * b;
  raise(SIGUSR1);
  double after = a * b;
  printf("fp preserved across handler: %d (%g)\n", before == after, after);
  sigset_t cur;
  sigprocmask(SIG_BLOCK, NULL, &cur);
  printf("after return: SIGUSR1 blocked %d, SIGUSR2 blocked %d\n", sigismember(&cur, SIGUSR1), sigismember(&cur, SIGUSR2));

  sa.sa_sigaction = on_segv;
  sigaction(SIGSEGV, &sa, NULL);
  *(volatile int *)8 = 1;
  printf("not reached\n");
  return 0;
}
