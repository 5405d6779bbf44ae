// SSE/SSE2/SSE3/SSSE3 semantics on the XMM file (X86Cpu.xbuf: 16 registers + scratch slots 16/17).
// Each helper takes the CPU, a destination register index and a source index (16 = the scratch
// slot the translator loaded a memory operand into) and an immediate.
import { S } from './runtime.js';

export class SimdIllegal extends Error {}

export interface Xc {
  X32: Int32Array; XU8: Uint8Array; XF32: Float32Array; XF64: Float64Array; XDV: DataView;
  mxcsr: number;
  mh: {
    ldBytes(a: number, out: Uint8Array, n: number): void; stBytes(a: number, src: Uint8Array, n: number): void;
    ld32(a: number): number; st32(a: number, v: number): void; st64(a: number, l: number, h: number): void;
    ld128(a: number, X: Int32Array, i: number): void; st128(a: number, X: Int32Array, i: number): void;
  };
}

const tmp = new Uint8Array(16);
const tmpDV = new DataView(tmp.buffer);
const f64b = new Float64Array(1), i32b = new Int32Array(f64b.buffer);
const f32b = new Float32Array(1), i32f = new Int32Array(f32b.buffer);

// ---- loads / stores -------------------------------------------------------------------------------
export function ld(c: Xc, a: number, n: number): void {
  const X = c.X32, mh = c.mh;
  if (n === 16) { mh.ld128(a, X, 64); return; }
  if (n === 8) { const l = mh.ld32(a), h = mh.ld32(a + 4); X[64] = l; X[65] = h; X[66] = 0; X[67] = 0; return; }
  if (n === 4) { X[64] = mh.ld32(a); X[65] = 0; X[66] = 0; X[67] = 0; return; }
  mh.ldBytes(a, tmp, n);
  c.XU8.set(tmp.subarray(0, n), 256);
  if (n < 16) c.XU8.fill(0, 256 + n, 272);
}
/** Stores n bytes of register r starting at byte off. */
export function st(c: Xc, a: number, r: number, n: number, off: number): void {
  const X = c.X32, mh = c.mh;
  if ((off & 3) === 0) {
    const i = r * 4 + (off >> 2);
    if (n === 16) { mh.st128(a, X, i); return; }
    if (n === 8) { mh.st64(a, X[i], X[i + 1]); return; }
    if (n === 4) { mh.st32(a, X[i]); return; }
  }
  mh.stBytes(a, c.XU8.subarray(r * 16 + off, r * 16 + off + n), n);
}
export function ldAligned(c: Xc, a: number): void {
  if (a % 16) throw new GpAlign();
  ld(c, a, 16);
}
export function stAligned(c: Xc, a: number, r: number): void {
  if (a % 16) throw new GpAlign();
  st(c, a, r, 16, 0);
}
export class GpAlign extends Error { constructor() { super('misaligned SSE access'); } }

// ---- moves --------------------------------------------------------------------------------------------
export function mov(c: Xc, d: number, s: number): void {
  const X = c.X32; const a = X[s * 4], b = X[s * 4 + 1], e = X[s * 4 + 2], f = X[s * 4 + 3];
  X[d * 4] = a; X[d * 4 + 1] = b; X[d * 4 + 2] = e; X[d * 4 + 3] = f;
}
export function movss(c: Xc, d: number, s: number): void { c.X32[d * 4] = c.X32[s * 4]; }
export function movssZ(c: Xc, d: number, s: number): void { const v = c.X32[s * 4]; c.X32.fill(0, d * 4, d * 4 + 4); c.X32[d * 4] = v; }
export function movsd(c: Xc, d: number, s: number): void { c.X32[d * 4] = c.X32[s * 4]; c.X32[d * 4 + 1] = c.X32[s * 4 + 1]; }
export function movq(c: Xc, d: number, s: number): void {
  const X = c.X32; const a = X[s * 4], b = X[s * 4 + 1];
  X[d * 4] = a; X[d * 4 + 1] = b; X[d * 4 + 2] = 0; X[d * 4 + 3] = 0;
}
export function movlo(c: Xc, d: number, s: number): void { movsd(c, d, s); }
/** movhlps: low qword of d = high qword of s. */
export function movhlps(c: Xc, d: number, s: number): void { const X = c.X32; X[d * 4] = X[s * 4 + 2]; X[d * 4 + 1] = X[s * 4 + 3]; }
/** movlhps / movhps load: high qword of d = low qword of s. */
export function movlhps(c: Xc, d: number, s: number): void { const X = c.X32; X[d * 4 + 2] = X[s * 4]; X[d * 4 + 3] = X[s * 4 + 1]; }
export function movddup(c: Xc, d: number, s: number): void { const X = c.X32; const a = X[s * 4], b = X[s * 4 + 1]; X[d * 4] = a; X[d * 4 + 1] = b; X[d * 4 + 2] = a; X[d * 4 + 3] = b; }
export function movsldup(c: Xc, d: number, s: number): void { const X = c.X32; const a = X[s * 4], b = X[s * 4 + 2]; X[d * 4] = a; X[d * 4 + 1] = a; X[d * 4 + 2] = b; X[d * 4 + 3] = b; }
export function movshdup(c: Xc, d: number, s: number): void { const X = c.X32; const a = X[s * 4 + 1], b = X[s * 4 + 3]; X[d * 4] = a; X[d * 4 + 1] = a; X[d * 4 + 2] = b; X[d * 4 + 3] = b; }
export function setd(c: Xc, d: number, lo: number, hi: number): void { const X = c.X32; X[d * 4] = lo; X[d * 4 + 1] = hi; X[d * 4 + 2] = 0; X[d * 4 + 3] = 0; }

// ---- bitwise -------------------------------------------------------------------------------------------
export function pand(c: Xc, d: number, s: number): void { const X = c.X32; for (let i = 0; i < 4; i++) X[d * 4 + i] &= X[s * 4 + i]; }
export function pandn(c: Xc, d: number, s: number): void { const X = c.X32; for (let i = 0; i < 4; i++) X[d * 4 + i] = ~X[d * 4 + i] & X[s * 4 + i]; }
export function por(c: Xc, d: number, s: number): void { const X = c.X32; for (let i = 0; i < 4; i++) X[d * 4 + i] |= X[s * 4 + i]; }
export function pxor(c: Xc, d: number, s: number): void { const X = c.X32; for (let i = 0; i < 4; i++) X[d * 4 + i] ^= X[s * 4 + i]; }

// ---- packed integer lanes ------------------------------------------------------------------------------
const sat8s = (v: number) => (v > 127 ? 127 : v < -128 ? -128 : v);
const sat8u = (v: number) => (v > 255 ? 255 : v < 0 ? 0 : v);
const sat16s = (v: number) => (v > 32767 ? 32767 : v < -32768 ? -32768 : v);
const sat16u = (v: number) => (v > 65535 ? 65535 : v < 0 ? 0 : v);

function b8(c: Xc, d: number, s: number, f: (a: number, b: number) => number, signed: boolean): void {
  const u = c.XU8;
  for (let i = 0; i < 16; i++) {
    let a = u[d * 16 + i], b = u[s * 16 + i];
    if (signed) { a = (a << 24) >> 24; b = (b << 24) >> 24; }
    u[d * 16 + i] = f(a, b);
  }
}
function b16(c: Xc, d: number, s: number, f: (a: number, b: number) => number, signed: boolean): void {
  const v = c.XDV;
  for (let i = 0; i < 8; i++) {
    const o = d * 16 + i * 2, p = s * 16 + i * 2;
    const a = signed ? v.getInt16(o, true) : v.getUint16(o, true), b = signed ? v.getInt16(p, true) : v.getUint16(p, true);
    v.setUint16(o, f(a, b) & 0xffff, true);
  }
}
function b32(c: Xc, d: number, s: number, f: (a: number, b: number) => number): void {
  const X = c.X32;
  for (let i = 0; i < 4; i++) X[d * 4 + i] = f(X[d * 4 + i], X[s * 4 + i]);
}
function b64(c: Xc, d: number, s: number, f: (a: bigint, b: bigint) => bigint): void {
  const v = c.XDV;
  for (let i = 0; i < 2; i++) {
    const o = d * 16 + i * 8, p = s * 16 + i * 8;
    v.setBigUint64(o, BigInt.asUintN(64, f(v.getBigUint64(o, true), v.getBigUint64(p, true))), true);
  }
}

