// Memory objects behind file and shared mappings, and the protocol that keeps their copies
// coherent (one Pager per family of address spaces: a process and the children forked from it).
//
// AddressSpace has no page aliasing: every mapping owns its bytes. So a page of a memory object
// (a file, or the store of a MAP_SHARED|MAP_ANONYMOUS region) may have several copies, one per
// mapping (PageRef), each in one of three states, enforced through the page's permission byte:
//
//   clean  the copy equals the object; mapped with the VMA's protection minus PROT_WRITE
//   dirty  (shared mappings only) written since the last flush; mapped with the VMA's protection
//   stale  another copy was written, or the file changed; mapped with no access at all
//
// Transitions happen in the fault resolver (TrackedAddressSpace.check, which the CPUs' slow paths
// and the kernel's own accesses both reach, and the kernel's fault path for fetches):
//   write to a clean/stale shared copy -> flush the dirty copy if any, load if stale, every other
//     copy of the page becomes stale, this one dirty (at most one dirty copy per page)
//   write to a clean/stale private copy -> copy-on-write: the page leaves the object for good
//   read of a stale copy -> flush the dirty copy, reload from the object, clean
// At every system call entry the dirty copies are flushed (written to the file or the anonymous
// store) and become clean, so the file and every other mapping see the writes; after a syscall
// that writes a mapped file through a descriptor, its copies are reloaded from it.
import * as fs from 'node:fs';
import { LOW_LIMIT, PAGE_SIZE, PERM_W, type AddressSpace } from '@elfbox/cpu';

export type PageState = 'clean' | 'dirty' | 'stale';

/** The view of one address space the pager needs (the MM implements it). */
export interface PagedSpace {
  readonly mem: AddressSpace;
  /** Tracked pages of this space by page address. */
  readonly tracked: Map<number, PageRef>;
  /** The protection of the VMA holding addr (undefined when unmapped). */
  protAt(addr: number): number | undefined;
}

export interface PageRef {
  space: PagedSpace;
  addr: number;
  obj: MemObject;
  /** Offset of the page in the object. */
  off: number;
  shared: boolean;
  state: PageState;
}

export abstract class MemObject {
  /** Copies of each object page (by offset). */
  readonly copies = new Map<number, Set<PageRef>>();
  constructor(readonly key: string, readonly hostPath?: string) {}
  /** PAGE_SIZE bytes at off (zero past the end). */
  abstract readPage(off: number): Uint8Array;
  /** A page written through a shared mapping. */
  abstract writePage(off: number, data: Uint8Array): void;
  /** Bytes in the object now: pages wholly at or past it are SIGBUS to touch (files only). */
  size(): number { return Infinity; }
  close(): void { /* nothing by default */ }
}

/** A host file: pages are read from it and written back (never past its end, as Linux). */
export class FileObject extends MemObject {
  constructor(key: string, hostPath: string | undefined, private readonly fd: number | undefined, readonly writable: boolean, private readonly fallback: (off: number, len: number) => Uint8Array, private readonly writeBack?: (off: number, data: Uint8Array) => void, private readonly sizeOf?: () => number) {
    super(key, hostPath);
  }

  override size(): number {
    try {
      if (this.fd !== undefined) return fs.fstatSync(this.fd).size;
      return this.sizeOf?.() ?? Infinity;
    } catch {
      return 0; // a vanished file: every page is past its end
    }
  }

  readPage(off: number): Uint8Array {
    const out = new Uint8Array(PAGE_SIZE);
    try {
      if (this.fd !== undefined) fs.readSync(this.fd, out, 0, PAGE_SIZE, off);
      else out.set(this.fallback(off, PAGE_SIZE).subarray(0, PAGE_SIZE));
    } catch { /* a vanished file reads as zeros */ }
    return out;
  }

  writePage(off: number, data: Uint8Array): void {
    if (this.fd === undefined) {
      try { this.writeBack?.(off, data); } catch { /* the file is gone: the write stays in the mappings */ }
      return;
    }
    try {
      const size = fs.fstatSync(this.fd).size;
      const n = Math.min(PAGE_SIZE, size - off);
      if (n > 0) fs.writeSync(this.fd, data, 0, n, off);
    } catch { /* read-only fd or a vanished file: the write stays in the mappings */ }
  }

