// A stack overflow caught by a SIGSEGV handler running on the alternate stack, which
// siglongjmps back; without SA_ONSTACK the same overflow would kill the process.
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static sigjmp_buf env;
static char *alt;
static size_t altsize = 1 << 16;

static void handler(int sig, siginfo_t *si, void *uc) {
  (void)si; (void)uc;
  char here;
  stack_t ss;
  sigaltstack(NULL, &ss);
  printf("caught signal %d on the alternate stack: %d, ss_flags=%d\n", sig, &here >= alt && &here < alt + altsize, ss.ss_flags);
  siglongjmp(env, 1);
}

static int recurse(volatile char *p, int n) {
  volatile char buf[1024];
  buf[0] = (char)n;
  buf[1023] = p ? p[0] : 0;
  return recurse(buf, n + 1) + buf[1];
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  alt = malloc(altsize);
  stack_t ss = { .ss_sp = alt, .ss_size = altsize, .ss_flags = 0 };
  sigaltstack(&ss, NULL);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = handler;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigaction(SIGSEGV, &sa, NULL);
  if (sigsetjmp(env, 1) == 0) {
    recurse(NULL, 0);
    printf("not reached\n");
  }
  stack_t o;
  sigaltstack(NULL, &o);
  printf("back on the main stack; ss_flags=%d\n", o.ss_flags);
  return 0;
}
