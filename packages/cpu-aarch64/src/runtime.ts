// Helpers the generated block code calls: the memory slow paths (which turn a MemoryFault into a
// GuestFault carrying the faulting pc), 64-bit multiply / divide / shifts on 32-bit halves, bit
// reversal and the virtual counter. Two-word results come back as (return value = low, T[1] = high).
import { MemoryFault, PERM_R, PERM_W, WRITE_FAST_MASK, type AddressSpace, type Access } from '@elfbox/cpu';
import { fpHelpers } from './fphelp.js';
import { simdHelpers } from './simdhelp.js';
import { CNTFRQ } from './translate.js';

export class GuestFault extends Error {
  /** align: an alignment fault (a misaligned exclusive, acquire/release or atomic access: SIGBUS). */
  constructor(readonly pc: number, readonly addr: number, readonly access: Access, readonly mapped: boolean, readonly align = false) {
    super(`guest fault at pc 0x${pc.toString(16)}: ${access} 0x${addr.toString(16)}`);
  }
}
export class GuestTrap extends Error {
  constructor(readonly kind: 'breakpoint' | 'illegal', readonly pc: number) { super(kind); }
}

const U64 = 18446744073709551616;

/** Byte-at-a-time tables of the reflected CRC-32 (0xEDB88320) and CRC-32C (0x82F63B78) polynomials. */
function crcTable(poly: number): Uint32Array {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let x = i;
    for (let k = 0; k < 8; k++) x = x & 1 ? (x >>> 1) ^ poly : x >>> 1;
    t[i] = x;
  }
  return t;
}
const CRC_TAB = crcTable(0xedb88320), CRC_TAB_C = crcTable(0x82f63b78);
const normAddr = (a: number) => (a < 0 ? a + U64 : a);