export function paddb(c: Xc, d: number, s: number): void { b8(c, d, s, (a, b) => a + b, false); }
export function paddw(c: Xc, d: number, s: number): void { b16(c, d, s, (a, b) => a + b, false); }
export function paddd(c: Xc, d: number, s: number): void { b32(c, d, s, (a, b) => (a + b) | 0); }
export function paddq(c: Xc, d: number, s: number): void { b64(c, d, s, (a, b) => a + b); }
export function psubb(c: Xc, d: number, s: number): void { b8(c, d, s, (a, b) => a - b, false); }
export function psubw(c: Xc, d: number, s: number): void { b16(c, d, s, (a, b) => a - b, false); }
export function psubd(c: Xc, d: number, s: number): void { b32(c, d, s, (a, b) => (a - b) | 0); }
export function psubq(c: Xc, d: number, s: number): void { b64(c, d, s, (a, b) => a - b); }
export function paddsb(c: Xc, d: number, s: number): void { b8(c, d, s, (a, b) => sat8s(a + b), true); }
export function paddsw(c: Xc, d: number, s: number): void { b16(c, d, s, (a, b) => sat16s(a + b), true); }
export function paddusb(c: Xc, d: number, s: number): void { b8(c, d, s, (a, b) => sat8u(a + b), false); }
export function paddusw(c: Xc, d: number, s: number): void { b16(c, d, s, (a, b) => sat16u(a + b), false); }
export function psubsb(c: Xc, d: number, s: number): void { b8(c, d, s, (a, b) => sat8s(a - b), true); }
export function psubsw(c: Xc, d: number, s: number): void { b16(c, d, s, (a, b) => sat16s(a - b), true); }
export function psubusb(c: Xc, d: number, s: number): void { b8(c, d, s, (a, b) => sat8u(a - b), false); }
export function psubusw(c: Xc, d: number, s: number): void { b16(c, d, s, (a, b) => sat16u(a - b), false); }
export function pcmpeqb(c: Xc, d: number, s: number): void { b8(c, d, s, (a, b) => (a === b ? 255 : 0), false); }
export function pcmpeqw(c: Xc, d: number, s: number): void { b16(c, d, s, (a, b) => (a === b ? 65535 : 0), false); }
export function pcmpeqd(c: Xc, d: number, s: number): void { b32(c, d, s, (a, b) => (a === b ? -1 : 0)); }
export function pcmpeqq(c: Xc, d: number, s: number): void { b64(c, d, s, (a, b) => (a === b ? -1n : 0n)); }
export function pcmpgtb(c: Xc, d: number, s: number): void { b8(c, d, s, (a, b) => (a > b ? 255 : 0), true); }
export function pcmpgtw(c: Xc, d: number, s: number): void { b16(c, d, s, (a, b) => (a > b ? 65535 : 0), true); }
export function pcmpgtd(c: Xc, d: number, s: number): void { b32(c, d, s, (a, b) => (a > b ? -1 : 0)); }
export function pcmpgtq(c: Xc, d: number, s: number): void { b64(c, d, s, (a, b) => (BigInt.asIntN(64, a) > BigInt.asIntN(64, b) ? -1n : 0n)); }
export function pminub(c: Xc, d: number, s: number): void { b8(c, d, s, (a, b) => (a < b ? a : b), false); }
export function pmaxub(c: Xc, d: number, s: number): void { b8(c, d, s, (a, b) => (a > b ? a : b), false); }
export function pminsb(c: Xc, d: number, s: number): void { b8(c, d, s, (a, b) => (a < b ? a : b), true); }
export function pmaxsb(c: Xc, d: number, s: number): void { b8(c, d, s, (a, b) => (a > b ? a : b), true); }
export function pminsw(c: Xc, d: number, s: number): void { b16(c, d, s, (a, b) => (a < b ? a : b), true); }
export function pmaxsw(c: Xc, d: number, s: number): void { b16(c, d, s, (a, b) => (a > b ? a : b), true); }
export function pminuw(c: Xc, d: number, s: number): void { b16(c, d, s, (a, b) => (a < b ? a : b), false); }
export function pmaxuw(c: Xc, d: number, s: number): void { b16(c, d, s, (a, b) => (a > b ? a : b), false); }
export function pminsd(c: Xc, d: number, s: number): void { b32(c, d, s, (a, b) => (a < b ? a : b)); }
export function pmaxsd(c: Xc, d: number, s: number): void { b32(c, d, s, (a, b) => (a > b ? a : b)); }
export function pminud(c: Xc, d: number, s: number): void { b32(c, d, s, (a, b) => ((a >>> 0) < (b >>> 0) ? a : b)); }
export function pmaxud(c: Xc, d: number, s: number): void { b32(c, d, s, (a, b) => ((a >>> 0) > (b >>> 0) ? a : b)); }
export function pavgb(c: Xc, d: number, s: number): void { b8(c, d, s, (a, b) => (a + b + 1) >> 1, false); }
export function pavgw(c: Xc, d: number, s: number): void { b16(c, d, s, (a, b) => (a + b + 1) >> 1, false); }
export function pmullw(c: Xc, d: number, s: number): void { b16(c, d, s, (a, b) => Math.imul(a, b), true); }
export function pmulhw(c: Xc, d: number, s: number): void { b16(c, d, s, (a, b) => (a * b) >> 16, true); }
export function pmulhuw(c: Xc, d: number, s: number): void { b16(c, d, s, (a, b) => (a * b) >>> 16, false); }
export function pmulld(c: Xc, d: number, s: number): void { b32(c, d, s, (a, b) => Math.imul(a, b)); }
export function pmuludq(c: Xc, d: number, s: number): void {
  const v = c.XDV;
  for (let i = 0; i < 2; i++) {
    const o = d * 16 + i * 8, p = s * 16 + i * 8;
    v.setBigUint64(o, BigInt(v.getUint32(o, true)) * BigInt(v.getUint32(p, true)), true);
  }
}
export function pmuldq(c: Xc, d: number, s: number): void {
  const v = c.XDV;
  for (let i = 0; i < 2; i++) {
    const o = d * 16 + i * 8, p = s * 16 + i * 8;
    v.setBigInt64(o, BigInt(v.getInt32(o, true)) * BigInt(v.getInt32(p, true)), true);
  }
}
export function pmaddwd(c: Xc, d: number, s: number): void {
  const v = c.XDV;
  const r: number[] = [];
  for (let i = 0; i < 4; i++) {
    const o = d * 16 + i * 4, p = s * 16 + i * 4;
    r.push((v.getInt16(o, true) * v.getInt16(p, true) + v.getInt16(o + 2, true) * v.getInt16(p + 2, true)) | 0);
  }
  for (let i = 0; i < 4; i++) c.X32[d * 4 + i] = r[i];
}
export function psadbw(c: Xc, d: number, s: number): void {
  const u = c.XU8;
  for (let h = 0; h < 2; h++) {
    let sum = 0;
    for (let i = 0; i < 8; i++) sum += Math.abs(u[d * 16 + h * 8 + i] - u[s * 16 + h * 8 + i]);
    c.X32[d * 4 + h * 2] = sum; c.X32[d * 4 + h * 2 + 1] = 0;
  }
}

// ---- pack / unpack ---------------------------------------------------------------------------------------
function unpack(c: Xc, d: number, s: number, size: number, high: boolean): void {
  const u = c.XU8;
  const a = u.slice(d * 16, d * 16 + 16), b = u.slice(s * 16, s * 16 + 16);
  const base = high ? 8 : 0;
  for (let i = 0, o = 0; o < 16; i += size) {
    for (let k = 0; k < size; k++) u[d * 16 + o++] = a[base + i + k];
    for (let k = 0; k < size; k++) u[d * 16 + o++] = b[base + i + k];
  }
}
export function punpcklbw(c: Xc, d: number, s: number): void { unpack(c, d, s, 1, false); }
export function punpcklwd(c: Xc, d: number, s: number): void { unpack(c, d, s, 2, false); }
export function punpckldq(c: Xc, d: number, s: number): void { unpack(c, d, s, 4, false); }
export function punpcklqdq(c: Xc, d: number, s: number): void { unpack(c, d, s, 8, false); }
export function punpckhbw(c: Xc, d: number, s: number): void { unpack(c, d, s, 1, true); }
export function punpckhwd(c: Xc, d: number, s: number): void { unpack(c, d, s, 2, true); }
export function punpckhdq(c: Xc, d: number, s: number): void { unpack(c, d, s, 4, true); }
export function punpckhqdq(c: Xc, d: number, s: number): void { unpack(c, d, s, 8, true); }
function pack(c: Xc, d: number, s: number, from: 2 | 4, sat: (v: number) => number): void {
  const v = c.XDV;
  const vals: number[] = [];
  for (const r of [d, s]) for (let i = 0; i < 16 / from; i++) vals.push(from === 2 ? v.getInt16(r * 16 + i * 2, true) : v.getInt32(r * 16 + i * 4, true));
  for (let i = 0; i < vals.length; i++) {
    if (from === 2) c.XU8[d * 16 + i] = sat(vals[i]);
    else v.setUint16(d * 16 + i * 2, sat(vals[i]) & 0xffff, true);
  }
}
export function packsswb(c: Xc, d: number, s: number): void { pack(c, d, s, 2, sat8s); }
export function packuswb(c: Xc, d: number, s: number): void { pack(c, d, s, 2, sat8u); }
export function packssdw(c: Xc, d: number, s: number): void { pack(c, d, s, 4, sat16s); }
export function packusdw(c: Xc, d: number, s: number): void { pack(c, d, s, 4, sat16u); }

// ---- shuffles ------------------------------------------------------------------------------------------
export function pshufd(c: Xc, d: number, s: number, imm: number): void {
  const X = c.X32;
  const a = [X[s * 4], X[s * 4 + 1], X[s * 4 + 2], X[s * 4 + 3]];
  for (let i = 0; i < 4; i++) X[d * 4 + i] = a[(imm >> (2 * i)) & 3];
}
export function pshuflw(c: Xc, d: number, s: number, imm: number): void {
  const v = c.XDV;
  const a = [0, 1, 2, 3].map((i) => v.getUint16(s * 16 + i * 2, true));
  const hi = [c.X32[s * 4 + 2], c.X32[s * 4 + 3]];
  for (let i = 0; i < 4; i++) v.setUint16(d * 16 + i * 2, a[(imm >> (2 * i)) & 3], true);
  c.X32[d * 4 + 2] = hi[0]; c.X32[d * 4 + 3] = hi[1];
}
export function pshufhw(c: Xc, d: number, s: number, imm: number): void {
  const v = c.XDV;
  const a = [4, 5, 6, 7].map((i) => v.getUint16(s * 16 + i * 2, true));
  const lo = [c.X32[s * 4], c.X32[s * 4 + 1]];
  for (let i = 0; i < 4; i++) v.setUint16(d * 16 + 8 + i * 2, a[(imm >> (2 * i)) & 3], true);
  c.X32[d * 4] = lo[0]; c.X32[d * 4 + 1] = lo[1];
}
export function shufps(c: Xc, d: number, s: number, imm: number): void {
  const X = c.X32;
  const a = [X[d * 4], X[d * 4 + 1], X[d * 4 + 2], X[d * 4 + 3]], b = [X[s * 4], X[s * 4 + 1], X[s * 4 + 2], X[s * 4 + 3]];
  X[d * 4] = a[imm & 3]; X[d * 4 + 1] = a[(imm >> 2) & 3]; X[d * 4 + 2] = b[(imm >> 4) & 3]; X[d * 4 + 3] = b[(imm >> 6) & 3];
}
export function shufpd(c: Xc, d: number, s: number, imm: number): void {
  const X = c.X32;
  const a = imm & 1 ? [X[d * 4 + 2], X[d * 4 + 3]] : [X[d * 4], X[d * 4 + 1]];
  const b = imm & 2 ? [X[s * 4 + 2], X[s * 4 + 3]] : [X[s * 4], X[s * 4 + 1]];
  X[d * 4] = a[0]; X[d * 4 + 1] = a[1]; X[d * 4 + 2] = b[0]; X[d * 4 + 3] = b[1];
}
export function unpcklps(c: Xc, d: number, s: number): void { unpack(c, d, s, 4, false); }
export function unpckhps(c: Xc, d: number, s: number): void { unpack(c, d, s, 4, true); }
export function unpcklpd(c: Xc, d: number, s: number): void { unpack(c, d, s, 8, false); }
export function unpckhpd(c: Xc, d: number, s: number): void { unpack(c, d, s, 8, true); }
export function pshufb(c: Xc, d: number, s: number): void {
  const u = c.XU8;
  const a = u.slice(d * 16, d * 16 + 16);
  for (let i = 0; i < 16; i++) { const m = u[s * 16 + i]; u[d * 16 + i] = m & 0x80 ? 0 : a[m & 15]; }
}
export function palignr(c: Xc, d: number, s: number, imm: number): void {
  const u = c.XU8;
  const cat = new Uint8Array(32);
  cat.set(u.subarray(s * 16, s * 16 + 16), 0); cat.set(u.subarray(d * 16, d * 16 + 16), 16);
  for (let i = 0; i < 16; i++) { const k = i + imm; u[d * 16 + i] = k < 32 ? cat[k] : 0; }
}

