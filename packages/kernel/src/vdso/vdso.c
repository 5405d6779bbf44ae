/*
 * elfbox's vDSO: the functions libc calls instead of the time system calls. Built into a small
 * shared object by scripts/build-vdso.sh (gcc / aarch64-linux-gnu-gcc, vdso.lds) and committed as
 * bytes in image.gen.ts. The clocks are read in user space, as Linux's vDSO reads them: the
 * kernel keeps a data page (the vvar page, mapped read-only just below the vDSO, see clock.ts)
 * holding a base time and the counter value it was taken at; the time now is
 *
 *     base + ((counter_now - cycle_last) * mult) >> 32
 *
 * with the counter read by rdtsc (x86-64) or CNTVCT_EL0 (aarch64). When the kernel has no usable
 * counter for this CPU (mode 0) the functions make the system call instead.
 */
#include <stdint.h>

struct vvar {
  uint32_t seq;         /* odd while the kernel updates the page */
  uint32_t mode;        /* 1: counter usable; 0: make the system call */
  uint64_t cycle_last;  /* counter value the bases were taken at */
  uint64_t mono_ns;     /* CLOCK_MONOTONIC at cycle_last (also what the COARSE clocks read) */
  uint64_t real_ns;     /* CLOCK_REALTIME at cycle_last */
  uint64_t mult;        /* nanoseconds per counter tick, 32.32 fixed point */
  uint64_t max_delta;   /* counter deltas are clamped to this */
  uint32_t cpu;         /* what getcpu answers */
  uint32_t pad;
};

/* The vvar page sits one page below the image (vdso.lds). */
extern const volatile struct vvar vvar_page __attribute__((visibility("hidden")));

struct kts { long tv_sec; long tv_nsec; };
struct ktv { long tv_sec; long tv_usec; };
struct ktz { int tz_minuteswest; int tz_dsttime; };

#define NSEC 1000000000ULL

#if defined(__x86_64__)
#define NR_clock_gettime 228
#define NR_gettimeofday 96
#define NR_clock_getres 229
static inline uint64_t read_counter(void) {
  uint32_t lo, hi;
  __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
  return ((uint64_t)hi << 32) | lo;
}
static inline long sys2(long nr, long a, long b) {
  long r;
  __asm__ volatile("syscall" : "=a"(r) : "0"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
  return r;
}
#elif defined(__aarch64__)
#define NR_clock_gettime 113
#define NR_gettimeofday 169
#define NR_clock_getres 114
static inline uint64_t read_counter(void) {
  uint64_t v;
  __asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v) :: "memory");
  return v;
}
static inline long sys2(long nr, long a, long b) {
  register long x8 __asm__("x8") = nr;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1) : "memory");
  return x0;
}
#else
#error "x86-64 or aarch64"
#endif

/* The time on one clock (real or monotonic), fine or coarse; 0 when the counter is unusable. */
static int read_ns(int real, int coarse, uint64_t *out) {
  const volatile struct vvar *v = &vvar_page;
  uint32_t seq;
  uint64_t ns;
  do {
    seq = v->seq;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    ns = real ? v->real_ns : v->mono_ns;
    if (!coarse) {
      if (!v->mode) return 0;
      uint64_t now = read_counter(), last = v->cycle_last;
      uint64_t d = now > last ? now - last : 0;
      if (d > v->max_delta) d = v->max_delta;
      ns += (uint64_t)(((unsigned __int128)d * v->mult) >> 32);
    }
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
  } while ((seq & 1) || seq != v->seq);
  *out = ns;
  return 1;
}

/* Clock ids the kernel answers from the same two clocks (syscalls/sys_time.ts). */
static int clock_kind(int id, int *real, int *coarse) {
  switch (id) {
  case 0: case 11: *real = 1; *coarse = 0; return 1;       /* REALTIME, TAI */
  case 1: case 4: case 7: *real = 0; *coarse = 0; return 1; /* MONOTONIC, MONOTONIC_RAW, BOOTTIME */
  case 5: *real = 1; *coarse = 1; return 1;                 /* REALTIME_COARSE */
  case 6: *real = 0; *coarse = 1; return 1;                 /* MONOTONIC_COARSE */
  default: return 0;
  }
}

