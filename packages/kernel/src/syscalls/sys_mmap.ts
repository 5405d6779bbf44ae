// brk, mmap, munmap, mprotect, mremap, madvise, msync, mincore, mlock family: decode, call mm, encode.
import { MADV, MAP, MREMAP, MS, PROT } from '@elfbox/abi';
import { PAGE_SIZE } from '@elfbox/cpu';
import type { SyscallResult } from '../block.js';
import { Errno, SysError } from '../errors.js';
import { TASK_SIZE, type MappableFile } from '../mm.js';
import type { Call } from './types.js';

const PROT_KNOWN = PROT.PROT_READ | PROT.PROT_WRITE | PROT.PROT_EXEC | PROT.PROT_GROWSDOWN | PROT.PROT_GROWSUP | PROT.PROT_BTI | PROT.PROT_MTE;
/** Every flag Linux 6.x knows for mmap (MAP_SHARED_VALIDATE rejects the others with EOPNOTSUPP). */
const MAP_KNOWN = 0x3 | 0x0f | MAP.MAP_FIXED | MAP.MAP_ANONYMOUS | 0x40 /* 32BIT */ | 0x100 /* GROWSDOWN */ | 0x800 /* DENYWRITE */ |
  0x1000 /* EXECUTABLE */ | 0x2000 /* LOCKED */ | 0x4000 /* NORESERVE */ | 0x8000 /* POPULATE */ | 0x10000 /* NONBLOCK */ |
  0x20000 /* STACK */ | 0x40000 /* HUGETLB */ | 0x80000 /* SYNC */ | 0x100000 /* FIXED_NOREPLACE */ | 0x4000000 /* UNINITIALIZED */ | (0x3f << 26);

const pageUp = (n: number) => Math.ceil(n / PAGE_SIZE) * PAGE_SIZE;

export function sys_brk(c: Call): SyscallResult {
  return c.mm.brk(c.num(0));
}

export function sys_mmap(c: Call): SyscallResult {
  const addr = c.num(0), len = c.num(1), prot = c.i32(2), flags = c.i32(3), fd = c.i32(4), off = c.snum(5);
  if (prot & ~PROT_KNOWN) throw new SysError(Errno.EINVAL);
  const type = flags & MAP.MAP_TYPE;
  if (type !== MAP.MAP_SHARED && type !== MAP.MAP_PRIVATE && type !== MAP.MAP_SHARED_VALIDATE) throw new SysError(Errno.EINVAL);
  if (type === MAP.MAP_SHARED_VALIDATE && flags & ~MAP_KNOWN) throw new SysError(Errno.EOPNOTSUPP);
  if (len === 0) throw new SysError(Errno.EINVAL);
  if (!Number.isFinite(len) || pageUp(len) > TASK_SIZE) throw new SysError(Errno.ENOMEM);
  const anon = (flags & MAP.MAP_ANONYMOUS) !== 0;
  if (!anon && (off < 0 || off % PAGE_SIZE !== 0 || !Number.isFinite(off))) throw new SysError(Errno.EINVAL);
  if (!anon && off + pageUp(len) > Number.MAX_SAFE_INTEGER) throw new SysError(Errno.EOVERFLOW);
  if (flags & 0x40000 /* MAP_HUGETLB */ && !anon) throw new SysError(Errno.EINVAL);
  const desc = anon ? undefined : c.tg.fds.get(fd);
  if (desc && (!desc.readable || (type !== MAP.MAP_PRIVATE && prot & PROT.PROT_WRITE && !desc.writable))) throw new SysError(Errno.EACCES);
  let file: MappableFile | undefined;
  if (desc) {
    const m = desc.mappable();
    const hostPath = (desc as unknown as { hostPath?: unknown }).hostPath;
    file = typeof hostPath === 'string' ? { name: m.name, dev: m.dev, ino: m.ino, readAt: (o, n) => m.readAt(o, n), hostPath } : {
      name: m.name, dev: m.dev, ino: m.ino, readAt: (o, n) => m.readAt(o, n), size: () => Number(desc.stat().size),
      writeAt: m.writeAt ? (o, d) => m.writeAt!(o, d) : (o, d) => {
        // a file the kernel holds (memfd, tmpfs): write through its description, within its size
        const n = Math.min(d.length, Number(desc.stat().size) - o);
        if (n > 0) desc.pwrite(d.subarray(0, n), o);
      },
    };
  }
  const fixed = (flags & MAP.MAP_FIXED) !== 0;
  if (!Number.isFinite(addr) || (fixed && addr + pageUp(len) > TASK_SIZE)) {
    if (fixed || flags & MAP.MAP_FIXED_NOREPLACE) throw new SysError(Errno.ENOMEM);
  }
  const res = c.mm.mmap({
    addr: Number.isFinite(addr) ? addr : 0,
    len,
    prot: prot & 7,
    fixed,
    noReplace: !fixed && (flags & MAP.MAP_FIXED_NOREPLACE) !== 0,
    shared: type !== MAP.MAP_PRIVATE,
    file,
    offset: anon ? 0 : off,
    kind: flags & MAP.MAP_STACK || flags & MAP.MAP_GROWSDOWN ? 'anon' : undefined,
    growsDown: (flags & MAP.MAP_GROWSDOWN) !== 0,
  });
  return res;
}

