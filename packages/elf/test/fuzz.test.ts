// Fuzzing the parser and the loader: 10,000+ mutated ELF files (bit flips, truncations, header
// and program-header field mutations) made from real small binaries with a seeded PRNG, so a
// failure is reproducible by its case number. Each goes through parseElf and, when it parses,
// through loadElf into a clean address space (one AddressSpace reused, every mapping removed after
// each case; a new one every 2,000 cases), and its symbol tables are read. Only ElfError (or the LoaderMemoryError that
// simpleLoaderMemory raises) may come out; any other exception is a bug.
import { describe, expect, it } from 'vitest';
import { AddressSpace } from '@elfbox/cpu';
import { ElfError, LoaderMemoryError, loadElf, parseElf, readSymbols, simpleLoaderMemory, type ElfFile } from '../src/index.js';
import { baseOptions, buildC, have, makeElf, read, tinyExec } from './helpers.js';
import { fileURLToPath } from 'node:url';

const TINY = fileURLToPath(new URL('./tiny.c', import.meta.url));
const CASES = 25_000;

/** xorshift32: small, seeded, reproducible. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
}

function corpus(): Array<{ name: string; bytes: Uint8Array }> {
  const out: Array<{ name: string; bytes: Uint8Array }> = [
    { name: 'tiny-x86_64', bytes: tinyExec(62) },
    { name: 'tiny-aarch64', bytes: tinyExec(183) },
  ];
  const p = new TextEncoder().encode('/lib/ld.so\0');
  out.push({
    name: 'synthetic-pie', bytes: makeElf({
      type: 3, entry: 0x40, size: 0x2100, extra: [[0x300, p]],
      phs: [
        { type: 6, flags: 4, offset: 64, vaddr: 64, filesz: 5 * 56 },
        { type: 3, flags: 4, offset: 0x300, vaddr: 0x300, filesz: p.length },
        { type: 1, flags: 5, offset: 0, vaddr: 0, filesz: 0x1000 },
        { type: 1, flags: 6, offset: 0x1000, vaddr: 0x2000, filesz: 0x1100, memsz: 0x5000 },
        { type: 0x6474e551, flags: 6 },
      ],
    }),
  });
  const builds: Array<[string, string[], string]> = [
    ['gcc', ['-nostdlib', '-static', '-O1'], 'tiny-gcc'],
    ['gcc', ['-nostdlib', '-static-pie', '-fPIE', '-O1'], 'tiny-gcc-pie'],
    ['musl-gcc', ['-nostdlib', '-static', '-O1'], 'tiny-musl'],
    ['aarch64-linux-gnu-gcc', ['-nostdlib', '-static', '-O1'], 'tiny-a64'],
  ];
  for (const [cc, flags, name] of builds) {
    if (have(cc)) out.push({ name, bytes: read(buildC(cc, [TINY], name, flags)) });
  }
  out.push({ name: '/bin/true', bytes: read('/bin/true') });
  return out;
}

const INTERESTING = [0, 1, 2, 3, 0x38, 0x40, 0xfff, 0x1000, 0x1001, 0x7fffffff, 0x80000000, 0xffffffff, 2 ** 32, 2 ** 47 - 0x1000, 2 ** 47, 2 ** 48 - 1, 2 ** 48, 2 ** 53];
const HDR_FIELDS: Array<[number, number]> = [[16, 2], [18, 2], [20, 4], [24, 8], [32, 8], [40, 8], [52, 2], [54, 2], [56, 2], [58, 2], [60, 2], [62, 2]];
const PH_FIELDS: Array<[number, number]> = [[0, 4], [4, 4], [8, 8], [16, 8], [24, 8], [32, 8], [40, 8], [48, 8]];

function setField(b: Uint8Array, off: number, size: number, v: bigint): void {
  if (off + size > b.length) return;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (size === 2) dv.setUint16(off, Number(v & 0xffffn), true);
  else if (size === 4) dv.setUint32(off, Number(v & 0xffffffffn), true);
  else dv.setBigUint64(off, BigInt.asUintN(64, v), true);
}

function mutate(src: Uint8Array, rnd: () => number): Uint8Array {
  const kind = rnd() % 6;
  let b = src.slice();
  const pick = (): bigint => {
    const r = rnd() % 4;
    if (r === 0) return BigInt(INTERESTING[rnd() % INTERESTING.length]);
    if (r === 1) return -BigInt(1 + (rnd() % 16)); // small negatives: all-ones patterns
    if (r === 2) return BigInt(rnd()) * 0x100000000n + BigInt(rnd());
    return BigInt(rnd() % 0x10000);
  };
  const phoff = src.length >= 64 ? new DataView(src.buffer, src.byteOffset).getUint32(32, true) : 64;
  const phnum = src.length >= 64 ? new DataView(src.buffer, src.byteOffset).getUint16(56, true) : 1;
  const flips = (region: number, n: number): void => {
    for (let i = 0; i < n; i++) { const at = rnd() % Math.max(1, Math.min(b.length, region)); b[at] ^= 1 << (rnd() % 8); }
  };
  switch (kind) {
    case 0: flips(phoff + phnum * 56, 1 + (rnd() % 8)); break;                 // bit flips in the headers
    case 1: flips(b.length, 1 + (rnd() % 32)); break;                           // bit flips anywhere
    case 2: b = b.subarray(0, rnd() % (rnd() % 2 ? Math.min(b.length, phoff + phnum * 56 + 64) : b.length)).slice(); break; // truncation
    case 3: { const [o, s] = HDR_FIELDS[rnd() % HDR_FIELDS.length]; setField(b, o, s, pick()); break; }
    case 4: { const [o, s] = PH_FIELDS[rnd() % PH_FIELDS.length]; setField(b, phoff + (rnd() % Math.max(1, phnum)) * 56 + o, s, pick()); break; }
    default: // several program-header mutations at once
      for (let i = 0, n = 2 + (rnd() % 4); i < n; i++) {
        const [o, s] = PH_FIELDS[rnd() % PH_FIELDS.length];
        setField(b, phoff + (rnd() % Math.max(1, phnum)) * 56 + o, s, pick());
      }
  }
  return b;
}

describe('fuzz', () => {
  it(`${CASES} mutated files through parseElf and loadElf: only typed errors`, () => {
    const seeds = corpus();
    const interps: Record<string, ElfFile> = {
      x86_64: parseElf(makeElf({ type: 3, entry: 0x10, phs: [{ type: 1, flags: 5, vaddr: 0, filesz: 0x100 }], size: 0x100 })),
      aarch64: parseElf(makeElf({ machine: 183, type: 3, entry: 0x10, phs: [{ type: 1, flags: 5, vaddr: 0, filesz: 0x100 }], size: 0x100 })),
    };
    // every seed itself parses and loads
    for (const s of seeds) {
      const f = parseElf(s.bytes);
      const lm = simpleLoaderMemory(new AddressSpace());
      loadElf(lm, baseOptions(f, { interp: interps[f.machine], stackSize: 0x20000 }));
    }
    const rnd = prng(0xe1fb0c5);
    const outcomes = new Map<string, number>();
    const bugs: string[] = [];
    let mem = new AddressSpace();
    let slowest = 0;
    for (let i = 0; i < CASES; i++) {
      if (i % 2000 === 1999) mem = new AddressSpace();
      const seed = seeds[i % seeds.length];
      const bytes = mutate(seed.bytes, rnd);
      const lm = simpleLoaderMemory(mem, { maxMappedBytes: 64 << 20 });
      const t0 = performance.now();
      let outcome = 'loaded';
      try {
        const f = parseElf(bytes);
        outcome = 'parsed';
        readSymbols(f, 'symtab', 5000);
        readSymbols(f, 'dynsym', 5000);
        loadElf(lm, baseOptions(f, { interp: interps[f.machine], stackSize: 0x20000, argv: ['prog', String(i)] }));
        outcome = 'loaded';
      } catch (e) {
        if (e instanceof ElfError) outcome = `${outcome === 'parsed' ? 'load' : 'parse'}:${e.code}`;
        else if (e instanceof LoaderMemoryError) outcome = `memory:${e.errno}`;
        else bugs.push(`case ${i} (${seed.name}): ${e instanceof Error ? e.stack : String(e)}`);
      }
      slowest = Math.max(slowest, performance.now() - t0);
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      for (const m of lm.maps) mem.unmap(m.start, m.end - m.start);
    }
    expect(bugs.slice(0, 5)).toEqual([]);
    // a hang guard, not a performance assertion: no single case may take seconds
    expect(slowest).toBeLessThan(5000);
    // the fuzzer reaches both sides: many files still load, and many distinct errors are hit
    expect(outcomes.get('loaded') ?? 0).toBeGreaterThan(CASES / 20);
    const codes = [...outcomes.keys()].filter((k) => k.includes(':'));
    expect(codes.length).toBeGreaterThan(12);
    console.log('fuzz outcomes', Object.fromEntries([...outcomes].sort((a, b) => b[1] - a[1])), `slowest case ${slowest.toFixed(1)} ms`);
  });
});