export function makeEnv(mem: AddressSpace, V8: Uint8Array, clock: () => number): Record<string, unknown> {
  const T = new Int32Array(4);
  const VI = new Int32Array(V8.buffer, V8.byteOffset);
  const VF = new Float64Array(V8.buffer, V8.byteOffset);
  const VS = new Float32Array(V8.buffer, V8.byteOffset);
  const MF = new Float64Array(1);
  const scratch = new Uint8Array(32);
  const sdv = new DataView(scratch.buffer);

  const checked = (a: number, len: number, acc: Access, pc: number): void => {
    if (!(a >= 0 && a + len <= 2 ** 48) || !Number.isSafeInteger(a)) throw new GuestFault(pc, normAddr(a), acc, false);
    try { mem.check(a, len, acc); } catch (e) {
      if (e instanceof MemoryFault) throw new GuestFault(pc, e.addr, acc, e.mapped);
      throw e;
    }
  };
  const readInto = (a: number, len: number, pc: number): void => {
    checked(a, len, 'r', pc);
    scratch.set(mem.read(a, len), 0);
  };
  const writeFrom = (a: number, len: number, pc: number): void => {
    checked(a, len, 'w', pc);
    mem.write(a, scratch.subarray(0, len));
  };

  function rd(a: number, size: number, pc: number): number {
    readInto(a, size, pc);
    switch (size) {
      case 1: return scratch[0];
      case 2: return sdv.getUint16(0, true);
      case 4: return sdv.getInt32(0, true);
      default: T[1] = sdv.getInt32(4, true); return sdv.getInt32(0, true);
    }
  }
  function wr(a: number, size: number, lo: number, hi: number, pc: number): void {
    sdv.setInt32(0, lo, true);
    sdv.setInt32(4, hi, true);
    writeFrom(a, size, pc);
  }
  function rdv(a: number, size: number, off: number, pc: number): void {
    readInto(a, size, pc);
    V8.fill(0, off, off + 16);
    V8.set(scratch.subarray(0, size), off);
  }
  function wrv(a: number, size: number, off: number, pc: number): void {
    scratch.set(V8.subarray(off, off + size), 0);
    writeFrom(a, size, pc);
  }
  function rdvp(a: number, size: number, o1: number, o2: number, pc: number): void {
    readInto(a, size * 2, pc);
    V8.fill(0, o1, o1 + 16);
    V8.fill(0, o2, o2 + 16);
    V8.set(scratch.subarray(0, size), o1);
    V8.set(scratch.subarray(size, size * 2), o2);
  }
  // Compact forms of the inline fast paths for cold blocks (mem.ts): the same tests in a function,
  // so a block that runs a few times is short source; hot blocks inline them.
  const P = mem.perm, D = mem.dv;
  function ld(a: number, size: number, pc: number): number {
    if (a === a >>> 0 && (P[a >>> 12] & PERM_R) !== 0 && (a & 4095) <= 4096 - size) {
      switch (size) {
        case 1: return D.getUint8(a);
        case 2: return D.getUint16(a, true);
        case 4: return D.getInt32(a, true);
        default: T[1] = D.getInt32(a + 4, true); return D.getInt32(a, true);
      }
    }
    return rd(a, size, pc);
  }
  function st(a: number, size: number, lo: number, hi: number, pc: number): void {
    if (a === a >>> 0 && (P[a >>> 12] & WRITE_FAST_MASK) === PERM_W && (a & 4095) <= 4096 - size) {
      switch (size) {
        case 1: D.setUint8(a, lo); return;
        case 2: D.setUint16(a, lo, true); return;
        case 4: D.setInt32(a, lo, true); return;
        default: D.setInt32(a, lo, true); D.setInt32(a + 4, hi, true); return;
      }
    }
    wr(a, size, lo, hi, pc);
  }
  /** Reads len bytes (len <= 32) into the scratch buffer at guest address a, or faults. */
  function rdbuf(a: number, len: number, pc: number): Uint8Array { readInto(a, len, pc); return scratch; }
  function wrbuf(a: number, data: Uint8Array, pc: number): void {
    checked(a, data.length, 'w', pc);
    mem.write(a, data);
  }
  /** Faults unless [a, a+len) is writable (a store that must not be split by a fault). */
  function wrchk(a: number, len: number, pc: number): void { checked(a, len, 'w', pc); }
  function zva(a: number, pc: number): void {
    const base = a - (((a % 64) + 64) % 64);
    checked(base, 64, 'w', pc);
    mem.write(base, new Uint8Array(64));
  }
  /** Alignment fault at a (w: 1 for a store or read-modify-write). */
  function algn(a: number, w: number, pc: number): never {
    throw new GuestFault(pc, normAddr(a), w ? 'w' : 'r', true, true);
  }
  function trap(kind: number, pc: number): never {
    throw new GuestTrap(kind === 1 ? 'breakpoint' : 'illegal', pc);
  }
  function cntvct(): number {
    const ticks = Math.floor(clock() * (CNTFRQ / 1000));
    T[1] = Math.floor(ticks / 4294967296) | 0;
    return ticks | 0;
  }

  // ---- 64-bit arithmetic on halves ----------------------------------------------------------------
  /** Unsigned 32x32 -> 64: returns low, T[1] = high. */
  function umull(a: number, b: number): number {
    a >>>= 0; b >>>= 0;
    const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
    const ll = a0 * b0, lh = a0 * b1, hl = a1 * b0, hh = a1 * b1;
    const mid = (lh & 0xffff) + (hl & 0xffff);
    const low = ll + mid * 65536;
    const carry = Math.floor(low / 4294967296);
    T[1] = (hh + (lh >>> 16) + (hl >>> 16) + carry) | 0;
    return low | 0;
  }
  function smull(a: number, b: number): number {
    const lo = umull(a, b);
    let hi = T[1];
    if (a < 0) hi = (hi - b) | 0;
    if (b < 0) hi = (hi - a) | 0;
    T[1] = hi;
    return lo;
  }
  function mul64(al: number, ah: number, bl: number, bh: number): number {
    const lo = umull(al, bl);
    T[1] = (T[1] + Math.imul(al, bh) + Math.imul(ah, bl)) | 0;
    return lo;
  }
  const big = (lo: number, hi: number) => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
  function umulh(al: number, ah: number, bl: number, bh: number): number {
    // 128-bit product from four 32x32 partial products; return bits 64..127.
    const p0l = umull(al, bl), p0h = T[1] >>> 0;
    void p0l;
    const p1l = umull(al, bh) >>> 0, p1h = T[1] >>> 0;
    const p2l = umull(ah, bl) >>> 0, p2h = T[1] >>> 0;
    const p3l = umull(ah, bh) >>> 0, p3h = T[1] >>> 0;
    const w1 = p0h + p1l + p2l;
    const c1 = Math.floor(w1 / 4294967296);
    const w2 = p1h + p2h + p3l + c1;
    const c2 = Math.floor(w2 / 4294967296);
    const w3 = p3h + c2;
    T[1] = w3 | 0;
    return w2 | 0;
  }
  function smulh(al: number, ah: number, bl: number, bh: number): number {
    let lo = umulh(al, ah, bl, bh), hi = T[1];
    // signed correction: subtract b<<64 if a<0, a<<64 if b<0 (mod 2^128, high part only)
    if (ah < 0) { const t = (lo >>> 0) - (bl >>> 0); lo = t | 0; hi = (hi - bh - (t < 0 ? 1 : 0)) | 0; }
    if (bh < 0) { const t = (lo >>> 0) - (al >>> 0); lo = t | 0; hi = (hi - ah - (t < 0 ? 1 : 0)) | 0; }
    T[1] = hi;
    return lo;
  }
  function udiv32(a: number, b: number): number { return b === 0 ? 0 : Math.floor((a >>> 0) / (b >>> 0)) | 0; }
  function sdiv32(a: number, b: number): number {
    if (b === 0) return 0;
    if (a === -2147483648 && b === -1) return a;
    return Math.trunc(a / b) | 0;
  }
  function udiv64(al: number, ah: number, bl: number, bh: number): number {
    if (bl === 0 && bh === 0) { T[1] = 0; return 0; }
    if (ah === 0 && bh === 0) { T[1] = 0; return Math.floor((al >>> 0) / (bl >>> 0)) | 0; }
    const q = big(al, ah) / big(bl, bh);
    T[1] = Number(BigInt.asIntN(32, q >> 32n));
    return Number(BigInt.asIntN(32, q));
  }
  function sdiv64(al: number, ah: number, bl: number, bh: number): number {
    if (bl === 0 && bh === 0) { T[1] = 0; return 0; }
    const a = BigInt.asIntN(64, big(al, ah)), b = BigInt.asIntN(64, big(bl, bh));
    const q = BigInt.asUintN(64, a / b);
    T[1] = Number(BigInt.asIntN(32, q >> 32n));
    return Number(BigInt.asIntN(32, q));
  }
  /** kind 0 LSL, 1 LSR, 2 ASR, 3 ROR by n (0..63). */
  function shift64(kind: number, lo: number, hi: number, n: number): number {
    if (n === 0) { T[1] = hi; return lo; }
    if (kind === 3) {
      const l1 = shift64(1, lo, hi, n), h1 = T[1];
      const l2 = shift64(0, lo, hi, 64 - n), h2 = T[1];
      T[1] = h1 | h2;
      return l1 | l2;
    }
    if (kind === 0) {
      if (n < 32) { T[1] = (hi << n) | (lo >>> (32 - n)); return lo << n; }
      T[1] = lo << (n - 32); return 0;
    }
    if (kind === 1) {
      if (n < 32) { T[1] = (hi >>> n) | 0; return (lo >>> n) | (hi << (32 - n)); }
      T[1] = 0; return (hi >>> (n - 32)) | 0;
    }
    if (n < 32) { T[1] = hi >> n; return (lo >>> n) | (hi << (32 - n)); }
    T[1] = hi >> 31; return hi >> (n - 32);
  }
  /** CRC32 (c = 0, polynomial 0x04C11DB7) or CRC32C (c = 1, 0x1EDC6F41), bit-reflected as the
   *  architecture defines them, without pre/post inversion: acc updated with n bytes of (lo, hi). */
  function crc32(c: number, acc: number, lo: number, hi: number, n: number): number {
    const tab = c ? CRC_TAB_C : CRC_TAB;
    let x = acc >>> 0;
    for (let i = 0; i < n; i++) {
      const byte = i < 4 ? (lo >>> (8 * i)) & 255 : (hi >>> (8 * (i - 4))) & 255;
      x = (x >>> 8) ^ tab[(x ^ byte) & 255];
    }
    return x | 0;
  }
  function rbit32(x: number): number {
    x = ((x >>> 1) & 0x55555555) | ((x & 0x55555555) << 1);
    x = ((x >>> 2) & 0x33333333) | ((x & 0x33333333) << 2);
    x = ((x >>> 4) & 0x0f0f0f0f) | ((x & 0x0f0f0f0f) << 4);
    x = ((x >>> 8) & 0x00ff00ff) | ((x & 0x00ff00ff) << 8);
    return (x >>> 16) | (x << 16);
  }
  function rev16(x: number): number { return ((x >>> 8) & 0x00ff00ff) | ((x & 0x00ff00ff) << 8); }
  function rev32(x: number): number { return (x >>> 24) | ((x >>> 8) & 0xff00) | ((x & 0xff00) << 8) | (x << 24); }
  function cls64(lo: number, hi: number): number {
    const s = hi >> 31;
    const h = hi ^ s, l = lo ^ s;
    const z = h === 0 ? 32 + Math.clz32(l) : Math.clz32(h);
    return z - 1;
  }

  return {
    P: mem.perm, D: mem.dv, T, V8, VI, VF, VS, MF,
    rd, wr, ld, st, rdv, wrv, rdvp, rdbuf, wrbuf, wrchk, zva, algn, trap, cntvct,
    umull, smull, mul64, umulh, smulh, crc32, udiv32, sdiv32, udiv64, sdiv64, shift64, rbit32, rev16, rev32, cls64,
    ...fpHelpers(T, V8),
    ...simdHelpers(mem, V8),
  };
}
