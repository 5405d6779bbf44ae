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

  private released = false;

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
        if (old & PERM_CODE && !(perm & PERM_X)) this.notifyCode(p, 1);
        this.perm[p] = (perm & PERM_RWX) | PERM_MAPPED | (perm & PERM_X ? old & PERM_CODE : 0);
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

  /** Permission byte of the page holding addr (0 when unmapped). */
  pagePerm(addr: number): number {
    if (addr < LOW_LIMIT) return this.perm[addr >>> PAGE_SHIFT];
    return this.high.get(Math.floor(addr / PAGE_SIZE))?.perm ?? 0;
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
    for (let p = 0; p < LOW_PAGES; p++) {
      const pr = this.perm[p] & (PERM_RWX | PERM_MAPPED);
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

  /** The backing bytes of a high page (for backends that map memory page by page). */
  highPage(pageIndex: number): Uint8Array | undefined {
    return this.high.get(pageIndex)?.data;
  }

  /** A copy for fork: every mapped page with its contents and permissions. */
  clone(): AddressSpace {
    const c = new AddressSpace();
    for (const r of this.regions()) {
      if (r.start < LOW_LIMIT) {
        c.u8.set(this.u8.subarray(r.start, r.end), r.start);
        const p0 = r.start >>> PAGE_SHIFT, p1 = r.end / PAGE_SIZE;
        for (let p = p0; p < p1; p++) { c.perm[p] = this.perm[p] & ~PERM_CODE; c.used[p] = 1; }
      }
    }
    for (const [k, hp] of this.high) c.high.set(k, { data: hp.data.slice(), perm: hp.perm & ~PERM_CODE });
    return c;
  }

  // ---- checked access for the kernel and the CPUs' slow paths --------------------------------

  /** Throws MemoryFault unless every byte of [addr, addr+len) permits access. */
  check(addr: number, len: number, access: Access): void {
    if (len <= 0) return;
    if (!(addr >= 0 && addr + len <= 2 ** 48)) throw new MemoryFault(addr, access, false);
    const need = access === 'r' ? PERM_R : access === 'w' ? PERM_W : PERM_X;
    const end = addr + len;
    for (let a = addr; a < end; a = pageFloor(a) + PAGE_SIZE) {
      const pr = this.pagePerm(a);
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
