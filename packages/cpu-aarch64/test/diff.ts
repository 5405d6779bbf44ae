// Differential testing against qemu-aarch64: a batch of snippets becomes one freestanding program
// that, per case, loads random X0-X15, NZCV, V0-V7 (and a 256-byte scratch area at X17-128),
// runs the snippet, and dumps X0-X15, NZCV, V0-V7, FPSR and the scratch area. The same binary runs
// under qemu-aarch64 and under our CPU; the dumps must be byte-identical.
import { buildAsm, runElf, runQemu, Rng, type CpuFactory } from './harness.js';

const CASE_BYTES = 16 * 8 + 8 + 128 + 8 + 256;

export interface DiffResult { cases: number; mismatches: string[]; }

function hex64(b: Buffer, o: number): string { return '0x' + b.readBigUInt64LE(o).toString(16); }

export function runDiff(snippets: string[], seed = 1, opts: { fpcr?: number; ignoreFpsr?: boolean; oracle?: CpuFactory } = {}): DiffResult {
  const rng = new Rng(seed);
  const text: string[] = ['.arch armv8.2-a+crc', '.text', '.global _start', '_start:', 'ldr x27, =inbuf', 'ldr x28, =outbuf', 'ldr x17, =scratch+128'];
  if (opts.fpcr !== undefined) text.push(`mov x16, #${opts.fpcr}`, 'msr fpcr, x16');
  const data: string[] = ['.data', '.balign 16', 'inbuf:'];
  const inputs: bigint[][] = [];
  snippets.forEach((sn, i) => {
    text.push(`// case ${i}`);
    for (let r = 0; r < 16; r += 2) text.push(`ldp x${r}, x${r + 1}, [x27], #16`);
    text.push('ldr x16, [x27], #8', 'msr nzcv, x16', 'msr fpsr, xzr');
    for (let r = 0; r < 8; r += 2) text.push(`ldp q${r}, q${r + 1}, [x27], #32`);
    for (let k = 0; k < 256; k += 64) text.push('ldp q16, q17, [x27], #32', 'ldp q18, q19, [x27], #32', `stp q16, q17, [x17, #${k - 128}]`, `stp q18, q19, [x17, #${k - 96}]`);
    text.push(sn);
    for (let r = 0; r < 16; r += 2) text.push(`stp x${r}, x${r + 1}, [x28], #16`);
    text.push('mrs x16, nzcv', 'str x16, [x28], #8');
    for (let r = 0; r < 8; r += 2) text.push(`stp q${r}, q${r + 1}, [x28], #32`);
    text.push('mrs x16, fpsr', 'str x16, [x28], #8');
    for (let k = 0; k < 256; k += 64) text.push(`ldp q16, q17, [x17, #${k - 128}]`, `ldp q18, q19, [x17, #${k - 96}]`, 'stp q16, q17, [x28], #32', 'stp q18, q19, [x28], #32');
    text.push('ldr x17, =scratch+128');
    if (i % 200 === 199) text.push('b 1f', '.ltorg', '1:');
    // inputs
    const q: bigint[] = [];
    for (let r = 0; r < 16; r++) q.push(rng.u64());
    q.push(BigInt(rng.int(16)) << 28n);
    for (let r = 0; r < 16; r++) q.push(vecWord(rng));
    for (let k = 0; k < 32; k++) q.push(rng.int(3) === 0 ? BigInt(rng.int(4)) : (BigInt(rng.u32()) << 32n) | BigInt(rng.u32()));
    data.push(...q.map((v) => `.quad 0x${v.toString(16)}`));
    inputs.push(q);
  });
  text.push('ldr x1, =outbuf', 'sub x2, x28, x1', 'mov x0, #1', 'mov x8, #64', 'svc #0', 'mov x0, #0', 'mov x8, #93', 'svc #0', '.ltorg');
  const bss = ['.bss', '.balign 16', 'scratch: .skip 256', `outbuf: .skip ${snippets.length * CASE_BYTES}`];
  const path = buildAsm([...text, ...data, ...bss].join('\n') + '\n');
  const ref = opts.oracle ? runElf(path, [], { makeCpu: opts.oracle }).stdout : runQemu(path).stdout;
  const ours = runElf(path);
  if (opts.ignoreFpsr) for (let i = 0; i < snippets.length; i++) {
    if (ours.stdout.length < (i + 1) * CASE_BYTES || ref.length < (i + 1) * CASE_BYTES) break; ref.fill(0, i * CASE_BYTES + 264, i * CASE_BYTES + 272); ours.stdout.fill(0, i * CASE_BYTES + 264, i * CASE_BYTES + 272); }
  const mism: string[] = [];
  if (ours.stop) mism.push(`run stopped: ${JSON.stringify(ours.stop)}`);
  for (let i = 0; i < snippets.length && mism.length < 10; i++) {
    const o = i * CASE_BYTES;
    const a = ref.subarray(o, o + CASE_BYTES), b = ours.stdout.subarray(o, o + CASE_BYTES);
    if (a.equals(b)) continue;
    const diffs: string[] = [];
    for (let r = 0; r < 16; r++) if (!a.subarray(r * 8, r * 8 + 8).equals(b.subarray(r * 8, r * 8 + 8))) diffs.push(`x${r}: want ${hex64(a, r * 8)} got ${b.length > r * 8 + 7 ? hex64(b, r * 8) : '?'}`);
    if (b.length >= 136 && !a.subarray(128, 136).equals(b.subarray(128, 136))) diffs.push(`nzcv: want ${hex64(a, 128)} got ${hex64(b, 128)}`);
    for (let r = 0; r < 8; r++) {
      const off = 136 + r * 16;
      if (b.length >= off + 16 && !a.subarray(off, off + 16).equals(b.subarray(off, off + 16))) diffs.push(`v${r}: want ${a.subarray(off, off + 16).toString('hex')} got ${b.subarray(off, off + 16).toString('hex')}`);
    }
    if (b.length >= 272 && !a.subarray(264, 272).equals(b.subarray(264, 272))) diffs.push(`fpsr: want ${hex64(a, 264)} got ${hex64(b, 264)}`);
    if (b.length >= CASE_BYTES && !a.subarray(272).equals(b.subarray(272))) diffs.push('memory differs');
    const vin = Array.from({ length: 8 }, (_, r) => `v${r}=${inputs[i][17 + 2 * r + 1].toString(16).padStart(16, '0')}${inputs[i][17 + 2 * r].toString(16).padStart(16, '0')}`).join(' ');
    mism.push(`case ${i}: ${snippets[i].replace(/\n/g, '; ')} :: ${diffs.join(', ') || 'short output'} [inputs: ${vin}]`);
  }
  if (ref.length !== snippets.length * CASE_BYTES) mism.push(`qemu output length ${ref.length}`);
  return { cases: snippets.length, mismatches: mism };
}

/** Vector inputs: a mix of random bits and interesting floating-point values. */
function vecWord(rng: Rng): bigint {
  const k = rng.int(6);
  const f64 = (x: number) => { const b = Buffer.alloc(8); b.writeDoubleLE(x); return b.readBigUInt64LE(0); };
  const f32pair = (x: number, y: number) => { const b = Buffer.alloc(8); b.writeFloatLE(x); b.writeFloatLE(y, 4); return b.readBigUInt64LE(0); };
  const vals = [0, -0, 1, -1, 0.5, 1.5, 2.5, -2.5, 3, 1e300, -1e300, 1e-310, Infinity, -Infinity, NaN, 123.456, -7.75, 2 ** 31, 2 ** 63, 2 ** 64, -(2 ** 63), 4294967295.5, 1e10, 0.1];
  const rnd = () => (rng.u32() / 2 ** 32 - 0.5) * 2 ** (rng.int(80) - 40);
  if (k === 0) return f64(rng.pick(vals));
  if (k === 1) return f64(rnd());
  if (k === 2) return f32pair(rng.pick(vals), rnd());
  if (k === 3) return f32pair(rnd(), rnd());
  return (BigInt(rng.u32()) << 32n) | BigInt(rng.u32());
}