  override close(): void {
    if (this.fd !== undefined) try { fs.closeSync(this.fd); } catch { /* gone */ }
  }
}

/** The store of a MAP_SHARED|MAP_ANONYMOUS region (shared with forked children). */
export class AnonObject extends MemObject {
  private readonly pages = new Map<number, Uint8Array>();
  readPage(off: number): Uint8Array {
    return this.pages.get(off)?.slice() ?? new Uint8Array(PAGE_SIZE);
  }
  writePage(off: number, data: Uint8Array): void {
    this.pages.set(off, data.slice(0, PAGE_SIZE));
  }
}

let anonSeq = 0;

export class Pager {
  readonly objects = new Map<string, MemObject>();
  readonly dirty = new Set<PageRef>();

  /** The object for a file (shared by every mapping of the same dev:ino). */
  fileObject(dev: number, ino: number, hostPath: string | undefined, wantWrite: boolean, fallback: (off: number, len: number) => Uint8Array, writeBack?: (off: number, data: Uint8Array) => void, sizeOf?: () => number): MemObject {
    const key = `f:${dev}:${ino}`;
    let o = this.objects.get(key);
    if (o && o instanceof FileObject && wantWrite && !o.writable && hostPath) {
      // reopen for writing when a shared writable mapping arrives after read-only ones
      const fd = openHost(hostPath, true);
      if (fd !== undefined) {
        const n = new FileObject(key, hostPath, fd, true, fallback, writeBack, sizeOf);
        for (const [off, set] of o.copies) { n.copies.set(off, set); for (const r of set) r.obj = n; }
        o.close();
        this.objects.set(key, (o = n));
      }
    }
    if (!o) {
      const fd = hostPath ? openHost(hostPath, wantWrite) : undefined;
      o = new FileObject(key, hostPath, fd, wantWrite && fd !== undefined, fallback, writeBack, sizeOf);
      this.objects.set(key, o);
    }
    return o;
  }

  anonObject(): MemObject {
    const o = new AnonObject(`a:${++anonSeq}`);
    this.objects.set(o.key, o);
    return o;
  }

  /** Starts tracking the page at addr as a clean copy of obj's page off. */
  track(space: PagedSpace, addr: number, obj: MemObject, off: number, shared: boolean, state: PageState = 'clean'): PageRef {
    const old = space.tracked.get(addr);
    if (old) this.untrack(old);
    const ref: PageRef = { space, addr, obj, off, shared, state };
    space.tracked.set(addr, ref);
    let set = obj.copies.get(off);
    if (!set) obj.copies.set(off, (set = new Set()));
    set.add(ref);
    if (state === 'dirty') this.dirty.add(ref);
    this.applyPerm(ref);
    return ref;
  }

  /** Stops tracking (the page was unmapped, or became private by copy-on-write). Flushes first. */
  untrack(ref: PageRef, flush = true): void {
    if (flush && ref.state === 'dirty') this.flushRef(ref);
    this.dirty.delete(ref);
    if (ref.space.tracked.get(ref.addr) === ref) ref.space.tracked.delete(ref.addr);
    const set = ref.obj.copies.get(ref.off);
    if (set) {
      set.delete(ref);
      if (!set.size) ref.obj.copies.delete(ref.off);
    }
    if (!ref.obj.copies.size) {
      ref.obj.close();
      this.objects.delete(ref.obj.key);
    }
  }

  /** Sets the page's permission byte from its VMA's protection and the copy's state. */
  applyPerm(ref: PageRef): void {
    const prot = ref.space.protAt(ref.addr);
    if (prot === undefined) return;
    const eff = ref.state === 'stale' ? 0 : ref.state === 'clean' ? prot & ~PERM_W : prot;
    if ((ref.space.mem.protection(ref.addr) & 7) !== eff) ref.space.mem.protect(ref.addr, PAGE_SIZE, eff);
  }

