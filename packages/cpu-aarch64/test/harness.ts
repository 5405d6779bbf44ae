// Test support: build aarch64 programs with the cross toolchain, run them under qemu-aarch64 and
// under our CPU with a minimal static-ELF loader and a handful of syscalls (a test shim; the real
// loader and kernel live in @elfbox/elf and @elfbox/kernel).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AddressSpace, PERM_R, PERM_W, PERM_X, type Cpu, type StopReason, type SyscallEntry } from '@elfbox/cpu';
import { A64Cpu, backend } from '../src/index.js';

export const BUILD_DIR = join(tmpdir(), 'elfbox-a64-test');
mkdirSync(BUILD_DIR, { recursive: true });

export function haveTool(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}
export const HAVE_CROSS = haveTool('aarch64-linux-gnu-gcc') && haveTool('qemu-aarch64');

const key = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);

let asmSeq = 0;
/** Assembles a snippet and returns its raw .text bytes (position-dependent code assumes the caller's load address). */
export function asmBytes(src: string): Uint8Array {
  const base = join(BUILD_DIR, `unit-${process.pid}-${asmSeq++}`);
  writeFileSync(base + '.S', src + '\n');
  execFileSync('aarch64-linux-gnu-as', ['-o', base + '.o', base + '.S']);
  execFileSync('aarch64-linux-gnu-objcopy', ['-O', 'binary', '-j', '.text', base + '.o', base + '.bin']);
  return new Uint8Array(readFileSync(base + '.bin'));
}

/** Assembles and links a freestanding program (entry _start); returns the ELF path. */
export function buildAsm(src: string): string {
  const k = key(src);
  const out = join(BUILD_DIR, `asm-${k}`);
  if (existsSync(out)) return out;
  const s = join(BUILD_DIR, `asm-${k}.S`);
  writeFileSync(s, src);
  execFileSync('aarch64-linux-gnu-gcc', ['-nostdlib', '-static', '-Wl,--build-id=none', '-o', out + '.tmp', s], { stdio: ['ignore', 'ignore', 'pipe'] });
  execFileSync('mv', [out + '.tmp', out]);
  return out;
}

/** Compiles a C program statically against glibc; returns the ELF path. */
export function buildC(src: string, flags: string[] = ['-O2']): string {
  const k = key(src + flags.join(' '));
  const out = join(BUILD_DIR, `c-${k}`);
  if (existsSync(out)) return out;
  const c = join(BUILD_DIR, `c-${k}.c`);
  writeFileSync(c, src);
  execFileSync('aarch64-linux-gnu-gcc', ['-static', ...flags, '-o', out + '.tmp', c, '-lm']);
  execFileSync('mv', [out + '.tmp', out]);
  return out;
}

export function runQemu(path: string, args: string[] = [], input?: string): { stdout: Buffer; status: number } {
  const r = spawnSync('qemu-aarch64', [path, ...args], { input, maxBuffer: 1 << 28 });
  return { stdout: r.stdout, status: r.status ?? -1 };
}

// ---- a minimal loader + syscall shim ----------------------------------------------------------------

export interface RunResult { stdout: Buffer; stderr: Buffer; status: number; stop?: StopReason; cpu: Cpu; unknownSyscalls: number[]; }
export type CpuFactory = (mem: AddressSpace, entry: SyscallEntry) => Cpu;

const STACK_TOP = 0x80000000;
const STACK_SIZE = 0x800000;

