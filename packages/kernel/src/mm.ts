// The memory map of one address space: VMAs over an AddressSpace (@elfbox/cpu).
//
// Layout the kernel chooses (everything below 2 GiB, so addresses stay positive as 32-bit
// integers on the CPUs' fast path; see README.md):
//   0x0040_0000  non-PIE executables (their own addresses)
//   0x5555_4000  PIE executables (ET_DYN base); brk follows the executable's end
//   ...          top-down mmap area: from MMAP_TOP down, first gap that fits
//   0x7f00_0000  MMAP_TOP
//   0x7f7f_0000 .. 0x7fff_0000  the main thread's stack (8 MiB, grows down), STACK_TOP above
import * as os from 'node:os';
import { AddressSpace, type Access, type Arch, type Cpu, LOW_LIMIT, PAGE_SIZE, PERM_R, PERM_W, PERM_X, pageCeil } from '@elfbox/cpu';
import { Errno, SysError } from './errors.js';
import { Pager, type MemObject, type PagedSpace, type PageRef } from './mm/pager.js';
import { TrackedAddressSpace } from './mm/tracked.js';
import { vdsoImage } from './vdso/image.js';

export const STACK_TOP = 0x7fff_0000;
export const STACK_SIZE = 8 * 1024 * 1024;
export const MMAP_TOP = 0x7f00_0000;
export const MMAP_MIN = 0x1_0000;
export const PIE_BASE = 0x5555_4000;
/** Linux's stack_guard_gap: a stack does not grow to within this of the mapping below it. */
export const STACK_GUARD_GAP = 256 * 4096;
/** The most room left below the main stack for RLIMIT_STACK at exec (the low 2 GiB is shared with everything else). */
const MAX_STACK_RESERVE = 256 * 1024 * 1024;
const RLIMIT_STACK = 3;
/** The gap between the stack's lowest address and the mmap area without randomisation. */
const MMAP_TOP_GAP = STACK_TOP - STACK_SIZE - MMAP_TOP;
/** Highest user address + 1 (47-bit canonical on x86-64, 48-bit VA on aarch64: use the smaller). */
export const TASK_SIZE = 2 ** 47;

/** The RAM the guest is told it has (MemTotal in /proc/meminfo and sysinfo's totalram, files/procfs.ts). */
export const GUEST_MEMTOTAL = 4 * 1024 ** 3;

/**
 * The memory cap a guest gets when none is given (--memory): the RAM it is told it has, or half of
 * the host's RAM when that is less, so a guest that allocates without bound meets ENOMEM long
 * before the host runs out (pages above 4 GiB are allocated when mapped, so an uncapped guest
 * mapping at high addresses could take the host down).
 */
export function defaultMemoryLimit(total = os.totalmem()): number {
  return Math.min(GUEST_MEMTOTAL, Math.max(64 * 1024 * 1024, Math.floor(total / 2 / PAGE_SIZE) * PAGE_SIZE));
}

export type VmaKind = 'anon' | 'file' | 'heap' | 'stack' | 'image';

export interface Vma {
  start: number;
  end: number;
  /** PROT_* bits (= PERM_R/W/X). */
  prot: number;
  shared: boolean;
  kind: VmaKind;
  /** Shown in /proc/self/maps (a path, [heap], [stack]) or '' for anonymous memory. */
  name: string;
  /** File offset of start, for file mappings. */
  offset: number;
  dev?: number;
  ino?: number;
  /** A stack (the main one, MAP_GROWSDOWN): a fault just below it grows it (MM.growStack). */
  growsDown?: boolean;
}

/** What a file mapping reads its pages from (and, for MAP_SHARED, writes them back to). */
export interface MappableFile {
  readonly name: string;
  readonly dev: number;
  readonly ino: number;
  /** Reads up to len bytes at offset; shorter at end of file. */
  readAt(offset: number, len: number): Uint8Array;
  /** The host file, when there is one: the mm opens it itself so mappings outlive the fd and writes reach it. */
  readonly hostPath?: string;
  /** Writes a page back (files with no host path: memfd, tmpfs); never past the end of the file. */
  writeAt?(offset: number, data: Uint8Array): void;
  /** The file's size now (files with no host path; a host file's is read from the file itself). */
  size?(): number;
}