// ---- shifts ------------------------------------------------------------------------------------------
function shiftCount(c: Xc, s: number): number {
  const X = c.X32;
  return X[s * 4 + 1] !== 0 ? 1 << 20 : X[s * 4] >>> 0;
}
function psh16(c: Xc, d: number, n: number, k: number): void {
  const v = c.XDV;
  for (let i = 0; i < 8; i++) {
    const o = d * 16 + i * 2;
    let x = v.getUint16(o, true);
    if (k === 0) x = n > 15 ? 0 : x >>> n;
    else if (k === 1) x = ((x << 16) >> 16) >> (n > 15 ? 15 : n);
    else x = n > 15 ? 0 : x << n;
    v.setUint16(o, x & 0xffff, true);
  }
}
function psh32(c: Xc, d: number, n: number, k: number): void {
  const X = c.X32;
  for (let i = 0; i < 4; i++) {
    const x = X[d * 4 + i];
    X[d * 4 + i] = k === 0 ? (n > 31 ? 0 : x >>> n) : k === 1 ? x >> (n > 31 ? 31 : n) : n > 31 ? 0 : x << n;
  }
}
function psh64(c: Xc, d: number, n: number, k: number): void {
  const v = c.XDV;
  for (let i = 0; i < 2; i++) {
    const o = d * 16 + i * 8;
    const x = v.getBigUint64(o, true);
    v.setBigUint64(o, n > 63 ? 0n : k === 0 ? x >> BigInt(n) : BigInt.asUintN(64, x << BigInt(n)), true);
  }
}
export function psrlw(c: Xc, d: number, s: number): void { psh16(c, d, shiftCount(c, s), 0); }
export function psraw(c: Xc, d: number, s: number): void { psh16(c, d, shiftCount(c, s), 1); }
export function psllw(c: Xc, d: number, s: number): void { psh16(c, d, shiftCount(c, s), 2); }
export function psrld(c: Xc, d: number, s: number): void { psh32(c, d, shiftCount(c, s), 0); }
export function psrad(c: Xc, d: number, s: number): void { psh32(c, d, shiftCount(c, s), 1); }
export function pslld(c: Xc, d: number, s: number): void { psh32(c, d, shiftCount(c, s), 2); }
export function psrlq(c: Xc, d: number, s: number): void { psh64(c, d, shiftCount(c, s), 0); }
export function psllq(c: Xc, d: number, s: number): void { psh64(c, d, shiftCount(c, s), 2); }
/** Immediate shift groups 71/72/73: k = ModRM.reg. */
export function pshimm(c: Xc, grp: number, k: number, d: number, n: number): void {
  if (grp === 0x71) { if (k === 2) psh16(c, d, n, 0); else if (k === 4) psh16(c, d, n, 1); else if (k === 6) psh16(c, d, n, 2); else throw new SimdIllegal('71 /r'); return; }
  if (grp === 0x72) { if (k === 2) psh32(c, d, n, 0); else if (k === 4) psh32(c, d, n, 1); else if (k === 6) psh32(c, d, n, 2); else throw new SimdIllegal('72 /r'); return; }
  const u = c.XU8;
  if (k === 2) psh64(c, d, n, 0);
  else if (k === 6) psh64(c, d, n, 2);
  else if (k === 3) { const a = u.slice(d * 16, d * 16 + 16); for (let i = 0; i < 16; i++) u[d * 16 + i] = i + n < 16 ? a[i + n] : 0; }
  else if (k === 7) { const a = u.slice(d * 16, d * 16 + 16); for (let i = 0; i < 16; i++) u[d * 16 + i] = i - n >= 0 ? a[i - n] : 0; }
  else throw new SimdIllegal('73 /r');
}

// ---- masks / extracts --------------------------------------------------------------------------------
export function pmovmskb(c: Xc, s: number): number {
  const u = c.XU8; let m = 0;
  for (let i = 0; i < 16; i++) m |= (u[s * 16 + i] >> 7) << i;
  return m;
}
export function movmskps(c: Xc, s: number): number { const X = c.X32; let m = 0; for (let i = 0; i < 4; i++) m |= (X[s * 4 + i] >>> 31) << i; return m; }
export function movmskpd(c: Xc, s: number): number { const X = c.X32; return (X[s * 4 + 1] >>> 31) | ((X[s * 4 + 3] >>> 31) << 1); }
export function pextrw(c: Xc, s: number, imm: number): number { return c.XDV.getUint16(s * 16 + (imm & 7) * 2, true); }
export function pinsrw(c: Xc, d: number, v: number, imm: number): void { c.XDV.setUint16(d * 16 + (imm & 7) * 2, v & 0xffff, true); }

// ---- floating point ------------------------------------------------------------------------------
const DEFAULT_NAN_HI = 0xfff80000 | 0;

function put64(c: Xc, d: number, lane: number, r: number): void {
  if (r !== r) { c.X32[d * 4 + lane * 2] = 0; c.X32[d * 4 + lane * 2 + 1] = DEFAULT_NAN_HI; }
  else c.XF64[d * 2 + lane] = r;
}
function put32(c: Xc, d: number, lane: number, r: number): void {
  if (r !== r) c.X32[d * 4 + lane] = 0xffc00000 | 0;
  else c.XF32[d * 4 + lane] = r;
}
/** x86 NaN rules for a binary op result lane: a NaN input propagates (quieted), else the default NaN. */
function nan64(c: Xc, d: number, s: number, lane: number): boolean {
  const X = c.X32;
  const a = c.XF64[d * 2 + lane], b = c.XF64[s * 2 + lane];
  if (a === a && b === b) return false;
  const src = a !== a ? d : s;
  X[d * 4 + lane * 2] = X[src * 4 + lane * 2];
  X[d * 4 + lane * 2 + 1] = X[src * 4 + lane * 2 + 1] | 0x80000;
  return true;
}
function nan32(c: Xc, d: number, s: number, lane: number): boolean {
  const X = c.X32;
  const a = c.XF32[d * 4 + lane], b = c.XF32[s * 4 + lane];
  if (a === a && b === b) return false;
  X[d * 4 + lane] = (a !== a ? X[d * 4 + lane] : X[s * 4 + lane]) | 0x400000;
  return true;
}
// MXCSR exception flags and rounding control for the arithmetic forms: each op computes the
// round-to-nearest result in JS, then the sign of the exact error (TwoSum / TwoProduct residuals)
// gives inexactness and the directed-rounding adjustment.
const IE = 1, ZE = 4, OE = 8, UE = 0x10, PE = 0x20;
const MIN_NORMAL64 = 2.2250738585072014e-308, MIN_NORMAL32 = 1.1754943508222875e-38;
const MAX32 = 3.4028234663852886e38;

function nextUp64(x: number): number {
  if (x !== x || x === Infinity) return x;
  if (x === 0) return Number.MIN_VALUE;
  f64b[0] = x;
  let lo = i32b[0] >>> 0, hi = i32b[1];
  if (x > 0) { lo += 1; if (lo > 0xffffffff) { lo = 0; hi += 1; } }
  else { if (lo === 0) { lo = 0xffffffff; hi -= 1; } else lo -= 1; }
  i32b[0] = lo | 0; i32b[1] = hi;
  return f64b[0];
}
const nextDown64 = (x: number) => -nextUp64(-x);
function nextUp32(x: number): number {
  if (x !== x || x === Infinity) return x;
  if (x === 0) return 1.401298464324817e-45;
  f32b[0] = x;
  i32f[0] += x > 0 ? 1 : -1;
  return f32b[0];
}
const nextDown32 = (x: number) => -nextUp32(-x);

function twoProdErr(a: number, b: number, p: number): number {
  const ca = 134217729 * a, ah = ca - (ca - a), al = a - ah;
  const cb = 134217729 * b, bh = cb - (cb - b), bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}
/** Sign of (exact result - r) for op k (0 add 1 sub 2 mul 3 div 4 sqrt) in float64; NaN when unknown. */
function errSign(k: number, a: number, b: number, r: number): number {
  let e: number;
  switch (k) {
    case 0: case 1: {
      const bb = k === 0 ? b : -b;
      const v = r - a; e = (a - (r - v)) + (bb - v);
      break;
    }
    case 2: e = twoProdErr(a, b, r); break;
    case 3: { const p = r * b; const pe = twoProdErr(r, b, p); e = ((a - p) - pe) * (b < 0 ? -1 : 1); break; }
    default: { const p = r * r; const pe = twoProdErr(r, r, p); e = (a - p) - pe; break; }
  }
  return e > 0 ? 1 : e < 0 ? -1 : e === 0 ? 0 : NaN;
}
function opOf(k: number, a: number, b: number): number {
  switch (k) { case 0: return a + b; case 1: return a - b; case 2: return a * b; case 3: return a / b; default: return Math.sqrt(a); }
}
// ---- exact float64 slow path (BigInt): tiny results, where the float64 residuals underflow ----------
/** |x| = M * 2^E for a finite nonzero float64. */
function decomp64(x: number): [bigint, number] {
  f64b[0] = x;
  const hi = i32b[1], lo = i32b[0] >>> 0, ex = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (ex === 0) return [m, -1074];
  m |= 1n << 52n;
  return [m, ex - 1075];
}
const sgn = (x: number): boolean => x < 0 || Object.is(x, -0);
function bitLen(m: bigint): number { return m === 0n ? 0 : m.toString(2).length; }
function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt((bitLen(n) >> 1) + 1);
  for (;;) { const y = (x + n / x) >> 1n; if (y >= x) return x; x = y; }
}
/** Rounds (neg ? -1 : 1) * (M + sticky) * 2^E to float64 per rcv, setting PE/UE/OE; tininess after rounding. */
function roundExact64(c: Xc, neg: boolean, M: bigint, E: number, sticky: boolean, rcv: number): number {
  if (M === 0n && !sticky) return neg ? -0 : 0;
  const nb = bitLen(M);
  const rnd = (lsb: number): [bigint, boolean] => {
    const sh = lsb - E;
    if (sh <= 0) return [M << BigInt(-sh), sticky];
    const q = M >> BigInt(sh), rem = M - (q << BigInt(sh)), half = 1n << BigInt(sh - 1);
    const inexact = rem !== 0n || sticky;
    let inc = false;
    if (rcv === 0) inc = rem > half || (rem === half && (sticky || (q & 1n) === 1n));
    else if (rcv === 1) inc = neg && inexact;
    else if (rcv === 2) inc = !neg && inexact;
    return [inc ? q + 1n : q, inexact];
  };
  const lsbFree = E + nb - 53;
  const lsb = Math.max(lsbFree, -1074);
  const [q, inexact] = rnd(lsb);
  const mag = Number(q) * 2 ** lsb;
  if (inexact) {
    c.mxcsr |= PE;
    // tiny if rounding to 53 bits with an unbounded exponent stays below 2^-1022
    const [qf] = rnd(lsbFree);
    if (bitLen(qf) + lsbFree - 1 < -1022) c.mxcsr |= UE;
  }
  if (mag > Number.MAX_VALUE || !isFinite(mag)) {
    c.mxcsr |= OE | PE;
    const toMax = rcv === 3 || (rcv === 1 && !neg) || (rcv === 2 && neg);
    return (neg ? -1 : 1) * (toMax ? Number.MAX_VALUE : Infinity);
  }
  return neg ? -mag : mag;
}
/** op k (0 add 1 sub 2 mul 3 div 4 sqrt) on finite float64 operands, computed exactly and rounded once. */
function exact64(c: Xc, k: number, a: number, b: number, rcv: number): number {
  if (k <= 1) {
    const bb = k === 0 ? b : -b;
    if (a === 0 || bb === 0) return a + bb;
    const [ma, ea] = decomp64(a), [mb, eb] = decomp64(bb);
    const e = Math.min(ea, eb);
    const s = (a < 0 ? -ma : ma) * (1n << BigInt(ea - e)) + (bb < 0 ? -mb : mb) * (1n << BigInt(eb - e));
    if (s === 0n) return rcv === 1 ? -0 : 0;
    return roundExact64(c, s < 0n, s < 0n ? -s : s, e, false, rcv);
  }
  if (k === 2) {
    const neg = sgn(a) !== sgn(b);
    if (a === 0 || b === 0) return neg ? -0 : 0;
    const [ma, ea] = decomp64(a), [mb, eb] = decomp64(b);
    return roundExact64(c, neg, ma * mb, ea + eb, false, rcv);
  }
  if (k === 3) {
    const neg = sgn(a) !== sgn(b);
    if (a === 0) return neg ? -0 : 0;
    const [ma, ea] = decomp64(a), [mb, eb] = decomp64(b);
    const K = Math.max(0, 64 + bitLen(mb) - bitLen(ma));
    const num = ma << BigInt(K), q = num / mb;
    return roundExact64(c, neg, q, ea - eb - K, q * mb !== num, rcv);
  }
  if (a === 0) return a;
  const [ma, ea] = decomp64(a);
  let K = Math.max(0, 130 - bitLen(ma));
  if ((ea - K) & 1) K++;
  const n = ma << BigInt(K), q = isqrt(n);
  return roundExact64(c, false, q, (ea - K) / 2, q * q !== n, rcv);
}