export function runElf(path: string, args: string[] = [], opts: { budget?: number; stdin?: string; makeCpu?: CpuFactory } = {}): RunResult {
  const bytes = readFileSync(path);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const mem = new AddressSpace();
  const entryPc = Number(dv.getBigUint64(24, true));
  const phoff = Number(dv.getBigUint64(32, true));
  const phentsize = dv.getUint16(54, true), phnum = dv.getUint16(56, true);
  let brk = 0, phdrAddr = 0;
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    const type = dv.getUint32(o, true);
    if (type !== 1) continue;
    const flags = dv.getUint32(o + 4, true);
    const off = Number(dv.getBigUint64(o + 8, true)), va = Number(dv.getBigUint64(o + 16, true));
    const filesz = Number(dv.getBigUint64(o + 32, true)), memsz = Number(dv.getBigUint64(o + 40, true));
    const start = va - (va % 4096), end = Math.ceil((va + memsz) / 4096) * 4096;
    mem.map(start, end - start, (flags & 4 ? PERM_R : 0) | (flags & 2 ? PERM_W : 0) | (flags & 1 ? PERM_X : 0));
    mem.poke(va, bytes.subarray(off, off + filesz));
    if (off === 0) phdrAddr = va + phoff;
    brk = Math.max(brk, end);
  }
  mem.map(STACK_TOP - STACK_SIZE, STACK_SIZE, PERM_R | PERM_W);
  // initial stack: strings, random bytes, then argc/argv/envp/auxv
  let sp = STACK_TOP - 256;
  const push = (b: Uint8Array) => { sp -= b.length; mem.poke(sp, b); return sp; };
  const enc = new TextEncoder();
  const argv = [path, ...args].map((s) => push(enc.encode(s + '\0')));
  const envp = [push(enc.encode('LANG=C\0'))];
  const platform = push(enc.encode('aarch64\0'));
  const random = push(Uint8Array.from({ length: 16 }, (_, i) => i * 7 + 3));
  sp &= ~15;
  const hw = backend.hwcap('aarch64');
  const auxv: Array<[number, number]> = [
    [3, phdrAddr], [4, phentsize], [5, phnum], [6, 4096], [7, 0], [8, 0], [9, entryPc], [11, 0], [12, 0], [13, 0], [14, 0],
    [16, Number(hw.hwcap)], [26, Number(hw.hwcap2)], [17, 100], [23, 0], [25, random], [15, platform], [31, argv[0]], [51, 5120], [0, 0],
  ];
  const words: number[] = [argv.length, ...argv, 0, ...envp, 0, ...auxv.flat()];
  if (words.length % 2) words.push(0);
  sp -= words.length * 8;
  words.forEach((v, i) => mem.poke(sp + i * 8, u64(v)));

  const out: number[][] = [[], [], []];
  const unknown: number[] = [];
  let status = -1;
  let mmapTop = 0x40000000;
  const stdin = enc.encode(opts.stdin ?? '');
  let stdinPos = 0;
  const entry: SyscallEntry = {
    syscall(c: Cpu): boolean {
      const nr = Number(c.getReg(8));
      const a = (i: number) => c.getReg(i);
      const an = (i: number) => Number(BigInt.asIntN(64, c.getReg(i)));
      let ret: bigint | number = 0;
      switch (nr) {
        case 63: { // read
          if (an(0) !== 0) { ret = -9; break; }
          const n = Math.min(an(2), stdin.length - stdinPos);
          mem.write(an(1), stdin.subarray(stdinPos, stdinPos + n));
          stdinPos += n; ret = n; break;
        }
        case 64: { // write
          const fd = an(0), n = an(2);
          const data = mem.read(an(1), n);
          if (fd === 1 || fd === 2) { for (const b of data) out[fd].push(b); ret = n; } else ret = -9;
          break;
        }
        case 66: { // writev
          const fd = an(0), iov = an(1), cnt = an(2);
          let tot = 0;
          for (let i = 0; i < cnt; i++) {
            const base = mem.readU64Num(iov + i * 16), len = mem.readU64Num(iov + i * 16 + 8);
            const data = mem.read(base, len);
            if (fd === 1 || fd === 2) for (const b of data) out[fd].push(b);
            tot += len;
          }
          ret = tot; break;
        }
        case 93: case 94: status = an(0) & 255; return false;
        case 96: ret = 1000; break;
        case 99: case 134: case 135: case 98: ret = 0; break;
        case 29: ret = -25; break; // ioctl: ENOTTY
        case 56: ret = -2; break; // openat: ENOENT
        case 57: ret = 0; break;
        case 78: ret = -2; break; // readlinkat
        case 79: case 80: { // newfstatat / fstat
          const st = new Uint8Array(128);
          const sdv = new DataView(st.buffer);
          sdv.setUint32(16, 0o10600, true);
          sdv.setUint32(56, 4096, true);
          mem.write(nr === 80 ? an(1) : an(2), st);
          ret = 0; break;
        }
        case 113: { // clock_gettime
          mem.writeU64(an(1), 1700000000n); mem.writeU64(an(1) + 8, 0n); ret = 0; break;
        }
        case 160: { // uname
          const u = new Uint8Array(390);
          ['Linux', 'elfbox', '6.1.0', '#1', 'aarch64', ''].forEach((s, i) => u.set(enc.encode(s), i * 65));
          mem.write(an(0), u); ret = 0; break;
        }
        case 172: case 178: ret = 1000; break;
        case 173: ret = 1; break;
        case 174: case 175: case 176: case 177: ret = 0; break;
        case 214: { // brk
          const want = an(0);
          if (want > brk) { const nb = Math.ceil(want / 4096) * 4096; mem.map(brk, nb - brk, PERM_R | PERM_W); brk = nb; }
          ret = want === 0 ? brk : Math.max(want, 0) <= brk ? want : brk; break;
        }
        case 215: ret = 0; break;
        case 222: { // mmap (anonymous only)
          const len = Math.ceil(an(1) / 4096) * 4096, prot = an(2), flags = an(3);
          if (!(flags & 0x20)) { ret = -19; break; }
          const addr = flags & 0x10 ? an(0) : mmapTop;
          if (!(flags & 0x10)) mmapTop += len;
          mem.map(addr, len, (prot & 1 ? PERM_R : 0) | (prot & 2 ? PERM_W : 0) | (prot & 4 ? PERM_X : 0));
          ret = addr; break;
        }
        case 226: { // mprotect
          const prot = an(2);
          mem.protect(an(0), Math.ceil(an(1) / 4096) * 4096, (prot & 1 ? PERM_R : 0) | (prot & 2 ? PERM_W : 0) | (prot & 4 ? PERM_X : 0));
          ret = 0; break;
        }
        case 261: { // prlimit64
          if (a(3) !== 0n) { mem.writeU64(an(3), 8n << 20n); mem.writeU64(an(3) + 8, -1n); }
          ret = 0; break;
        }
        case 278: { // getrandom
          const n = an(1);
          mem.write(an(0), Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 255)); ret = n; break;
        }
        case 293: ret = -38; break;
        case 25: ret = an(1) === 3 ? 2 : 0; break; // fcntl: F_GETFL -> O_RDWR
        case 167: ret = 0; break; // prctl
        default: unknown.push(nr); ret = -38;
      }
      c.setReg(0, BigInt(ret));
      return true;
    },
  };
  const cpu = opts.makeCpu ? opts.makeCpu(mem, entry) : new A64Cpu(mem, entry);
  cpu.setReg(31, BigInt(sp));
  cpu.setPc(entryPc);
  let stop: StopReason | undefined;
  let budget = opts.budget ?? 5e9;
  while (budget > 0) {
    const before = cpu.instructions ?? 0;
    const r = cpu.run(Math.min(budget, 1e7));
    budget -= Math.max(1, (cpu.instructions ?? before + Math.min(budget, 1e7)) - before);
    if (r.kind === 'budget') continue;
    if (r.kind === 'yield' && status >= 0) break;
    stop = r;
    break;
  }
  return { stdout: Buffer.from(out[1]), stderr: Buffer.from(out[2]), status, stop, cpu, unknownSyscalls: unknown };
}

