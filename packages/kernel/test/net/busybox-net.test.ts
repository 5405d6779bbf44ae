// Debian's busybox-static over elfbox's sockets: httpd serving a file that Node's http client
// fetches, and nc in both directions against Node servers/clients, on 127.0.0.1 only.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerBackend, run } from '../../src/api.js';

const BUSYBOX = '/bin/busybox';
const dec = new TextDecoder();

function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => res(p)); });
  });
}

beforeAll(async () => {
  registerBackend((await import('@elfbox/cpu-x86_64')).backend);
});

describe.skipIf(!existsSync(BUSYBOX))('busybox networking', () => {
  it('httpd serves a file to a host http client', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'elfbox-httpd-'));
    writeFileSync(join(dir, 'index.html'), 'hello from busybox httpd\n');
    const port = await freePort();
    // httpd -f never exits: busybox timeout ends it with SIGTERM after the request.
    const guest = run({ path: BUSYBOX, argv: ['busybox', 'timeout', '5', 'busybox', 'httpd', '-f', '-p', `127.0.0.1:${port}`, '-h', dir], stdin: '', stdout: 'capture', stderr: 'capture', cpu: 'ts' });
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
    expect(got.status).toBe(200);
    expect(got.body).toBe('hello from busybox httpd\n');
    expect((await guest).status).toBe(143);
  }, 60000);

  it('nc sends to a host server', async () => {
    let received = '';
    // busybox nc does not half-close at stdin's end: the host answers the first line and closes
    const srv = net.createServer((s) => {
      s.on('data', (d) => { received += d; if (received.endsWith('\n')) s.end('answer from host\n'); });
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as net.AddressInfo).port;
    const out = await run({ path: BUSYBOX, argv: ['busybox', 'sh', '-c', `echo line from guest | nc 127.0.0.1 ${port}`], stdin: '', stdout: 'capture', stderr: 'capture', cpu: 'ts' });
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