export interface MmapRequest {
  addr: number;
  len: number;
  prot: number;
  fixed: boolean;
  /** MAP_FIXED_NOREPLACE: fail with EEXIST instead of replacing. */
  noReplace?: boolean;
  shared?: boolean;
  file?: MappableFile;
  offset?: number;
  /** MAP_STACK only names it; kept for maps. */
  kind?: VmaKind;
  /** MAP_GROWSDOWN: the mapping grows down on faults below it, as a stack. */
  growsDown?: boolean;
  name?: string;
}

const protPerm = (prot: number): number => prot & (PERM_R | PERM_W | PERM_X);

export class MM implements PagedSpace {
  readonly mem: AddressSpace;
  /** Sorted, non-overlapping. */
  vmas: Vma[] = [];
  brkStart = 0;
  brkCur = 0;
  mmapTop = MMAP_TOP;
  /** The one Cpu executing this address space, and the task whose registers it holds. */
  cpu?: Cpu;
  onCpu?: object;
  /** Pages that are copies of a memory object (file mappings, shared memory); see mm/pager.ts. */
  readonly tracked = new Map<number, PageRef>();
  /** Shared with the address spaces forked from this one. */
  pager: Pager;
  /** Where the loader puts the stack and a PIE executable, and the brk gap (see randomize()). */
  stackTop = STACK_TOP;
  pieBase = PIE_BASE;
  brkGap = 0;
  /** The rlimits of the process running on this mm (set at each slice, kernel.ts): RLIMIT_STACK bounds stack growth. */
  rlimits?: Map<number, [bigint, bigint]>;
  /** True once randomize() chose the layout. */
  randomized = false;
  /** Cap on accessible mapped bytes (--memory); beyond it mmap/brk/mremap/mprotect give ENOMEM. */
  limit = Infinity;
  /** Accessible (prot != PROT_NONE) mapped bytes, what the limit counts. */
  get committed(): number {
    let n = 0;
    for (const v of this.vmas) if (v.prot) n += v.end - v.start;
    return n;
  }

  constructor(mem: AddressSpace = new TrackedAddressSpace(), pager = new Pager()) {
    this.mem = mem;
    this.pager = pager;
    if (mem instanceof TrackedAddressSpace) mem.resolver = (addr, access) => this.resolveFault(addr, access);
  }

  /** Map a vDSO into new programs (RunOptions.vdso). */
  vdso = true;

  /**
   * Maps the vDSO image for arch (a named [vdso] VMA, read + execute) with its [vvar] data page
   * just below (read-only; the kernel's GuestClock writes it, vdso/clock.ts); returns the image's
   * address.
   */
  mapVdso(arch: Arch): number {
    const img = vdsoImage(arch);
    const addr = this.findFree(img.bytes.length + PAGE_SIZE);
    this.mapFixed(addr, PAGE_SIZE, PERM_R, '[vvar]');
    this.mapFixed(addr + PAGE_SIZE, img.bytes.length, PERM_R | PERM_X, '[vdso]');
    this.mem.poke(addr + PAGE_SIZE, img.bytes);
    return addr + PAGE_SIZE;
  }

  /** PagedSpace: the protection of the VMA holding addr. */
  protAt(addr: number): number | undefined {
    return this.find(addr)?.prot;
  }

  /**
   * An access the page's permission byte refused but its VMA may allow (a clean copy-on-write
   * page, a tracked shared page, a stale copy): resolved and true, or false for a real fault.
   */
  resolveFault(addr: number, access: Access): boolean {
    // a page fork has not copied yet, or a write to one forks still share (AddressSpace.fork)
    if (this.mem.resolveLazy(addr, access)) return true;
    return this.pager.resolve(this, addr, access) || this.growStack(addr);
  }

  /** RLIMIT_STACK's soft limit now (8 MiB when never set). */
  stackLimit(): number {
    const l = this.rlimits?.get(RLIMIT_STACK);
    return l ? Number(l[0]) : STACK_SIZE;
  }

