// The guest address space: what every CPU backend executes from and the kernel reads and writes.
//
// Model (see README.md): the low 4 GiB live in one flat ArrayBuffer (committed lazily by the host
// OS), addressed with 32-bit arithmetic on the CPUs' fast path, with one permission byte per 4 KiB
// page. Pages at or above 4 GiB (MAP_FIXED at 0x7f..., Go-style hints) live in a page map and are
// reached through the slow path. The kernel places everything it chooses below 4 GiB.

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;
export const PAGE_MASK = PAGE_SIZE - 1;
export const LOW_LIMIT = 2 ** 32;
const LOW_PAGES = LOW_LIMIT / PAGE_SIZE;

/** Permission bits kept per page. CODE marks a page some CPU has translated code from. */
export const PERM_R = 1;
export const PERM_W = 2;
export const PERM_X = 4;
export const PERM_MAPPED = 8;
export const PERM_CODE = 16;
/** Marks a page whose contents other address spaces (fork children) still read lazily: a write must go through the slow path first. */
export const PERM_COW = 32;
export const PERM_RWX = PERM_R | PERM_W | PERM_X;
/**
 * The CPUs' write fast path: a store may go straight into the buffer only when
 * (perm & WRITE_FAST_MASK) === PERM_W. Any other bit in the mask (translated code, shared with a
 * fork child) sends the store through the slow path (AddressSpace.write), which handles it.
 */
export const WRITE_FAST_MASK = PERM_W | PERM_CODE | PERM_COW;

export type Access = 'r' | 'w' | 'x';

/** Thrown by AddressSpace accessors; the kernel turns it into EFAULT, a CPU into a fault exit. */
export class MemoryFault extends Error {
  constructor(
    readonly addr: number,
    readonly access: Access,
    /** true when the page is mapped but the access is not permitted (SEGV_ACCERR). */
    readonly mapped: boolean,
  ) {
    super(`memory fault: ${access} at 0x${addr.toString(16)} (${mapped ? 'protection' : 'unmapped'})`);
  }
}

interface HighPage {
  data: Uint8Array;
  perm: number;
}

export const pageFloor = (a: number): number => a - (a % PAGE_SIZE);
export const pageCeil = (a: number): number => Math.ceil(a / PAGE_SIZE) * PAGE_SIZE;

/**
 * Low buffers of released address spaces, reused by the next AddressSpace. Every 4 GiB buffer is
 * one anonymous host mapping; the host kernel merges adjacent ones into one region, and a fork of
 * the Node process (child_process.spawn) fails with ENOMEM once a region is larger than RAM. So
 * buffers are recycled instead of left to the garbage collector. Only host memory is shared: the
 * pages a released space used are zeroed before reuse.
 */
const bufferPool: Array<{ buffer: ArrayBuffer; used: Uint8Array }> = [];

/**
 * Sharing changes collected while one lazy fault is resolved, notified once per space as one
 * range at the end (a backend protects the range in as few runs as it can).
 */
let batch: Map<AddressSpace, [number, number]> | undefined;
function batched(fn: () => void): void {
  if (batch) { fn(); return; }
  const b = (batch = new Map());
  try {
    fn();
  } finally {
    batch = undefined;
    AddressSpace.flushSharing(b);
  }
}
const BUFFER_POOL_MAX = 4;

/** 48-bit user addresses are exact in a JS number; every address here is a non-negative integer. */
export class AddressSpace {
  readonly buffer: ArrayBuffer;
  readonly u8: Uint8Array;
  readonly dv: DataView;
  /** Permission byte per low page (index = addr >>> 12). */
  readonly perm: Uint8Array;
  /** 1 for low pages that were ever mapped: only those can hold stale bytes that map() must clear. */
  private readonly used: Uint8Array;
  readonly high = new Map<number, HighPage>();
  /** Called with (first page index, page count) when code pages are written or remapped. */
  readonly codeWriteListeners: Array<(page: number, count: number) => void> = [];
  /** Bumped on every map/unmap/protect so backends mirroring the layout (Unicorn) can resync. */
  generation = 0;
  readonly layoutListeners: Array<(op: 'map' | 'unmap' | 'protect', addr: number, len: number, perm: number) => void> = [];
  /**
   * Called with (addr, len) when the permission bytes of low pages change while their protection
   * does not: copy-on-write sharing started (fork) or ended for them. A backend that maps the
   * buffer itself (Unicorn) re-applies the effective access (`enginePerm`) there.
   */
  readonly sharingListeners: Array<(addr: number, len: number) => void> = [];