export function sys_munmap(c: Call): SyscallResult {
  c.mm.munmap(c.num(0), c.num(1));
  return 0;
}

export function sys_mprotect(c: Call): SyscallResult {
  const prot = c.i32(2);
  if (prot & ~PROT_KNOWN || (prot & PROT.PROT_GROWSDOWN && prot & PROT.PROT_GROWSUP)) throw new SysError(Errno.EINVAL);
  let addr = c.num(0), len = c.num(1);
  if (prot & PROT.PROT_GROWSDOWN) {
    // the change reaches down to the start of the stack mapping (glibc's executable stacks); EINVAL elsewhere
    const v = c.mm.find(addr);
    if (!v || !v.growsDown || addr % PAGE_SIZE !== 0) throw new SysError(Errno.EINVAL);
    len += addr - v.start;
    addr = v.start;
  }
  c.mm.mprotect(addr, len, prot & 7);
  return 0;
}

export function sys_mremap(c: Call): SyscallResult {
  const flags = c.i32(3);
  if (flags & ~(MREMAP.MREMAP_MAYMOVE | MREMAP.MREMAP_FIXED | MREMAP.MREMAP_DONTUNMAP)) throw new SysError(Errno.EINVAL);
  const fixed = (flags & MREMAP.MREMAP_FIXED) !== 0;
  const dontUnmap = (flags & MREMAP.MREMAP_DONTUNMAP) !== 0;
  if ((fixed || dontUnmap) && !(flags & MREMAP.MREMAP_MAYMOVE)) throw new SysError(Errno.EINVAL);
  const old = c.num(0), oldLen = c.num(1), newLen = c.num(2);
  if (dontUnmap) {
    // Linux: only private anonymous mappings, and the size may not change
    if (pageUp(oldLen) !== pageUp(newLen)) throw new SysError(Errno.EINVAL);
    const v = c.mm.find(old);
    if (v && (v.shared || v.kind === 'file')) throw new SysError(Errno.EINVAL);
  }
  return c.mm.mremap(old, oldLen, newLen, (flags & MREMAP.MREMAP_MAYMOVE) !== 0, fixed ? c.num(4) : undefined, dontUnmap);
}

const MADV_OK = new Set<number>(Object.values(MADV).filter((v) => v !== MADV.MADV_HWPOISON));

/** madvise: DONTNEED / FREE zero-fill private anonymous pages (private file pages reload); the rest is advice. */
export function sys_madvise(c: Call): SyscallResult {
  const addr = c.num(0), len = c.num(1), advice = c.i32(2);
  if (addr % PAGE_SIZE !== 0 || !Number.isFinite(len)) throw new SysError(Errno.EINVAL);
  if (!MADV_OK.has(advice)) throw new SysError(advice === MADV.MADV_HWPOISON ? Errno.EPERM : Errno.EINVAL);
  if (len === 0) return 0;
  const end = pageUp(addr + len);
  if (!c.mm.fullyMapped(addr, end)) throw new SysError(Errno.ENOMEM);
  if (advice === MADV.MADV_DONTNEED || advice === MADV.MADV_FREE || advice === MADV.MADV_DONTNEED_LOCKED) {
    if (advice === MADV.MADV_FREE) {
      for (let a = addr; a < end; a += PAGE_SIZE) if (c.mm.find(a)?.kind === 'file' || c.mm.find(a)?.shared) throw new SysError(Errno.EINVAL);
    }
    c.mm.dontNeed(addr, end);
  } else if (advice === MADV.MADV_REMOVE) {
    for (let a = addr; a < end; a += PAGE_SIZE) if (!c.mm.find(a)?.shared) throw new SysError(Errno.EINVAL);
  }
  return 0;
}