/** Outside the magnitude range where the float64 error terms are exact. */
function out(x: number): boolean { const m = Math.abs(x); return m !== 0 && (m < 1e-250 || m > 1e250); }
/** Rounds op k per MXCSR for float64 (single=false) or float32 operands; records flags in c.mxcsr. */
function rounded(c: Xc, k: number, a: number, b: number, single: boolean): number {
  const rcv = (c.mxcsr >> 13) & 3;
  const d = opOf(k, a, b);
  if (!single && k >= 2 && d === d && isFinite(a) && isFinite(b) && !(k === 3 && (b === 0 || !isFinite(b)))) {
    // products, quotients and roots whose float64 residual would underflow or overflow
    if ((out(d) || out(a) || (k !== 4 && out(b)) || (d === 0 && a !== 0 && (k === 4 || b !== 0))) && (k !== 4 || a > 0)) return exact64(c, k, a, b, rcv);
  }
  if (d !== d) { c.mxcsr |= IE; return d; }
  if (k === 3 && b === 0 && a === a && a !== 0 && isFinite(a)) c.mxcsr |= ZE;
  if (!isFinite(d)) {
    if (isFinite(a) && (k === 4 || isFinite(b)) && !(k === 3 && b === 0)) {
      // overflow
      c.mxcsr |= OE | PE;
      const max = single ? MAX32 : Number.MAX_VALUE;
      if (rcv === 3 || (rcv === 1 && d > 0) || (rcv === 2 && d < 0)) return d > 0 ? max : -max;
    }
    return d;
  }
  if (d === 0 && k <= 1 && rcv === 1 && !Object.is(d, -0)) {
    // An exact zero from operands of opposite (effective) signs is -0 when rounding down.
    const bb = k === 0 ? b : -b;
    if (!(Object.is(a, 0) && Object.is(bb, 0))) return -0;
  }
  let r = d, sg: number;
  if (single) {
    r = Math.fround(d);
    if (!isFinite(r)) {
      c.mxcsr |= OE | PE;
      if (rcv === 3 || (rcv === 1 && r > 0) || (rcv === 2 && r < 0)) return r > 0 ? MAX32 : -MAX32;
      return r;
    }
    sg = r !== d ? (d > r ? 1 : -1) : (k === 2 ? 0 : errSign(k, a, b, d));
  } else sg = errSign(k, a, b, d);
  if (sg !== sg) return r; // residual not computable (extreme exponents): keep nearest
  if (sg === 0) return r;
  c.mxcsr |= PE;
  let v = r;
  if (rcv !== 0) {
    const up = single ? nextUp32 : nextUp64, down = single ? nextDown32 : nextDown64;
    if (rcv === 1 && sg < 0) v = down(r);
    else if (rcv === 2 && sg > 0) v = up(r);
    else if (rcv === 3) { if (sg < 0 && r > 0) v = down(r); else if (sg > 0 && r < 0) v = up(r); }
  }
  // Overflow when the directed step left the finite range; tininess is judged after rounding
  // (float32: to 24 bits with an unbounded exponent, from the double d and its error's sign).
  if (!isFinite(v)) c.mxcsr |= OE;
  else if (single ? Math.abs(d) < MIN_NORMAL32 && tiny32(d, k === 2 ? 0 : errSign(k, a, b, d), rcv) : Math.abs(v) < MIN_NORMAL64) c.mxcsr |= UE;
  return v;
}
/** Whether x = d + (an error of sign se) is tiny in float32: below the smallest normal after rounding
 *  to 24 bits with an unbounded exponent per rcv (2^-126 * (1 - 2^-25) is the round-to-nearest
 *  midpoint below it, with ties to the even 2^-126; 2^-126 * (1 - 2^-24) the largest 24-bit value below). */
function tiny32(d: number, se: number, rcv: number): boolean {
  const ad = Math.abs(d);
  if (ad >= MIN_NORMAL32) return false;
  const neg = d < 0, s = neg ? -se : se; // sign of |x| - |d|
  if (rcv === 0) { const T = MIN_NORMAL32 * (1 - 2 ** -25); return !(ad > T || (ad === T && s >= 0)); }
  const away = (rcv === 2 && !neg) || (rcv === 1 && neg);
  if (!away) return true;
  const T = MIN_NORMAL32 * (1 - 2 ** -24);
  return !(ad > T || (ad === T && s > 0));
}
// MXCSR.FTZ (bit 15) and DAZ (bit 6). FTZ (with underflow masked): a tiny result (the
// condition that raises UE, or any denormal result, exact or not) becomes a zero of its sign and
// sets UE and PE. DAZ: denormal source operands are zeros of their sign (so no DE). Both are
// handled in the helpers only: the translator's inline fast paths never see a denormal operand or
// a tiny result (they leave for the helper), so code without FTZ/DAZ pays one mask test per call.
const DAZ = 0x40, FTZ = 0x8000, UM = 0x800;
const dz64 = (x: number) => (x !== 0 && x < MIN_NORMAL64 && x > -MIN_NORMAL64 ? (x < 0 ? -0 : 0) : x);
const dz32 = (x: number) => (x !== 0 && x < MIN_NORMAL32 && x > -MIN_NORMAL32 ? (x < 0 ? -0 : 0) : x);
/** FTZ on a float64 (single=false) or float32 result; ue: whether computing it raised UE. */
function ftz(c: Xc, v: number, ue: boolean, single: boolean): number {
  if (ue || (v !== 0 && Math.abs(v) < (single ? MIN_NORMAL32 : MIN_NORMAL64))) { c.mxcsr |= UE | PE; return v < 0 || Object.is(v, -0) ? -0 : 0; }
  return v;
}
/** rounded with FTZ applied to its result (callers test FTZ | UM first: the common path stays a direct call). */
function roundedFtz(c: Xc, k: number, a: number, b: number, single: boolean): number {
  const m = c.mxcsr;
  c.mxcsr = m & ~UE;
  const v = rounded(c, k, a, b, single);
  const ue = (c.mxcsr & UE) !== 0;
  c.mxcsr |= m & UE;
  return v === v ? ftz(c, v, ue, single) : v;
}
const ftzOn = (c: Xc) => (c.mxcsr & (FTZ | UM)) === (FTZ | UM);
/** DAZ for a lane-wise op on registers d (written) and s: flushes d's lanes 0..lanes-1 in place and
 *  returns the index of a source with its lanes flushed (s itself when d or scratch, else a copy in slot 16). */
function dazLanes(c: Xc, d: number, s: number, lanes: number, single: boolean): number {
  const F = single ? c.XF32 : c.XF64, n = single ? 4 : 2, den = single ? den32 : den64;
  // (assigned only when flushed: a NaN written through a float view may lose its bits)
  for (let l = 0; l < lanes; l++) { const v = F[d * n + l]; if (den(v)) F[d * n + l] = v < 0 ? -0 : 0; }
  if (s === d) return s;
  if (s < 16) { const X = c.X32; X[64] = X[s * 4]; X[65] = X[s * 4 + 1]; X[66] = X[s * 4 + 2]; X[67] = X[s * 4 + 3]; s = 16; }
  for (let l = 0; l < lanes; l++) { const v = F[s * n + l]; if (den(v)) F[s * n + l] = v < 0 ? -0 : 0; }
  return s;
}
function isSnan64(c: Xc, r: number, lane: number): boolean {
  const hi = c.X32[r * 4 + lane * 2 + 1];
  return (hi & 0x7ff00000) === 0x7ff00000 && (hi & 0x80000) === 0 && ((hi & 0xfffff) | c.X32[r * 4 + lane * 2]) !== 0;
}
function isSnan32(c: Xc, r: number, lane: number): boolean {
  const x = c.X32[r * 4 + lane];
  return (x & 0x7f800000) === 0x7f800000 && (x & 0x400000) === 0 && (x & 0x3fffff) !== 0;
}
const DE = 2;
const den64 = (x: number) => x !== 0 && Math.abs(x) < MIN_NORMAL64;
const den32 = (x: number) => x !== 0 && Math.abs(x) < MIN_NORMAL32;
// Exactness tests for the translator's inline divsd (round-to-nearest, normal operands and
// result; addsd/subsd/mulsd have theirs inline): true when the rounded JS result r is the exact
// value, so PE stays clear. false also means "not decided here" (operands outside the range where
// the residuals are exact): the caller then takes the full helper.
/** a * b == r exactly (Dekker's TwoProduct residual is zero). */
export function exMul(a: number, b: number, r: number): boolean {
  if (out(a) || out(b) || out(r)) return false;
  const A = a * 134217729, ah = A - (A - a), al = a - ah;
  const B = b * 134217729, bh = B - (B - b), bl = b - bh;
  return ((ah * bh - r) + ah * bl + al * bh) + al * bl === 0;
}
/** a / b == r exactly (r * b is exactly a). */
export function exDiv(a: number, b: number, r: number): boolean {
  return r * b === a && exMul(r, b, a);
}