function u64(v: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(v), true);
  return b;
}

// ---- random operands --------------------------------------------------------------------------------

/** A small deterministic PRNG (xorshift128+ on BigInt-free 32-bit halves). */
export class Rng {
  private s = [0x12345678, 0x9abcdef0, 0xdeadbeef, 0x0badf00d];
  constructor(seed = 1) { this.s[0] ^= seed; for (let i = 0; i < 20; i++) this.u32(); }
  u32(): number {
    let t = this.s[3];
    const s = this.s[0];
    this.s[3] = this.s[2]; this.s[2] = this.s[1]; this.s[1] = s;
    t ^= t << 11; t ^= t >>> 8;
    this.s[0] = (t ^ s ^ (s >>> 19)) >>> 0;
    return this.s[0];
  }
  int(n: number): number { return this.u32() % n; }
  pick<T>(a: readonly T[]): T { return a[this.int(a.length)]; }
  /** A 64-bit operand biased toward edge values. */
  u64(): bigint {
    const k = this.int(10);
    const edges = [0n, 1n, 2n, 0xffffffffffffffffn, 0x8000000000000000n, 0x7fffffffffffffffn, 0x80000000n, 0x7fffffffn, 0xffffffffn, 0x100000000n];
    if (k === 0) return this.pick(edges);
    if (k === 1) return BigInt(this.int(256));
    if (k === 2) return BigInt.asUintN(64, -BigInt(this.int(256)));
    if (k === 3) return BigInt(this.u32());
    return (BigInt(this.u32()) << 32n) | BigInt(this.u32());
  }
}
