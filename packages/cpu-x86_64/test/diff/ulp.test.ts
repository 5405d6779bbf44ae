import { describe, expect, it } from 'vitest';
import { within1Ulp80 } from './harness.js';

const f80 = (se: number, mant: bigint): Uint8Array => {
  const b = new Uint8Array(10);
  const dv = new DataView(b.buffer);
  dv.setBigUint64(0, mant, true);
  dv.setUint16(8, se, true);
  return b;
};

describe('within1Ulp80 (the tolerance of the x87 transcendental form)', () => {
  it('accepts equal and adjacent values, also across a binade', () => {
    expect(within1Ulp80(f80(0x3fff, 0x8000000000000000n), f80(0x3fff, 0x8000000000000000n))).toBe(true);
    expect(within1Ulp80(f80(0x3fff, 0x8000000000000001n), f80(0x3fff, 0x8000000000000000n))).toBe(true);
    expect(within1Ulp80(f80(0x3ffe, 0xffffffffffffffffn), f80(0x3fff, 0x8000000000000000n))).toBe(true);
  });
  it('rejects two ulps, a sign change, and NaN or infinity', () => {
    expect(within1Ulp80(f80(0x3fff, 0x8000000000000002n), f80(0x3fff, 0x8000000000000000n))).toBe(false);
    expect(within1Ulp80(f80(0xbfff, 0x8000000000000000n), f80(0x3fff, 0x8000000000000000n))).toBe(false);
    expect(within1Ulp80(f80(0x7fff, 0xc000000000000000n), f80(0x7fff, 0xc000000000000000n))).toBe(false);
  });
});