  /**
   * Linux's expand_downwards: an access to an unmapped address just below a growsDown VMA (the
   * main stack, MAP_GROWSDOWN) extends that VMA down to the page, unless the mapping below is
   * accessible, not a stack itself and within STACK_GUARD_GAP of the address, or the stack
   * would pass RLIMIT_STACK (or --memory). Then the fault stands: SIGSEGV, SEGV_MAPERR.
   */
  growStack(addr: number): boolean {
    if (!(addr >= MMAP_MIN && addr < TASK_SIZE)) return false;
    let i = 0;
    while (i < this.vmas.length && this.vmas[i].end <= addr) i++;
    const v = this.vmas[i];
    if (!v || v.start <= addr || !v.growsDown) return false;
    const page = addr - (addr % PAGE_SIZE);
    const prev = i > 0 ? this.vmas[i - 1] : undefined;
    if (prev && !prev.growsDown && prev.prot && page - prev.end < STACK_GUARD_GAP) return false;
    if (v.end - page > this.stackLimit()) return false;
    if (v.prot && this.limit !== Infinity && this.committed + (v.start - page) > this.limit) return false;
    this.mem.map(page, v.start - page, protPerm(v.prot));
    v.start = page;
    return true;
  }

  /**
   * At exec: leave room below the main stack for RLIMIT_STACK (Linux puts mmap_base that far
   * below the stack), up to MAX_STACK_RESERVE; the default 8 MiB changes nothing.
   */
  reserveStack(rlimit: number): void {
    const extra = Math.floor((Math.min(Math.max(rlimit, STACK_SIZE), MAX_STACK_RESERVE) - STACK_SIZE) / PAGE_SIZE) * PAGE_SIZE;
    this.mmapTop -= extra;
    this.stackReserve += extra;
  }

  /** How far reserveStack moved mmapTop down. */
  stackReserve = 0;

  /**
   * A fault at addr the pager could not resolve is SIGBUS (BUS_ADRERR) rather than SIGSEGV when
   * the page is a file page wholly past the end of the file, as Linux reports it.
   */
  busFault(addr: number): boolean {
    const ref = this.tracked.get(addr - (addr % PAGE_SIZE));
    const prot = this.protAt(addr);
    return !!ref && !!prot && ref.state === 'stale' && ref.off >= ref.obj.size();
  }

  /** At every syscall entry: dirty shared pages reach their file / store (and so other mappings). */
  syncShared(): void {
    this.pager.flushAll();
  }

  // ---- LoaderMemory (@elfbox/elf) ------------------------------------------------------------

  mapFixed(addr: number, len: number, perm: number, name: string): void {
    const kind: VmaKind = name === '[stack]' ? 'stack' : name === '[heap]' ? 'heap' : name ? 'image' : 'anon';
    this.insert(addr, pageCeil(addr + len) - addr, perm, { kind, name, shared: false, offset: 0, ...(kind === 'stack' ? { growsDown: true } : {}) });
  }

  /** Top-down search of the mmap area for len bytes aligned to align. Throws ENOMEM. */
  findFree(len: number, align = PAGE_SIZE): number {
    len = pageCeil(len);
    align = Math.max(PAGE_SIZE, align);
    let top = this.mmapTop;
    for (let i = this.vmas.length - 1; i >= -1; i--) {
      const v = i >= 0 ? this.vmas[i] : undefined;
      if (v && v.start >= top) continue;
      const low = v ? v.end : MMAP_MIN;
      const cand = Math.floor((top - len) / align) * align;
      if (cand >= low && cand >= MMAP_MIN) return cand;
      // nothing is placed within the guard gap below a stack (Linux's vm_start_gap)
      if (v) top = Math.min(top, v.growsDown ? v.start - STACK_GUARD_GAP : v.start);
    }
    throw new SysError(Errno.ENOMEM, 'no free range');
  }

  // ---- mmap family ---------------------------------------------------------------------------