int vdso_clock_gettime(int id, struct kts *ts) {
  int real, coarse;
  uint64_t ns;
  if (!clock_kind(id, &real, &coarse) || !read_ns(real, coarse, &ns)) return (int)sys2(NR_clock_gettime, id, (long)ts);
  ts->tv_sec = (long)(ns / NSEC);
  ts->tv_nsec = (long)(ns % NSEC);
  return 0;
}

int vdso_gettimeofday(struct ktv *tv, struct ktz *tz) {
  uint64_t ns;
  if (tv) {
    if (!read_ns(1, 0, &ns)) return (int)sys2(NR_gettimeofday, (long)tv, (long)tz);
    tv->tv_sec = (long)(ns / NSEC);
    tv->tv_usec = (long)(ns % NSEC / 1000);
  }
  if (tz) { tz->tz_minuteswest = 0; tz->tz_dsttime = 0; }
  return 0;
}

int vdso_clock_getres(int id, struct kts *res) {
  int real, coarse;
  if (!clock_kind(id, &real, &coarse)) return (int)sys2(NR_clock_getres, id, (long)res);
  if (res) { res->tv_sec = 0; res->tv_nsec = coarse ? 4000000 : 1; }
  return 0;
}

#if defined(__x86_64__)
long vdso_time(long *t) {
  uint64_t ns;
  read_ns(1, 1, &ns);
  long s = (long)(ns / NSEC);
  if (t) *t = s;
  return s;
}

long vdso_getcpu(unsigned *cpu, unsigned *node, void *unused) {
  (void)unused;
  if (cpu) *cpu = vvar_page.cpu;
  if (node) *node = 0;
  return 0;
}

/* The names x86-64 libcs look up (glibc: __vdso_*, version LINUX_2.6), and Linux's weak aliases. */
int __vdso_clock_gettime(int, struct kts *) __attribute__((alias("vdso_clock_gettime")));
int __vdso_gettimeofday(struct ktv *, struct ktz *) __attribute__((alias("vdso_gettimeofday")));
int __vdso_clock_getres(int, struct kts *) __attribute__((alias("vdso_clock_getres")));
long __vdso_time(long *) __attribute__((alias("vdso_time")));
long __vdso_getcpu(unsigned *, unsigned *, void *) __attribute__((alias("vdso_getcpu")));
int clock_gettime(int, struct kts *) __attribute__((weak, alias("vdso_clock_gettime")));
int gettimeofday(struct ktv *, struct ktz *) __attribute__((weak, alias("vdso_gettimeofday")));
int clock_getres(int, struct kts *) __attribute__((weak, alias("vdso_clock_getres")));
long time(long *) __attribute__((weak, alias("vdso_time")));
long getcpu(unsigned *, unsigned *, void *) __attribute__((weak, alias("vdso_getcpu")));
#else
/* aarch64 names (version LINUX_2.6.39). */
int __kernel_clock_gettime(int, struct kts *) __attribute__((alias("vdso_clock_gettime")));
int __kernel_gettimeofday(struct ktv *, struct ktz *) __attribute__((alias("vdso_gettimeofday")));
int __kernel_clock_getres(int, struct kts *) __attribute__((alias("vdso_clock_getres")));
/* The signal return trampoline: unwinders recognise a signal frame by exactly these two
   instructions at the return address (mov x8, #__NR_rt_sigreturn; svc #0). */
__asm__(".text\n"
        ".globl __kernel_rt_sigreturn\n"
        ".type __kernel_rt_sigreturn, %function\n"
        "\tnop\n"
        "__kernel_rt_sigreturn:\n"
        "\tmov x8, #139\n"
        "\tsvc #0\n"
        ".size __kernel_rt_sigreturn, .-__kernel_rt_sigreturn\n");
#endif
