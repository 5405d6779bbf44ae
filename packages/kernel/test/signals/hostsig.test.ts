// A guest in pause() with nothing in the guest that could wake it. With forwardSignals (what the
// CLI sets) it waits for the host's signals, which reach it (SIGUSR1 runs its handler, SIGUSR2's
// default action ends it: status 128+12); without, nothing can ever wake it and elfbox says so on
// stderr (deadlock, status 70) instead of hanging. The host signals are emitted on this process
// (process.emit), which runs exactly the listeners run() installed.
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/api.js';
import type { CpuBackend } from '@elfbox/cpu';
import { build, type Arch } from './build.js';

const backends: Partial<Record<Arch, CpuBackend>> = {};
beforeAll(async () => {
  backends.x86_64 = (await import('@elfbox/cpu-x86_64')).backend;
  backends.aarch64 = (await import('@elfbox/cpu-aarch64')).backend;
});

describe.each(['x86_64', 'aarch64'] as Arch[])('host signals on %s', (arch) => {
  it('pause() waits for a forwarded SIGUSR1, then SIGUSR2 ends it (128+12)', async (ctx) => {
    const path = build('signals', 'hostsig', arch);
    if (!path) return ctx.skip();
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => {
      text += c.toString();
      // each signal is sent once the guest has printed that it waits again
      if (text === 'ready\n') setTimeout(() => process.emit('SIGUSR1'), 20);
      else if (text.endsWith('woken by signal 10\n')) setTimeout(() => process.emit('SIGUSR2'), 20);
    });
    const r = await run({ path, stdout: out, stderr: 'capture', forwardSignals: true, backend: backends[arch] });
    expect(text).toBe('ready\nwoken by signal 10\n');
    expect(r.status).toBe(128 + 12);
    expect(r.signal).toBe(12);
    expect(new TextDecoder().decode(r.stderr)).toBe('');
    expect(process.listenerCount('SIGUSR1')).toBe(0); // run() removed its listeners
  }, 30_000);

  it('without forwarded signals nothing can wake it: deadlock on stderr, status 70', async (ctx) => {
    const path = build('signals', 'hostsig', arch);
    if (!path) return ctx.skip();
    const r = await run({ path, stdout: 'capture', stderr: 'capture', backend: backends[arch] });
    expect(new TextDecoder().decode(r.stdout)).toBe('ready\n');
    expect(new TextDecoder().decode(r.stderr)).toMatch(/^elfbox: deadlock: every task is blocked \(1: (pause|poll)\)\n$/); // aarch64 glibc pauses in ppoll
    expect(r.status).toBe(70);
  }, 30_000);

  it('forwarded signals that are all ignored cannot wake it either: deadlock', async (ctx) => {
    const path = build('signals', 'hostsig', arch);
    if (!path) return ctx.skip();
    const r = await run({ path, argv: ['hostsig', 'ignore-all'], stdout: 'capture', stderr: 'capture', forwardSignals: true, backend: backends[arch] });
    expect(new TextDecoder().decode(r.stdout)).toBe('ignoring\n');
    expect(new TextDecoder().decode(r.stderr)).toMatch(/^elfbox: deadlock: every task is blocked \(1: (pause|poll)\)\n$/);
    expect(r.status).toBe(70);
  }, 30_000);
});