  mmap(r: MmapRequest): number {
    if (r.len <= 0) throw new SysError(Errno.EINVAL);
    const len = pageCeil(r.len);
    if (!Number.isSafeInteger(len) || len > TASK_SIZE) throw new SysError(Errno.ENOMEM);
    if (r.addr % PAGE_SIZE !== 0 && (r.fixed || r.noReplace)) throw new SysError(Errno.EINVAL);
    if ((r.offset ?? 0) % PAGE_SIZE !== 0) throw new SysError(Errno.EINVAL);
    let addr: number;
    if (r.fixed) {
      if (r.addr + len > TASK_SIZE) throw new SysError(Errno.ENOMEM);
      addr = r.addr;
    } else if (r.noReplace) {
      if (r.addr + len > TASK_SIZE) throw new SysError(Errno.ENOMEM);
      if (this.overlaps(r.addr, r.addr + len)) throw new SysError(Errno.EEXIST);
      addr = r.addr;
    } else {
      const hint = r.addr - (r.addr % PAGE_SIZE);
      addr = hint >= MMAP_MIN && hint + len <= TASK_SIZE && !this.overlaps(hint, hint + len) ? hint : this.findFree(len);
    }
    const kind: VmaKind = r.kind ?? (r.file ? 'file' : 'anon');
    const name = r.name ?? r.file?.name ?? '';
    this.checkLimit(r.prot ? len - this.accessibleIn(addr, addr + len) : 0);
    const off0 = r.offset ?? 0;
    this.insert(addr, len, r.prot, {
      kind, name, shared: !!r.shared, offset: off0, dev: r.file?.dev, ino: r.file?.ino, ...(r.growsDown ? { growsDown: true } : {}),
    });
    let obj: MemObject | undefined;
    if (r.file) {
      const f = r.file;
      obj = this.pager.fileObject(f.dev, f.ino, f.hostPath, !!r.shared && (r.prot & PERM_W) !== 0, (o, n) => f.readAt(o, n), f.writeAt && ((o, d) => f.writeAt!(o, d)), f.size && (() => f.size!()));
      const bytes = r.file.readAt(off0, len);
      if (bytes.length) this.mem.poke(addr, bytes.length > len ? bytes.subarray(0, len) : bytes);
    } else if (r.shared) {
      obj = this.pager.anonObject();
    }
    if (obj) {
      // pages wholly past the end of the file start inaccessible (SIGBUS when touched, see busFault)
      const size = obj.size();
      for (let a = addr; a < addr + len; a += PAGE_SIZE) {
        const off = off0 + (a - addr);
        this.pager.track(this, a, obj, off, !!r.shared, off >= size ? 'stale' : 'clean');
      }
    }
    return addr;
  }

  munmap(addr: number, len: number): void {
    if (addr % PAGE_SIZE !== 0 || len <= 0 || !Number.isFinite(len) || addr + len > TASK_SIZE) throw new SysError(Errno.EINVAL);
    const end = pageCeil(addr + len);
    this.untrackRange(addr, end);
    for (const v of this.carve(addr, end)) this.mem.unmap(v.start, v.end - v.start);
  }

  mprotect(addr: number, len: number, prot: number): void {
    if (addr % PAGE_SIZE !== 0 || !Number.isFinite(len)) throw new SysError(Errno.EINVAL);
    if (len === 0) return;
    const end = pageCeil(addr + len);
    if (end > TASK_SIZE) throw new SysError(Errno.ENOMEM);
    if (!this.fullyMapped(addr, end)) throw new SysError(Errno.ENOMEM);
    if (prot) this.checkLimit(end - addr - this.accessibleIn(addr, end));
    const pieces = this.carve(addr, end);
    for (const v of pieces) {
      v.prot = prot;
      this.add(v);
      this.mem.protect(v.start, v.end - v.start, protPerm(prot));
      // high PROT_NONE pages were never allocated (mm/tracked.ts): they become zero pages now
      if (prot && v.end > LOW_LIMIT) {
        for (let a = Math.max(v.start, LOW_LIMIT); a < v.end; a += PAGE_SIZE) if (!this.mem.isMapped(a)) this.mem.map(a, PAGE_SIZE, protPerm(prot));
      }
    }
    this.reapplyTracked(addr, end);
  }

