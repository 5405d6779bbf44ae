// Misaligned accesses the CPU faults on become SIGBUS (BUS_ADRALN, si_addr the access): on
// aarch64 an exclusive load (LDXR), a load-acquire (LDAR) and a 32-bit LDAXR at misaligned
// addresses (no FEAT_LSE2: the CPU faults, as qemu-aarch64 does); the handler siglongjmps out. On x86-64 (no alignment
// checking) the same C runs the plain accesses and prints that no signal came.
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static sigjmp_buf env;
static volatile uintptr_t fault_addr;
static volatile int fault_code, fault_sig;
static _Alignas(16) unsigned char buf[64];

static void on(int sig, siginfo_t *si, void *uc) {
  (void)uc;
  fault_sig = sig;
  fault_code = si->si_code;
  fault_addr = (uintptr_t)si->si_addr;
  siglongjmp(env, 1);
}

static void try(const char *what, void (*f)(void *), void *p) {
  fault_sig = 0;
  if (sigsetjmp(env, 1) == 0) {
    f(p);
    printf("%s: no signal\n", what);
  } else {
    printf("%s: signal %d code %d addr is the access %d\n", what, fault_sig, fault_code, fault_addr == (uintptr_t)p);
  }
}

#if defined(__aarch64__)
static void ldxr(void *p) { uint64_t v; __asm__ volatile("ldxr %0, [%1]" : "=r"(v) : "r"(p) : "memory"); }
static void ldar(void *p) { uint64_t v; __asm__ volatile("ldar %0, [%1]" : "=r"(v) : "r"(p) : "memory"); }
static void ldaxrw(void *p) { uint32_t v; __asm__ volatile("ldaxr %w0, [%1]" : "=r"(v) : "r"(p) : "memory"); }
#else
static void ldxr(void *p) { volatile uint64_t *q = p; (void)*q; }
static void ldar(void *p) { __atomic_load_n((uint64_t *)p, __ATOMIC_ACQUIRE); }
static void ldaxrw(void *p) { __atomic_load_n((uint32_t *)p, __ATOMIC_ACQUIRE); }
#endif
static void aligned(void *p) { ldxr(p); ldar(p); }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGBUS, &sa, NULL);
  sigaction(SIGSEGV, &sa, NULL);
  try("aligned exclusive and acquire", aligned, buf + 8);
  try("exclusive load at +1", ldxr, buf + 1);
  try("load-acquire at +3", ldar, buf + 3);
  try("32-bit exclusive acquire at +2", ldaxrw, buf + 2);
  return 0;
}
