// The TypeScript half of the x86-64 differential harness (see ../README.md): builds the native
// runner, assembles snippets with GNU as, runs a batch of cases natively and through
// createX86Cpu, and compares the architectural state after each case.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AddressSpace, PERM_R, PERM_W, PERM_X, type Cpu, type StopReason, type X86State } from '@elfbox/cpu';

export const MEM_BASE = 0x10000000;
export const MEM_SIZE = 8192;
export const STACK_TOP = MEM_BASE + 0x1c00; // rsp for every case: the second page is the stack
export const CODE_BASE = 0x20000000;
const CODE_AREA = 1 << 20;

const HERE = fileURLToPath(new URL('.', import.meta.url));
export const CACHE = join(HERE, '..', '.cache');

export const GPR_NAMES = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];

// RFLAGS bits
export const CF = 1, PF = 4, AF = 0x10, ZF = 0x40, SF = 0x80, DF = 0x400, OF = 0x800;
export const ARITH = CF | PF | AF | ZF | SF | OF;
const COMPARED_FLAGS = ARITH | DF;

/** One test case: a snippet and the state it starts from. */
export interface Case {
  /** Intel-syntax assembly (GNU as, `.intel_syntax noprefix`), lines separated by newlines. */
  asm: string;
  gpr: bigint[];
  rflags: number;
  /** FXSAVE image: FCW FSW FTW ... MXCSR, ST0-7, XMM0-15. */
  fx: Uint8Array;
  mem: Uint8Array;
  /** RFLAGS bits whose value is architecturally undefined after this case. */
  undefFlags?: number;
  /** GPRs whose final value is undefined (e.g. bsf's destination when the source is 0). */
  undefGpr?: number[];
  /** x87 FSW bits compared (default: all but C0 C2 C3, which most x87 ops leave undefined). */
  fswMask?: number;
  /** XMM registers (indices) whose final value is undefined. */
  undefXmm?: number[];
  /**
   * Data-page offsets of 80-bit results that may differ from the host's by one unit in the last
   * place: the x87 transcendentals, whose accuracy Intel documents as within 1 ulp (the exact
   * bits are model-specific; the emulator returns the correctly rounded value).
   */
  ulpM80?: number[];
  /** Extra text for the report (operand values worth showing). */
  note?: string;
}

export interface NativeResult {
  signal: number;
  faultOffset: number;
  gpr: bigint[];
  rflags: number;
  fx: Uint8Array;
  mem: Uint8Array;
}

// ---- building the runner and assembling ----------------------------------------------------

let runnerPath: string | undefined;

/** Compiles runner.c with gcc into the cache (once per source change). */
export function buildRunner(): string {
  if (runnerPath) return runnerPath;
  const src = join(HERE, 'runner.c');
  const hash = createHash('sha256').update(readFileSync(src)).digest('hex').slice(0, 12);
  mkdirSync(CACHE, { recursive: true });
  const out = join(CACHE, `runner-${hash}`);
  if (!existsSync(out)) {
    const tmp = `${out}.${process.pid}.tmp`;
    execFileSync('gcc', ['-O1', '-Wall', '-o', tmp, src], { stdio: 'pipe' });
    renameSync(tmp, out);
  }
  runnerPath = out;
  return out;
}

/** Host CPU feature flags from /proc/cpuinfo (movbe, sse4_2, ...). */
export function hostHas(flag: string): boolean {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const line = info.split('\n').find((l) => l.startsWith('flags'));
    return !!line && line.split(/\s+/).includes(flag);
  } catch {
    return false;
  }
}