  /** mremap: shrink in place, grow in place when free, else move when allowed. */
  mremap(old: number, oldLen: number, newLen: number, mayMove: boolean, fixedAddr?: number, dontUnmap = false): number {
    if (old % PAGE_SIZE !== 0 || newLen <= 0 || !Number.isFinite(oldLen) || !Number.isFinite(newLen) || newLen > TASK_SIZE) throw new SysError(old % PAGE_SIZE !== 0 || newLen <= 0 ? Errno.EINVAL : Errno.ENOMEM);
    oldLen = pageCeil(oldLen);
    newLen = pageCeil(newLen);
    const v = this.find(old);
    if (!v || old + oldLen > v.end || (oldLen === 0 && !v.shared)) throw new SysError(Errno.EFAULT);
    if (fixedAddr !== undefined && (fixedAddr % PAGE_SIZE !== 0 || fixedAddr + newLen > TASK_SIZE || (fixedAddr < old + oldLen && old < fixedAddr + newLen))) throw new SysError(Errno.EINVAL);
    const grow = Math.max(0, newLen - oldLen);
    if (fixedAddr === undefined && !dontUnmap) {
      if (newLen <= oldLen) {
        if (newLen < oldLen) this.munmap(old + newLen, oldLen - newLen);
        return old;
      }
      if (old + oldLen === v.end && !this.overlaps(old + oldLen, old + newLen) && old + newLen <= TASK_SIZE) {
        if (v.prot) this.checkLimit(grow);
        this.mem.map(old + oldLen, grow, protPerm(v.prot));
        v.end = old + newLen;
        this.fillFromObject(old, oldLen, old + oldLen, grow);
        return old;
      }
      if (!mayMove) throw new SysError(Errno.ENOMEM);
    }
    if (v.prot) this.checkLimit(dontUnmap ? newLen : grow);
    this.pager.flushRange(this, old, old + oldLen);
    const moved: Array<{ obj: MemObject; off: number; shared: boolean }> = [];
    for (let a = old; a < old + Math.min(oldLen, newLen); a += PAGE_SIZE) {
      const t = this.tracked.get(a);
      if (t) moved[(a - old) / PAGE_SIZE] = { obj: t.obj, off: t.off, shared: t.shared };
    }
    const data = this.readRaw(old, Math.min(oldLen, newLen));
    const dest = fixedAddr ?? this.findFree(newLen);
    const proto = { ...v };
    if (fixedAddr !== undefined) this.munmap(dest, newLen);
    this.insert(dest, newLen, v.prot, { kind: proto.kind, name: proto.name, shared: proto.shared, offset: proto.offset + (old - proto.start), dev: proto.dev, ino: proto.ino });
    this.mem.poke(dest, data);
    moved.forEach((m, i) => { if (m) this.pager.track(this, dest + i * PAGE_SIZE, m.obj, m.off, m.shared); });
    this.fillFromObject(old, oldLen, dest + oldLen, grow);
    if (dontUnmap) {
      // the old range stays mapped, emptied: anonymous private pages read as zero again
      this.untrackRange(old, old + oldLen);
      this.mem.zero(old, oldLen);
    } else {
      this.munmap(old, oldLen);
    }
    return dest;
  }

  /** After growing a mapping of a memory object, the new pages hold the object's next pages. */
  private fillFromObject(old: number, oldLen: number, at: number, len: number): void {
    if (len <= 0) return;
    const last = this.tracked.get(old + oldLen - PAGE_SIZE) ?? this.tracked.get(at - PAGE_SIZE);
    if (!last) return;
    for (let i = 0; i < len; i += PAGE_SIZE) {
      const off = last.off + PAGE_SIZE + i;
      const past = off >= last.obj.size();
      if (!past) this.mem.poke(at + i, last.obj.readPage(off));
      this.pager.track(this, at + i, last.obj, off, last.shared, past ? 'stale' : 'clean');
    }
  }

  /** brk(2): returns the new break, or the old one when the request can't be met. */
  brk(want: number): number {
    if (want < this.brkStart || want > this.mmapTop) return this.brkCur;
    const curTop = pageCeil(this.brkCur), newTop = pageCeil(want);
    if (newTop > curTop) {
      if (this.overlaps(curTop, newTop)) return this.brkCur;
      if (this.limit !== Infinity && this.committed + (newTop - curTop) > this.limit) return this.brkCur;
      const heap = this.vmas.find((x) => x.kind === 'heap');
      if (heap && heap.end === curTop) {
        this.mem.map(curTop, newTop - curTop, PERM_R | PERM_W);
        heap.end = newTop;
      } else {
        this.insert(curTop, newTop - curTop, PERM_R | PERM_W, { kind: 'heap', name: '[heap]', shared: false, offset: 0 });
      }
    } else if (newTop < curTop) {
      this.munmap(newTop, curTop - newTop);
    }
    this.brkCur = want;
    return want;
  }