  private released = false;

  // ---- copy-on-write fork state (low pages; see fork()) ----
  /** The space this one was forked from, while some of its pages are still to be copied from it. */
  private cowSource: AddressSpace | undefined;
  /** Per low page: the protection (RWX|MAPPED) of a page still to be copied from cowSource, 0 when not pending. */
  private pending: Uint8Array | undefined;
  private pendingCount = 0;
  /** Spaces forked from this one that still have pending pages. */
  private readonly dependents = new Set<AddressSpace>();
  /** No process uses this space any more; it lives on only as the source of its dependents' pages. */
  private retired = false;
  /**
   * Pages resolved together when a fault finds a page still to be copied or a shared page written
   * (a power of two, aligned). 1 for the TypeScript CPUs. A backend that mirrors page protections
   * into an engine with a bounded number of memory regions (Unicorn: QEMU asserts past 4096
   * sections) raises it, so protections only ever split at granule boundaries.
   */
  lazyGranule = 1;

  constructor() {
    const reused = bufferPool.pop();
    this.buffer = reused?.buffer ?? new ArrayBuffer(LOW_LIMIT);
    this.u8 = new Uint8Array(this.buffer);
    this.dv = new DataView(this.buffer);
    this.perm = new Uint8Array(LOW_PAGES);
    this.used = new Uint8Array(LOW_PAGES);
    if (reused) {
      // zero what the previous owner touched, in runs of pages
      const u = reused.used;
      for (let p = 0; p < LOW_PAGES; p++) {
        if (!u[p]) continue;
        let q = p;
        while (q < LOW_PAGES && u[q]) q++;
        this.u8.fill(0, p * PAGE_SIZE, q * PAGE_SIZE);
        p = q;
      }
    }
  }

  /**
   * Gives the host memory back for reuse: call once nothing executes from or views this space
   * any more (its Cpu destroyed). Afterwards every access faults as unmapped.
   */
  release(): void {
    if (this.released) return;
    // forks still reading pages from this buffer get their copies now, before it is reused
    for (const d of [...this.dependents]) d.materializeAll();
    this.dropSource();
    this.released = true;
    this.perm.fill(0);
    this.high.clear();
    if (bufferPool.length < BUFFER_POOL_MAX) bufferPool.push({ buffer: this.buffer, used: this.used });
  }

  // ---- layout -------------------------------------------------------------------------------

  /** Maps [addr, addr+len) zero-filled with perm (PERM_R|W|X bits). Replaces what was there. */
  map(addr: number, len: number, perm: number): void {
    this.checkRangeArgs(addr, len);
    const end = pageCeil(addr + len);
    this.forPages(addr, end, (p, isLow) => {
      if (isLow) {
        this.forgetPage(p);
        if (this.perm[p] & PERM_CODE) this.notifyCode(p, 1);
        // A never-used page of the fresh buffer is already zero: leave it untouched, so the host
        // commits memory only when the guest touches it (a 1 GiB anonymous mmap costs no RSS).
        if (this.used[p]) this.u8.fill(0, p * PAGE_SIZE, (p + 1) * PAGE_SIZE);
        else this.used[p] = 1;
        this.perm[p] = (perm & PERM_RWX) | PERM_MAPPED;
      } else {
        const old = this.high.get(p);
        if (old && old.perm & PERM_CODE) this.notifyCode(p, 1);
        this.high.set(p, { data: new Uint8Array(PAGE_SIZE), perm: (perm & PERM_RWX) | PERM_MAPPED });
      }
    });
    this.generation++;
    for (const l of this.layoutListeners) l('map', addr, end - addr, perm);
  }