/** Assembles each distinct snippet; returns its machine code. Cached by content. */
export function assemble(snippets: string[]): Map<string, Uint8Array> {
  const uniq = [...new Set(snippets)];
  const body = uniq.map((s, i) => `s${i}:\n${s}\n`).join('') + `s${uniq.length}:\n`;
  const src = `.intel_syntax noprefix\n.text\n${body}`;
  const hash = createHash('sha256').update(src).digest('hex').slice(0, 16);
  const dir = join(CACHE, 'asm');
  mkdirSync(dir, { recursive: true });
  const bin = join(dir, `${hash}.bin`), syms = join(dir, `${hash}.syms`);
  if (!existsSync(bin) || !existsSync(syms)) {
    const s = join(dir, `${hash}.${process.pid}.s`), o = join(dir, `${hash}.${process.pid}.o`);
    writeFileSync(s, src);
    try {
      execFileSync('as', ['--64', '-o', o, s], { stdio: 'pipe' });
    } catch (e) {
      throw new Error(`as failed: ${(e as { stderr?: Buffer }).stderr?.toString()}`);
    }
    const nm = execFileSync('nm', ['-n', o]).toString();
    execFileSync('objcopy', ['-O', 'binary', '--only-section=.text', o, `${bin}.${process.pid}`]);
    writeFileSync(`${syms}.${process.pid}`, nm);
    renameSync(`${bin}.${process.pid}`, bin);
    renameSync(`${syms}.${process.pid}`, syms);
  }
  const text = readFileSync(bin);
  const offs = new Map<number, number>();
  for (const line of readFileSync(syms, 'utf8').split('\n')) {
    const m = /^([0-9a-f]+)\s+\w\s+s(\d+)$/.exec(line.trim());
    if (m) offs.set(Number(m[2]), parseInt(m[1], 16));
  }
  const out = new Map<string, Uint8Array>();
  uniq.forEach((s, i) => {
    const a = offs.get(i), b = offs.get(i + 1);
    if (a === undefined || b === undefined) throw new Error(`assembler symbols missing for snippet ${i}`);
    out.set(s, new Uint8Array(text.subarray(a, b)));
  });
  return out;
}

// ---- native execution -----------------------------------------------------------------------

const REC_IN = (len: number) => 4 + len + ((8 - ((len + 4) % 8)) % 8) + 16 * 8 + 8 + 512 + MEM_SIZE;
const REC_OUT = 4 + 4 + 8 + 16 * 8 + 8 + 512 + MEM_SIZE;

export function runNativeBatch(cases: Case[], code: Map<string, Uint8Array>): NativeResult[] {
  const runner = buildRunner();
  let size = 8;
  for (const c of cases) size += REC_IN(code.get(c.asm)!.length);
  const buf = Buffer.alloc(size);
  buf.write('XDIN', 0, 'latin1');
  buf.writeUInt32LE(cases.length, 4);
  let p = 8;
  for (const c of cases) {
    const bytes = code.get(c.asm)!;
    buf.writeUInt32LE(bytes.length, p);
    p += 4;
    buf.set(bytes, p);
    p += bytes.length + ((8 - ((bytes.length + 4) % 8)) % 8);
    for (let i = 0; i < 16; i++, p += 8) buf.writeBigUInt64LE(BigInt.asUintN(64, c.gpr[i]), p);
    buf.writeBigUInt64LE(BigInt(c.rflags >>> 0), p);
    p += 8;
    buf.set(c.fx, p);
    p += 512;
    buf.set(c.mem, p);
    p += MEM_SIZE;
  }
  const dir = join(CACHE, 'io');
  mkdirSync(dir, { recursive: true });
  const tag = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  const fin = join(dir, `${tag}.in`), fout = join(dir, `${tag}.out`);
  writeFileSync(fin, buf);
  try {
    execFileSync(runner, [fin, fout], { stdio: 'pipe', timeout: 60_000 });
  } catch (e) {
    throw new Error(`native runner failed: ${(e as { stderr?: Buffer }).stderr?.toString() ?? e}`);
  }
  const out = readFileSync(fout);
  execFileSync('rm', ['-f', fin, fout]);
  if (out.toString('latin1', 0, 4) !== 'XDOU' || out.readUInt32LE(4) !== cases.length || out.length !== 8 + REC_OUT * cases.length) {
    throw new Error(`native runner output malformed (${out.length} bytes, ${statSync(fin, { throwIfNoEntry: false }) ? 'input kept' : ''})`);
  }
  const res: NativeResult[] = [];
  p = 8;
  for (let k = 0; k < cases.length; k++) {
    const signal = out.readUInt32LE(p);
    const rip = Number(out.readBigUInt64LE(p + 8));
    p += 16;
    const gpr: bigint[] = [];
    for (let i = 0; i < 16; i++, p += 8) gpr.push(out.readBigUInt64LE(p));
    const rflags = Number(out.readBigUInt64LE(p));
    p += 8;
    const fx = new Uint8Array(out.subarray(p, p + 512));
    p += 512;
    const mem = new Uint8Array(out.subarray(p, p + MEM_SIZE));
    p += MEM_SIZE;
    res.push({ signal, faultOffset: signal ? rip - CODE_BASE : -1, gpr, rflags, fx, mem });
  }
  return res;
}