  setBrk(start: number): void {
    this.brkStart = this.brkCur = start + this.brkGap;
  }

  /**
   * Address space layout randomisation, as Linux does it but inside the low 2 GiB the CPUs'
   * fast path addresses: the stack top moves down by up to 8 MiB, the mmap base by up to 64 MiB
   * more, a PIE executable's base by up to 64 MiB (64 KiB steps, so any p_align up to that
   * holds), the start of brk by up to 32 MiB. `rand(n)` returns an integer in [0, n); a seeded
   * one makes every address reproducible.
   */
  randomize(rand: (n: number) => number): void {
    this.randomized = true;
    this.stackTop = STACK_TOP - rand(2048) * PAGE_SIZE;
    this.mmapTop = this.stackTop - STACK_SIZE - (MMAP_TOP_GAP + rand(16384) * PAGE_SIZE);
    this.pieBase = 0x5555_0000 + rand(1024) * 0x10000;
    this.brkGap = rand(8192) * PAGE_SIZE;
  }

  // ---- queries --------------------------------------------------------------------------------

  find(addr: number): Vma | undefined {
    return this.vmas.find((v) => v.start <= addr && addr < v.end);
  }

  overlaps(start: number, end: number): boolean {
    return this.vmas.some((v) => v.start < end && start < v.end);
  }

  fullyMapped(start: number, end: number): boolean {
    let at = start;
    for (const v of this.vmas) {
      if (v.end <= at) continue;
      if (v.start > at) return false;
      at = v.end;
      if (at >= end) return true;
    }
    return at >= end;
  }

  /** /proc/self/maps, formatted as Linux does (name column padded to 73). */
  formatMaps(): string {
    const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');
    let out = '';
    for (const v of this.vmas) {
      const perms = `${v.prot & PERM_R ? 'r' : '-'}${v.prot & PERM_W ? 'w' : '-'}${v.prot & PERM_X ? 'x' : '-'}${v.shared ? 's' : 'p'}`;
      const dev = v.dev !== undefined ? `${hex((v.dev >>> 8) & 0xfff, 2)}:${hex(v.dev & 0xff, 2)}` : '00:00';
      let line = `${hex(v.start, 8)}-${hex(v.end, 8)} ${perms} ${hex(v.kind === 'file' || v.ino !== undefined ? v.offset : 0, 8)} ${dev} ${v.ino ?? 0}`;
      if (v.name) line = line.padEnd(72) + ' ' + v.name;
      out += line + '\n';
    }
    return out;
  }

  /**
   * The child's mm for fork: same VMAs over a copy-on-write fork of the AddressSpace (no page is
   * copied now; see packages/cpu/README.md). MAP_SHARED pages stay coherent through the pager.
   */
  clone(): MM {
    this.pager.flushAll();
    const m = new MM(this.mem.fork(), this.pager);
    m.vmas = this.vmas.map((v) => ({ ...v }));
    m.limit = this.limit;
    // every copy of a memory object stays one: MAP_SHARED pages stay shared with the child
    for (const t of this.tracked.values()) this.pager.track(m, t.addr, t.obj, t.off, t.shared, t.state === 'dirty' ? 'clean' : t.state);
    m.brkStart = this.brkStart;
    m.brkCur = this.brkCur;
    m.mmapTop = this.mmapTop;
    return m;
  }

  // ---- internals ------------------------------------------------------------------------------

  private insert(addr: number, len: number, prot: number, rest: Omit<Vma, 'start' | 'end' | 'prot'>): void {
    const end = addr + len;
    this.untrackRange(addr, end);
    this.carve(addr, end);
    this.mem.map(addr, len, protPerm(prot));
    this.add({ start: addr, end, prot, ...rest });
  }

  /** ENOMEM when `more` accessible bytes would pass the --memory limit. */
  private checkLimit(more: number): void {
    if (more > 0 && this.limit !== Infinity && this.committed + more > this.limit) throw new SysError(Errno.ENOMEM, 'memory limit');
  }

