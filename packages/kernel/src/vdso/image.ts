// The vDSO: a small ELF shared object the kernel maps into every process and names in
// AT_SYSINFO_EHDR. libc looks its functions up by name (glibc through its dynamic symbol table,
// hash table and versions, musl by walking the symbols) and calls them instead of making a
// system call.
//
// Ours is built from our own sources, vdso.c (the functions, reading the clocks in user space from
// the vvar page the kernel keeps up to date: see clock.ts), vdso.lds (one R+X PT_LOAD, PT_DYNAMIC,
// PT_GNU_EH_FRAME, the vvar page just below the image) and vdso-ARCH.ver (Linux's symbol versions:
// LINUX_2.6 on x86-64, LINUX_2.6.39 on aarch64), by scripts/build-vdso.sh with gcc and
// aarch64-linux-gnu-gcc. The stripped images are committed as base64 in image.gen.ts, so running
// elfbox needs no compiler; test/mm/vdso.test.ts rebuilds them and compares.
import type { Arch } from '@elfbox/cpu';
import { VDSO_BASE64 } from './image.gen.js';

export interface VdsoImage {
  /** The image, padded to whole pages. */
  bytes: Uint8Array;
  /** Exported symbol name -> offset in the image. */
  symbols: Map<string, number>;
}

const cache = new Map<Arch, VdsoImage>();

export function vdsoImage(arch: Arch): VdsoImage {
  let img = cache.get(arch);
  if (!img) cache.set(arch, (img = load(arch)));
  return img;
}

function decodeBase64(s: string): Uint8Array {
  if (typeof Buffer !== 'undefined') return new Uint8Array(Buffer.from(s, 'base64'));
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function load(arch: Arch): VdsoImage {
  const raw = decodeBase64(VDSO_BASE64[arch]);
  const bytes = new Uint8Array(Math.ceil(raw.length / 4096) * 4096);
  bytes.set(raw);
  return { bytes, symbols: dynamicSymbols(bytes) };
}

/** The defined symbols of the image's .dynsym, found through PT_DYNAMIC (vaddr = file offset). */
export function dynamicSymbols(b: Uint8Array): Map<string, number> {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const phoff = Number(dv.getBigUint64(32, true)), phnum = dv.getUint16(56, true);
  const dyn = new Map<number, number>();
  for (let i = 0; i < phnum; i++) {
    const o = phoff + 56 * i;
    if (dv.getUint32(o, true) !== 2 /* PT_DYNAMIC */) continue;
    for (let d = Number(dv.getBigUint64(o + 8, true)); ; d += 16) {
      const tag = Number(dv.getBigInt64(d, true));
      if (tag === 0) break;
      dyn.set(tag, Number(dv.getBigUint64(d + 8, true)));
    }
  }
  const symtab = dyn.get(6) ?? 0, strtab = dyn.get(5) ?? 0, hash = dyn.get(4) ?? 0;
  const out = new Map<string, number>();
  if (!symtab || !strtab || !hash) return out;
  const nsym = dv.getUint32(hash + 4, true);
  for (let i = 1; i < nsym; i++) {
    const s = symtab + 24 * i;
    if (dv.getUint16(s + 6, true) === 0 || (b[s + 4] & 0xf) !== 2 /* STT_FUNC */) continue;
    let e = strtab + dv.getUint32(s, true);
    const start = e;
    while (b[e]) e++;
    out.set(new TextDecoder().decode(b.subarray(start, e)), Number(dv.getBigUint64(s + 8, true)));
  }
  return out;
}