  /** Resolves an access the page's current state forbids but its VMA allows. */
  resolve(space: PagedSpace, addr: number, access: 'r' | 'w' | 'x'): boolean {
    const page = addr - (addr % PAGE_SIZE);
    const ref = space.tracked.get(page);
    if (!ref) return false;
    const prot = space.protAt(page);
    const need = access === 'r' ? 1 : access === 'w' ? 2 : 4;
    if (prot === undefined || !(prot & need)) return false;
    if (ref.state === 'stale') {
      // a page wholly past the end of its file stays inaccessible: the access is SIGBUS (MM.busFault)
      if (ref.off >= ref.obj.size()) return false;
      this.flushPage(ref.obj, ref.off);
      space.mem.poke(page, ref.obj.readPage(ref.off));
      ref.state = 'clean';
    }
    if (access === 'w') {
      if (!ref.shared) {
        // copy-on-write: this page is the process's own from now on
        this.untrack(ref, false);
        space.mem.protect(page, PAGE_SIZE, prot);
        return true;
      }
      if (ref.state !== 'dirty') {
        for (const other of ref.obj.copies.get(ref.off) ?? []) {
          if (other === ref) continue;
          if (other.state === 'dirty') this.flushRef(other);
          other.state = 'stale';
          this.applyPerm(other);
        }
        ref.state = 'dirty';
        this.dirty.add(ref);
      }
    }
    this.applyPerm(ref);
    return true;
  }

  /** Writes every dirty copy back to its object; they become clean (the next write is tracked again). */
  flushAll(): void {
    if (!this.dirty.size) return;
    for (const ref of [...this.dirty]) this.flushRef(ref);
  }

  /** Flushes the dirty copies in [start, end) of one space. */
  flushRange(space: PagedSpace, start: number, end: number): void {
    for (const ref of [...this.dirty]) if (ref.space === space && ref.addr >= start && ref.addr < end) this.flushRef(ref);
  }

  private flushPage(obj: MemObject, off: number): void {
    for (const r of obj.copies.get(off) ?? []) if (r.state === 'dirty') this.flushRef(r);
  }

  private flushRef(ref: PageRef): void {
    ref.obj.writePage(ref.off, rawPage(ref.space.mem, ref.addr));
    ref.state = 'clean';
    this.dirty.delete(ref);
    this.applyPerm(ref);
  }

  /** The file at hostPath changed through a descriptor (or undefined: some file may have): copies reload. */
  fileChanged(hostPath?: string): void {
    for (const o of this.objects.values()) {
      if (!(o instanceof FileObject) || (hostPath !== undefined && o.hostPath !== hostPath)) continue;
      this.flushAllOf(o);
      // reloaded now rather than marked stale: backends that mirror protections lazily
      // (Unicorn) see the new bytes too, and code pages need no fetch fault
      const size = o.size();
      for (const [off, set] of o.copies) {
        if (off >= size) {
          // truncated away: touching these pages is SIGBUS until the file grows again
          for (const r of set) { r.state = 'stale'; this.applyPerm(r); }
          continue;
        }
        const page = o.readPage(off);
        for (const r of set) {
          r.space.mem.poke(r.addr, page);
          r.state = 'clean';
          this.applyPerm(r);
        }
      }
    }
  }

  hasFile(hostPath: string): boolean {
    for (const o of this.objects.values()) if (o.hostPath === hostPath) return true;
    return false;
  }

  private flushAllOf(o: MemObject): void {
    for (const set of o.copies.values()) for (const r of set) if (r.state === 'dirty') this.flushRef(r);
  }
}

function openHost(p: string, write: boolean): number | undefined {
  try {
    return fs.openSync(p, write ? 'r+' : 'r');
  } catch {
    return undefined;
  }
}

/** The bytes of the page at addr, whatever its permissions. */
export function rawPage(mem: AddressSpace, addr: number): Uint8Array {
  if (addr < LOW_LIMIT) return mem.u8.slice(addr, addr + PAGE_SIZE);
  return mem.highPage(Math.floor(addr / PAGE_SIZE))?.slice() ?? new Uint8Array(PAGE_SIZE);
}