// ---- emulated execution ---------------------------------------------------------------------

export interface EmuResult {
  stop: StopReason | { kind: 'threw'; message: string };
  /** pc of the stop relative to the snippet start (fault/divide/illegal), or -1 */
  offset: number;
  state?: X86State;
  mem?: Uint8Array;
}

export type CpuFactory = (mem: AddressSpace, entry: { syscall(cpu: Cpu): boolean }) => Cpu;

/**
 * Runs the cases (all, or the indices in `only`) through a CPU from `create` (in this process). Every case's result goes to
 * `each` as soon as it is known (the child process streams them), and is returned.
 */
export function runEmuBatch(create: CpuFactory, cases: Case[], code: Map<string, Uint8Array>, only?: number[], each?: (i: number, r: EmuResult) => void): EmuResult[] {
  const mem = new AddressSpace();
  mem.map(MEM_BASE, MEM_SIZE, PERM_R | PERM_W);
  mem.map(CODE_BASE, CODE_AREA, PERM_R | PERM_W | PERM_X);
  // every distinct snippet at its own address followed by int3
  const where = new Map<string, number>();
  let at = CODE_BASE;
  for (const [asm, bytes] of code) {
    if (at + bytes.length + 1 > CODE_BASE + CODE_AREA) throw new Error('code area full');
    mem.poke(at, bytes);
    mem.poke(at + bytes.length, Uint8Array.of(0xcc));
    where.set(asm, at);
    at = (at + bytes.length + 1 + 15) & ~15;
  }
  mem.protect(CODE_BASE, CODE_AREA, PERM_R | PERM_X);
  let cpu: Cpu | undefined;
  const entry = { syscall: () => false };
  const results: EmuResult[] = new Array(cases.length);
  for (const ci of only ?? cases.keys()) {
    const c = cases[ci];
    const start = where.get(c.asm)!;
    const end = start + code.get(c.asm)!.length;
    try {
      cpu ??= create(mem, entry);
      mem.write(MEM_BASE, c.mem);
      cpu.setState({
        arch: 'x86_64', gpr: c.gpr.map((v) => BigInt.asUintN(64, v)), rip: BigInt(start),
        rflags: BigInt(((c.rflags & 0xcd5) | 0x202) >>> 0), fsBase: 0n, gsBase: 0n, fx: c.fx.slice(),
      });
      const stop = cpu.run(1_000_000);
      const st = cpu.getState() as X86State;
      let offset = -1;
      if (stop.kind === 'breakpoint') offset = stop.pc - 1 === end ? -1 : stop.pc - start;
      else if ('pc' in stop) offset = stop.pc - start;
      results[ci] = { stop, offset, state: st, mem: mem.read(MEM_BASE, MEM_SIZE) };
    } catch (e) {
      results[ci] = { stop: { kind: 'threw', message: (e as Error)?.stack?.split('\n').slice(0, 3).join(' | ') ?? String(e) }, offset: -1 };
      cpu = undefined; // a fresh CPU for the next case
    }
    each?.(ci, results[ci]);
  }
  cpu?.destroy();
  return results;
}