/** msync: dirty MAP_SHARED pages of the range reach their file now (they also do at every syscall). */
export function sys_msync(c: Call): SyscallResult {
  const addr = c.num(0), len = c.num(1), flags = c.i32(2);
  if (addr % PAGE_SIZE !== 0 || !Number.isFinite(len) || flags & ~(MS.MS_ASYNC | MS.MS_INVALIDATE | MS.MS_SYNC) ||
    (flags & MS.MS_ASYNC && flags & MS.MS_SYNC)) throw new SysError(Errno.EINVAL);
  if (len === 0) return 0;
  const end = pageUp(addr + len);
  if (!c.mm.fullyMapped(addr, end)) throw new SysError(Errno.ENOMEM);
  c.mm.pager.flushRange(c.mm, addr, end);
  return 0;
}

/** mincore: one byte per page, 1 when resident: every mapped page counts as resident. */
export function sys_mincore(c: Call): SyscallResult {
  const addr = c.num(0), len = c.num(1), vec = c.num(2);
  if (addr % PAGE_SIZE !== 0 || !Number.isFinite(len)) throw new SysError(Errno.EINVAL);
  if (addr + len > TASK_SIZE) throw new SysError(Errno.ENOMEM);
  const end = pageUp(addr + len);
  if (!c.mm.fullyMapped(addr, end)) throw new SysError(Errno.ENOMEM);
  const n = (end - addr) / PAGE_SIZE;
  if (n) c.write(vec, new Uint8Array(n).fill(1));
  return 0;
}

function lockRange(c: Call, flagsArg?: number): SyscallResult {
  const addr = c.num(0), len = c.num(1);
  if (flagsArg !== undefined && c.i32(flagsArg) & ~1 /* MLOCK_ONFAULT */) throw new SysError(Errno.EINVAL);
  if (!Number.isFinite(len) || !Number.isFinite(addr)) throw new SysError(Errno.ENOMEM);
  const start = addr - (addr % PAGE_SIZE);
  const end = pageUp(addr + len);
  if (end > start && !c.mm.fullyMapped(start, end)) throw new SysError(Errno.ENOMEM);
  return 0;
}

/** mlock / mlock2 / munlock: accepted (nothing is ever swapped); ENOMEM for unmapped ranges as Linux. */
export function sys_mlock(c: Call): SyscallResult { return lockRange(c); }
export function sys_mlock2(c: Call): SyscallResult { return lockRange(c, 2); }
export function sys_munlock(c: Call): SyscallResult { return lockRange(c); }

export function sys_mlockall(c: Call): SyscallResult {
  const f = c.i32(0);
  if (!f || f & ~(MS.MCL_CURRENT | MS.MCL_FUTURE | MS.MCL_ONFAULT) || f === MS.MCL_ONFAULT) throw new SysError(Errno.EINVAL);
  return 0;
}

export function sys_munlockall(): SyscallResult { return 0; }

/** Syscalls that may change a file some mapping holds copies of (its copies then reload on access). */
const OUT_FD_ARG: Record<string, number> = {
  write: 0, pwrite64: 0, writev: 0, pwritev: 0, pwritev2: 0, ftruncate: 0, fallocate: 0, copy_file_range: 2, sendfile: 0, splice: 2,
};
const OPENERS = new Set(['open', 'openat', 'creat']);

/**
 * The mm's part of every syscall: before it, dirty shared pages reach their files (so read(2),
 * other mappings and other processes see them); after a call that wrote a mapped file through a
 * descriptor, that file's mapped copies reload on their next access.
 */
export function mmBeforeSyscall(c: Call): void {
  c.mm.syncShared();
}

export function mmAfterSyscall(c: Call, name: string | undefined, result: unknown): void {
  if (!name || !c.mm.pager.objects.size || typeof result !== 'number' && typeof result !== 'bigint') return;
  if (Number(result) < 0) return;
  let fd: number | undefined = OUT_FD_ARG[name] !== undefined ? c.i32(OUT_FD_ARG[name]) : undefined;
  if (OPENERS.has(name) && (name === 'creat' || c.i32(name === 'open' ? 1 : 2) & 0o1000 /* O_TRUNC */)) fd = Number(result);
  if (name === 'truncate') { c.mm.pager.fileChanged(); return; }
  if (fd === undefined) return;
  let hostPath: unknown;
  try { hostPath = (c.tg.fds.get(fd) as unknown as { hostPath?: unknown }).hostPath; } catch { return; }
  if (typeof hostPath === 'string' && c.mm.pager.hasFile(hostPath)) c.mm.pager.fileChanged(hostPath);
}
