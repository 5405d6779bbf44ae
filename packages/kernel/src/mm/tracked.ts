// An AddressSpace whose permission check can resolve a fault before it becomes one.
//
// The CPUs' fast paths test the page's permission byte inline; when it forbids the access they
// fall to the AddressSpace's slow path (read/write -> check), and so do the kernel's own
// accesses. Overriding check() there gives the kernel demand paging without any change to the
// CPUs: pages of file and shared mappings are kept with fewer permissions than their VMA grants
// (clean copy-on-write pages without W, invalidated shared copies with none), and the first access
// the VMA allows is resolved here (copy-on-write, write tracking, reloading a page) and retried.
import { AddressSpace, MemoryFault, PAGE_SIZE, LOW_LIMIT, type Access } from '@elfbox/cpu';

/** Returns true when it made the access at addr possible (the access is then retried). */
export type FaultResolver = (addr: number, access: Access) => boolean;

export class TrackedAddressSpace extends AddressSpace {
  resolver?: FaultResolver;

  override check(addr: number, len: number, access: Access): void {
    // Bounded: each retry resolves one page, and a resolved page is not resolved again. (Pages a
    // fork has not copied yet are resolved by AddressSpace.check itself; a fork of this space is
    // a TrackedAddressSpace too: AddressSpace.fork builds this.constructor.)
    for (let tries = 0; ; tries++) {
      try {
        super.check(addr, len, access);
        return;
      } catch (e) {
        if (!(e instanceof MemoryFault) || !this.resolver || tries > Math.ceil(len / PAGE_SIZE) + 4) throw e;
        if (!this.resolver(e.addr, e.access)) throw e;
      }
    }
  }

  /**
   * Pages at or above 4 GiB are allocated one by one; a PROT_NONE reservation there (Go reserves
   * its arenas so, 64 GiB at a time) allocates nothing: the MM maps those pages when an mprotect
   * makes them accessible. Unmapping and protecting walk only the pages that exist.
   */
  override map(addr: number, len: number, perm: number): void {
    if (addr >= LOW_LIMIT && !(perm & 7)) {
      this.unmap(addr, len);
      return;
    }
    super.map(addr, len, perm);
  }

  override unmap(addr: number, len: number): void {
    const end = Math.ceil((addr + len) / PAGE_SIZE) * PAGE_SIZE;
    if (addr >= LOW_LIMIT && (end - addr) / PAGE_SIZE > this.high.size) {
      const p0 = addr / PAGE_SIZE, p1 = end / PAGE_SIZE;
      for (const k of [...this.high.keys()]) if (k >= p0 && k < p1) super.unmap(k * PAGE_SIZE, PAGE_SIZE);
      this.generation++;
      return;
    }
    super.unmap(addr, len);
  }

  override protect(addr: number, len: number, perm: number): void {
    const end = Math.ceil((addr + len) / PAGE_SIZE) * PAGE_SIZE;
    if (addr >= LOW_LIMIT && (end - addr) / PAGE_SIZE > this.high.size) {
      const p0 = addr / PAGE_SIZE, p1 = end / PAGE_SIZE;
      for (const k of [...this.high.keys()]) if (k >= p0 && k < p1) super.protect(k * PAGE_SIZE, PAGE_SIZE, perm);
      this.generation++;
      return;
    }
    super.protect(addr, len, perm);
  }
}