/** Bundles emu-child.ts (and the CPU sources) with esbuild; fresh on every test run. */
let childBundle: string | undefined;
export async function bundleEmuChild(): Promise<string> {
  const { build } = await import('esbuild');
  const root = join(HERE, '..', '..', '..', '..');
  const alias: Record<string, string> = {};
  for (const p of readdirSync(join(root, 'packages'))) alias[`@elfbox/${p}`] = join(root, 'packages', p, 'src', 'index.ts');
  const outfile = join(CACHE, `emu-child-${process.pid}.mjs`);
  mkdirSync(CACHE, { recursive: true });
  await build({ entryPoints: [join(HERE, 'emu-child.ts')], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', alias, external: ['koffi', 'iced-x86'], logLevel: 'silent' });
  childBundle = outfile;
  return outfile;
}

/**
 * runEmuBatch in a child process that streams one result per case: when it goes quiet for
 * `quietMs` (an instruction the emulator never finishes), the case it was on is reported as hung
 * and the remaining cases run in a new child. After 3 hangs of one snippet its other cases are
 * reported as not run. Falls back to in-process when no bundle was made.
 */
export async function runEmuIsolated(create: CpuFactory, cases: Case[], code: Map<string, Uint8Array>, quietMs = 4000): Promise<EmuResult[]> {
  if (!childBundle) return runEmuBatch(create, cases, code);
  const file = join(CACHE, 'io', `emu-${process.pid}-${Math.random().toString(36).slice(2)}.json`);
  mkdirSync(join(CACHE, 'io'), { recursive: true });
  writeFileSync(file, JSON.stringify({
    cases: cases.map((c) => ({ ...c, gpr: c.gpr.map((v) => '0x' + BigInt.asUintN(64, v).toString(16)), fx: Buffer.from(c.fx).toString('base64'), mem: Buffer.from(c.mem).toString('base64') })),
    code: [...code].map(([a, b]) => [a, Buffer.from(b).toString('base64')]),
  }));
  const results: Array<EmuResult | undefined> = new Array(cases.length);
  const hangs = new Map<string, number>();
  const todoFile = `${file}.todo`;
  try {
    for (;;) {
      const todo: number[] = [];
      for (let i = 0; i < cases.length; i++) if (!results[i]) todo.push(i);
      if (todo.length === 0) break;
      writeFileSync(todoFile, JSON.stringify(todo));
      const outcome = await new Promise<{ hung: boolean; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [childBundle!, file, todoFile], { stdio: ['ignore', 'pipe', 'pipe'] });
        let buf = '', stderr = '', hung = false;
        let timer = setTimeout(() => { hung = true; child.kill('SIGKILL'); }, quietMs + 3000);
        child.stdout.setEncoding('utf8');
        child.stdout.on('data', (d: string) => {
          buf += d;
          let nl: number;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl);
            buf = buf.slice(nl + 1);
            const j = JSON.parse(line) as { i: number; stop: EmuResult['stop']; offset: number; state?: { gpr: string[]; rflags: string; fx: string }; memDiff?: Array<[number, string]> };
            let mem: Uint8Array | undefined;
            if (j.memDiff) {
              mem = cases[j.i].mem.slice();
              for (const [off, b64] of j.memDiff) mem.set(Buffer.from(b64, 'base64'), off);
            }
            results[j.i] = {
              stop: j.stop, offset: j.offset, mem,
              state: j.state && { arch: 'x86_64', gpr: j.state.gpr.map((v) => BigInt(v)), rflags: BigInt(j.state.rflags), rip: 0n, fsBase: 0n, gsBase: 0n, fx: new Uint8Array(Buffer.from(j.state.fx, 'base64')) },
            };
          }
          clearTimeout(timer);
          timer = setTimeout(() => { hung = true; child.kill('SIGKILL'); }, quietMs);
        });
        child.stderr.on('data', (d: Buffer) => { if (stderr.length < 4000) stderr += d.toString(); });
        child.on('close', () => { clearTimeout(timer); resolve({ hung, stderr }); });
      });
      const next = todo.find((i) => !results[i]);
      if (next === undefined) break;
      const asm = cases[next].asm;
      results[next] = { stop: { kind: 'threw', message: outcome.hung ? `no result within ${quietMs / 1000} s: hung in the emulator` : `the emulator process died: ${outcome.stderr.slice(-800)}` }, offset: -1 };
      const n = (hangs.get(asm) ?? 0) + 1;
      hangs.set(asm, n);
      if (n >= 3 || !outcome.hung) {
        for (let i = 0; i < cases.length; i++) {
          if (!results[i] && cases[i].asm === asm) results[i] = { stop: { kind: 'threw', message: `not run: this snippet ${outcome.hung ? 'hung 3 times' : 'crashed the emulator process'} (case ${next})` }, offset: -1 };
        }
      }
    }
  } finally {
    rmSync(file, { force: true });
    rmSync(todoFile, { force: true });
  }
  return results as EmuResult[];
}

// ---- comparison -----------------------------------------------------------------------------

const hex = (v: bigint | number, w = 16) => '0x' + BigInt.asUintN(64, BigInt(v)).toString(16).padStart(w, '0');
const hexBytes = (b: Uint8Array) => [...b].reverse().map((x) => x.toString(16).padStart(2, '0')).join('');
const SIG_NAMES: Record<number, string> = { 4: 'SIGILL', 5: 'SIGTRAP', 7: 'SIGBUS', 8: 'SIGFPE', 11: 'SIGSEGV' };
const STOP_FOR_SIG: Record<number, string> = { 4: 'illegal', 5: 'breakpoint', 7: 'fault', 8: 'divide', 11: 'fault' };

