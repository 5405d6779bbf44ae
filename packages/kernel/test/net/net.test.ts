// Sockets end to end: test/net/c/net.c and info.c built at test time with musl-gcc (x86-64) and
// aarch64-linux-gnu-gcc, each mode run natively (qemu-aarch64 for arm64) and under elfbox with the
// outputs compared (socketpairs, errnos, AF_UNIX across fork, TCP, UDP, epoll edge-triggered,
// listen/bind/TCP_INFO/MSG_OOB, UDP connect filtering, sendmmsg/recvmmsg, AF_UNIX path names on
// the host and on a tmpfs, SCM_RIGHTS over datagrams, SCM_CREDENTIALS); a guest server answered
// by a host Node client and a host server answered by a guest client, on loopback only; the --net
// policies; and, from the strace of all those runs, a check that every socket, credential,
// rlimit, sysinfo and hostname call was made on each arch.
import { spawnSync } from 'node:child_process';
import * as net from 'node:net';
import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { SYSCALLS_AARCH64, SYSCALLS_X86_64 } from '@elfbox/abi';
import { registerBackend, run } from '../../src/api.js';
import { NET_BINS, buildNet, freePort } from './build.js';

const MODES = ['pair', 'errors', 'unixfork', 'tcp', 'udp', 'epollet', 'tcpmore', 'udpconnect', 'mmsg', 'unixpath', 'unixdgram', 'sendfile'];
const dec = new TextDecoder();

/** The socket, credential, rlimit, sysinfo and hostname calls of the seed's list (plus sendmmsg/recvmmsg and epoll's). */
const SEED_NET_CALLS = [
  'socket', 'socketpair', 'bind', 'listen', 'accept', 'accept4', 'connect', 'getsockname', 'getpeername',
  'setsockopt', 'getsockopt', 'sendto', 'recvfrom', 'sendmsg', 'recvmsg', 'shutdown', 'sendmmsg', 'recvmmsg',
  'epoll_create1', 'epoll_ctl', 'epoll_pwait',
  'getuid', 'geteuid', 'getgid', 'getegid', 'getresuid', 'getresgid', 'setuid', 'setgid', 'setreuid', 'setregid',
  'setresuid', 'setresgid', 'getgroups', 'setgroups', 'capget', 'capset',
  'getrlimit', 'setrlimit', 'prlimit64', 'sysinfo', 'uname', 'sethostname', 'setdomainname',
];

/** Syscall names seen in the strace of every guest run, per binary (for the coverage check at the end). */
const seen = new Map<string, Set<string>>();

/** A strace sink collecting the names of the calls made. */
function collector(path: string): Writable {
  let names = seen.get(path);
  if (!names) seen.set(path, (names = new Set()));
  const set = names;
  return new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) {
        const m = /^(?:\[pid\s+\d+\]\s+)?([a-z_0-9]+)\(/.exec(line);
        if (m) set.add(m[1]);
      }
      done();
    },
  });
}

/** The runs made, as 'path mode' (the coverage check needs all of them). */
const ran = new Set<string>();

async function guest(path: string, argv: string[], extra: Record<string, unknown> = {}) {
  ran.add(`${path} ${argv[0] ?? ''}`);
  const r = await run({ path, argv: [path, ...argv], stdout: 'capture', stderr: 'capture', cpu: 'ts', strace: collector(path), ...extra });
  return { status: r.status, out: dec.decode(r.stdout!), err: dec.decode(r.stderr!) };
}

beforeAll(async () => {
  registerBackend((await import('@elfbox/cpu-x86_64')).backend);
  registerBackend((await import('@elfbox/cpu-aarch64')).backend);
});

for (const b of NET_BINS) {
  describe(`sockets (${b.tag})`, () => {
    const bin = buildNet(b.cc, b.tag, 'net');
    const info = buildNet(b.cc, b.tag, 'info');
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

    it.skipIf(!bin)('unixpath on a tmpfs /tmp (socket inodes in the in-memory file system): the same output as native', async () => {
      const r = await guest(bin!, ['unixpath'], { tmpfs: ['/tmp'] });
      expect(r.err).toBe('');
      expect(r.out).toBe(nativeOut.get('unixpath'));
      expect(r.status).toBe(0);
    }, 30000);

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

    // Runs last in this describe: every socket, credential, rlimit, sysinfo and UTS-name call of
    // the seed's list was made (strace shows it) by the programs above on this arch.
    it.skipIf(!bin || !info)('every socket/credential/rlimit/sysinfo/hostname syscall was exercised', (ctx) => {
      // Only meaningful after the whole describe ran (not under a -t filter that left runs out).
      const all = [...MODES.map((m) => `${bin} ${m}`), `${info} `, `${bin} policy`];
      if (!all.every((k) => ran.has(k))) ctx.skip();
      const table: Record<string, number> = b.tag.includes('aarch64') ? SYSCALLS_AARCH64 : SYSCALLS_X86_64;
      const calls = new Set([...(seen.get(bin!) ?? []), ...(seen.get(info!) ?? [])]);
      const missing = SEED_NET_CALLS.filter((n) => n in table && !calls.has(n));
      expect(missing).toEqual([]);
    });
  });
}
