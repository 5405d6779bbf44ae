// Shared test helpers: default load options per arch, a fresh address space with a
// simpleLoaderMemory, and building small C programs on demand (into a temp directory).
import { AddressSpace } from '@elfbox/cpu';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleLoaderMemory, type ElfFile, type LoadOptions, type SimpleLoaderMemory } from '../src/index.js';

export const RANDOM16 = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);

export function baseOptions(exe: ElfFile, over: Partial<LoadOptions> = {}): LoadOptions {
  return {
    exe, exePath: '/prog', argv: ['/prog'], envp: [], execfn: '/prog', random: RANDOM16,
    hwcap: 0x178bfbffn, hwcap2: 2n, platform: exe.machine, uid: 1000, euid: 1000, gid: 1000, egid: 1000,
    secure: false, clktck: 100, minsigstksz: exe.machine === 'x86_64' ? 3376 : 5120,
    stackTop: 0xbffff000, stackSize: 0x100000, ...over,
  };
}

export function freshMemory(): { mem: AddressSpace; lm: SimpleLoaderMemory } {
  const mem = new AddressSpace();
  return { mem, lm: simpleLoaderMemory(mem) };
}

export const WORK = join(tmpdir(), `elfbox-elf-test-${process.getuid?.() ?? 0}`);

export function have(cmd: string): boolean {
  try { execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'pipe' }); return true; } catch { return false; }
}

/** Compiles C sources with the given compiler and flags (cached by sources and flags), returns the binary's path. */
export function buildC(cc: string, srcs: string[], out: string, flags: string[]): string {
  mkdirSync(WORK, { recursive: true });
  const h = createHash('sha256').update([cc, ...flags].join(' '));
  for (const s of srcs) h.update(readFileSync(s));
  const dst = join(WORK, `${out}-${h.digest('hex').slice(0, 12)}`);
  if (!existsSync(dst)) {
    const tmp = `${dst}.${process.pid}.tmp`;
    execFileSync(cc, [...flags, '-o', tmp, ...srcs], { stdio: 'pipe' });
    renameSync(tmp, dst);
  }
  return dst;
}

export const read = (p: string): Uint8Array => new Uint8Array(readFileSync(p));

export interface PH {
  type: number; flags?: number; offset?: number; vaddr?: number; paddr?: number;
  filesz?: number; memsz?: number; align?: number;
}

/** Builds a minimal ELF64 LE file: header, program headers at phoff (default 64), then zeros. */
export function makeElf(o: {
  machine?: number; type?: number; entry?: number; phs: PH[]; size?: number; phoff?: number;
  extra?: Array<[number, Uint8Array]>;
}): Uint8Array {
  const phoff = o.phoff ?? 64;
  let size = o.size ?? Math.max(phoff + o.phs.length * 56, ...o.phs.map((p) => (p.offset ?? 0) + (p.filesz ?? 0)));
  for (const [off, b] of o.extra ?? []) if (o.size === undefined) size = Math.max(size, off + b.length);
  const b = new Uint8Array(size);
  const dv = new DataView(b.buffer);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  dv.setUint16(16, o.type ?? 2, true);
  dv.setUint16(18, o.machine ?? 62, true);
  dv.setUint32(20, 1, true);
  dv.setBigUint64(24, BigInt(o.entry ?? 0x400078), true);
  dv.setBigUint64(32, BigInt(phoff), true);
  dv.setUint16(52, 64, true);
  dv.setUint16(54, 56, true);
  dv.setUint16(56, o.phs.length, true);
  o.phs.forEach((p, i) => {
    const at = phoff + i * 56;
    if (at + 56 > size) return;
    dv.setUint32(at, p.type, true);
    dv.setUint32(at + 4, p.flags ?? 5, true);
    dv.setBigUint64(at + 8, BigInt(p.offset ?? 0), true);
    dv.setBigUint64(at + 16, BigInt(p.vaddr ?? 0), true);
    dv.setBigUint64(at + 24, BigInt(p.paddr ?? p.vaddr ?? 0), true);
    dv.setBigUint64(at + 32, BigInt(p.filesz ?? 0), true);
    dv.setBigUint64(at + 40, BigInt(p.memsz ?? p.filesz ?? 0), true);
    dv.setBigUint64(at + 48, BigInt(p.align ?? 0x1000), true);
  });
  for (const [off, data] of o.extra ?? []) b.set(data.subarray(0, Math.max(0, size - off)), off);
  return b;
}

/** A valid tiny static ET_EXEC: one R-X PT_LOAD at 0x400000 covering the first 0x100 bytes, PT_GNU_STACK RW. */
export function tinyExec(machine = 62): Uint8Array {
  return makeElf({
    machine,
    phs: [
      { type: 1, flags: 5, offset: 0, vaddr: 0x400000, filesz: 0x100, memsz: 0x100 },
      { type: 0x6474e551, flags: 6, align: 16 },
    ],
    size: 0x100,
  });
}
