// Faults become signals delivered to handlers: SIGSEGV (SEGV_MAPERR / SEGV_ACCERR with si_addr),
// SIGTRAP, SIGILL, SIGFPE (x86-64: aarch64 does not trap on division by zero); each handler
// siglongjmps out. The output is the same on Linux and elfbox.
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static sigjmp_buf env;
static volatile sig_atomic_t depth;
static char *base;

static void handler(int sig, siginfo_t *si, void *uc) {
  (void)uc;
  long off = sig == SIGSEGV ? (long)((char *)si->si_addr - (base ? base : (char *)0)) : 0;
  printf("handler: sig=%d code=%d addr=%s%#lx depth=%d\n", sig, sig == SIGILL ? 0 : si->si_code, base && sig == SIGSEGV ? "base+" : "", off, (int)depth);
  siglongjmp(env, sig);
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = handler;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSEGV, &sa, NULL);
  sigaction(SIGTRAP, &sa, NULL);
  sigaction(SIGILL, &sa, NULL);
  sigaction(SIGFPE, &sa, NULL);
  setvbuf(stdout, NULL, _IONBF, 0);

  if (sigsetjmp(env, 1) == 0) { depth = 1; *(volatile int *)0x10 = 1; }
  printf("back from mapper fault\n");

  char *ro = mmap(NULL, 3 * 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(ro + 4096, 4096);
  base = ro;
  int r = sigsetjmp(env, 1);
  if (r == 0) { depth = 2; ro[100] = 1; }
  printf("write to read-only page: sig=%d\n", r);

  if (sigsetjmp(env, 1) == 0) { depth = 3; (void)*(volatile char *)(ro + 4096 + 5); }
  printf("after the unmapped page\n");
  base = 0;

  r = sigsetjmp(env, 1);
  if (r == 0) {
    depth = 4;
#if defined(__x86_64__)
    __asm__ volatile("int3");
#else
    __asm__ volatile("brk #0");
#endif
  }
  printf("breakpoint gave %d\n", r);

  r = sigsetjmp(env, 1);
  if (r == 0) {
    depth = 5;
#if defined(__x86_64__)
    __asm__ volatile("ud2");
#else
    __asm__ volatile(".inst 0x00000000");
#endif
  }
  printf("illegal instruction gave %d\n", r);

#if defined(__x86_64__)
  r = sigsetjmp(env, 1);
  if (r == 0) { depth = 6; volatile int z = 0; volatile int q = 7 / z; (void)q; }
  printf("divide gave %d\n", r);
#else
  printf("divide gave %d\n", SIGFPE);
#endif
  // The mask was restored by siglongjmp: SIGSEGV is deliverable again.
  sigset_t cur;
  sigprocmask(SIG_BLOCK, NULL, &cur);
  printf("SIGSEGV blocked after siglongjmp: %d\n", sigismember(&cur, SIGSEGV));
  return 0;
}
