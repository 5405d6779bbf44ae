// Guest memory access code: an inline fast path on the flat low-4-GiB buffer guarded by the page
// permission byte, and a slow path through the AddressSpace (high pages, page-crossing accesses,
// code pages, faults). Addresses are JS numbers: the signed interpretation of the 64-bit value,
// exact for |a| < 2^53; anything negative or at/above 2^48 faults.
import type { Gen, P } from './gen.js';
import { WRITE_FAST_MASK, PERM_W } from '@elfbox/cpu';

// The fast-path tests, written short (they are the largest part of the generated source):
// `a===a>>>0` is 0 <= a < 2^32 for the integral addresses we compute, and with
// (a&4095) <= 4096-size the access ends inside the same page, so below 2^32 too.
/** Readable, in the flat buffer, not crossing a page (size bytes). */
const fastR = (a: string, size: number): string =>
  `${a}===${a}>>>0&&P[${a}>>>12]&1${size > 1 ? `&&(${a}&4095)<=${4096 - size}` : ''}`;
/** Writable through the fast path: (perm & WRITE_FAST_MASK) === PERM_W (no code, no copy-on-write). */
const fastW = (a: string, size: number): string =>
  `${a}===${a}>>>0&&(P[${a}>>>12]&${WRITE_FAST_MASK})===${PERM_W}${size > 1 ? `&&(${a}&4095)<=${4096 - size}` : ''}`;

/**
 * An 8- or 16-byte vector register load (at a+base into V[q]) as float64 loads: the FP code that
 * reads the register through the Float64Array view then finds whole doubles where they were
 * stored (two int32 stores read back as one double cost a store-forwarding stall on the host each
 * time). A NaN may not keep its payload bits through a JS double, so a NaN half is loaded again
 * as two int32s; every other double (incl. -0 and subnormals) has exactly one bit pattern.
 */
function floatPut(g: Gen, a: string, base: number, size: number, q: number): string {
  const at = (k: number) => `${a}+${base + k * 4}`;
  const ints = (k0: number, k1: number) => { let s = ''; for (let k = k0; k < k1; k++) s += `VI[${q * 4 + k}]=D.getInt32(${at(k)},true);`; return s; };
  const f0 = g.t();
  if (size === 8) return `${f0}=D.getFloat64(${at(0)},true);if(${f0}===${f0})VF[${q * 2}]=${f0};else{${ints(0, 2)}}VF[${q * 2 + 1}]=0;`;
  const f1 = g.t();
  return `${f0}=D.getFloat64(${at(0)},true);${f1}=D.getFloat64(${at(2)},true);if(${f0}===${f0}&&${f1}===${f1}){VF[${q * 2}]=${f0};VF[${q * 2 + 1}]=${f1};}else{${ints(0, 4)}}`;
}

/**
 * The store side of floatPut: an 8- or 16-byte vector register store as float64 stores of the
 * Float64Array view, so that FP results written as doubles are read back whole (reading them as
 * int32 halves right after the double stores stalls the host's store forwarding). A NaN half is
 * stored from the int32 view instead: its payload bits may not survive a JS double.
 */
function floatStore(g: Gen, a: string, size: number, q: number): string {
  const ints = (k0: number, k1: number) => { let s = ''; for (let k = k0; k < k1; k++) s += `D.setInt32(${a}+${k * 4},VI[${q * 4 + k}],true);`; return s; };
  const f0 = g.t();
  if (size === 8) return `${f0}=VF[${q * 2}];if(${f0}===${f0})D.setFloat64(${a},${f0},true);else{${ints(0, 2)}}`;
  const f1 = g.t();
  return `${f0}=VF[${q * 2}];${f1}=VF[${q * 2 + 1}];if(${f0}===${f0}&&${f1}===${f1}){D.setFloat64(${a},${f0},true);D.setFloat64(${a}+8,${f1},true);}else{${ints(0, 4)}}`;
}