const fadd = 0, fsub = 1, fmul = 2, fdiv = 3;
function arith64(c: Xc, d: number, s: number, lanes: number, k: number): void {
  if (c.mxcsr & DAZ) s = dazLanes(c, d, s, lanes, false);
  const fz = ftzOn(c);
  for (let l = 0; l < lanes; l++) {
    if (isSnan64(c, d, l) || isSnan64(c, s, l)) c.mxcsr |= IE;
    const a = c.XF64[d * 2 + l], b = c.XF64[s * 2 + l];
    // DE: not with a NaN operand, nor for a denormal divided by zero (ZE alone)
    if ((den64(a) || den64(b)) && a === a && b === b && !(k === fdiv && b === 0)) c.mxcsr |= DE;
    if (nan64(c, d, s, l)) continue;
    put64(c, d, l, fz ? roundedFtz(c, k, a, b, false) : rounded(c, k, a, b, false));
  }
}
function arith32(c: Xc, d: number, s: number, lanes: number, k: number): void {
  if (c.mxcsr & DAZ) s = dazLanes(c, d, s, lanes, true);
  const fz = ftzOn(c);
  for (let l = 0; l < lanes; l++) {
    if (isSnan32(c, d, l) || isSnan32(c, s, l)) c.mxcsr |= IE;
    const a = c.XF32[d * 4 + l], b = c.XF32[s * 4 + l];
    if ((den32(a) || den32(b)) && a === a && b === b && !(k === fdiv && b === 0)) c.mxcsr |= DE;
    if (nan32(c, d, s, l)) continue;
    put32(c, d, l, fz ? roundedFtz(c, k, a, b, true) : rounded(c, k, a, b, true));
  }
}
export function addsd(c: Xc, d: number, s: number): void { arith64(c, d, s, 1, fadd); }
export function subsd(c: Xc, d: number, s: number): void { arith64(c, d, s, 1, fsub); }
export function mulsd(c: Xc, d: number, s: number): void { arith64(c, d, s, 1, fmul); }
export function divsd(c: Xc, d: number, s: number): void { arith64(c, d, s, 1, fdiv); }
export function addpd(c: Xc, d: number, s: number): void { arith64(c, d, s, 2, fadd); }
export function subpd(c: Xc, d: number, s: number): void { arith64(c, d, s, 2, fsub); }
export function mulpd(c: Xc, d: number, s: number): void { arith64(c, d, s, 2, fmul); }
export function divpd(c: Xc, d: number, s: number): void { arith64(c, d, s, 2, fdiv); }
export function addss(c: Xc, d: number, s: number): void { arith32(c, d, s, 1, fadd); }
export function subss(c: Xc, d: number, s: number): void { arith32(c, d, s, 1, fsub); }
export function mulss(c: Xc, d: number, s: number): void { arith32(c, d, s, 1, fmul); }
export function divss(c: Xc, d: number, s: number): void { arith32(c, d, s, 1, fdiv); }
export function addps(c: Xc, d: number, s: number): void { arith32(c, d, s, 4, fadd); }
export function subps(c: Xc, d: number, s: number): void { arith32(c, d, s, 4, fsub); }
export function mulps(c: Xc, d: number, s: number): void { arith32(c, d, s, 4, fmul); }
export function divps(c: Xc, d: number, s: number): void { arith32(c, d, s, 4, fdiv); }
function minmax64(c: Xc, d: number, s: number, lanes: number, max: boolean): void {
  if (c.mxcsr & DAZ) s = dazLanes(c, d, s, lanes, false);
  const X = c.X32, F = c.XF64;
  for (let l = 0; l < lanes; l++) {
    const a = F[d * 2 + l], b = F[s * 2 + l];
    if (a !== a || b !== b) c.mxcsr |= IE;
    else if (den64(a) || den64(b)) c.mxcsr |= DE;
    const takeA = max ? a > b : a < b;
    if (!takeA) { X[d * 4 + l * 2] = X[s * 4 + l * 2]; X[d * 4 + l * 2 + 1] = X[s * 4 + l * 2 + 1]; }
  }
}
function minmax32(c: Xc, d: number, s: number, lanes: number, max: boolean): void {
  if (c.mxcsr & DAZ) s = dazLanes(c, d, s, lanes, true);
  const X = c.X32, F = c.XF32;
  for (let l = 0; l < lanes; l++) {
    const a = F[d * 4 + l], b = F[s * 4 + l];
    if (a !== a || b !== b) c.mxcsr |= IE;
    else if (den32(a) || den32(b)) c.mxcsr |= DE;
    if (!(max ? a > b : a < b)) X[d * 4 + l] = X[s * 4 + l];
  }
}
export function minsd(c: Xc, d: number, s: number): void { minmax64(c, d, s, 1, false); }
export function maxsd(c: Xc, d: number, s: number): void { minmax64(c, d, s, 1, true); }
export function minpd(c: Xc, d: number, s: number): void { minmax64(c, d, s, 2, false); }
export function maxpd(c: Xc, d: number, s: number): void { minmax64(c, d, s, 2, true); }
export function minss(c: Xc, d: number, s: number): void { minmax32(c, d, s, 1, false); }
export function maxss(c: Xc, d: number, s: number): void { minmax32(c, d, s, 1, true); }
export function minps(c: Xc, d: number, s: number): void { minmax32(c, d, s, 4, false); }
export function maxps(c: Xc, d: number, s: number): void { minmax32(c, d, s, 4, true); }
function sqrt64(c: Xc, d: number, s: number, lanes: number): void {
  for (let l = 0; l < lanes; l++) {
    let v = c.XF64[s * 2 + l];
    if (c.mxcsr & DAZ) v = dz64(v);
    if (den64(v) && v > 0) c.mxcsr |= DE;
    if (v !== v) { if (isSnan64(c, s, l)) c.mxcsr |= IE; c.X32[d * 4 + l * 2] = c.X32[s * 4 + l * 2]; c.X32[d * 4 + l * 2 + 1] = c.X32[s * 4 + l * 2 + 1] | 0x80000; }
    else put64(c, d, l, ftzOn(c) ? roundedFtz(c, 4, v, 0, false) : rounded(c, 4, v, 0, false));
  }
}
function sqrt32(c: Xc, d: number, s: number, lanes: number): void {
  for (let l = 0; l < lanes; l++) {
    let v = c.XF32[s * 4 + l];
    if (c.mxcsr & DAZ) v = dz32(v);
    if (den32(v) && v > 0) c.mxcsr |= DE;
    if (v !== v) { if (isSnan32(c, s, l)) c.mxcsr |= IE; c.X32[d * 4 + l] = c.X32[s * 4 + l] | 0x400000; }
    else put32(c, d, l, ftzOn(c) ? roundedFtz(c, 4, v, 0, true) : rounded(c, 4, v, 0, true));
  }
}
export function sqrtsd(c: Xc, d: number, s: number): void { sqrt64(c, d, s, 1); }
export function sqrtpd(c: Xc, d: number, s: number): void { sqrt64(c, d, s, 2); }
export function sqrtss(c: Xc, d: number, s: number): void { sqrt32(c, d, s, 1); }
export function sqrtps(c: Xc, d: number, s: number): void { sqrt32(c, d, s, 4); }
export function rcpss(c: Xc, d: number, s: number): void { put32(c, d, 0, Math.fround(1 / c.XF32[s * 4])); }
export function rcpps(c: Xc, d: number, s: number): void { for (let l = 0; l < 4; l++) put32(c, d, l, Math.fround(1 / c.XF32[s * 4 + l])); }
export function rsqrtss(c: Xc, d: number, s: number): void { put32(c, d, 0, Math.fround(1 / Math.sqrt(c.XF32[s * 4]))); }
export function rsqrtps(c: Xc, d: number, s: number): void { for (let l = 0; l < 4; l++) put32(c, d, l, Math.fround(1 / Math.sqrt(c.XF32[s * 4 + l]))); }
// haddpd/hsubpd/addsubpd (and the ps forms below): each lane one rounded op with flags (op64b/op32b).
/** Two float64 ops k0 on (a0, b0) and k1 on (a1, b1), lanes given as indices into X32 pairs; results to d. */
function hop64(c: Xc, d: number, k0: number, a0: number, b0: number, k1: number, a1: number, b1: number): void {
  const X = c.X32;
  const v = [X[a0], X[a0 + 1], X[b0], X[b0 + 1], X[a1], X[a1 + 1], X[b1], X[b1 + 1]];
  op64b(c, k0, v[0], v[1], v[2], v[3]); const l0 = B64.lo, h0 = B64.hi;
  op64b(c, k1, v[4], v[5], v[6], v[7]);
  X[d * 4] = l0; X[d * 4 + 1] = h0; X[d * 4 + 2] = B64.lo; X[d * 4 + 3] = B64.hi;
}
export function haddpd(c: Xc, d: number, s: number): void { hop64(c, d, 0, d * 4, d * 4 + 2, 0, s * 4, s * 4 + 2); }
export function hsubpd(c: Xc, d: number, s: number): void { hop64(c, d, 1, d * 4, d * 4 + 2, 1, s * 4, s * 4 + 2); }
export function addsubpd(c: Xc, d: number, s: number): void { hop64(c, d, 1, d * 4, s * 4, 0, d * 4 + 2, s * 4 + 2); }

/** ucomisd/comisd (and the ss forms): returns ZF/PF/CF flags. */
export function ucomisd(c: Xc, d: number, s: number, signaling = 0): number {
  let a = c.XF64[d * 2], b = c.XF64[s * 2];
  if (c.mxcsr & DAZ) { a = dz64(a); b = dz64(b); }
  if ((den64(a) || den64(b)) && a === a && b === b) c.mxcsr |= DE; // a NaN operand takes precedence over DE
  if (a !== a || b !== b) { if (signaling || isSnan64(c, d, 0) || isSnan64(c, s, 0)) c.mxcsr |= IE; return 0x45; }
  return a < b ? 1 : a === b ? 0x40 : 0;
}
export function ucomiss(c: Xc, d: number, s: number, signaling = 0): number {
  let a = c.XF32[d * 4], b = c.XF32[s * 4];
  if (c.mxcsr & DAZ) { a = dz32(a); b = dz32(b); }
  if ((den32(a) || den32(b)) && a === a && b === b) c.mxcsr |= DE;
  if (a !== a || b !== b) { if (signaling || isSnan32(c, d, 0) || isSnan32(c, s, 0)) c.mxcsr |= IE; return 0x45; }
  return a < b ? 1 : a === b ? 0x40 : 0;
}
function cmpPred(a: number, b: number, p: number): boolean {
  const un = a !== a || b !== b;
  switch (p & 7) {
    case 0: return a === b;
    case 1: return a < b;
    case 2: return a <= b;
    case 3: return un;
    case 4: return !(a === b);
    case 5: return !(a < b);
    case 6: return !(a <= b);
    default: return !un;
  }
}
const SIGNALING_PRED = [false, true, true, false, false, true, true, false];
function cmp64(c: Xc, d: number, s: number, lanes: number, p: number): void {
  for (let l = 0; l < lanes; l++) {
    let x = c.XF64[d * 2 + l], y = c.XF64[s * 2 + l];
    if (c.mxcsr & DAZ) { x = dz64(x); y = dz64(y); }
    if ((x !== x || y !== y) && (SIGNALING_PRED[p & 7] || isSnan64(c, d, l) || isSnan64(c, s, l))) c.mxcsr |= IE;
    if ((den64(x) || den64(y)) && x === x && y === y) c.mxcsr |= DE; // not with a NaN operand
    const r = cmpPred(x, y, p) ? -1 : 0;
    c.X32[d * 4 + l * 2] = r; c.X32[d * 4 + l * 2 + 1] = r;
  }
}
function cmp32(c: Xc, d: number, s: number, lanes: number, p: number): void {
  for (let l = 0; l < lanes; l++) {
    let x = c.XF32[d * 4 + l], y = c.XF32[s * 4 + l];
    if (c.mxcsr & DAZ) { x = dz32(x); y = dz32(y); }
    if ((x !== x || y !== y) && (SIGNALING_PRED[p & 7] || isSnan32(c, d, l) || isSnan32(c, s, l))) c.mxcsr |= IE;
    if ((den32(x) || den32(y)) && x === x && y === y) c.mxcsr |= DE;
    c.X32[d * 4 + l] = cmpPred(x, y, p) ? -1 : 0;
  }
}
export function cmpsd(c: Xc, d: number, s: number, imm: number): void { cmp64(c, d, s, 1, imm); }
export function cmppd(c: Xc, d: number, s: number, imm: number): void { cmp64(c, d, s, 2, imm); }
export function cmpss(c: Xc, d: number, s: number, imm: number): void { cmp32(c, d, s, 1, imm); }
export function cmpps(c: Xc, d: number, s: number, imm: number): void { cmp32(c, d, s, 4, imm); }

// ---- conversions ---------------------------------------------------------------------------------
/** Rounds per MXCSR.RC (0 nearest-even, 1 down, 2 up, 3 toward zero). */
export function roundMode(v: number, rc: number): number {
  switch (rc & 3) {
    case 0: {
      const f = Math.floor(v), diff = v - f;
      if (diff < 0.5) return f;
      if (diff > 0.5) return f + 1;
      return f % 2 === 0 ? f : f + 1;
    }
    case 1: return Math.floor(v);
    case 2: return Math.ceil(v);
    default: return Math.trunc(v);
  }
}
const rc = (c: Xc) => (c.mxcsr >> 13) & 3;

