// Randomness for the address space layout and, with a seed, for every random byte a run sees.
import { randomInt } from 'node:crypto';

/** xorshift128+ over BigInt-free 32-bit halves: small, fast, and the same on every host. */
function prng(seed: number): () => number {
  let a = (seed ^ 0x9e3779b9) >>> 0 || 1, b = Math.imul(seed ^ 0x85ebca6b, 0xc2b2ae35) >>> 0 || 2;
  let c = 0x27d4eb2f, d = (seed * 31 + 7) >>> 0 || 3;
  return () => {
    // xoshiro128** step
    const r = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a; d ^= b; b ^= c; a ^= d; c ^= t; d = rotl(d, 11);
    return r;
  };
}
const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;

/** rand(n) in [0, n) for MM.randomize: seeded, or from the host's CSPRNG. */
export function layoutRandom(seed?: number): (n: number) => number {
  if (seed === undefined) return (n) => randomInt(n);
  const next = prng(seed ^ 0x5bd1e995);
  for (let i = 0; i < 8; i++) next();
  return (n) => next() % n;
}

/** A byte source for AT_RANDOM and getrandom from a seed (a different stream than the layout's). */
export function seededBytes(seed: number): (out: Uint8Array) => void {
  const next = prng(seed);
  for (let i = 0; i < 8; i++) next();
  return (out) => { for (let i = 0; i < out.length; i++) out[i] = next() & 0xff; };
}