  unmap(addr: number, len: number): void {
    this.checkRangeArgs(addr, len);
    const end = pageCeil(addr + len);
    this.forPages(addr, end, (p, isLow) => {
      if (isLow) {
        this.forgetPage(p);
        if (this.perm[p] & PERM_CODE) this.notifyCode(p, 1);
        this.perm[p] = 0;
      } else {
        const old = this.high.get(p);
        if (old && old.perm & PERM_CODE) this.notifyCode(p, 1);
        this.high.delete(p);
      }
    });
    this.generation++;
    for (const l of this.layoutListeners) l('unmap', addr, end - addr, 0);
  }

  /** Changes permissions of mapped pages in the range; unmapped pages are left alone. */
  protect(addr: number, len: number, perm: number): void {
    this.checkRangeArgs(addr, len);
    const end = pageCeil(addr + len);
    this.forPages(addr, end, (p, isLow) => {
      if (isLow) {
        const old = this.perm[p];
        if (!(old & PERM_MAPPED)) return;
        if (this.pending !== undefined && this.pending[p]) {
          // still to be copied from the source: only the protection it will get changes
          this.pending[p] = (perm & PERM_RWX) | PERM_MAPPED;
          return;
        }
        if (old & PERM_CODE && !(perm & PERM_X)) this.notifyCode(p, 1);
        // the COW mark stays: the page's bytes are still what forks of this space will copy
        this.perm[p] = (perm & PERM_RWX) | PERM_MAPPED | (perm & PERM_X ? old & PERM_CODE : 0) | (old & PERM_COW);
      } else {
        const hp = this.high.get(p);
        if (!hp) return;
        if (hp.perm & PERM_CODE && !(perm & PERM_X)) this.notifyCode(p, 1);
        hp.perm = (perm & PERM_RWX) | PERM_MAPPED | (perm & PERM_X ? hp.perm & PERM_CODE : 0);
      }
    });
    this.generation++;
    for (const l of this.layoutListeners) l('protect', addr, end - addr, perm);
  }

  /**
   * Permission byte of the page holding addr (0 when unmapped): what the CPUs test, so a page a
   * fork has not copied yet shows PERM_MAPPED without R/W/X. `protection` gives what was mapped.
   */
  /**
   * [addr, addr+len) as a view of the buffer when it lies below 4 GiB and every page of it is
   * executable (what a CPU may translate), else null. The translation cache compares cached
   * guest code against it.
   */
  execView(addr: number, len: number): Uint8Array | null {
    if (addr < 0 || len <= 0 || addr + len > LOW_LIMIT) return null;
    for (let p = addr >>> PAGE_SHIFT, q = (addr + len - 1) >>> PAGE_SHIFT; p <= q; p++) if (!(this.perm[p] & PERM_X)) return null;
    return this.u8.subarray(addr, addr + len);
  }

  pagePerm(addr: number): number {
    if (addr < LOW_LIMIT) return this.perm[addr >>> PAGE_SHIFT];
    return this.high.get(Math.floor(addr / PAGE_SIZE))?.perm ?? 0;
  }

  /**
   * The protection of the page holding addr as mapped (PERM_RWX bits | PERM_MAPPED, 0 when
   * unmapped), whatever copy-on-write state it is in: what mprotect logic, /proc and mirrors report.
   */
  protection(addr: number): number {
    if (addr < LOW_LIMIT) {
      const p = addr >>> PAGE_SHIFT;
      if (this.pending !== undefined && this.pending[p]) return this.pending[p];
      return this.perm[p] & (PERM_RWX | PERM_MAPPED);
    }
    return (this.high.get(Math.floor(addr / PAGE_SIZE))?.perm ?? 0) & (PERM_RWX | PERM_MAPPED);
  }

  /**
   * The access a backend that maps the buffer directly (Unicorn) must give the page: its
   * permission byte's R/W/X, without W while forks still copy the page (PERM_COW), none while
   * the page is still to be copied in (pending). A fault there goes to the kernel, which
   * resolves it (resolveLazy) and retries.
   */
  enginePerm(addr: number): number {
    const pr = this.pagePerm(addr);
    return pr & PERM_COW ? pr & (PERM_R | PERM_X) : pr & PERM_RWX;
  }

