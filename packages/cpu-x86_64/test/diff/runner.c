/* The native half of the x86-64 differential harness (see ../README.md).
 *
 *   runner IN OUT
 *
 * IN holds a batch of cases; each is a code snippet plus an initial architectural state (16 GPRs,
 * RFLAGS, a 512-byte FXSAVE image with x87, MXCSR and XMM0-15) and the contents of an 8 KiB
 * memory area mapped at MEM_BASE. For each case the runner copies the snippet to CODE_BASE,
 * appends an absolute jump to `saver`, loads the state and jumps to the snippet. `saver` stores
 * every register and FXSAVEs, then returns to C, which writes the final state and memory to OUT.
 * A snippet that faults (SIGFPE, SIGSEGV, SIGILL, SIGTRAP, SIGBUS) is reported with the signal,
 * the faulting RIP and the GPRs at the fault, caught on an alternate stack.
 *
 * Formats (little-endian):
 *   IN:  "XDIN" u32 count, then per case: u32 code_len, u8 code[code_len], u8 pad to 8,
 *        u64 gpr[16], u64 rflags, u8 fx[512], u8 mem[MEM_SIZE]
 *   OUT: "XDOU" u32 count, then per case: u32 signal (0 = reached the end), u32 pad,
 *        u64 fault_rip, u64 gpr[16], u64 rflags, u8 fx[512], u8 mem[MEM_SIZE]
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#define MEM_BASE 0x10000000UL
#define MEM_SIZE 8192
#define CODE_BASE 0x20000000UL
#define CODE_SIZE 65536

struct regs {
    uint64_t gpr[16];
    uint64_t rflags;
    uint64_t pad;
    uint8_t fx[512] __attribute__((aligned(16)));
};

struct regs in_regs __attribute__((aligned(64)));
struct regs out_regs __attribute__((aligned(64)));
uint64_t host_rsp;
uint64_t code_entry;
uint8_t saver_stack[4096] __attribute__((aligned(16)));

void enter_snippet(void);
void saver(void);

/* enter_snippet: saves the C callee-saved registers and rsp, loads the case state from in_regs
 * and jumps to the snippet. saver: stores the state into out_regs, restores the C context and
 * returns from enter_snippet. Offsets: gpr[i] at 8*i, rflags at 128, fx at 144. */
__asm__(
    ".text\n"
    ".globl enter_snippet\n"
    "enter_snippet:\n"
    "  push %rbx\n push %rbp\n push %r12\n push %r13\n push %r14\n push %r15\n"
    "  mov %rsp, host_rsp(%rip)\n"
    "  fxrstor64 in_regs+144(%rip)\n"
    "  push in_regs+128(%rip)\n"
    "  popfq\n"
    "  mov in_regs+0(%rip), %rax\n"
    "  mov in_regs+8(%rip), %rcx\n"
    "  mov in_regs+16(%rip), %rdx\n"
    "  mov in_regs+24(%rip), %rbx\n"
    "  mov in_regs+40(%rip), %rbp\n"
    "  mov in_regs+48(%rip), %rsi\n"
    "  mov in_regs+56(%rip), %rdi\n"
    "  mov in_regs+64(%rip), %r8\n"
    "  mov in_regs+72(%rip), %r9\n"
    "  mov in_regs+80(%rip), %r10\n"
    "  mov in_regs+88(%rip), %r11\n"
    "  mov in_regs+96(%rip), %r12\n"
    "  mov in_regs+104(%rip), %r13\n"
    "  mov in_regs+112(%rip), %r14\n"
    "  mov in_regs+120(%rip), %r15\n"
    "  mov in_regs+32(%rip), %rsp\n"
    "  jmp *code_entry(%rip)\n"
    ".globl saver\n"
    "saver:\n"
    "  mov %rax, out_regs+0(%rip)\n"
    "  mov %rcx, out_regs+8(%rip)\n"
    "  mov %rdx, out_regs+16(%rip)\n"
    "  mov %rbx, out_regs+24(%rip)\n"
    "  mov %rsp, out_regs+32(%rip)\n"
    "  mov %rbp, out_regs+40(%rip)\n"
    "  mov %rsi, out_regs+48(%rip)\n"
    "  mov %rdi, out_regs+56(%rip)\n"
    "  mov %r8, out_regs+64(%rip)\n"
    "  mov %r9, out_regs+72(%rip)\n"
    "  mov %r10, out_regs+80(%rip)\n"
    "  mov %r11, out_regs+88(%rip)\n"
    "  mov %r12, out_regs+96(%rip)\n"
    "  mov %r13, out_regs+104(%rip)\n"
    "  mov %r14, out_regs+112(%rip)\n"
    "  mov %r15, out_regs+120(%rip)\n"
    "  lea saver_stack+4096(%rip), %rsp\n" /* lea leaves the flags alone */
    "  pushfq\n"
    "  pop out_regs+128(%rip)\n"
    "  cld\n"
    "  fxsave64 out_regs+144(%rip)\n"
    "  mov host_rsp(%rip), %rsp\n"
    "  pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbp\n pop %rbx\n"
    "  ret\n");

