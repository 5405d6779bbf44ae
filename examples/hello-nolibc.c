/* hello without any libc: _start makes the write and exit_group system calls itself with
 * inline assembly (`syscall` on x86-64, `svc #0` on aarch64). Built with -nostdlib -static it
 * is about 1 KB once stripped, small enough to commit for the aarch64 first-run example. */

#if defined(__x86_64__)
static long sys3(long nr, long a, long b, long c) {
    long ret;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return ret;
}
enum { NR_write = 1, NR_exit_group = 231 };
#elif defined(__aarch64__)
static long sys3(long nr, long a, long b, long c) {
    register long x8 __asm__("x8") = nr;
    register long x0 __asm__("x0") = a;
    register long x1 __asm__("x1") = b;
    register long x2 __asm__("x2") = c;
    __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
    return x0;
}
enum { NR_write = 64, NR_exit_group = 94 };
#else
#error "unsupported architecture"
#endif

static const char msg[] = "hello, world\n";

void _start(void) {
    long n = sys3(NR_write, 1, (long)msg, sizeof msg - 1);
    sys3(NR_exit_group, n == (long)(sizeof msg - 1) ? 0 : 1, 0, 0);
    for (;;) {
    }
}
