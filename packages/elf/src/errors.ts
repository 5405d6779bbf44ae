// Typed errors of the ELF parser and loader. Every failure on bad input is an ElfError with a
// stable .code (what is wrong) and the errno Linux's execve would return for it.

/** errno values (Linux numbers) used here; kept local so this file has no dependencies. */
export const ENOEXEC = 8;
export const E2BIG = 7;
export const ENOMEM = 12;
export const EINVAL = 22;
export const ELIBBAD = 80;

export type ElfErrorCode =
  | 'TRUNCATED'          // file shorter than a header or table it declares
  | 'BAD_MAGIC'          // not \x7fELF
  | 'BAD_CLASS'          // not ELFCLASS64
  | 'BAD_ENDIAN'         // not ELFDATA2LSB
  | 'BAD_VERSION'        // e_ident[EI_VERSION] or e_version != 1
  | 'BAD_MACHINE'        // e_machine not EM_X86_64 / EM_AARCH64
  | 'BAD_TYPE'           // e_type not ET_EXEC / ET_DYN
  | 'BAD_EHSIZE'         // e_ehsize smaller than the ELF64 header
  | 'BAD_PHENTSIZE'      // e_phentsize != 56
  | 'BAD_PHNUM'          // no program headers, or a table larger than a page (Linux's limit)
  | 'PHDRS_OUT_OF_FILE'  // e_phoff + table size past the end of the file
  | 'NO_LOAD'            // no PT_LOAD segment
  | 'LOAD_ORDER'         // PT_LOAD segments unsorted or overlapping
  | 'FILESZ_GT_MEMSZ'    // p_filesz > p_memsz
  | 'SEGMENT_PAST_EOF'   // p_offset + p_filesz past the end of the file
  | 'MISALIGNED'         // p_vaddr and p_offset differ modulo the page size
  | 'ABSURD_SIZE'        // a size too large to load (segment or whole image span)
  | 'ADDRESS_OVERFLOW'   // an address past the user address space (2^47 x86-64, 2^48 aarch64)
  | 'BAD_INTERP'         // PT_INTERP empty, too long, not NUL-terminated, outside the file
  | 'MULTIPLE_INTERP'    // more than one PT_INTERP
  | 'INTERP_MISMATCH'    // interpreter for another machine, or itself wanting an interpreter
  | 'INTERP_MISSING'     // the executable names an interpreter but none was supplied
  | 'NO_SPACE'           // no room for the image / stack in the address space
  | 'ARGS_TOO_BIG'       // argv + envp + auxv do not fit the stack
  | 'BAD_OPTIONS';       // a LoadOptions value that cannot be used (random not 16 bytes ...)

const ERRNO: Record<ElfErrorCode, number> = {
  TRUNCATED: ENOEXEC, BAD_MAGIC: ENOEXEC, BAD_CLASS: ENOEXEC, BAD_ENDIAN: ENOEXEC,
  BAD_VERSION: ENOEXEC, BAD_MACHINE: ENOEXEC, BAD_TYPE: ENOEXEC, BAD_EHSIZE: ENOEXEC,
  BAD_PHENTSIZE: ENOEXEC, BAD_PHNUM: ENOEXEC, PHDRS_OUT_OF_FILE: ENOEXEC, NO_LOAD: ENOEXEC,
  LOAD_ORDER: ENOEXEC, FILESZ_GT_MEMSZ: EINVAL, SEGMENT_PAST_EOF: ENOEXEC, MISALIGNED: EINVAL,
  ABSURD_SIZE: ENOMEM, ADDRESS_OVERFLOW: EINVAL, BAD_INTERP: ENOEXEC, MULTIPLE_INTERP: ENOEXEC,
  INTERP_MISMATCH: ELIBBAD, INTERP_MISSING: ENOEXEC, NO_SPACE: ENOMEM, ARGS_TOO_BIG: E2BIG,
  BAD_OPTIONS: EINVAL,
};

export class ElfError extends Error {
  /** The errno execve(2) would fail with (Linux numbers). */
  readonly errno: number;
  constructor(readonly code: ElfErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = 'ElfError';
    this.errno = ERRNO[code];
  }
}

/**
 * Thrown by simpleLoaderMemory (and usable by any LoaderMemory) when a mapping cannot be made:
 * the kernel-style typed error the loader lets through. errno as Linux mmap would give.
 */
export class LoaderMemoryError extends Error {
  constructor(readonly errno: number, message: string) {
    super(message);
    this.name = 'LoaderMemoryError';
  }
}
