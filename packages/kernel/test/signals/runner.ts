// Runs a built test program under elfbox on the TypeScript CPU of its arch or on Unicorn.
import { PassThrough } from 'node:stream';
import type { CpuBackend } from '@elfbox/cpu';
import { run } from '../../src/api.js';
import type { Arch } from './build.js';

const backends: Record<string, CpuBackend | undefined> = {};
const dec = new TextDecoder();

export async function loadBackends(): Promise<void> {
  const u = await import('@elfbox/cpu-unicorn');
  if (u.isUnicornAvailable()) backends['unicorn'] = u.backend;
  backends['ts-x86_64'] = (await import('@elfbox/cpu-x86_64')).backend;
  backends['ts-aarch64'] = (await import('@elfbox/cpu-aarch64')).backend;
}

export async function runUnder(path: string, arch: Arch, be: 'ts' | 'unicorn', extra: { seed?: number; budget?: number; strace?: boolean } = {}) {
  const backend = backends[be === 'ts' ? `ts-${arch}` : 'unicorn'];
  if (!backend) return undefined;
  let strace = '';
  const sink = new PassThrough();
  sink.on('data', (c: Buffer) => { strace += c.toString(); });
  const r = await run({ path, backend, stdout: 'capture', stderr: 'capture', seed: extra.seed, budget: extra.budget, strace: extra.strace ? sink : undefined });
  await new Promise((res) => setImmediate(res));
  return { out: dec.decode(r.stdout), err: dec.decode(r.stderr), status: r.status, strace };
}