/** Float -> int32/int64 with x86's integer-indefinite on overflow; result in S.lo/S.hi. */
let CVT_FLAGS = 0;
function toInt(v: number, w: number, mode: number): void {
  const r = v !== v ? NaN : roundMode(v, mode);
  // an invalid conversion reports IE alone (no PE)
  if (r === r && r !== v && (w ? r >= -9223372036854775808 && r < 9223372036854775808 : r >= -2147483648 && r <= 2147483647)) CVT_FLAGS |= PE;
  if (w) {
    if (!(r >= -9223372036854775808 && r < 9223372036854775808)) { CVT_FLAGS |= IE; S.lo = 0; S.hi = 0x80000000 | 0; return; }
    const b = BigInt.asUintN(64, BigInt(r));
    S.lo = Number(b & 0xffffffffn) | 0; S.hi = Number(b >> 32n) | 0;
  } else {
    if (!(r >= -2147483648 && r <= 2147483647)) { CVT_FLAGS |= IE; S.lo = 0x80000000 | 0; S.hi = 0; return; }
    S.lo = r | 0; S.hi = 0;
  }
}
const dzI64 = (c: Xc, v: number) => (c.mxcsr & DAZ ? dz64(v) : v);
const dzI32 = (c: Xc, v: number) => (c.mxcsr & DAZ ? dz32(v) : v);
export function cvtsd2si(c: Xc, s: number, w: number, trunc: number): void { CVT_FLAGS = 0; toInt(dzI64(c, c.XF64[s * 2]), w, trunc ? 3 : rc(c)); c.mxcsr |= CVT_FLAGS; }
export function cvtss2si(c: Xc, s: number, w: number, trunc: number): void { CVT_FLAGS = 0; toInt(dzI32(c, c.XF32[s * 4]), w, trunc ? 3 : rc(c)); c.mxcsr |= CVT_FLAGS; }
function intToF(lo: number, hi: number, w: number): number {
  if (!w) return lo | 0;
  if (hi === (lo >> 31)) return lo | 0;
  return Number(BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)));
}
/** Rounds an exact integer per MXCSR.RC to float64 (single=false) or float32; sets PE when inexact. */
function intRound(c: Xc, x: bigint, single: boolean): number {
  let v = single ? bigToF32(x) : Number(x);
  if (!isFinite(v)) return v;
  const back = BigInt(v);
  if (back === x) return v;
  c.mxcsr |= PE;
  const rcv = (c.mxcsr >> 13) & 3;
  const up = single ? nextUp32 : nextUp64, down = single ? nextDown32 : nextDown64;
  const below = back < x; // nearest is below the exact value
  if (rcv === 1 && !below) v = down(v);
  else if (rcv === 2 && below) v = up(v);
  else if (rcv === 3 && ((v > 0 && !below) || (v < 0 && below))) v = v > 0 ? down(v) : up(v);
  return v;
}
function intOf(lo: number, hi: number, w: number): bigint {
  return w ? BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)) : BigInt(lo | 0);
}
export function cvtsi2sd(c: Xc, d: number, lo: number, hi: number, w: number): void {
  if (!w || hi === (lo >> 31)) c.XF64[d * 2] = lo | 0; // exact
  else c.XF64[d * 2] = intRound(c, intOf(lo, hi, w), false);
}
export function cvtsi2ss(c: Xc, d: number, lo: number, hi: number, w: number): void {
  const x = lo | 0;
  if ((!w || hi === (lo >> 31)) && Math.fround(x) === x) c.XF32[d * 4] = x;
  else c.XF32[d * 4] = intRound(c, intOf(lo, hi, w), true);
}
function bigToF32(b: bigint): number {
  // Round the top 53 bits plus a sticky bit to float64, then to float32: exact because
  // 53 >= 2*24+2 makes the double rounding innocuous.
  const neg = b < 0n;
  const mag = neg ? -b : b;
  const shift = mag.toString(2).length - 53;
  let v: number;
  if (shift > 0) {
    const top = mag >> BigInt(shift);
    const sticky = (mag & ((1n << BigInt(shift)) - 1n)) !== 0n ? 1n : 0n;
    v = Number(top | sticky) * 2 ** shift;
  } else v = Number(mag);
  return Math.fround(neg ? -v : v);
}
/** float64 -> float32 per MXCSR.RC with PE/OE/UE (NaNs handled by the callers). */
function toF32(c: Xc, v: number): number {
  const m = c.mxcsr;
  if (m & DAZ) v = dz64(v);
  if ((m & (FTZ | UM)) !== (FTZ | UM) || v !== v) return toF32r(c, v);
  c.mxcsr = m & ~UE;
  const f = toF32r(c, v);
  const ue = (c.mxcsr & UE) !== 0;
  c.mxcsr |= m & UE;
  return ftz(c, f, ue, true);
}
function toF32r(c: Xc, v: number): number {
  if (den64(v)) c.mxcsr |= DE;
  const f = Math.fround(v);
  if (f === v || v !== v) return f;
  const rcv = (c.mxcsr >> 13) & 3;
  if (!isFinite(f)) {
    c.mxcsr |= OE | PE;
    if (rcv === 3 || (rcv === 1 && f > 0) || (rcv === 2 && f < 0)) return f > 0 ? MAX32 : -MAX32;
    return f;
  }
  c.mxcsr |= PE;
  if (tiny32(v, 0, rcv)) c.mxcsr |= UE;
  const below = f < v;
  if (rcv === 1 && !below) return nextDown32(f);
  if (rcv === 2 && below) return nextUp32(f);
  if (rcv === 3 && ((f > 0 && !below) || (f < 0 && below))) return f > 0 ? nextDown32(f) : nextUp32(f);
  return f;
}
export function cvtsd2ss(c: Xc, d: number, s: number): void { const v = c.XF64[s * 2]; if (v !== v && isSnan64(c, s, 0)) c.mxcsr |= IE; if (v !== v) c.X32[d * 4] = (c.X32[s * 4 + 1] & 0x80000000) | 0x7fc00000 | ((c.X32[s * 4 + 1] & 0x7ffff) << 3) | (c.X32[s * 4] >>> 29); else c.XF32[d * 4] = toF32(c, v); }
export function cvtss2sd(c: Xc, d: number, s: number): void {
  let v = c.XF32[s * 4];
  if (c.mxcsr & DAZ) v = dz32(v);
  if (isSnan32(c, s, 0)) c.mxcsr |= IE;
  else if (den32(v)) c.mxcsr |= DE;
  if (v !== v) { const x = c.X32[s * 4]; c.X32[d * 4 + 1] = (x & 0x80000000) | 0x7ff80000 | ((x & 0x3fffff) >>> 3); c.X32[d * 4] = x << 29; }
  else c.XF64[d * 2] = v;
}
export function cvtps2pd(c: Xc, d: number, s: number): void {
  const daz = (c.mxcsr & DAZ) !== 0;
  for (let l = 0; l < 2; l++) { if (isSnan32(c, s, l)) c.mxcsr |= IE; else if (!daz && den32(c.XF32[s * 4 + l])) c.mxcsr |= DE; }
  const x0 = c.X32[s * 4], x1 = c.X32[s * 4 + 1];
  for (let l = 0; l < 2; l++) {
    const x = l ? x1 : x0;
    f32b[0] = 0; i32f[0] = x; const v = daz ? dz32(f32b[0]) : f32b[0];
    if (v !== v) { c.X32[d * 4 + 2 * l + 1] = (x & 0x80000000) | 0x7ff80000 | ((x & 0x3fffff) >>> 3); c.X32[d * 4 + 2 * l] = x << 29; }
    else c.XF64[d * 2 + l] = v;
  }
}
export function cvtpd2ps(c: Xc, d: number, s: number): void {
  for (let l = 0; l < 2; l++) if (isSnan64(c, s, l)) c.mxcsr |= IE;
  const X = c.X32, r = [0, 0];
  for (let l = 0; l < 2; l++) {
    const v = c.XF64[s * 2 + l], hi = X[s * 4 + 2 * l + 1], lo = X[s * 4 + 2 * l];
    // a NaN keeps its sign and the top of its payload, quieted (as cvtsd2ss)
    if (v !== v) r[l] = (hi & 0x80000000) | 0x7fc00000 | ((hi & 0x7ffff) << 3) | (lo >>> 29);
    else r[l] = bits32(toF32(c, v));
  }
  X[d * 4] = r[0]; X[d * 4 + 1] = r[1]; X[d * 4 + 2] = 0; X[d * 4 + 3] = 0;
}
export function cvtdq2pd(c: Xc, d: number, s: number): void { const a = c.X32[s * 4], b = c.X32[s * 4 + 1]; c.XF64[d * 2] = a; c.XF64[d * 2 + 1] = b; }
export function cvtdq2ps(c: Xc, d: number, s: number): void {
  for (let l = 0; l < 4; l++) { const x = c.X32[s * 4 + l]; c.XF32[d * 4 + l] = Math.fround(x) === x ? x : intRound(c, BigInt(x), true); }
}
function cvtToDq(c: Xc, d: number, vals: number[], mode: number): void {
  CVT_FLAGS = 0;
  const r = vals.map((v) => { toInt(v, 0, mode); return S.lo; });
  c.mxcsr |= CVT_FLAGS;
  for (let l = 0; l < 4; l++) c.X32[d * 4 + l] = l < r.length ? r[l] : 0;
}
export function cvtps2dq(c: Xc, d: number, s: number): void { cvtToDq(c, d, [0, 1, 2, 3].map((l) => dzI32(c, c.XF32[s * 4 + l])), rc(c)); }
export function cvttps2dq(c: Xc, d: number, s: number): void { cvtToDq(c, d, [0, 1, 2, 3].map((l) => dzI32(c, c.XF32[s * 4 + l])), 3); }
export function cvtpd2dq(c: Xc, d: number, s: number): void { cvtToDq(c, d, [dzI64(c, c.XF64[s * 2]), dzI64(c, c.XF64[s * 2 + 1])], rc(c)); }
export function cvttpd2dq(c: Xc, d: number, s: number): void { cvtToDq(c, d, [dzI64(c, c.XF64[s * 2]), dzI64(c, c.XF64[s * 2 + 1])], 3); }

