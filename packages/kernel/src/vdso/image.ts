// The vDSO: a small ELF shared object the kernel maps into every process and names in
// AT_SYSINFO_EHDR. libc looks its functions up by name (glibc through its dynamic symbol table and
// hash table, musl by walking the symbols) and calls them instead of making a system call.
// Ours are built here, byte by byte, from our own layout: each function is the system call
// itself (mov nr; syscall; ret), which is always correct and, on the TypeScript CPUs, a direct
// call into the kernel (the translator binds a syscall site with a constant number).
//
// Image layout (vaddr = file offset, one page or two):
//   0x000 ELF header    0x040 program headers: PT_LOAD (R+X, whole image), PT_DYNAMIC
//   then .dynsym, .dynstr, .hash (SysV: one bucket), .dynamic, the code. No section headers.
import type { Arch } from '@elfbox/cpu';

interface Fn { name: string; nr: number }

const FUNCS: Record<Arch, Fn[]> = {
  x86_64: [
    { name: '__vdso_clock_gettime', nr: 228 }, { name: '__vdso_gettimeofday', nr: 96 }, { name: '__vdso_time', nr: 201 },
    { name: '__vdso_getcpu', nr: 309 }, { name: '__vdso_clock_getres', nr: 229 },
    // the unprefixed aliases Linux's x86-64 vDSO exports as weak symbols
    { name: 'clock_gettime', nr: 228 }, { name: 'gettimeofday', nr: 96 }, { name: 'time', nr: 201 }, { name: 'getcpu', nr: 309 }, { name: 'clock_getres', nr: 229 },
  ],
  aarch64: [
    { name: '__kernel_clock_gettime', nr: 113 }, { name: '__kernel_gettimeofday', nr: 169 }, { name: '__kernel_clock_getres', nr: 114 },
    { name: '__kernel_rt_sigreturn', nr: 139 },
  ],
};

const SONAME: Record<Arch, string> = { x86_64: 'linux-vdso.so.1', aarch64: 'linux-vdso.so.1' };

function code(arch: Arch, nr: number): Uint8Array {
  if (arch === 'x86_64') return Uint8Array.of(0xb8, nr & 0xff, (nr >> 8) & 0xff, 0, 0, 0x0f, 0x05, 0xc3); // mov eax, nr; syscall; ret
  const b = new Uint8Array(12);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, (0xd2800008 | (nr << 5)) >>> 0, true); // movz x8, #nr
  dv.setUint32(4, 0xd4000001, true); // svc #0
  dv.setUint32(8, 0xd65f03c0, true); // ret
  return b;
}

export interface VdsoImage {
  bytes: Uint8Array;
  /** Symbol name -> offset in the image. */
  symbols: Map<string, number>;
}

const cache = new Map<Arch, VdsoImage>();

export function vdsoImage(arch: Arch): VdsoImage {
  let img = cache.get(arch);
  if (!img) cache.set(arch, (img = build(arch)));
  return img;
}

function build(arch: Arch): VdsoImage {
  const fns = FUNCS[arch];
  const enc = new TextEncoder();
  // .dynstr: "\0" soname names...
  const strs: number[] = [0];
  const strOff = (s: string) => { const o = strs.length; strs.push(...enc.encode(s), 0); return o; };
  const sonameOff = strOff(SONAME[arch]);
  const nameOffs = fns.map((f) => strOff(f.name));
  const nsym = fns.length + 1;
  const align = (n: number, a: number) => Math.ceil(n / a) * a;
  const EH = 64, PH = 56, nph = 2;
  const symOff = EH + PH * nph;
  const strTab = symOff + 24 * nsym;
  const hashOff = align(strTab + strs.length, 8);
  const nbucket = 1;
  const hashLen = 4 * (2 + nbucket + nsym);
  const dynOff = align(hashOff + hashLen, 8);
  const dyn: Array<[number, number]> = [[14 /* DT_SONAME */, sonameOff], [4 /* DT_HASH */, hashOff], [5 /* DT_STRTAB */, strTab],
    [6 /* DT_SYMTAB */, symOff], [10 /* DT_STRSZ */, strs.length], [11 /* DT_SYMENT */, 24], [0, 0]];
  const codeOff = align(dynOff + 16 * dyn.length, 16);
  const codeSize = arch === 'x86_64' ? 8 : 12;
  const stride = 16;
  const size = codeOff + stride * fns.length;
  const b = new Uint8Array(align(size, 4096));
  const dv = new DataView(b.buffer);
  // ELF header
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);
  dv.setUint16(16, 3, true); // ET_DYN
  dv.setUint16(18, arch === 'x86_64' ? 62 : 183, true);
  dv.setUint32(20, 1, true);
  dv.setBigUint64(24, BigInt(codeOff), true); // e_entry: not used
  dv.setBigUint64(32, BigInt(EH), true); // e_phoff
  dv.setUint16(52, EH, true);
  dv.setUint16(54, PH, true);
  dv.setUint16(56, nph, true);
  dv.setUint16(58, 64, true); // e_shentsize (no sections)
  // PT_LOAD R+X over the image; PT_DYNAMIC
  const ph = (i: number, type: number, flags: number, off: number, sz: number, al: number) => {
    const o = EH + PH * i;
    dv.setUint32(o, type, true); dv.setUint32(o + 4, flags, true);
    dv.setBigUint64(o + 8, BigInt(off), true); dv.setBigUint64(o + 16, BigInt(off), true); dv.setBigUint64(o + 24, BigInt(off), true);
    dv.setBigUint64(o + 32, BigInt(sz), true); dv.setBigUint64(o + 40, BigInt(sz), true); dv.setBigUint64(o + 48, BigInt(al), true);
  };
  ph(0, 1, 5, 0, b.length, 4096);
  ph(1, 2, 4, dynOff, 16 * dyn.length, 8);
  // .dynsym (index 0 is the null symbol)
  const symbols = new Map<string, number>();
  fns.forEach((f, i) => {
    const o = symOff + 24 * (i + 1);
    const addr = codeOff + stride * i;
    dv.setUint32(o, nameOffs[i], true);
    b[o + 4] = (f.name.startsWith('__') ? 0x10 : 0x20) | 2; // STB_GLOBAL (aliases STB_WEAK) | STT_FUNC
    b[o + 5] = 0; // STV_DEFAULT
    dv.setUint16(o + 6, 1, true); // a defined symbol (any section index but SHN_UNDEF)
    dv.setBigUint64(o + 8, BigInt(addr), true);
    dv.setBigUint64(o + 16, BigInt(codeSize), true);
    b.set(code(arch, f.nr), addr);
    symbols.set(f.name, addr);
  });
  b.set(strs, strTab);
  // .hash: one bucket holding a chain through every symbol
  dv.setUint32(hashOff, nbucket, true);
  dv.setUint32(hashOff + 4, nsym, true);
  dv.setUint32(hashOff + 8, nsym - 1, true);
  for (let i = 0; i < nsym; i++) dv.setUint32(hashOff + 12 + 4 * i, i === 0 ? 0 : i - 1, true);
  dyn.forEach(([tag, val], i) => {
    dv.setBigUint64(dynOff + 16 * i, BigInt(tag), true);
    dv.setBigUint64(dynOff + 16 * i + 8, BigInt(val), true);
  });
  return { bytes: b, symbols };
}