  isMapped(addr: number): boolean {
    return (this.pagePerm(addr) & PERM_MAPPED) !== 0;
  }

  /** Marks the page holding addr as holding translated code; a later write calls the listeners. */
  markCode(addr: number): void {
    if (addr < LOW_LIMIT) this.perm[addr >>> PAGE_SHIFT] |= PERM_CODE;
    else {
      const hp = this.high.get(Math.floor(addr / PAGE_SIZE));
      if (hp) hp.perm |= PERM_CODE;
    }
  }

  /** Every mapped page as [start, end, perm] runs, sorted; used by fork, Unicorn and /proc. */
  *regions(): Generator<{ start: number; end: number; perm: number }> {
    let runStart = -1, runPerm = 0;
    const pend = this.pending;
    for (let p = 0; p < LOW_PAGES; p++) {
      const pr = pend !== undefined && pend[p] ? pend[p] : this.perm[p] & (PERM_RWX | PERM_MAPPED);
      if (runStart >= 0 && pr !== runPerm) {
        yield { start: runStart * PAGE_SIZE, end: p * PAGE_SIZE, perm: runPerm & PERM_RWX };
        runStart = -1;
      }
      if (runStart < 0 && pr & PERM_MAPPED) { runStart = p; runPerm = pr; }
    }
    if (runStart >= 0) yield { start: runStart * PAGE_SIZE, end: LOW_LIMIT, perm: runPerm & PERM_RWX };
    const keys = [...this.high.keys()].sort((a, b) => a - b);
    let s = -1, last = -1, lp = 0;
    for (const k of keys) {
      const pr = this.high.get(k)!.perm & (PERM_RWX | PERM_MAPPED);
      if (s >= 0 && (k !== last + 1 || pr !== lp)) {
        yield { start: s * PAGE_SIZE, end: (last + 1) * PAGE_SIZE, perm: lp & PERM_RWX };
        s = -1;
      }
      if (s < 0) { s = k; lp = pr; }
      last = k;
    }
    if (s >= 0) yield { start: s * PAGE_SIZE, end: (last + 1) * PAGE_SIZE, perm: lp & PERM_RWX };
  }

  /**
   * The current bytes of the page with index pageIndex, whatever its lazy state (a page a fork has
   * not copied yet is read from the space it will be copied from). Read only: for mirrors that
   * compare memory (lockstep). undefined when not mapped.
   */
  pageView(pageIndex: number): Uint8Array | undefined {
    const a = pageIndex * PAGE_SIZE;
    if (a >= LOW_LIMIT) return this.high.get(pageIndex)?.data;
    if (!(this.perm[pageIndex] & PERM_MAPPED)) return undefined;
    return this.holderOf(pageIndex).u8.subarray(a, a + PAGE_SIZE);
  }

  /** The backing bytes of a high page (for backends that map memory page by page). */
  highPage(pageIndex: number): Uint8Array | undefined {
    return this.high.get(pageIndex)?.data;
  }

  /**
   * An independent copy made now: every mapped page with its contents and protection (no CODE
   * marks). For shadows and oracles that run a second engine over the same memory; fork uses fork().
   */
  clone(): AddressSpace {
    const c = new (this.constructor as new () => AddressSpace)();
    for (const r of this.regions()) {
      if (r.start >= LOW_LIMIT) continue;
      const p0 = r.start >>> PAGE_SHIFT, p1 = r.end / PAGE_SIZE;
      for (let p = p0; p < p1; p++) {
        const src = this.holderOf(p);
        c.u8.set(src.u8.subarray(p * PAGE_SIZE, (p + 1) * PAGE_SIZE), p * PAGE_SIZE);
        c.perm[p] = r.perm | PERM_MAPPED;
        c.used[p] = 1;
      }
    }
    for (const [k, hp] of this.high) c.high.set(k, { data: hp.data.slice(), perm: hp.perm & ~PERM_CODE });
    return c;
  }

