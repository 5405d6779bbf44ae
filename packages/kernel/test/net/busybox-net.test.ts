// Debian's busybox-static over elfbox's sockets: httpd serving a file that Node's http client
// fetches, and nc in both directions against Node servers/clients, on 127.0.0.1 only; x86-64
// (/bin/busybox) and arm64 (tests/fetch-busybox-arm64.sh) when present.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { PassThrough } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerBackend, run } from '../../src/api.js';
import { freePort } from './build.js';

const BUSYBOXES = [
  { arch: 'x86_64', path: '/bin/busybox' },
  { arch: 'aarch64', path: fileURLToPath(new URL('../../../../tests/.cache/busybox-arm64/bin/busybox', import.meta.url)) },
];
const dec = new TextDecoder();

beforeAll(async () => {
  registerBackend((await import('@elfbox/cpu-x86_64')).backend);
  registerBackend((await import('@elfbox/cpu-aarch64')).backend);
});

for (const { arch, path: BUSYBOX } of BUSYBOXES) describe.skipIf(!existsSync(BUSYBOX))(`busybox networking (${arch})`, () => {
  it('httpd serves a file to a host http client', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'elfbox-httpd-'));
    writeFileSync(join(dir, 'index.html'), 'hello from busybox httpd\n');
    const port = await freePort();
    // httpd -f never exits: the guest shell beside it SIGTERMs it when the test writes a line to
    // its stdin (every command by the full path of this arch's busybox, never one found in PATH).
    const stdin = new PassThrough();
    const script = `${BUSYBOX} httpd -f -p 127.0.0.1:${port} -h ${dir} </dev/null & pid=$!; read line; kill -TERM $pid; wait $pid; echo "httpd status $?"`;
    const guest = run({ path: BUSYBOX, argv: ['sh', '-c', script], stdin, stdout: 'capture', stderr: 'capture', cpu: 'ts' });
    let got: { status?: number; body: string } = { body: '' };
    for (let i = 0; i < 200 && !got.status; i++) {
      got = await new Promise((res) => {
        http.get(`http://127.0.0.1:${port}/index.html`, (r) => {
          let body = '';
          r.on('data', (d) => { body += d; });
          r.on('end', () => res({ status: r.statusCode, body }));
        }).on('error', () => setTimeout(() => res({ body: '' }), 50));
      });
    }
    stdin.end('stop\n');
    expect(got.status).toBe(200);
    expect(got.body).toBe('hello from busybox httpd\n');
    const r = await guest;
    expect(dec.decode(r.stdout!)).toBe('httpd status 143\n');
    expect(r.status).toBe(0);
  }, 60000);

  it('nc sends to a host server', async () => {
    let received = '';
    // busybox nc does not half-close at stdin's end: the host answers the first line and closes
    const srv = net.createServer((s) => {
      s.on('data', (d) => { received += d; if (received.endsWith('\n')) s.end('answer from host\n'); });
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as net.AddressInfo).port;
    const out = await run({ path: BUSYBOX, argv: ['sh', '-c', `echo line from guest | ${BUSYBOX} nc 127.0.0.1 ${port}`], stdin: '', stdout: 'capture', stderr: 'capture', cpu: 'ts' });
    srv.close();
    expect(received).toBe('line from guest\n');
    expect(dec.decode(out.stdout!)).toBe('answer from host\n');
  }, 20000);

  it('nc -l receives from a host client', async () => {

    const lport = await freePort();
    const listener = run({ path: BUSYBOX, argv: ['busybox', 'nc', '-l', '-p', String(lport)], stdin: '', stdout: 'capture', stderr: 'capture', cpu: 'ts' });
    let sent = false;
    for (let i = 0; i < 200 && !sent; i++) {
      sent = await new Promise<boolean>((res) => {
        let ok = false;
        const c = net.connect(lport, '127.0.0.1', () => { ok = true; c.end('to the guest listener\n'); });
        c.on('close', () => { if (ok) res(true); else setTimeout(() => res(false), 50); });
        c.on('error', () => {});
      });
    }
    const l = await listener;
    expect(dec.decode(l.stdout!)).toBe('to the guest listener\n');
    expect(l.status).toBe(0);
  }, 20000);
});
