// LoaderMemory: what the loader maps through. The kernel's mm implements it so that every
// mapping becomes a named VMA (/proc/self/maps); simpleLoaderMemory is a small stand-alone
// implementation over an AddressSpace for tests and for CPU engineers loading a static ELF
// without the kernel.
import { AddressSpace, PAGE_SIZE, LOW_LIMIT } from '@elfbox/cpu';
import { LoaderMemoryError, ENOMEM, EINVAL } from './errors.js';

export interface LoaderMemory {
  mem: AddressSpace;
  /** Maps [addr, addr+len) zero-filled with PERM_R|W|X bits, replacing what was there. addr, len page-aligned. */
  mapFixed(addr: number, len: number, perm: number, name: string): void;
  /** A free, align-aligned address with len bytes unmapped above it. Throws when there is none. */
  findFree(len: number, align: number): number;
}

export interface SimpleLoaderMemoryOptions {
  /** findFree searches top-down below this address (default 0xc0000000). */
  mmapTop?: number;
  /** ... and not below this one (default 0x10000, Linux's mmap_min_addr). */
  mmapBottom?: number;
  /** Refuse (ENOMEM) once this many bytes are mapped in total (default 1 GiB). */
  maxMappedBytes?: number;
}

export interface MappingRecord { start: number; end: number; perm: number; name: string }

export interface SimpleLoaderMemory extends LoaderMemory {
  /** Every mapFixed call in order (later ones may cover earlier ones). */
  readonly maps: MappingRecord[];
  mappedBytes: number;
}

const isPageAligned = (n: number): boolean => Number.isInteger(n) && n >= 0 && n % PAGE_SIZE === 0;

export function simpleLoaderMemory(mem: AddressSpace, opts: SimpleLoaderMemoryOptions = {}): SimpleLoaderMemory {
  const top = opts.mmapTop ?? 0xc0000000;
  const bottom = opts.mmapBottom ?? 0x10000;
  const maxBytes = opts.maxMappedBytes ?? 2 ** 30;
  const lm: SimpleLoaderMemory = {
    mem,
    maps: [],
    mappedBytes: 0,
    mapFixed(addr, len, perm, name) {
      if (!isPageAligned(addr) || !isPageAligned(len) || len === 0 || addr + len > 2 ** 48) {
        throw new LoaderMemoryError(EINVAL, `mapFixed: bad range 0x${addr.toString(16)}+0x${len.toString(16)}`);
      }
      if (lm.mappedBytes + len > maxBytes) {
        throw new LoaderMemoryError(ENOMEM, `mapFixed: mapping 0x${len.toString(16)} bytes would exceed the ${maxBytes}-byte limit`);
      }
      mem.map(addr, len, perm);
      lm.mappedBytes += len;
      lm.maps.push({ start: addr, end: addr + len, perm, name });
    },
    findFree(len, align) {
      const a = Math.max(PAGE_SIZE, align);
      const size = Math.ceil(len / PAGE_SIZE) * PAGE_SIZE;
      if (!(size > 0) || size > top - bottom) throw new LoaderMemoryError(ENOMEM, `findFree: no room for 0x${len.toString(16)} bytes`);
      let cand = Math.floor((top - size) / a) * a;
      while (cand >= bottom) {
        let blocked = -1;
        for (let p = cand + size - PAGE_SIZE; p >= cand; p -= PAGE_SIZE) {
          if (mem.isMapped(p)) { blocked = p; break; }
        }
        if (blocked < 0) return cand;
        cand = Math.floor((blocked - size) / a) * a;
      }
      throw new LoaderMemoryError(ENOMEM, `findFree: no free 0x${size.toString(16)}-byte range below 0x${top.toString(16)}`);
    },
  };
  return lm;
}

/** A copy of one mapped page's bytes, without permission checks. */
export function peekPage(mem: AddressSpace, addr: number): Uint8Array {
  if (addr < LOW_LIMIT) return mem.u8.slice(addr, addr + PAGE_SIZE);
  return (mem.highPage(Math.floor(addr / PAGE_SIZE)) ?? new Uint8Array(PAGE_SIZE)).slice();
}