  /**
   * The copy fork gives the child, copy-on-write: no low page is copied now. Every mapped low
   * page of the child is pending (its permission byte PERM_MAPPED alone, so every CPU fast path
   * refuses it and the access reaches check(), which copies the page from this space and restores
   * its protection). This space's pages get PERM_COW, so its first write to one (CPU slow path,
   * kernel write, map/unmap of it, release) first gives the page's current bytes to every fork
   * still waiting for it. Pages above 4 GiB (rare: MAP_FIXED there) are copied now.
   */
  fork(): AddressSpace {
    const c = new (this.constructor as new () => AddressSpace)();
    const pend = new Uint8Array(LOW_PAGES);
    const own = this.pending;
    const perm = this.perm, cperm = c.perm;
    let n = 0, runStart = -1;
    for (let p = 0; p < LOW_PAGES; p++) {
      const pr = perm[p];
      if (!(pr & PERM_MAPPED)) {
        if (runStart >= 0) { this.notifySharing(runStart, p); runStart = -1; }
        continue;
      }
      if (own !== undefined && own[p]) pend[p] = own[p];
      else {
        pend[p] = pr & (PERM_RWX | PERM_MAPPED);
        perm[p] = pr | PERM_COW;
        if (runStart < 0) runStart = p;
      }
      cperm[p] = PERM_MAPPED;
      n++;
    }
    if (runStart >= 0) this.notifySharing(runStart, LOW_PAGES);
    if (n) {
      c.pending = pend;
      c.pendingCount = n;
      c.cowSource = this;
      this.dependents.add(c);
    }
    for (const [k, hp] of this.high) c.high.set(k, { data: hp.data.slice(), perm: hp.perm & ~PERM_CODE });
    return c;
  }

  /**
   * The process using this space is gone (exit, exec): it stops waiting for pages from its
   * source. It stays readable as long as forks of it still copy pages from it.
   */
  retire(): void {
    this.retired = true;
    if (!this.dependents.size) this.dropSource();
  }

  /** Low pages still to be copied from the space this one was forked from (for tests and stats). */
  get pendingPages(): number {
    return this.pendingCount;
  }

  /**
   * A fault the permission byte gave but the page's lazy state explains: a page still to be
   * copied (any access its protection allows) or a shared page written (access 'w'). Resolves it
   * and returns true (retry the access), or false for a real fault. For the kernel's fault path
   * (instruction fetches, backends that execute from the buffer themselves).
   */
  resolveLazy(addr: number, access: Access): boolean {
    if (!(addr >= 0 && addr < LOW_LIMIT)) return false;
    const p = addr >>> PAGE_SHIFT;
    const need = access === 'r' ? PERM_R : access === 'w' ? PERM_W : PERM_X;
    if (this.pending !== undefined && this.pending[p]) {
      if (!(this.pending[p] & need)) return false;
      batched(() => this.fillGranule(p));
      return true;
    }
    if (need === PERM_W && (this.perm[p] & (PERM_COW | PERM_W)) === (PERM_COW | PERM_W)) {
      batched(() => this.unshareGranule(p));
      return true;
    }
    return false;
  }

  // ---- checked access for the kernel and the CPUs' slow paths --------------------------------

  /** Throws MemoryFault unless every byte of [addr, addr+len) permits access. */
  check(addr: number, len: number, access: Access): void {
    if (len <= 0) return;
    if (!(addr >= 0 && addr + len <= 2 ** 48)) throw new MemoryFault(addr, access, false);
    const need = access === 'r' ? PERM_R : access === 'w' ? PERM_W : PERM_X;
    const end = addr + len;
    for (let a = addr; a < end; a = pageFloor(a) + PAGE_SIZE) {
      let pr = this.pagePerm(a);
      // a fork's lazy state: a page still to be copied in, or a shared page about to be written
      // (at most two steps: copy the page in, then give it to this space's own forks)
      while (a < LOW_LIMIT && (!(pr & need) || (need === PERM_W && pr & PERM_COW)) && this.resolveLazy(a, access)) pr = this.perm[a >>> PAGE_SHIFT];
      if (!(pr & need)) throw new MemoryFault(a, access, (pr & PERM_MAPPED) !== 0);
    }
  }

