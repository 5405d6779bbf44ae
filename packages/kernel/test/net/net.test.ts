// Sockets end to end: test/net/c/net.c built at test time with musl-gcc (x86-64) and
// aarch64-linux-gnu-gcc, each mode run natively (qemu-aarch64 for arm64) and under elfbox with the
// outputs compared; a guest server answered by a host Node client and a host server answered by a
// guest client, on loopback only; the --net policies.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerBackend, run } from '../../src/api.js';

const SRC = fileURLToPath(new URL('./c/net.c', import.meta.url));
const INFO_SRC = fileURLToPath(new URL('./c/info.c', import.meta.url));

function build(cc: string, tag: string, src = SRC): string | undefined {
  if (spawnSync(cc, ['--version'], { stdio: 'ignore' }).status !== 0) return undefined;
  const h = createHash('sha256').update(readFileSync(src)).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), `elfbox-net-bins-${h}`);
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `${src === SRC ? 'net' : 'info'}-${tag}`);
  if (!existsSync(out)) {
    const r = spawnSync(cc, ['-static', '-O1', '-o', out + '.tmp', src], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cc} net.c: ${r.stderr}`);
    renameSync(out + '.tmp', out);
  }
  return out;
}

const BINS = [
  { tag: 'musl-x86_64', cc: 'musl-gcc', native: [] as string[] },
  { tag: 'glibc-aarch64', cc: 'aarch64-linux-gnu-gcc', native: ['qemu-aarch64'] },
];
const MODES = ['pair', 'errors', 'unixfork', 'tcp', 'udp'];
const dec = new TextDecoder();

async function guest(path: string, argv: string[], extra: Record<string, unknown> = {}) {
  const r = await run({ path, argv: [path, ...argv], stdout: 'capture', stderr: 'capture', cpu: 'ts', ...extra });
  return { status: r.status, out: dec.decode(r.stdout!), err: dec.decode(r.stderr!) };
}

function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => res(p)); });
  });
}

beforeAll(async () => {
  registerBackend((await import('@elfbox/cpu-x86_64')).backend);
  registerBackend((await import('@elfbox/cpu-aarch64')).backend);
});

for (const b of BINS) {
  describe(`sockets (${b.tag})`, () => {
    const bin = build(b.cc, b.tag);
    const info = build(b.cc, b.tag, INFO_SRC);
    // Native outputs are taken while collecting, before elfbox runs make this worker big (a later
    // native spawn can fail with ENOMEM under heuristic overcommit).
    const nativeOut = new Map<string, string>();
    if (bin && info) {
      const [icmd, ...ipre] = [...b.native, info];
      nativeOut.set('info', spawnSync(icmd, ipre, { encoding: 'utf8', timeout: 20000 }).stdout);
      for (const m of MODES) {
        const [cmd, ...pre] = [...b.native, bin];
        nativeOut.set(m, spawnSync(cmd, [...pre, m], { encoding: 'utf8', timeout: 20000 }).stdout);
      }
    }

    for (const m of MODES) {
      it.skipIf(!bin)(`${m}: the same output as native`, async () => {
        const r = await guest(bin!, [m]);
        expect(r.err).toBe('');
        expect(r.out).toBe(nativeOut.get(m));
        expect(r.status).toBe(0);
      }, 30000);
    }

    it.skipIf(!bin)('a guest server answers a host client', async () => {
      const port = await freePort();
      const done = guest(bin!, ['serve', String(port)]);
      const payload = 'hello from the host '.repeat(500);
      let reply = '';
      for (let i = 0; i < 200 && !reply; i++) {
        reply = await new Promise<string>((res) => {
          const s = net.connect(port, '127.0.0.1');
          let acc = '';
          s.on('connect', () => { s.end(payload); });
          s.on('data', (d) => { acc += d.toString(); });
          s.on('end', () => res(acc));
          s.on('error', () => setTimeout(() => res(''), 50));
        });
      }
      expect(reply).toBe(payload.toUpperCase());
      const r = await done;
      expect(r.out).toBe(`served ${payload.length}\n`);
      expect(r.status).toBe(0);
    }, 30000);

    for (const v6 of [false, true]) {
      it.skipIf(!bin)(`a guest client reaches a host server (${v6 ? '::1' : '127.0.0.1'})`, async () => {
        const srv = net.createServer({ allowHalfOpen: true }, (s) => {
          let acc = '';
          s.on('data', (d) => { acc += d.toString(); });
          s.on('end', () => s.end(`host saw ${acc.length} bytes: ${acc}`));
        });
        await new Promise<void>((res) => srv.listen(0, v6 ? '::1' : '127.0.0.1', () => res()));
        const port = (srv.address() as net.AddressInfo).port;
        try {
          const r = await guest(bin!, [v6 ? 'client6' : 'client', String(port)]);
          expect(r.out).toBe('reply: host saw 21 bytes: hello from the guest\n');
          expect(r.status).toBe(0);
        } finally {
          srv.close();
        }
      }, 30000);
    }

    it.skipIf(!info)('credentials, rlimits, sysinfo, uname: the same output as native', async () => {
      const r = await guest(info!, []);
      expect(r.err).toBe('');
      // a container's /proc/uptime can be virtualised while sysinfo is the host's: that line is checked on elfbox only
      const drop = (t: string | undefined) => (t ?? '').replace(/^uptime matches=.*\n/m, '');
      expect(drop(r.out)).toBe(drop(nativeOut.get('info')));
      expect(r.out).toContain('totalram matches=1');
      expect(r.out).toContain('uptime matches=1');
    }, 30000);

    it.skipIf(!info)('sethostname/setdomainname change only the guest\'s UTS name; EPERM without uid 0', async () => {
      const root = await guest(info!, ['guest-x'], { uid: 0, gid: 0, hostname: 'box1' });
      expect(root.out).toBe('before=box1 sethostname=0 errno=0 setdomainname=0 nodename=guest-x domain=example.test uid=0\n');
      const user = await guest(info!, ['guest-y'], { uid: 1000, gid: 1000 });
      expect(user.out).toBe('before=elfbox sethostname=-1 errno=1 setdomainname=-1 nodename=elfbox domain=(none) uid=1000\n');
      const { hostname } = await import('node:os');
      expect(hostname()).not.toBe('guest-x');
    }, 30000);

    it.skipIf(!bin)('--net policies', async () => {
      const none = await guest(bin!, ['policy'], { net: 'none' });
      const lo = await guest(bin!, ['policy'], { net: 'loopback' });
      const unreach = none.out.split('\n')[0].replace('connect_remote=', '');
      expect(unreach).toMatch(/unreachable/i);
      expect(none.out).toMatch(/bind_loopback=.*(not available|Cannot assign)/i);
      expect(lo.out.split('\n')[0]).toMatch(/unreachable/i);
      expect(lo.out).toContain('bind_loopback=0');
    }, 30000);
  });
}
