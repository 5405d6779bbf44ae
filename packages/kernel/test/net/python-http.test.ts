// The host's python3 (dynamic, x86-64: its own ld.so, libc and stdlib from the host) runs
// `python3 -m http.server` under elfbox on a port the test chose; Node's http client fetches a
// file of random bytes and compares them; then the test writes a line to the stdin of the guest
// shell waiting beside the server (busybox sh: `read`), and the shell SIGTERMs it.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { PassThrough } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerBackend, run } from '../../src/api.js';
import { freePort } from './build.js';

const PYTHON = '/usr/bin/python3';
const BUSYBOX = '/bin/busybox';
const dec = new TextDecoder();

function get(url: string): Promise<{ status?: number; body: Buffer; error?: string }> {
  return new Promise((res) => {
    http.get(url, (r) => {
      const parts: Buffer[] = [];
      r.on('data', (d: Buffer) => parts.push(d));
      r.on('end', () => res({ status: r.statusCode, body: Buffer.concat(parts) }));
    }).on('error', (e) => res({ body: Buffer.alloc(0), error: e.message }));
  });
}

// Python's start (about 160 million guest instructions for `import http.server`) takes about a
// minute on the TypeScript CPU of a loaded 2-core machine; Unicorn runs it in a few seconds, so
// the test uses Unicorn when it is available.
let cpu = 'ts';
beforeAll(async () => {
  registerBackend((await import('@elfbox/cpu-x86_64')).backend);
  const u = await import('@elfbox/cpu-unicorn');
  if (u.isUnicornAvailable()) { registerBackend(u.backend); cpu = 'unicorn'; }
});

describe.skipIf(!existsSync(PYTHON) || !existsSync(BUSYBOX))('python3 -m http.server inside elfbox', () => {
  it('answers a host request with the file\'s bytes, then stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'elfbox-pyhttp-'));
    const data = randomBytes(100_000);
    writeFileSync(join(dir, 'blob.bin'), data);
    const port = await freePort();
    const stdin = new PassThrough();
    const script = `${PYTHON} -m http.server ${port} --bind 127.0.0.1 --directory ${dir} </dev/null & pid=$!; `
      + 'read line; kill -TERM $pid; wait $pid; echo "server status $?"';
    const guest = run({ path: BUSYBOX, argv: ['sh', '-c', script], stdin, stdout: 'capture', stderr: 'capture', cpu });
    let got: Awaited<ReturnType<typeof get>> = { body: Buffer.alloc(0) };
    for (let i = 0; i < 1200 && !got.status; i++) {
      got = await get(`http://127.0.0.1:${port}/blob.bin`);
      if (!got.status) await new Promise((r) => setTimeout(r, 50));
    }
    stdin.end('stop\n');
    const r = await guest;
    rmSync(dir, { recursive: true, force: true });
    expect(got.status).toBe(200);
    expect(got.body.equals(data)).toBe(true);
    expect(dec.decode(r.stdout!)).toBe('server status 143\n');
    expect(dec.decode(r.stderr!)).toMatch(/"GET \/blob\.bin HTTP\/1\.1" 200 -/);
    expect(r.status).toBe(0);
  }, 90000);
});