export const FLAG_NAMES: Array<[number, string]> = [[CF, 'CF'], [PF, 'PF'], [AF, 'AF'], [ZF, 'ZF'], [SF, 'SF'], [DF, 'DF'], [OF, 'OF']];
const flagStr = (f: number) => FLAG_NAMES.filter(([b]) => f & b).map(([, n]) => n).join(' ') || '-';

/** Two finite 80-bit extended values of the same sign whose encodings are at most one ulp apart. */
export function within1Ulp80(a: Uint8Array, b: Uint8Array): boolean {
  const val = (x: Uint8Array): { sign: number; mag: bigint; exp: number } => {
    const dv = new DataView(x.buffer, x.byteOffset, 10);
    const se = dv.getUint16(8, true);
    // exponent:mantissa as one integer; for normal numbers adjacent values differ by 1 (a carry
    // out of the mantissa moves to the next binade, whose integer bit stays set)
    const mant = dv.getBigUint64(0, true);
    return { sign: se >> 15, exp: se & 0x7fff, mag: (BigInt(se & 0x7fff) << 63n) | (mant & ((1n << 63n) - 1n)) };
  };
  const x = val(a), y = val(b);
  if (x.exp === 0x7fff || y.exp === 0x7fff || x.sign !== y.sign) return false;
  const d = x.mag - y.mag;
  return d >= -1n && d <= 1n;
}

/** Differences (register name, expected, got) between the native and emulated results of a case. */
export function compareCase(c: Case, n: NativeResult, e: EmuResult): Array<[string, string, string]> {
  const d: Array<[string, string, string]> = [];
  if (e.stop.kind === 'threw') return [['exception', n.signal ? SIG_NAMES[n.signal] ?? `signal ${n.signal}` : 'completes', `threw ${e.stop.message}`]];
  if (n.signal) {
    const want = STOP_FOR_SIG[n.signal] ?? `signal ${n.signal}`;
    if (e.stop.kind !== want || e.offset !== n.faultOffset) {
      d.push(['stop', `${want} (${SIG_NAMES[n.signal]}) at +${n.faultOffset}`, `${e.stop.kind} at +${e.offset}${'detail' in e.stop && e.stop.detail ? ` (${e.stop.detail})` : ''}`]);
      return d;
    }
    // at a fault only the GPRs are compared (the state the signal frame would carry)
    for (let i = 0; i < 16; i++) if (n.gpr[i] !== e.state!.gpr[i]) d.push([GPR_NAMES[i], hex(n.gpr[i]), hex(e.state!.gpr[i])]);
    return d;
  }
  if (e.stop.kind !== 'breakpoint' || e.offset !== -1) {
    d.push(['stop', 'reaches the end', `${e.stop.kind}${'pc' in e.stop ? ` at +${e.offset}` : ''}${'detail' in e.stop && e.stop.detail ? ` (${e.stop.detail})` : ''}`]);
    return d;
  }
  const st = e.state!;
  for (let i = 0; i < 16; i++) {
    if (c.undefGpr?.includes(i)) continue;
    if (n.gpr[i] !== st.gpr[i]) d.push([GPR_NAMES[i], hex(n.gpr[i]), hex(st.gpr[i])]);
  }
  const mask = COMPARED_FLAGS & ~(c.undefFlags ?? 0);
  const ef = Number(st.rflags & 0xffffn);
  if ((n.rflags & mask) !== (ef & mask)) {
    const diffBits = (n.rflags ^ ef) & mask;
    d.push(['rflags', `${flagStr(n.rflags & mask)}`, `${flagStr(ef & mask)} (differ: ${flagStr(diffBits)})`]);
  }
  const nf = new DataView(n.fx.buffer, n.fx.byteOffset, 512), gf = new DataView(st.fx.buffer, st.fx.byteOffset, 512);
  if (nf.getUint16(0, true) !== gf.getUint16(0, true)) d.push(['fcw', hex(nf.getUint16(0, true), 4), hex(gf.getUint16(0, true), 4)]);
  const fswMask = c.fswMask ?? ~0x4500 & 0xffff;
  if ((nf.getUint16(2, true) & fswMask) !== (gf.getUint16(2, true) & fswMask)) {
    d.push(['fsw', hex(nf.getUint16(2, true) & fswMask, 4), hex(gf.getUint16(2, true) & fswMask, 4)]);
  }
  const ntw = n.fx[4], gtw = st.fx[4];
  if (ntw !== gtw) d.push(['ftw', hex(ntw, 2), hex(gtw, 2)]);
  // ST(i) in FXSAVE is by stack position; physical tag bit = (TOP + i) & 7
  const top = (nf.getUint16(2, true) >> 11) & 7;
  for (let i = 0; i < 8; i++) {
    if (!(ntw & (1 << ((top + i) & 7)))) continue; // empty
    const a = n.fx.subarray(32 + i * 16, 32 + i * 16 + 10), b = st.fx.subarray(32 + i * 16, 32 + i * 16 + 10);
    if (!Buffer.from(a).equals(Buffer.from(b))) d.push([`st${i}`, '0x' + hexBytes(a), '0x' + hexBytes(b)]);
  }
  if (nf.getUint32(24, true) !== gf.getUint32(24, true)) d.push(['mxcsr', hex(nf.getUint32(24, true), 8), hex(gf.getUint32(24, true), 8)]);
  for (let i = 0; i < 16; i++) {
    if (c.undefXmm?.includes(i)) continue;
    const a = n.fx.subarray(160 + i * 16, 176 + i * 16), b = st.fx.subarray(160 + i * 16, 176 + i * 16);
    if (!Buffer.from(a).equals(Buffer.from(b))) d.push([`xmm${i}`, '0x' + hexBytes(a), '0x' + hexBytes(b)]);
  }
  let m = e.mem!;
  if (c.ulpM80?.length) {
    m = m.slice();
    for (const off of c.ulpM80) if (within1Ulp80(n.mem.subarray(off, off + 10), m.subarray(off, off + 10))) m.set(n.mem.subarray(off, off + 10), off);
  }
  for (let i = 0; i < MEM_SIZE; i++) {
    if (n.mem[i] !== m[i]) {
      let j = i;
      while (j < MEM_SIZE && j < i + 16 && n.mem[j] !== m[j]) j++;
      d.push([`mem[${hex(MEM_BASE + i, 8)}]`, '0x' + hexBytes(n.mem.subarray(i, j)), '0x' + hexBytes(m.subarray(i, j))]);
      break;
    }
  }
  return d;
}

