// Guest memory access code: an inline fast path on the flat low-4-GiB buffer guarded by the page
// permission byte, and a slow path through the AddressSpace (high pages, page-crossing accesses,
// code pages, faults). Addresses are JS numbers: the signed interpretation of the 64-bit value,
// exact for |a| < 2^53; anything negative or at/above 2^48 faults.
import type { Gen, P } from './gen.js';
import { WRITE_FAST_MASK, PERM_W } from '@elfbox/cpu';

/** Emits a load of `size` bytes (1, 2, 4, 8) from address temp `a`; returns the value (zero-extended). */
export function load(g: Gen, a: string, size: number, pc: number): P {
  g.materialize();
  const fast = `${a}>=0&&${a}<=${2 ** 32 - size}&&(P[${a}>>>12]&1)!==0${size > 1 ? `&&(${a}&4095)<=${4096 - size}` : ''}`;
  const lo = g.t();
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
  const fast = `${a}>=0&&${a}<=${2 ** 32 - size}&&(P[${a}>>>12]&${WRITE_FAST_MASK})===${PERM_W}${size > 1 ? `&&(${a}&4095)<=${4096 - size}` : ''}`;
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
  const fast = `${a}>=0&&${a}<=${2 ** 32 - size}&&(P[${a}>>>12]&1)!==0&&(${a}&4095)<=${4096 - size}`;
  const b = q * 16;
  let put = '';
  if (size < 4) {
    put = `VI[${q * 4}]=${size === 1 ? `D.getUint8(${a})` : `D.getUint16(${a},true)`};VI[${q * 4 + 1}]=0;VI[${q * 4 + 2}]=0;VI[${q * 4 + 3}]=0;`;
  } else {
    for (let k = 0; k < 4; k++) put += k * 4 < size ? `VI[${q * 4 + k}]=D.getInt32(${a}+${k * 4},true);` : `VI[${q * 4 + k}]=0;`;
  }
  g.emit(`if(${fast}){${put}}else rdv(${a},${size},${b},${pc});`);
}

/** Stores the low `size` bytes of V register q. */
export function storeV(g: Gen, a: string, size: number, q: number, pc: number): void {
  g.materialize();
  g.usesV = true;
  const fast = `${a}>=0&&${a}<=${2 ** 32 - size}&&(P[${a}>>>12]&${WRITE_FAST_MASK})===${PERM_W}&&(${a}&4095)<=${4096 - size}`;
  let put = '';
  if (size === 1) put = `D.setUint8(${a},V8[${q * 16}]);`;
  else if (size === 2) put = `D.setUint16(${a},VI[${q * 4}]&65535,true);`;
  else for (let k = 0; k * 4 < size; k++) put += `D.setInt32(${a}+${k * 4},VI[${q * 4 + k}],true);`;
  g.emit(`if(${fast}){${put}}else wrv(${a},${size},${q * 16},${pc});`);
}

/** LDP of two S/D/Q registers: both loaded only after the whole range is known readable. */
export function loadVPair(g: Gen, a: string, size: number, q1: number, q2: number, pc: number): void {
  g.materialize();
  g.usesV = true;
  const tot = size * 2;
  const fast = `${a}>=0&&${a}<=${2 ** 32 - tot}&&(P[${a}>>>12]&1)!==0&&(${a}&4095)<=${4096 - tot}`;
  let put = '';
  for (const [q, base] of [[q1, 0], [q2, size]]) {
    for (let k = 0; k < 4; k++) put += k * 4 < size ? `VI[${q * 4 + k}]=D.getInt32(${a}+${base + k * 4},true);` : `VI[${q * 4 + k}]=0;`;
  }
  g.emit(`if(${fast}){${put}}else rdvp(${a},${size},${q1 * 16},${q2 * 16},${pc});`);
}