// ---- SSE4.1 rounding --------------------------------------------------------------------------
// imm bit 2: use MXCSR.RC instead of bits 1:0; bit 3: suppress PE. NaNs: sNaN -> IE, quieted.
function round32b(c: Xc, x: number, imm: number): number {
  if ((x & 0x7f800000) === 0x7f800000 && (x & 0x7fffff) !== 0) { if (!(x & 0x400000)) c.mxcsr |= IE; return x | 0x400000; }
  const v = c.mxcsr & DAZ ? dz32(f32of(x)) : f32of(x), r = Math.fround(roundF(v, imm & 4 ? rc(c) : imm & 3));
  if (r !== v && !(imm & 8)) c.mxcsr |= PE;
  return bits32(r);
}
function round64l(c: Xc, d: number, s: number, l: number, imm: number): void {
  const hi = c.X32[s * 4 + 2 * l + 1], lo = c.X32[s * 4 + 2 * l];
  if ((hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0xfffff) | lo) !== 0) {
    if (!(hi & 0x80000)) c.mxcsr |= IE;
    c.X32[d * 4 + 2 * l] = lo; c.X32[d * 4 + 2 * l + 1] = hi | 0x80000; return;
  }
  const v = c.mxcsr & DAZ ? dz64(c.XF64[s * 2 + l]) : c.XF64[s * 2 + l], r = roundF(v, imm & 4 ? rc(c) : imm & 3);
  if (r !== v && !(imm & 8)) c.mxcsr |= PE;
  c.XF64[d * 2 + l] = r;
}
export function roundsd(c: Xc, d: number, s: number, imm: number): void { round64l(c, d, s, 0, imm); }
export function roundss(c: Xc, d: number, s: number, imm: number): void { c.X32[d * 4] = round32b(c, c.X32[s * 4], imm); }
export function roundpd(c: Xc, d: number, s: number, imm: number): void { for (let l = 0; l < 2; l++) round64l(c, d, s, l, imm); }
export function roundps(c: Xc, d: number, s: number, imm: number): void { for (let l = 0; l < 4; l++) c.X32[d * 4 + l] = round32b(c, c.X32[s * 4 + l], imm); }
function f32of(b: number): number { i32f[0] = b; return f32b[0]; }
function bits32(v: number): number { if (v !== v) return 0xffc00000 | 0; f32b[0] = v; return i32f[0]; }
const nanB32 = (x: number) => (x & 0x7f800000) === 0x7f800000 && (x & 0x7fffff) !== 0;
/** One single-precision op (k as in rounded) on bit images, with x86 NaN propagation and MXCSR flags. */
function op32b(c: Xc, k: number, a: number, b: number): number {
  let x = f32of(a), y = f32of(b);
  if (c.mxcsr & DAZ) { x = dz32(x); y = dz32(y); }
  if ((den32(x) || den32(y)) && x === x && y === y) c.mxcsr |= DE; // a NaN operand takes precedence
  if (nanB32(a) || nanB32(b)) {
    if ((nanB32(a) && !(a & 0x400000)) || (nanB32(b) && !(b & 0x400000))) c.mxcsr |= IE;
    return (nanB32(a) ? a : b) | 0x400000;
  }
  return bits32(ftzOn(c) ? roundedFtz(c, k, x, y, true) : rounded(c, k, x, y, true));
}
const B64 = { lo: 0, hi: 0 };
const nanB64 = (lo: number, hi: number) => (hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0xfffff) | lo) !== 0;
/** The float64 counterpart of op32b on (lo, hi) halves; result in B64. */
function op64b(c: Xc, k: number, alo: number, ahi: number, blo: number, bhi: number): void {
  i32b[0] = alo; i32b[1] = ahi; let x = f64b[0];
  i32b[0] = blo; i32b[1] = bhi; let y = f64b[0];
  if (c.mxcsr & DAZ) { x = dz64(x); y = dz64(y); }
  if ((den64(x) || den64(y)) && x === x && y === y) c.mxcsr |= DE;
  const na = nanB64(alo, ahi), nb = nanB64(blo, bhi);
  if (na || nb) {
    if ((na && !(ahi & 0x80000)) || (nb && !(bhi & 0x80000))) c.mxcsr |= IE;
    B64.lo = na ? alo : blo; B64.hi = (na ? ahi : bhi) | 0x80000; return;
  }
  const r = ftzOn(c) ? roundedFtz(c, k, x, y, false) : rounded(c, k, x, y, false);
  if (r !== r) { B64.lo = 0; B64.hi = DEFAULT_NAN_HI; return; }
  f64b[0] = r; B64.lo = i32b[0]; B64.hi = i32b[1];
}
function roundF(v: number, mode: number): number {
  if (!isFinite(v) || v === 0) return v;
  const r = roundMode(v, mode);
  return r === 0 ? (v < 0 ? -0 : 0) : r;
}

void f64b; void i32b; void f32b; void i32f; void tmpDV;

// ---- SSSE3 ---------------------------------------------------------------------------------------
function hop16(c: Xc, d: number, s: number, f: (a: number, b: number) => number): void {
  const v = c.XDV; const out: number[] = [];
  for (const r of [d, s]) for (let i = 0; i < 4; i++) out.push(f(v.getInt16(r * 16 + i * 4, true), v.getInt16(r * 16 + i * 4 + 2, true)));
  for (let i = 0; i < 8; i++) v.setUint16(d * 16 + i * 2, out[i] & 0xffff, true);
}
function hop32(c: Xc, d: number, s: number, f: (a: number, b: number) => number): void {
  const X = c.X32; const out: number[] = [];
  for (const r of [d, s]) for (let i = 0; i < 2; i++) out.push(f(X[r * 4 + i * 2], X[r * 4 + i * 2 + 1]) | 0);
  for (let i = 0; i < 4; i++) X[d * 4 + i] = out[i];
}
export function phaddw(c: Xc, d: number, s: number): void { hop16(c, d, s, (a, b) => a + b); }
export function phaddsw(c: Xc, d: number, s: number): void { hop16(c, d, s, (a, b) => sat16s(a + b)); }
export function phsubw(c: Xc, d: number, s: number): void { hop16(c, d, s, (a, b) => a - b); }
export function phsubsw(c: Xc, d: number, s: number): void { hop16(c, d, s, (a, b) => sat16s(a - b)); }
export function phaddd(c: Xc, d: number, s: number): void { hop32(c, d, s, (a, b) => a + b); }
export function phsubd(c: Xc, d: number, s: number): void { hop32(c, d, s, (a, b) => a - b); }
export function pabsb(c: Xc, d: number, s: number): void { const u = c.XU8; for (let i = 0; i < 16; i++) { const v = (u[s * 16 + i] << 24) >> 24; u[d * 16 + i] = Math.abs(v); } }
export function pabsw(c: Xc, d: number, s: number): void { const v = c.XDV; for (let i = 0; i < 8; i++) v.setUint16(d * 16 + i * 2, Math.abs(v.getInt16(s * 16 + i * 2, true)) & 0xffff, true); }
export function pabsd(c: Xc, d: number, s: number): void { const X = c.X32; for (let i = 0; i < 4; i++) X[d * 4 + i] = Math.abs(X[s * 4 + i]) | 0; }
export function psignb(c: Xc, d: number, s: number): void { b8(c, d, s, (a, b) => (b < 0 ? -a : b === 0 ? 0 : a), true); }
export function psignw(c: Xc, d: number, s: number): void { b16(c, d, s, (a, b) => (b < 0 ? -a : b === 0 ? 0 : a), true); }
export function psignd(c: Xc, d: number, s: number): void { b32(c, d, s, (a, b) => (b < 0 ? -a | 0 : b === 0 ? 0 : a)); }
export function pmulhrsw(c: Xc, d: number, s: number): void { b16(c, d, s, (a, b) => (((a * b) >> 14) + 1) >> 1, true); }
export function pmaddubsw(c: Xc, d: number, s: number): void {
  const u = c.XU8, v = c.XDV; const out: number[] = [];
  for (let i = 0; i < 8; i++) {
    const a0 = u[d * 16 + 2 * i], a1 = u[d * 16 + 2 * i + 1];
    const b0 = (u[s * 16 + 2 * i] << 24) >> 24, b1 = (u[s * 16 + 2 * i + 1] << 24) >> 24;
    out.push(sat16s(a0 * b0 + a1 * b1));
  }
  for (let i = 0; i < 8; i++) v.setUint16(d * 16 + i * 2, out[i] & 0xffff, true);
}

// ---- SSE4.1 --------------------------------------------------------------------------------------
function pmovx(c: Xc, d: number, s: number, from: number, to: number, signed: boolean): void {
  const v = c.XDV; const n = 16 / to; const vals: bigint[] = [];
  for (let i = 0; i < n; i++) {
    const o = s * 16 + i * from;
    let x: bigint;
    if (from === 1) x = BigInt(signed ? v.getInt8(o) : v.getUint8(o));
    else if (from === 2) x = BigInt(signed ? v.getInt16(o, true) : v.getUint16(o, true));
    else x = BigInt(signed ? v.getInt32(o, true) : v.getUint32(o, true));
    vals.push(x);
  }
  for (let i = 0; i < n; i++) {
    const o = d * 16 + i * to, x = vals[i];
    if (to === 2) v.setUint16(o, Number(BigInt.asUintN(16, x)), true);
    else if (to === 4) v.setUint32(o, Number(BigInt.asUintN(32, x)), true);
    else v.setBigUint64(o, BigInt.asUintN(64, x), true);
  }
}
export function pmovsxbw(c: Xc, d: number, s: number): void { pmovx(c, d, s, 1, 2, true); }
export function pmovsxbd(c: Xc, d: number, s: number): void { pmovx(c, d, s, 1, 4, true); }
export function pmovsxbq(c: Xc, d: number, s: number): void { pmovx(c, d, s, 1, 8, true); }
export function pmovsxwd(c: Xc, d: number, s: number): void { pmovx(c, d, s, 2, 4, true); }
export function pmovsxwq(c: Xc, d: number, s: number): void { pmovx(c, d, s, 2, 8, true); }
export function pmovsxdq(c: Xc, d: number, s: number): void { pmovx(c, d, s, 4, 8, true); }
export function pmovzxbw(c: Xc, d: number, s: number): void { pmovx(c, d, s, 1, 2, false); }
export function pmovzxbd(c: Xc, d: number, s: number): void { pmovx(c, d, s, 1, 4, false); }
export function pmovzxbq(c: Xc, d: number, s: number): void { pmovx(c, d, s, 1, 8, false); }
export function pmovzxwd(c: Xc, d: number, s: number): void { pmovx(c, d, s, 2, 4, false); }
export function pmovzxwq(c: Xc, d: number, s: number): void { pmovx(c, d, s, 2, 8, false); }
export function pmovzxdq(c: Xc, d: number, s: number): void { pmovx(c, d, s, 4, 8, false); }
/** ptest: returns ZF/CF flags. */
export function ptest(c: Xc, d: number, s: number): number {
  const X = c.X32; let z = true, cf = true;
  for (let i = 0; i < 4; i++) { if (X[d * 4 + i] & X[s * 4 + i]) z = false; if (~X[d * 4 + i] & X[s * 4 + i]) cf = false; }
  return (z ? 0x40 : 0) | (cf ? 1 : 0);
}
export function pblendw(c: Xc, d: number, s: number, imm: number): void { const v = c.XDV; for (let i = 0; i < 8; i++) if (imm & (1 << i)) v.setUint16(d * 16 + i * 2, v.getUint16(s * 16 + i * 2, true), true); }
export function blendps(c: Xc, d: number, s: number, imm: number): void { for (let i = 0; i < 4; i++) if (imm & (1 << i)) c.X32[d * 4 + i] = c.X32[s * 4 + i]; }
export function blendpd(c: Xc, d: number, s: number, imm: number): void { for (let i = 0; i < 2; i++) if (imm & (1 << i)) { c.X32[d * 4 + 2 * i] = c.X32[s * 4 + 2 * i]; c.X32[d * 4 + 2 * i + 1] = c.X32[s * 4 + 2 * i + 1]; } }
export function pblendvb(c: Xc, d: number, s: number): void { const u = c.XU8; for (let i = 0; i < 16; i++) if (u[i] & 0x80) u[d * 16 + i] = u[s * 16 + i]; }
export function blendvps(c: Xc, d: number, s: number): void { for (let i = 0; i < 4; i++) if (c.X32[i] < 0) c.X32[d * 4 + i] = c.X32[s * 4 + i]; }
export function blendvpd(c: Xc, d: number, s: number): void { for (let i = 0; i < 2; i++) if (c.X32[2 * i + 1] < 0) { c.X32[d * 4 + 2 * i] = c.X32[s * 4 + 2 * i]; c.X32[d * 4 + 2 * i + 1] = c.X32[s * 4 + 2 * i + 1]; } }
export function phminposuw(c: Xc, d: number, s: number): void {
  const v = c.XDV; let best = 0x10000, idx = 0;
  for (let i = 0; i < 8; i++) { const x = v.getUint16(s * 16 + i * 2, true); if (x < best) { best = x; idx = i; } }
  c.X32[d * 4] = best | (idx << 16); c.X32[d * 4 + 1] = 0; c.X32[d * 4 + 2] = 0; c.X32[d * 4 + 3] = 0;
}
/** Extract element (size 1/2/4/8 bytes) imm-selected; returns [lo, hi] via S. */
export function pextr(c: Xc, s: number, size: number, imm: number): void {
  const v = c.XDV; const n = 16 / size; const o = s * 16 + (imm & (n - 1)) * size;
  if (size === 1) { S.lo = v.getUint8(o); S.hi = 0; }
  else if (size === 2) { S.lo = v.getUint16(o, true); S.hi = 0; }
  else if (size === 4) { S.lo = v.getInt32(o, true); S.hi = 0; }
  else { S.lo = v.getInt32(o, true); S.hi = v.getInt32(o + 4, true); }
}
export function pinsr(c: Xc, d: number, size: number, imm: number, lo: number, hi: number): void {
  const v = c.XDV; const n = 16 / size; const o = d * 16 + (imm & (n - 1)) * size;
  if (size === 1) v.setUint8(o, lo & 0xff);
  else if (size === 4) v.setInt32(o, lo, true);
  else { v.setInt32(o, lo, true); v.setInt32(o + 4, hi, true); }
}
export function insertps(c: Xc, d: number, s: number, imm: number): void {
  const src = s === 16 ? c.X32[16 * 4] : c.X32[s * 4 + ((imm >> 6) & 3)];
  c.X32[d * 4 + ((imm >> 4) & 3)] = src;
  for (let i = 0; i < 4; i++) if (imm & (1 << i)) c.X32[d * 4 + i] = 0;
}
// dpps/dppd: products of the lanes selected by imm[7:4] (others +0.0), summed pairwise
// ((p0 + p1) + (p2 + p3)), every step rounded per MXCSR; the sum goes to the lanes of imm[3:0].
export function dpps(c: Xc, d: number, s: number, imm: number): void {
  const X = c.X32, p = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) if (imm & (16 << i)) p[i] = op32b(c, 2, X[d * 4 + i], X[s * 4 + i]);
  const sum = op32b(c, 0, op32b(c, 0, p[0], p[1]), op32b(c, 0, p[2], p[3]));
  for (let i = 0; i < 4; i++) X[d * 4 + i] = imm & (1 << i) ? sum : 0;
}
export function dppd(c: Xc, d: number, s: number, imm: number): void {
  const X = c.X32;
  let p0l = 0, p0h = 0, p1l = 0, p1h = 0;
  if (imm & 16) { op64b(c, 2, X[d * 4], X[d * 4 + 1], X[s * 4], X[s * 4 + 1]); p0l = B64.lo; p0h = B64.hi; }
  if (imm & 32) { op64b(c, 2, X[d * 4 + 2], X[d * 4 + 3], X[s * 4 + 2], X[s * 4 + 3]); p1l = B64.lo; p1h = B64.hi; }
  op64b(c, 0, p0l, p0h, p1l, p1h);
  for (let i = 0; i < 2; i++) { X[d * 4 + 2 * i] = imm & (1 << i) ? B64.lo : 0; X[d * 4 + 2 * i + 1] = imm & (1 << i) ? B64.hi : 0; }
}
export function mpsadbw(c: Xc, d: number, s: number, imm: number): void {
  const u = c.XU8, v = c.XDV;
  const a = u.slice(d * 16, d * 16 + 16), b = u.slice(s * 16, s * 16 + 16);
  const ao = ((imm >> 2) & 1) * 4, bo = (imm & 3) * 4;
  for (let i = 0; i < 8; i++) {
    let sum = 0;
    for (let k = 0; k < 4; k++) sum += Math.abs(a[ao + i + k] - b[bo + k]);
    v.setUint16(d * 16 + i * 2, sum, true);
  }
}

