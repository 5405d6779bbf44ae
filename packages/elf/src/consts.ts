// ELF constants (System V gABI, Linux elf.h) and the auxiliary vector types the loader uses.
import { AuxType } from '@elfbox/abi';

export const EM_X86_64 = 62;
export const EM_AARCH64 = 183;
export const ET_EXEC = 2;
export const ET_DYN = 3;

export const PT_NULL = 0;
export const PT_LOAD = 1;
export const PT_DYNAMIC = 2;
export const PT_INTERP = 3;
export const PT_NOTE = 4;
export const PT_SHLIB = 5;
export const PT_PHDR = 6;
export const PT_TLS = 7;
export const PT_GNU_EH_FRAME = 0x6474e550;
export const PT_GNU_STACK = 0x6474e551;
export const PT_GNU_RELRO = 0x6474e552;
export const PT_GNU_PROPERTY = 0x6474e553;

export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;

export const PT_NAMES: Record<number, string> = {
  [PT_NULL]: 'NULL', [PT_LOAD]: 'LOAD', [PT_DYNAMIC]: 'DYNAMIC', [PT_INTERP]: 'INTERP',
  [PT_NOTE]: 'NOTE', [PT_SHLIB]: 'SHLIB', [PT_PHDR]: 'PHDR', [PT_TLS]: 'TLS',
  [PT_GNU_EH_FRAME]: 'GNU_EH_FRAME', [PT_GNU_STACK]: 'GNU_STACK', [PT_GNU_RELRO]: 'GNU_RELRO',
  [PT_GNU_PROPERTY]: 'GNU_PROPERTY',
};

export const DT_NULL = 0;
export const DT_NEEDED = 1;
export const DT_STRTAB = 5;
export const DT_STRSZ = 10;
export const DT_SONAME = 14;
export const DT_RPATH = 15;
export const DT_RUNPATH = 29;

export const EHDR_SIZE = 64;
export const PHDR_SIZE = 56;
export const SHDR_SIZE = 64;
export const ELF_PAGE = 4096;
/** Linux PATH_MAX: the longest PT_INTERP it accepts (including the NUL). */
export const PATH_MAX = 4096;

/**
 * Auxiliary vector types: @elfbox/abi's AuxType plus AT_HWCAP3 / AT_HWCAP4 (Linux 6.16+, arm64),
 * which the abi tables (checked against the 6.1 headers) do not have yet.
 */
export const AUX = { ...AuxType, AT_HWCAP3: 29, AT_HWCAP4: 30 } as const;

export const AUX_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(AUX).map(([k, v]) => [v, k]),
);