  /** Accessible bytes already mapped in [start, end). */
  private accessibleIn(start: number, end: number): number {
    let n = 0;
    for (const v of this.vmas) if (v.prot && v.start < end && start < v.end) n += Math.min(v.end, end) - Math.max(v.start, start);
    return n;
  }

  /** Stops tracking the pages of [start, end) (dirty ones are written back first). */
  private untrackRange(start: number, end: number): void {
    if (!this.tracked.size) return;
    if ((end - start) / PAGE_SIZE < this.tracked.size) {
      for (let a = start; a < end; a += PAGE_SIZE) { const t = this.tracked.get(a); if (t) this.pager.untrack(t); }
    } else {
      for (const t of [...this.tracked.values()]) if (t.addr >= start && t.addr < end) this.pager.untrack(t);
    }
  }

  /** Re-derives the permission byte of tracked pages in [start, end) after a protection change. */
  private reapplyTracked(start: number, end: number): void {
    if (!this.tracked.size) return;
    for (const t of this.tracked.values()) if (t.addr >= start && t.addr < end) this.pager.applyPerm(t);
  }

  /** madvise(MADV_DONTNEED): private anonymous pages read as zero again, private file pages as the file. */
  dontNeed(start: number, end: number): void {
    for (let a = start; a < end; a += PAGE_SIZE) {
      const v = this.find(a);
      if (!v || v.shared) continue;
      if (v.kind === 'file' && v.ino !== undefined) {
        const f = [...this.pager.objects.values()].find((o) => o.key === `f:${v.dev}:${v.ino}`);
        const off = v.offset + (a - v.start);
        if (f) {
          const past = off >= f.size();
          this.mem.poke(a, past ? new Uint8Array(PAGE_SIZE) : f.readPage(off));
          this.pager.track(this, a, f, off, false, past ? 'stale' : 'clean');
        }
        continue;
      }
      if (this.tracked.has(a)) continue;
      this.mem.zero(a, PAGE_SIZE);
    }
  }

  private add(v: Vma): void {
    let i = 0;
    while (i < this.vmas.length && this.vmas[i].start < v.start) i++;
    this.vmas.splice(i, 0, v);
    // merge with neighbours that look the same (anonymous memory of one kind and protection)
    const same = (a: Vma, b: Vma) => a.end === b.start && a.prot === b.prot && a.kind === b.kind && a.name === b.name && a.shared === b.shared && !!a.growsDown === !!b.growsDown && (a.kind !== 'file' || a.offset + (a.end - a.start) === b.offset);
    if (i + 1 < this.vmas.length && same(this.vmas[i], this.vmas[i + 1])) {
      this.vmas[i].end = this.vmas[i + 1].end;
      this.vmas.splice(i + 1, 1);
    }
    if (i > 0 && same(this.vmas[i - 1], this.vmas[i])) {
      this.vmas[i - 1].end = this.vmas[i].end;
      this.vmas.splice(i, 1);
    }
  }

  /** Removes [start, end) from the VMA list (splitting at the edges) and returns the removed pieces. */
  private carve(start: number, end: number): Vma[] {
    const removed: Vma[] = [];
    const keep: Vma[] = [];
    for (const v of this.vmas) {
      if (v.end <= start || v.start >= end) { keep.push(v); continue; }
      if (v.start < start) keep.push({ ...v, end: start });
      const s = Math.max(v.start, start), e = Math.min(v.end, end);
      removed.push({ ...v, start: s, end: e, offset: v.offset + (s - v.start) });
      if (v.end > end) keep.push({ ...v, start: end, offset: v.offset + (end - v.start) });
    }
    this.vmas = keep;
    return removed;
  }

  private readRaw(addr: number, len: number): Uint8Array {
    const out = new Uint8Array(len);
    for (let off = 0; off < len; off += PAGE_SIZE) {
      const n = Math.min(PAGE_SIZE, len - off);
      const a = addr + off;
      const saved = this.mem.protection(a);
      if (saved & PERM_R) out.set(this.mem.read(a, n), off);
      else {
        this.mem.protect(a, PAGE_SIZE, PERM_R);
        out.set(this.mem.read(a, n), off);
        this.mem.protect(a, PAGE_SIZE, saved & (PERM_R | PERM_W | PERM_X));
      }
    }
    return out;
  }
}
