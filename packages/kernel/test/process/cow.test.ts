// Copy-on-write fork end to end: test/process/c/cow.c (built at test time) run natively and under
// elfbox, outputs compared; x86-64 and aarch64 each on the TypeScript CPU and on Unicorn (the
// aarch64 output must equal the native x86-64 one). Native outputs are taken first (see
// process.test.ts: a later native spawn from a big worker can fail with ENOMEM).
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerBackend, run } from '../../src/api.js';
import { buildProc } from './build.js';

const dec = new TextDecoder();

/** Each mode with its arguments; `big` forks a 24 MB heap both sides then write. */
const MODES: Record<string, string[]> = {
  big: ['big', '24'], nested: ['nested'], exit: ['exit'], orphan: ['orphan'], layout: ['layout'], code: ['code'], kernel: ['kernel'],
};

let muslBin: string | undefined;
let a64Bin: string | undefined;
const native: Record<string, string> = {};

beforeAll(async () => {
  muslBin = buildProc('cow', 'musl-gcc', ['-static', '-O1'], 'musl-x86_64');
  a64Bin = buildProc('cow', 'aarch64-linux-gnu-gcc', ['-static', '-O1'], 'glibc-aarch64');
  if (muslBin) {
    for (const [m, args] of Object.entries(MODES)) {
      const r = spawnSync(muslBin, args, { encoding: 'utf8', timeout: 30_000 });
      if (r.error) throw r.error;
      expect(r.status).toBe(0);
      native[m] = r.stdout;
    }
  }
  registerBackend((await import('@elfbox/cpu-x86_64')).backend);
  registerBackend((await import('@elfbox/cpu-aarch64')).backend);
}, 120_000);

async function elfbox(path: string, args: string[], backend?: unknown): Promise<{ out: string; err: string; status: number }> {
  const opts = { path, argv: [path, ...args], stdout: 'capture' as const, stderr: 'capture' as const };
  const r = await run(backend ? { ...opts, backend } as Parameters<typeof run>[0] : { ...opts, cpu: 'ts' });
  return { out: dec.decode(r.stdout), err: dec.decode(r.stderr), status: r.status };
}

describe('copy-on-write fork: elfbox == native (x86-64 musl, TypeScript CPU)', () => {
  for (const [m, args] of Object.entries(MODES)) {
    it(m, async (ctx) => {
      if (!muslBin) ctx.skip();
      const r = await elfbox(muslBin!, args);
      expect(r.out).toBe(native[m]);
      expect(r.status).toBe(0);
    });
  }
});

describe('copy-on-write fork on Unicorn (x86-64)', () => {
  for (const [m, args] of Object.entries(MODES)) {
    it(m, async (ctx) => {
      const u = await import('@elfbox/cpu-unicorn');
      if (!muslBin || !u.isUnicornAvailable()) ctx.skip();
      const r = await elfbox(muslBin!, args, u.backend);
      expect(r.out).toBe(native[m]);
      expect(r.status).toBe(0);
    });
  }
});

describe('copy-on-write fork on Unicorn (aarch64; output equal to native x86-64)', () => {
  for (const [m, args] of Object.entries(MODES)) {
    it(m, async (ctx) => {
      const u = await import('@elfbox/cpu-unicorn');
      if (!a64Bin || !muslBin || !u.isUnicornAvailable()) ctx.skip();
      const r = await elfbox(a64Bin!, args, u.backend);
      expect(r.out).toBe(native[m]);
      expect(r.status).toBe(0);
    });
  }
});

describe('copy-on-write fork: aarch64 under elfbox prints what x86-64 prints natively', () => {
  for (const [m, args] of Object.entries(MODES)) {
    it(m, async (ctx) => {
      if (!a64Bin || !muslBin) ctx.skip();
      const r = await elfbox(a64Bin!, args);
      expect(r.out).toBe(native[m]);
      expect(r.status).toBe(0);
    });
  }
});

describe('lockstep (TypeScript CPU checked against Unicorn) across copy-on-write forks', () => {
  // the child's first fetch from a page not copied yet faults on the primary only: resolved, retried
  for (const m of ['code', 'kernel']) { // ('nested' takes ~50 s in lockstep)
    it(m, async (ctx) => {
      const u = await import('@elfbox/cpu-unicorn');
      if (!muslBin || !u.isUnicornAvailable()) ctx.skip();
      const x86 = (await import('@elfbox/cpu-x86_64')).backend;
      const r = await elfbox(muslBin!, MODES[m], u.lockstepBackend(x86));
      expect(r.err).toBe('');
      expect(r.out).toBe(native[m]);
    });
  }
});
