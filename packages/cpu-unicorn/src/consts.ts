// Constants from Unicorn 2.0.1's headers (/usr/include/unicorn/{unicorn,x86,arm64}.h), as numbers.

export const UC_ARCH_ARM64 = 2;
export const UC_ARCH_X86 = 4;
export const UC_MODE_ARM = 0;
export const UC_MODE_64 = 1 << 3;

export const UC_ERR_OK = 0;
export const UC_ERR_READ_UNMAPPED = 6;
export const UC_ERR_WRITE_UNMAPPED = 7;
export const UC_ERR_FETCH_UNMAPPED = 8;
export const UC_ERR_INSN_INVALID = 10;
export const UC_ERR_WRITE_PROT = 12;
export const UC_ERR_READ_PROT = 13;
export const UC_ERR_FETCH_PROT = 14;
export const UC_ERR_READ_UNALIGNED = 16;
export const UC_ERR_WRITE_UNALIGNED = 17;
export const UC_ERR_FETCH_UNALIGNED = 18;
export const UC_ERR_EXCEPTION = 21;

// uc_mem_type
export const UC_MEM_READ_UNMAPPED = 19;
export const UC_MEM_WRITE_UNMAPPED = 20;
export const UC_MEM_FETCH_UNMAPPED = 21;
export const UC_MEM_WRITE_PROT = 22;
export const UC_MEM_READ_PROT = 23;
export const UC_MEM_FETCH_PROT = 24;

// uc_hook_type
export const UC_HOOK_INTR = 1 << 0;
export const UC_HOOK_INSN = 1 << 1;
export const UC_HOOK_MEM_INVALID = 0x3f0; // READ/WRITE/FETCH x UNMAPPED/PROT
export const UC_HOOK_MEM_WRITE = 1 << 11;

export const UC_QUERY_TIMEOUT = 4;

// uc_ctl: UC_CTL(type, nr, rw) = type | nr << 26 | rw << 30
const ctl = (type: number, nr: number, rw: number): number => (type | (nr << 26) | (rw << 30)) | 0;
export const UC_CTL_USE_EXITS_WRITE = ctl(4, 1, 1);
export const UC_CTL_CPU_MODEL_READ = ctl(7, 1, 2);
export const UC_CTL_TB_REMOVE_CACHE_WRITE = ctl(9, 2, 1);
export const UC_CTL_TB_FLUSH = ctl(10, 0, 1);

// x86
export const UC_X86_INS_SYSCALL = 699;
export const UC_X86_INS_CPUID = 113;
/** rax rcx rdx rbx rsp rbp rsi rdi r8..r15 in encoding order. */
export const X86_GPR_IDS = [35, 38, 40, 37, 44, 36, 43, 39, 106, 107, 108, 109, 110, 111, 112, 113];
export const UC_X86_REG_RIP = 41;
export const UC_X86_REG_CR4 = 54;
export const UC_X86_REG_RFLAGS = 253;
export const UC_X86_REG_FS_BASE = 250;
export const UC_X86_REG_GS_BASE = 251;
export const UC_X86_REG_FPSW = 31;
export const UC_X86_REG_FPCW = 246;
export const UC_X86_REG_FPTAG = 247;
export const UC_X86_REG_MXCSR = 249;
/** Physical x87 registers R0..R7 (FP0..FP7); ST(i) is R((TOP+i)&7). */
export const UC_X86_REG_FP0 = 82;
export const UC_X86_REG_ST0 = 114;
export const UC_X86_REG_XMM0 = 122;

// x86 interrupt numbers seen by UC_HOOK_INTR
export const X86_EXC_DE = 0;
export const X86_EXC_DB = 1;
export const X86_EXC_BP = 3;
export const X86_EXC_UD = 6;

// aarch64
/** X0..X28 are consecutive; X29, X30 are separate ids. */
export const A64_X_IDS: number[] = [...Array.from({ length: 29 }, (_, i) => 199 + i), 1, 2];
export const UC_ARM64_REG_SP = 4;
export const UC_ARM64_REG_NZCV = 3;
export const UC_ARM64_REG_PC = 260;
export const UC_ARM64_REG_V0 = 228;
export const UC_ARM64_REG_CPACR_EL1 = 261;
export const UC_ARM64_REG_TPIDR_EL0 = 262;
export const UC_ARM64_REG_FPCR = 291;
export const UC_ARM64_REG_FPSR = 292;

// QEMU's arm exception numbers as UC_HOOK_INTR reports them
export const A64_EXCP_UDEF = 1;
export const A64_EXCP_SWI = 2;
export const A64_EXCP_PREFETCH_ABORT = 3;
export const A64_EXCP_DATA_ABORT = 4;
export const A64_EXCP_BKPT = 7;
export const A64_EXCP_HVC = 11;
export const A64_EXCP_SMC = 13;