  /** Copies len bytes out of guest memory (checked for read). */
  read(addr: number, len: number): Uint8Array {
    this.check(addr, len, 'r');
    if (addr + len <= LOW_LIMIT) return this.u8.slice(addr, addr + len);
    const out = new Uint8Array(len);
    this.copyOut(addr, out);
    return out;
  }

  /** A view without copying when the range is in the flat low region, else a copy. Checked. */
  view(addr: number, len: number): Uint8Array {
    this.check(addr, len, 'r');
    if (addr + len <= LOW_LIMIT) return this.u8.subarray(addr, addr + len);
    const out = new Uint8Array(len);
    this.copyOut(addr, out);
    return out;
  }

  /** Writes bytes into guest memory (checked for write), invalidating translated code it hits. */
  write(addr: number, data: Uint8Array): void {
    this.check(addr, data.length, 'w');
    this.copyIn(addr, data);
  }

  /** Writes without a permission check (the loader filling read-only segments). Pages must be mapped. */
  poke(addr: number, data: Uint8Array): void {
    for (let a = addr; a < addr + data.length; a = pageFloor(a) + PAGE_SIZE) {
      if (!this.isMapped(a)) throw new MemoryFault(a, 'w', false);
    }
    this.copyIn(addr, data);
  }

  /** Copies bytes into (already checked) pages, low or high, after noting code writes. */
  private copyIn(addr: number, data: Uint8Array): void {
    const len = data.length;
    this.prepareWrite(addr, len);
    this.noteWrite(addr, len);
    if (addr + len <= LOW_LIMIT) { this.u8.set(data, addr); return; }
    let off = 0;
    while (off < len) {
      const a = addr + off;
      const n = Math.min(len - off, PAGE_SIZE - (a % PAGE_SIZE));
      if (a < LOW_LIMIT) this.u8.set(data.subarray(off, off + n), a);
      else this.high.get(Math.floor(a / PAGE_SIZE))!.data.set(data.subarray(off, off + n), a % PAGE_SIZE);
      off += n;
    }
  }

  /** Zero-fills a range without permission checks (bss). Pages must be mapped. */
  zero(addr: number, len: number): void {
    this.poke(addr, new Uint8Array(len));
  }