export interface FormReport {
  cases: number;
  failed: number;
  text: string;
}

/** Runs a form's cases natively and emulated; returns a report of every mismatch (the first few in detail). */
export async function runForm(form: string, create: CpuFactory, cases: Case[], detail = 8, inProcess = false): Promise<FormReport> {
  const code = assemble(cases.map((c) => c.asm));
  const native = runNativeBatch(cases, code);
  const emu = inProcess ? runEmuBatch(create, cases, code) : await runEmuIsolated(create, cases, code);
  const byReg = new Map<string, number>();
  const byAsm = new Map<string, number>();
  const lines: string[] = [];
  let failed = 0;
  cases.forEach((c, i) => {
    const diffs = compareCase(c, native[i], emu[i]);
    if (diffs.length === 0) return;
    failed++;
    for (const [r] of diffs) byReg.set(r.startsWith('mem[') ? 'mem' : r, (byReg.get(r.startsWith('mem[') ? 'mem' : r) ?? 0) + 1);
    byAsm.set(c.asm, (byAsm.get(c.asm) ?? 0) + 1);
    if (lines.length < detail) {
      const ins = c.gpr.map((v, k) => `${GPR_NAMES[k]}=${hex(v)}`).filter((_, k) => k !== 4);
      lines.push(
        `  case ${i}: ${c.asm.replace(/\n/g, '; ')}\n` +
          `    in: ${ins.join(' ')} rflags=${flagStr(c.rflags)}${c.note ? `\n    ${c.note}` : ''}\n` +
          diffs.map(([r, want, got]) => `    ${r}: expected ${want}, got ${got}`).join('\n'),
      );
    }
  });
  if (failed === 0) return { cases: cases.length, failed, text: `${form}: ${cases.length} cases, all match` };
  const regs = [...byReg].sort((a, b) => b[1] - a[1]).map(([r, k]) => `${r}:${k}`).join(' ');
  const worst = [...byAsm].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([a, k]) => `${a.replace(/\n/g, '; ')} (${k})`).join(', ');
  return {
    cases: cases.length,
    failed,
    text:
      `${form}: ${failed} of ${cases.length} cases differ\n  by register: ${regs}\n  by snippet: ${worst}${byAsm.size > 12 ? `, ... (${byAsm.size} snippets)` : ''}\n` +
      lines.join('\n'),
  };
}
