// Test helper: a minimal loader and syscall shim for static x86-64 ELF programs, so whole
// programs can run before the kernel package exists. Only what hello-world-class programs need.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { AddressSpace, PERM_R, PERM_W, PERM_X, type Cpu, type StopReason } from '@elfbox/cpu';
import { createX86Cpu, type X86Cpu } from '../index.js';

const ENOSYS = 38, EBADF = 9, ENOTTY = 25, EINVAL = 22, ENOMEM = 12;

/** Builds a C source with `cc` (musl-gcc or gcc) -static into a cached temp path. */
export function buildC(name: string, src: string, cc: 'musl-gcc' | 'gcc', extra: string[] = []): string {
  const dir = join(tmpdir(), 'elfbox-x86-tests');
  mkdirSync(dir, { recursive: true });
  const c = join(dir, `${name}.c`), out = join(dir, `${name}-${cc}`);
  writeFileSync(c, src);
  execFileSync(cc, ['-static', '-O2', '-o', out, c, ...extra, '-lm']);
  return out;
}

export interface RunResult { status: number | null; stdout: string; stderr: string; stop: StopReason | null; instructions: number; cpu: Cpu }

/** opts.hot: X86Cpu.hotThreshold for the run (regions after that many dispatches of a block). */
export function runStatic(path: string, argv: string[] = ['prog'], maxInsns = 2e9, opts: { hot?: number } = {}): RunResult {
  const bytes = new Uint8Array(readFileSync(path));
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const mem = new AddressSpace();
  const entry = Number(dv.getBigUint64(24, true));
  const phoff = Number(dv.getBigUint64(32, true));
  const phentsize = dv.getUint16(54, true), phnum = dv.getUint16(56, true);
  let brk = 0, phdr = 0;
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    const type = dv.getUint32(o, true), flags = dv.getUint32(o + 4, true);
    const off = Number(dv.getBigUint64(o + 8, true)), vaddr = Number(dv.getBigUint64(o + 16, true));
    const filesz = Number(dv.getBigUint64(o + 32, true)), memsz = Number(dv.getBigUint64(o + 40, true));
    if (type === 6) phdr = vaddr;
    if (type !== 1) continue;
    const start = vaddr & ~0xfff, end = Math.ceil((vaddr + memsz) / 4096) * 4096;
    const perm = (flags & 4 ? PERM_R : 0) | (flags & 2 ? PERM_W : 0) | (flags & 1 ? PERM_X : 0);
    mem.map(start, end - start, perm);
    mem.poke(vaddr, bytes.subarray(off, off + filesz));
    if (off === 0 && !phdr) phdr = vaddr + phoff;
    brk = Math.max(brk, end);
  }
  // Stack
  const stackTop = 0x7fff0000, stackSize = 0x100000;
  mem.map(stackTop - stackSize, stackSize, PERM_R | PERM_W);
  let sp = stackTop - 256;
  const strs: number[] = [];
  const pushStr = (s: string) => { const b = new TextEncoder().encode(s + '\0'); sp -= b.length; mem.poke(sp, b); return sp; };
  for (const a of argv) strs.push(pushStr(a));
  const env = [pushStr('PATH=/bin'), pushStr('LANG=C')];
  sp -= 16; const rnd = sp; mem.poke(rnd, Uint8Array.from({ length: 16 }, (_, i) => i * 7 + 1));
  const plat = pushStr('x86_64');
  sp &= ~15;
  const auxv: Array<[number, number]> = [[3, phdr], [4, phentsize], [5, phnum], [6, 4096], [9, entry], [11, 0], [12, 0], [13, 0], [14, 0], [16, 0x178bfbff & 0x0788b1d1], [23, 0], [25, rnd], [15, plat], [0, 0]];
  const words: number[] = [argv.length, ...strs, 0, ...env, 0];
  for (const [t, v] of auxv) words.push(t, v);
  if (words.length % 2) words.push(0);
  sp -= words.length * 8;
  words.forEach((w, i) => mem.writeU64(sp + i * 8, BigInt(w)));

  let out = '', err = '';
  let status: number | null = null;
  let mmapNext = 0x10000000;
  const curBrkStart = brk;
  let curBrk = brk;
  const dec = new TextDecoder();
  const cpu: Cpu = createX86Cpu(mem, {
    syscall(c) {
      const nr = Number(c.getReg(0));
      const a = [7, 6, 2, 10, 8, 9].map((r) => c.getReg(r));
      const n = (i: number) => Number(BigInt.asUintN(64, a[i]));
      let ret: bigint | number = -ENOSYS;
      const write = (fd: number, addr: number, len: number) => {
        const s = dec.decode(mem.read(addr, len));
        if (fd === 1) out += s; else if (fd === 2) err += s; else return -EBADF;
        return len;
      };
      switch (nr) {
        case 1: ret = write(n(0), n(1), n(2)); break;
        case 20: {
          let tot = 0;
          for (let i = 0; i < n(2); i++) {
            const b = n(1) + i * 16;
            const r = write(n(0), mem.readU64Num(b), mem.readU64Num(b + 8));
            if (r < 0) { tot = r; break; }
            tot += r;
          }
          ret = tot; break;
        }
        case 60: case 231: status = n(0) & 255; return false;
        case 12: {
          const want = n(0);
          if (want > curBrk) {
            const ns = Math.ceil(want / 4096) * 4096, os = Math.ceil(curBrk / 4096) * 4096;
            if (ns > os) mem.map(os, ns - os, PERM_R | PERM_W);
            curBrk = want;
          } else if (want >= curBrkStart) curBrk = want;
          ret = curBrk; break;
        }
        case 9: {
          const len = Math.ceil(n(1) / 4096) * 4096;
          if (!len) { ret = -EINVAL; break; }
          if (!(n(3) & 0x20)) { ret = -ENOMEM; break; } // anonymous only
          let addr = n(0);
          if (!(n(3) & 0x10) || !addr) { addr = mmapNext; mmapNext += len + 4096; }
          const prot = n(2);
          mem.map(addr, len, (prot & 1 ? PERM_R : 0) | (prot & 2 ? PERM_W : 0) | (prot & 4 ? PERM_X : 0));
          ret = addr; break;
        }
        case 10: {
          const prot = n(2);
          mem.protect(n(0), Math.ceil(n(1) / 4096) * 4096, (prot & 1 ? PERM_R : 0) | (prot & 2 ? PERM_W : 0) | (prot & 4 ? PERM_X : 0));
          ret = 0; break;
        }
        case 11: ret = 0; break;
        case 16: ret = -ENOTTY; break;
        case 13: case 14: ret = 0; break;
        case 158: if (n(0) === 0x1002) { c.setTls(a[1]); ret = 0; } else ret = -EINVAL; break;
        case 218: ret = 1000; break;
        case 39: case 110: case 186: ret = 1000; break;
        case 273: ret = 0; break;
        case 302: ret = -ENOSYS; break;
        case 318: { const b = new Uint8Array(n(1)); for (let i = 0; i < b.length; i++) b[i] = (i * 13 + 5) & 255; mem.write(n(0), b); ret = b.length; break; }
        case 89: ret = -2; break;
        case 63: {
          const u = new Uint8Array(65 * 6);
          const put = (i: number, s: string) => u.set(new TextEncoder().encode(s), i * 65);
          put(0, 'Linux'); put(1, 'elfbox'); put(2, '6.1.0'); put(3, '#1'); put(4, 'x86_64');
          mem.write(n(0), u); ret = 0; break;
        }
      }
      c.setReg(0, BigInt(ret));
      return true;
    },
  });
  if (opts.hot !== undefined) (cpu as X86Cpu).hotThreshold = opts.hot;
  cpu.setPc(entry);
  cpu.setReg(4, BigInt(sp));
  let stop: StopReason | null = null;
  while (status === null) {
    const r = cpu.run(10_000_000);
    if (r.kind === 'budget') { if ((cpu.instructions ?? 0) > maxInsns) { stop = r; break; } continue; }
    if (r.kind === 'yield') continue;
    stop = r; break;
  }
  return { status, stdout: out, stderr: err, stop, instructions: cpu.instructions ?? 0, cpu };
}

export const hostHas = (cmd: string) => existsSync(cmd);