  readU8(addr: number): number { return this.read(addr, 1)[0]; }
  readU16(addr: number): number { const b = this.read(addr, 2); return b[0] | (b[1] << 8); }
  readU32(addr: number): number {
    if (addr + 4 <= LOW_LIMIT && (this.perm[addr >>> 12] & PERM_R) && (this.perm[(addr + 3) >>> 12] & PERM_R)) return this.dv.getUint32(addr, true);
    const b = this.read(addr, 4); return (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
  }
  readI32(addr: number): number { return this.readU32(addr) | 0; }
  readU64(addr: number): bigint {
    const b = this.read(addr, 8);
    return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
  }
  /** A 64-bit value as a number (exact below 2^53: pointers, sizes). */
  readU64Num(addr: number): number {
    const lo = this.readU32(addr), hi = this.readU32(addr + 4);
    return hi * 0x100000000 + lo;
  }
  writeU8(addr: number, v: number): void { this.write(addr, Uint8Array.of(v & 0xff)); }
  writeU16(addr: number, v: number): void { this.write(addr, Uint8Array.of(v & 0xff, (v >>> 8) & 0xff)); }
  writeU32(addr: number, v: number): void {
    const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, v >>> 0, true); this.write(addr, b);
  }
  writeU64(addr: number, v: bigint | number): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, BigInt(v)), true);
    this.write(addr, b);
  }

  /** Reads a NUL-terminated string of at most max bytes (without the NUL); null when none ends in time. */
  readCString(addr: number, max = 4096): Uint8Array | null {
    const out: number[] = [];
    for (let i = 0; i < max; i++) {
      const a = addr + i;
      if (i === 0 || a % PAGE_SIZE === 0) this.check(a, 1, 'r');
      const c = a < LOW_LIMIT ? this.u8[a] : this.high.get(Math.floor(a / PAGE_SIZE))!.data[a % PAGE_SIZE];
      if (c === 0) return Uint8Array.from(out);
      out.push(c);
    }
    return null;
  }

  // ---- internals ----------------------------------------------------------------------------

  private copyOut(addr: number, out: Uint8Array): void {
    let off = 0;
    const len = out.length;
    while (off < len) {
      const a = addr + off;
      const n = Math.min(len - off, PAGE_SIZE - (a % PAGE_SIZE));
      if (a < LOW_LIMIT) out.set(this.u8.subarray(a, a + n), off);
      else out.set(this.high.get(Math.floor(a / PAGE_SIZE))!.data.subarray(a % PAGE_SIZE, (a % PAGE_SIZE) + n), off);
      off += n;
    }
  }

  /** Calls the code-write listeners for code pages in [addr, addr+len) and clears their mark. */
  noteWrite(addr: number, len: number): void {
    if (len <= 0) return;
    const end = addr + len;
    for (let a = pageFloor(addr); a < end; a += PAGE_SIZE) {
      if (a < LOW_LIMIT) {
        const p = a >>> PAGE_SHIFT;
        if (this.perm[p] & PERM_CODE) { this.perm[p] &= ~PERM_CODE; this.notifyCode(p, 1); }
      } else {
        const hp = this.high.get(a / PAGE_SIZE);
        if (hp && hp.perm & PERM_CODE) { hp.perm &= ~PERM_CODE; this.notifyCode(a / PAGE_SIZE, 1); }
      }
    }
  }

  /**
   * Before bytes land in [addr, addr+len) without a check (poke, or after one): pending pages are
   * copied in (not when the write covers the whole page), shared pages are given to the forks.
   */
  private prepareWrite(addr: number, len: number): void {
    if (this.pending === undefined && !this.dependents.size) return;
    const end = Math.min(addr + len, LOW_LIMIT);
    batched(() => {
      for (let a = pageFloor(addr); a < end; a += PAGE_SIZE) {
        const p = a >>> PAGE_SHIFT;
        if (this.pending !== undefined && this.pending[p]) {
          if (this.lazyGranule > 1) this.fillGranule(p);
          // a write covering the whole page needs no copy, unless forks of this space still read it from here
          else this.materialize(p, !(addr <= a && addr + len >= a + PAGE_SIZE) || this.dependentNeeds(p));
        }
        if (this.perm[p] & PERM_COW) {
          if (this.lazyGranule > 1) this.unshareGranule(p);
          else this.unshare(p);
        }
      }
    });
  }

  /** The page's bytes are about to be replaced or dropped (map, unmap): forks get them first; a pending page is dropped. */
  private forgetPage(p: number): void {
    if (this.pending !== undefined && this.pending[p]) {
      // forks of this space that still read the page from here get it first
      if (this.dependentNeeds(p)) this.materialize(p, true);
      else this.dropPending(p);
    }
    if (this.perm[p] & PERM_COW) this.unshare(p);
  }

  /** The space whose buffer holds page p's current bytes (this one, or the source it is pending on). */
  private holderOf(p: number): AddressSpace {
    let s: AddressSpace = this;
    while (s.pending !== undefined && s.pending[p] && s.cowSource) s = s.cowSource;
    return s;
  }

  /** Copies pending page p in from the source (resolving the source's own pending state first) and restores its protection. */
  private materialize(p: number, copy: boolean): void {
    const prot = this.pending![p];
    const src = this.cowSource!;
    if (copy) {
      if (src.pending !== undefined && src.pending[p]) src.fillGranule(p);
      this.u8.set(src.u8.subarray(p * PAGE_SIZE, (p + 1) * PAGE_SIZE), p * PAGE_SIZE);
    }
    this.pending![p] = 0;
    this.used[p] = 1;
    this.perm[p] = prot | (this.perm[p] & PERM_CODE) | (this.dependentNeeds(p) ? PERM_COW : 0);
    this.touched(p);
    if (--this.pendingCount === 0) this.dropSource();
  }

  /** Pending page p will never be read here (it is being remapped, or nobody needs it): dropped without a copy. */
  private dropPending(p: number): void {
    this.pending![p] = 0;
    this.perm[p] = 0;
    this.touched(p);
    if (--this.pendingCount === 0) this.dropSource();
  }

  /** Some fork of this space still has page p pending. */
  private dependentNeeds(p: number): boolean {
    for (const d of this.dependents) if (d.pending !== undefined && d.pending[p]) return true;
    return false;
  }

  /** Page p is about to change: every fork still waiting for it copies it now; then it is this space's alone. */
  private unshare(p: number): void {
    for (const d of this.dependents) {
      if (d.pending === undefined || !d.pending[p]) continue;
      // a retired fork needs the page only for its own forks
      if (d.retired && !d.dependentNeeds(p)) d.dropPending(p);
      else d.fillGranule(p);
    }
    this.perm[p] &= ~PERM_COW;
    this.touched(p);
  }

  /** Copies in every pending page of the granule holding page p. */
  private fillGranule(p: number): void {
    const g = this.lazyGranule;
    const p0 = p - (p % g);
    for (let q = p0; q < p0 + g && this.pending !== undefined; q++) if (this.pending[q]) this.materialize(q, true);
  }

  /** Gives every shared page of the granule holding page p to the forks (before a write to p). */
  private unshareGranule(p: number): void {
    const g = this.lazyGranule;
    const p0 = p - (p % g);
    for (let q = p0; q < p0 + g; q++) if (this.perm[q] & PERM_COW) this.unshare(q);
  }

  /** Page p's permission byte changed: the sharing listeners hear of it (at the end of the batch). */
  private touched(p: number): void {
    if (!this.sharingListeners.length) return;
    if (!batch) { this.notifySharing(p, p + 1); return; }
    const r = batch.get(this);
    if (!r) batch.set(this, [p, p + 1]);
    else { if (p < r[0]) r[0] = p; if (p + 1 > r[1]) r[1] = p + 1; }
  }

  /** Copies in every pending page (the source is going away). */
  private materializeAll(): void {
    const pend = this.pending;
    if (pend === undefined) return;
    batched(() => {
      for (let p = 0; p < LOW_PAGES && this.pending !== undefined; p++) if (pend[p]) this.materialize(p, true);
    });
  }

  /** Stops depending on the source; pages still pending become unmapped (only a retired or released space gets here with some). */
  private dropSource(): void {
    const src = this.cowSource;
    if (!src) return;
    if (this.pendingCount && this.pending) {
      const pend = this.pending;
      for (let p = 0; p < LOW_PAGES; p++) if (pend[p]) this.perm[p] = 0;
    }
    this.cowSource = undefined;
    this.pending = undefined;
    this.pendingCount = 0;
    src.dependents.delete(this);
    if (src.retired && !src.dependents.size) src.dropSource();
  }

  /** @internal the end of a batch (see batched()) */
  static flushSharing(b: Map<AddressSpace, [number, number]>): void {
    for (const [s, [p0, p1]] of b) s.notifySharing(p0, p1);
  }

  private notifySharing(p0: number, p1: number): void {
    for (const l of this.sharingListeners) l(p0 * PAGE_SIZE, (p1 - p0) * PAGE_SIZE);
  }

  private notifyCode(page: number, count: number): void {
    for (const l of this.codeWriteListeners) l(page, count);
  }

  private checkRangeArgs(addr: number, len: number): void {
    if (addr % PAGE_SIZE !== 0 || len <= 0 || addr + len > 2 ** 48 || !Number.isInteger(addr) || !Number.isInteger(len)) {
      throw new RangeError(`bad range 0x${addr.toString(16)}+0x${len.toString(16)}`);
    }
  }

  private forPages(start: number, end: number, fn: (page: number, isLow: boolean) => void): void {
    for (let a = start; a < end; a += PAGE_SIZE) fn(Math.floor(a / PAGE_SIZE), a < LOW_LIMIT);
  }
}