static sigjmp_buf fault_jmp;
static volatile int fault_sig;
static volatile uint64_t fault_rip;
static uint64_t fault_gpr[16];

static void on_fault(int sig, siginfo_t *si, void *uc_) {
    (void)si;
    ucontext_t *uc = uc_;
    greg_t *g = uc->uc_mcontext.gregs;
    fault_sig = sig;
    fault_rip = (uint64_t)g[REG_RIP];
    static const int order[16] = { REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
                                   REG_R8,  REG_R9,  REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15 };
    for (int i = 0; i < 16; i++) fault_gpr[i] = (uint64_t)g[order[i]];
    out_regs.rflags = (uint64_t)g[REG_EFL];
    /* the kernel reset the FPU for the handler; the state at the fault is in the frame */
    if (uc->uc_mcontext.fpregs) memcpy(out_regs.fx, uc->uc_mcontext.fpregs, 512);
    siglongjmp(fault_jmp, 1);
}

static void die(const char *what) {
    perror(what);
    exit(2);
}

static void read_exact(FILE *f, void *p, size_t n) {
    if (n && fread(p, 1, n, f) != n) {
        fprintf(stderr, "runner: short input\n");
        exit(2);
    }
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: runner IN OUT\n");
        return 2;
    }
    uint8_t *mem = mmap((void *)MEM_BASE, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (mem != (uint8_t *)MEM_BASE) die("mmap mem");
    uint8_t *code = mmap((void *)CODE_BASE, CODE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (code != (uint8_t *)CODE_BASE) die("mmap code");

    static uint8_t altstack[65536];
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0 };
    if (sigaltstack(&ss, NULL)) die("sigaltstack");
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    int sigs[] = { SIGFPE, SIGSEGV, SIGILL, SIGTRAP, SIGBUS };
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        if (sigaction(sigs[i], &sa, NULL)) die("sigaction");

    FILE *fi = fopen(argv[1], "rb");
    if (!fi) die(argv[1]);
    FILE *fo = fopen(argv[2], "wb");
    if (!fo) die(argv[2]);
    char magic[4];
    uint32_t count;
    read_exact(fi, magic, 4);
    read_exact(fi, &count, 4);
    if (memcmp(magic, "XDIN", 4) != 0) {
        fprintf(stderr, "runner: bad magic\n");
        return 2;
    }
    fwrite("XDOU", 1, 4, fo);
    fwrite(&count, 4, 1, fo);
    for (uint32_t c = 0; c < count; c++) {
        uint32_t len;
        read_exact(fi, &len, 4);
        if (len > CODE_SIZE - 16) {
            fprintf(stderr, "runner: snippet too long\n");
            return 2;
        }
        read_exact(fi, code, len);
        uint8_t pad[8];
        read_exact(fi, pad, (8 - (len + 4) % 8) % 8);
        read_exact(fi, in_regs.gpr, sizeof in_regs.gpr);
        read_exact(fi, &in_regs.rflags, 8);
        read_exact(fi, in_regs.fx, 512);
        read_exact(fi, mem, MEM_SIZE);
        /* jmp *0(%rip); .quad saver */
        uint8_t *j = code + len;
        j[0] = 0xff; j[1] = 0x25; j[2] = j[3] = j[4] = j[5] = 0;
        uint64_t target = (uint64_t)(uintptr_t)saver;
        memcpy(j + 6, &target, 8);
        __builtin___clear_cache((char *)code, (char *)code + len + 14);
        code_entry = CODE_BASE;
        /* force the defined RFLAGS bits: bit 1 set, TF/IF/etc. from the case are masked */
        in_regs.rflags = (in_regs.rflags & 0xcd5) | 0x202;
        memset(&out_regs, 0, sizeof out_regs);
        fault_sig = 0;
        fault_rip = 0;
        uint32_t status = 0;
        if (sigsetjmp(fault_jmp, 1) == 0) {
            enter_snippet();
        } else {
            status = (uint32_t)fault_sig;
            memcpy(out_regs.gpr, fault_gpr, sizeof fault_gpr);
            __asm__ volatile("cld");
        }
        /* back to a sane FPU for C */
        __asm__ volatile("fninit");
        uint32_t mxcsr = 0x1f80;
        __asm__ volatile("ldmxcsr %0" : : "m"(mxcsr));
        uint32_t pad32 = 0;
        uint64_t rip = fault_rip;
        fwrite(&status, 4, 1, fo);
        fwrite(&pad32, 4, 1, fo);
        fwrite(&rip, 8, 1, fo);
        fwrite(out_regs.gpr, 8, 16, fo);
        fwrite(&out_regs.rflags, 8, 1, fo);
        fwrite(out_regs.fx, 1, 512, fo);
        fwrite(mem, 1, MEM_SIZE, fo);
    }
    fclose(fo);
    fclose(fi);
    return 0;
}