// ---- SSE3 single-precision horizontal forms ------------------------------------------------------
function hops(c: Xc, d: number, s: number, k: number): void {
  const X = c.X32, a = [X[d * 4], X[d * 4 + 1], X[d * 4 + 2], X[d * 4 + 3]], b = [X[s * 4], X[s * 4 + 1], X[s * 4 + 2], X[s * 4 + 3]];
  const r = [op32b(c, k, a[0], a[1]), op32b(c, k, a[2], a[3]), op32b(c, k, b[0], b[1]), op32b(c, k, b[2], b[3])];
  for (let i = 0; i < 4; i++) X[d * 4 + i] = r[i];
}
export function haddps(c: Xc, d: number, s: number): void { hops(c, d, s, 0); }
export function hsubps(c: Xc, d: number, s: number): void { hops(c, d, s, 1); }
export function addsubps(c: Xc, d: number, s: number): void {
  const X = c.X32, a = [X[d * 4], X[d * 4 + 1], X[d * 4 + 2], X[d * 4 + 3]], b = [X[s * 4], X[s * 4 + 1], X[s * 4 + 2], X[s * 4 + 3]];
  const r = [op32b(c, 1, a[0], b[0]), op32b(c, 0, a[1], b[1]), op32b(c, 1, a[2], b[2]), op32b(c, 0, a[3], b[3])];
  for (let i = 0; i < 4; i++) X[d * 4 + i] = r[i];
}

// ---- SSE4.2 string compares (pcmpestri/pcmpestrm/pcmpistri/pcmpistrm) ------------------------------
/**
 * The shared core of the four forms. a = xmm1 (the "set" or pattern), b = xmm2/m128 (the data).
 * la/lb: explicit lengths (-1 = implicit: up to the first zero element). imm bits 1:0 element
 * format (ub uw sb sw), 3:2 aggregation (equal any, ranges, equal each, equal ordered), 5:4
 * polarity. Returns IntRes2 (bit i = element i); PCMP.lenA/lenB hold the valid lengths.
 */
export const PCMP = { lenA: 0, lenB: 0 };
function pcmpElems(c: Xc, r: number, words: boolean, signed: boolean, out: Int32Array): void {
  const v = c.XDV;
  const n = words ? 8 : 16;
  for (let i = 0; i < n; i++) {
    out[i] = words ? (signed ? v.getInt16(r * 16 + i * 2, true) : v.getUint16(r * 16 + i * 2, true))
      : (signed ? v.getInt8(r * 16 + i) : v.getUint8(r * 16 + i));
  }
}
const pcA = new Int32Array(16), pcB = new Int32Array(16);
function pcmpLen(e: Int32Array, n: number, explicit: number): number {
  if (explicit >= 0) return explicit < n ? explicit : n;
  for (let i = 0; i < n; i++) if (e[i] === 0) return i;
  return n;
}
/** |len| saturated to n; len given as lo/hi int32 halves (hi used with REX.W). */
function explicitLen(lo: number, hi: number, w: number, n: number): number {
  let neg: boolean, big: boolean, mag: number;
  if (w) {
    neg = hi < 0;
    let l = lo, h = hi;
    if (neg) { l = (-lo) | 0; h = (~hi + (lo === 0 ? 1 : 0)) | 0; }
    big = h !== 0; mag = l >>> 0;
  } else {
    neg = lo < 0; big = false; mag = neg ? -lo : lo;
  }
  if (big || mag > n) return n;
  return mag;
}
function pcmpCore(c: Xc, a: number, b: number, imm: number, la: number, lb: number): number {
  const words = (imm & 1) !== 0, signed = (imm & 2) !== 0, n = words ? 8 : 16;
  pcmpElems(c, a, words, signed, pcA); pcmpElems(c, b, words, signed, pcB);
  const lA = pcmpLen(pcA, n, la), lB = pcmpLen(pcB, n, lb);
  PCMP.lenA = lA; PCMP.lenB = lB;
  const agg = (imm >> 2) & 3;
  let res = 0;
  if (agg === 0) { // equal any: b[j] is one of a[0..lA)
    for (let j = 0; j < lB; j++) for (let i = 0; i < lA; i++) if (pcB[j] === pcA[i]) { res |= 1 << j; break; }
  } else if (agg === 1) { // ranges: a[2k] <= b[j] <= a[2k+1]
    for (let j = 0; j < lB; j++) for (let i = 0; i + 1 < lA; i += 2) if (pcB[j] >= pcA[i] && pcB[j] <= pcA[i + 1]) { res |= 1 << j; break; }
  } else if (agg === 2) { // equal each: both invalid counts as equal
    for (let i = 0; i < n; i++) {
      const va = i < lA, vb = i < lB;
      if (va && vb ? pcA[i] === pcB[i] : !va && !vb) res |= 1 << i;
    }
  } else { // equal ordered: a occurs in b starting at j (a invalid -> true, b invalid -> false)
    for (let j = 0; j < n; j++) {
      let ok = true;
      for (let i = 0; i < n - j && ok; i++) {
        if (i >= lA) break;
        if (j + i >= lB) ok = false;
        else if (pcA[i] !== pcB[j + i]) ok = false;
      }
      if (ok) res |= 1 << j;
    }
  }
  const pol = (imm >> 4) & 3, all = (1 << n) - 1;
  if (pol === 1) res ^= all;
  else if (pol === 3) res ^= (1 << lB) - 1;
  return res & all;
}
function pcmpFlags(res: number, imm: number): number {
  const n = imm & 1 ? 8 : 16;
  return (res !== 0 ? 1 : 0) | (PCMP.lenB < n ? 0x40 : 0) | (PCMP.lenA < n ? 0x80 : 0) | (res & 1 ? 0x800 : 0);
}
/** pcmp[ei]stri: returns the flags; PCMP.idx = the index for ecx. */
export function pcmpstri(c: Xc, a: number, b: number, imm: number, explicit: number, alo: number, ahi: number, dlo: number, dhi: number, w: number): number {
  const n = imm & 1 ? 8 : 16;
  const res = explicit ? pcmpCore(c, a, b, imm, explicitLen(alo, ahi, w, n), explicitLen(dlo, dhi, w, n)) : pcmpCore(c, a, b, imm, -1, -1);
  PCMP_IDX.v = res === 0 ? n : imm & 0x40 ? 31 - Math.clz32(res) : 31 - Math.clz32(res & -res);
  return pcmpFlags(res, imm);
}
export const PCMP_IDX = { v: 0 };
/** pcmp[ei]strm: writes xmm0, returns the flags. */
export function pcmpstrm(c: Xc, a: number, b: number, imm: number, explicit: number, alo: number, ahi: number, dlo: number, dhi: number, w: number): number {
  const words = (imm & 1) !== 0, n = words ? 8 : 16;
  const res = explicit ? pcmpCore(c, a, b, imm, explicitLen(alo, ahi, w, n), explicitLen(dlo, dhi, w, n)) : pcmpCore(c, a, b, imm, -1, -1);
  const X = c.X32;
  if (imm & 0x40) {
    const v = c.XDV;
    for (let i = 0; i < n; i++) {
      const on = (res >> i) & 1;
      if (words) v.setUint16(i * 2, on ? 0xffff : 0, true); else v.setUint8(i, on ? 0xff : 0);
    }
  } else { X[0] = res; X[1] = 0; X[2] = 0; X[3] = 0; }
  return pcmpFlags(res, imm);
}
