// Auxiliary vector entry types: <linux/auxvec.h> plus each arch's <asm/auxvec.h>
// (AT_SYSINFO_EHDR and AT_MINSIGSTKSZ are defined by both x86-64 and arm64).

export const AuxType = {
  AT_NULL: 0,
  AT_IGNORE: 1,
  AT_EXECFD: 2,
  AT_PHDR: 3,
  AT_PHENT: 4,
  AT_PHNUM: 5,
  AT_PAGESZ: 6,
  AT_BASE: 7,
  AT_FLAGS: 8,
  AT_ENTRY: 9,
  AT_NOTELF: 10,
  AT_UID: 11,
  AT_EUID: 12,
  AT_GID: 13,
  AT_EGID: 14,
  AT_PLATFORM: 15,
  AT_HWCAP: 16,
  AT_CLKTCK: 17,
  AT_SECURE: 23,
  AT_BASE_PLATFORM: 24,
  AT_RANDOM: 25,
  AT_HWCAP2: 26,
  /** Linux 6.3+ (not in the 6.1 headers these tables were checked against). */
  AT_RSEQ_FEATURE_SIZE: 27,
  /** Linux 6.3+ (not in the 6.1 headers these tables were checked against). */
  AT_RSEQ_ALIGN: 28,
  AT_EXECFN: 31,
  AT_SYSINFO_EHDR: 33,
  AT_MINSIGSTKSZ: 51,
} as const;

export type AuxTypeName = keyof typeof AuxType;

/** Name for each auxv type number (for /proc/self/auxv dumps and `elfbox inspect`). */
export const AUXV_NAMES: Readonly<Record<number, string>> = Object.freeze(
  Object.fromEntries(Object.entries(AuxType).map(([n, v]) => [v, n])),
);