/** Emits a load of `size` bytes (1, 2, 4, 8) from address temp `a`; returns the value (zero-extended). */
export function load(g: Gen, a: string, size: number, pc: number): P {
  g.materialize();
  const lo = g.t();
  if (g.compact) {
    g.emit(`${lo}=ld(${a},${size},${pc});`);
    if (size === 8) { const hi = g.t(); g.emit(`${hi}=T[1];`); return [lo, hi]; }
    return [lo, '0'];
  }
  const fast = fastR(a, size);
  if (size === 8) {
    const hi = g.t();
    g.emit(`if(${fast}){${lo}=D.getInt32(${a},true);${hi}=D.getInt32(${a}+4,true);}else{${lo}=rd(${a},8,${pc});${hi}=T[1];}`);
    return [lo, hi];
  }
  const get = size === 1 ? `D.getUint8(${a})` : size === 2 ? `D.getUint16(${a},true)` : `D.getInt32(${a},true)`;
  g.emit(`${lo}=(${fast})?${get}:rd(${a},${size},${pc});`);
  return [lo, '0'];
}

/** Emits a store of `size` bytes (1, 2, 4, 8) of value v to address temp `a`. */
export function store(g: Gen, a: string, size: number, v: P, pc: number): void {
  g.materialize();
  if (g.compact) { g.emit(`st(${a},${size},${v[0]},${size === 8 ? v[1] : '0'},${pc});`); return; }
  const fast = fastW(a, size);
  let put: string;
  switch (size) {
    case 1: put = `D.setUint8(${a},${v[0]});`; break;
    case 2: put = `D.setUint16(${a},${v[0]},true);`; break;
    case 4: put = `D.setInt32(${a},${v[0]},true);`; break;
    default: put = `D.setInt32(${a},${v[0]},true);D.setInt32(${a}+4,${v[1]},true);`;
  }
  g.emit(`if(${fast}){${put}}else wr(${a},${size},${v[0]},${size === 8 ? v[1] : '0'},${pc});`);
}

/** Loads 16 bytes into V register q (or 4/8 bytes for S/D, zeroing the rest). */
export function loadV(g: Gen, a: string, size: number, q: number, pc: number): void {
  g.materialize();
  g.usesV = true;
  const fast = fastR(a, size);
  const b = q * 16;
  let put = '';
  if (size < 4) {
    put = `VI[${q * 4}]=${size === 1 ? `D.getUint8(${a})` : `D.getUint16(${a},true)`};VI[${q * 4 + 1}]=0;VI[${q * 4 + 2}]=0;VI[${q * 4 + 3}]=0;`;
  } else if (size >= 8) put = floatPut(g, a, 0, size, q);
  else {
    for (let k = 0; k < 4; k++) put += k * 4 < size ? `VI[${q * 4 + k}]=D.getInt32(${a}+${k * 4},true);` : `VI[${q * 4 + k}]=0;`;
  }
  g.emit(`if(${fast}){${put}}else rdv(${a},${size},${b},${pc});`);
}

/** Stores the low `size` bytes of V register q. */
export function storeV(g: Gen, a: string, size: number, q: number, pc: number): void {
  g.materialize();
  g.usesV = true;
  const fast = fastW(a, size);
  let put = '';
  if (size === 1) put = `D.setUint8(${a},V8[${q * 16}]);`;
  else if (size === 2) put = `D.setUint16(${a},VI[${q * 4}]&65535,true);`;
  else if (size === 4) put = `D.setInt32(${a},VI[${q * 4}],true);`;
  else put = floatStore(g, a, size, q);
  g.emit(`if(${fast}){${put}}else wrv(${a},${size},${q * 16},${pc});`);
}

/** LDP of two S/D/Q registers: both loaded only after the whole range is known readable. */
export function loadVPair(g: Gen, a: string, size: number, q1: number, q2: number, pc: number): void {
  g.materialize();
  g.usesV = true;
  const tot = size * 2;
  const fast = fastR(a, tot);
  let put = '';
  for (const [q, base] of [[q1, 0], [q2, size]]) {
    if (size >= 8) { put += floatPut(g, a, base, size, q); continue; }
    for (let k = 0; k < 4; k++) put += k * 4 < size ? `VI[${q * 4 + k}]=D.getInt32(${a}+${base + k * 4},true);` : `VI[${q * 4 + k}]=0;`;
  }
  g.emit(`if(${fast}){${put}}else rdvp(${a},${size},${q1 * 16},${q2 * 16},${pc});`);
}
