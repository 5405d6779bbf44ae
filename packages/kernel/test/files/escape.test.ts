// --root confinement: a guest whose / is R (a directory inside P) tries to read, write, create,
// rename, link, chmod, truncate or list anything in P by every path we could think of. After
// each attempt the secret must not have reached guest memory, and P must be unchanged.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { SCRATCH, harness, type Harness } from '../harness.js';

const S = SCRATCH;
const SECRET = 'TOP-SECRET-OUTSIDE-THE-ROOT';
const dec = new TextDecoder();
let P: string, R: string, h: Harness, secretStat: { mode: number; mtimeMs: number };

beforeEach(() => {
  P = mkdtempSync(join(tmpdir(), 'elfbox-escape-'));
  R = join(P, 'root');
  mkdirSync(R);
  mkdirSync(join(R, 'sub'));
  writeFileSync(join(R, 'f'), 'inside\n');
  writeFileSync(join(P, 'secret'), SECRET);
  const st = statSync(join(P, 'secret'));
  secretStat = { mode: st.mode, mtimeMs: st.mtimeMs };
  h = harness({ root: R, uid: process.getuid?.(), gid: process.getgid?.() }); // the host user, as `elfbox run` runs the guest
});

let strOff = 0x8000;
function str(s: string): number { strOff = strOff >= 0xc000 ? 0x8000 : strOff + 0x1000; return h.str(s, strOff); }
function call(name: string, ...args: Array<number | bigint>): bigint { h.cpu.syscall(name, ...args); return h.cpu.ret; }

/** Opens p (relative to dirfd) and reads what it can; returns the text or the -errno. */
function grab(p: string, dirfd = -100): string | bigint {
  const fd = call('openat', dirfd, str(p), 0, 0);
  if (fd < 0n) return fd;
  const n = call('read', Number(fd), S, 4096);
  call('close', Number(fd));
  return n < 0n ? n : dec.decode(h.tg.mm.mem.read(S, Number(n)));
}

function assertSealed(): void {
  expect(readdirSync(P).sort()).toEqual(['root', 'secret']);
  expect(readFileSync(join(P, 'secret'), 'utf8')).toBe(SECRET);
  const st = statSync(join(P, 'secret'));
  expect({ mode: st.mode, mtimeMs: st.mtimeMs }).toEqual(secretStat);
  const mem = dec.decode(h.tg.mm.mem.read(S, 0x8000));
  expect(mem.includes(SECRET)).toBe(false);
}

const notSecret = (r: string | bigint) => expect(typeof r === 'string' ? r.includes(SECRET) : true).toBe(true);

const ATTEMPTS: Array<[string, () => void]> = [
  ['absolute ..', () => notSecret(grab('/../secret'))],
  ['relative .. from /', () => notSecret(grab('../secret'))],
  ['many ..', () => notSecret(grab('/../../../../../../../../secret'))],
  ['chdir .. repeatedly', () => { for (let i = 0; i < 6; i++) call('chdir', str('..')); expect(h.tg.fs.cwd).toBe('/'); notSecret(grab('secret')); }],
  ['absolute symlink to /..', () => { call('symlink', str('/../secret'), str('/l1')); notSecret(grab('/l1')); }],
  ['relative symlink up', () => { call('symlink', str('../secret'), str('/l2')); notSecret(grab('/l2')); }],
  ['symlink to ../../.. inside a subdirectory', () => { call('symlink', str('../../..'), str('/sub/up')); notSecret(grab('/sub/up/secret')); notSecret(grab('/sub/up/../secret')); }],
  ['symlink with the host path of the secret', () => { call('symlink', str(join(P, 'secret')), str('/l3')); notSecret(grab('/l3')); }],
  ['symlink with the host path of P', () => { call('symlink', str(P), str('/l4')); notSecret(grab('/l4/secret')); }],
  ['/proc/self/root/..', () => notSecret(grab('/proc/self/root/../secret'))],
  ['/proc/self/cwd/../..', () => notSecret(grab('/proc/self/cwd/../../secret'))],
  ['/proc/<pid>/root', () => notSecret(grab(`/proc/${h.tg.pid}/root/../../secret`))],
  ['dirfd of / then ..', () => { const d = Number(call('open', str('/'), 0o200000, 0)); notSecret(grab('../secret', d)); notSecret(grab('../../secret', d)); }],
  ['openat(dirfd, "..") chain', () => {
    let d = Number(call('open', str('/sub'), 0o200000, 0));
    for (let i = 0; i < 4; i++) d = Number(call('openat', d, str('..'), 0o200000, 0));
    notSecret(grab('secret', d));
  }],
  ['O_PATH dirfd', () => { const d = Number(call('open', str('/'), 0o10000000, 0)); notSecret(grab('../secret', d)); }],
  ['/dev/fd/N/..', () => { const d = Number(call('open', str('/sub'), 0o200000, 0)); notSecret(grab(`/dev/fd/${d}/../../secret`)); notSecret(grab(`/proc/self/fd/${d}/../../secret`)); }],
  ['rename a file out', () => { call('rename', str('/f'), str('/../escaped')); call('rename', str('/f'), str('../../escaped2')); }],
  ['rename a directory out', () => { call('rename', str('/sub'), str('/../sub-out')); }],
  ['hard link out', () => { call('link', str('/f'), str('/../hard')); }],
  ['hard link in (of the secret)', () => { call('link', str('/../secret'), str('/in')); notSecret(grab('/in')); }],
  ['O_CREAT through a dangling symlink pointing up', () => {
    call('symlink', str('/../created'), str('/dangling'));
    const fd = call('open', str('/dangling'), 0o101, 0o644);
    if (fd >= 0n) call('write', Number(fd), S, 1);
  }],
  ['O_CREAT at ../', () => { call('open', str('/../created2'), 0o101, 0o644); call('creat', str('../../created3'), 0o644); }],
  ['mkdir / symlink outside', () => { call('mkdir', str('/../newdir'), 0o755); call('symlink', str('x'), str('/../newlink')); }],
  ['truncate, chmod, utimes, unlink of ../secret', () => {
    call('truncate', str('/../secret'), 0); call('chmod', str('/../secret'), 0o777); call('utimes', str('/../secret'), 0);
    call('unlink', str('/../secret')); call('rmdir', str('/..'));
  }],
  ['stat does not reveal the secret', () => { expect(call('stat', str('/../secret'), S + 0x7000)).toBe(-2n); expect(call('access', str('../secret'), 0)).toBe(-2n); }],
  ['getdents of /.. lists the root, not P', () => {
    const d = Number(call('open', str('/..'), 0o200000, 0));
    const n = Number(call('getdents64', d, S + 0x100, 4096));
    const names = dec.decode(h.tg.mm.mem.read(S + 0x100, n));
    expect(names.includes('secret')).toBe(false);
    expect(names.includes('sub')).toBe(true);
  }],
  ['symlink loop ends in ELOOP', () => { call('symlink', str('/loop2'), str('/loop1')); call('symlink', str('/loop1'), str('/loop2')); expect(grab('/loop1')).toBe(-40n); }],
  ['rename race: a dirfd whose directory is replaced by a symlink to ..', () => {
    call('mkdir', str('/d'), 0o755);
    const d = Number(call('open', str('/d'), 0o200000, 0));
    call('rename', str('/d'), str('/e'));
    call('symlink', str('/..'), str('/d'));
    notSecret(grab('../secret', d));
    notSecret(grab('../../secret', d));
  }],
  ['renameat2 EXCHANGE with ..', () => { call('renameat2', -100, str('/f'), -100, str('/../secret'), 2); }],
  ['fchdir to an fd then ..', () => { const d = Number(call('open', str('/sub'), 0o200000, 0)); call('fchdir', d); call('chdir', str('../..')); notSecret(grab('secret')); notSecret(grab('../secret')); }],
  ['readlink of /proc/self/root and /proc/self/cwd are guest paths', () => {
    const n = call('readlink', str('/proc/self/root'), S + 0x100, 256);
    expect(dec.decode(h.tg.mm.mem.read(S + 0x100, Number(n)))).toBe('/');
    call('chdir', str('/sub'));
    const m = call('readlink', str('/proc/self/cwd'), S + 0x100, 256);
    expect(dec.decode(h.tg.mm.mem.read(S + 0x100, Number(m)))).toBe('/sub');
  }],
  ['a path of 2000 ..', () => notSecret(grab('/' + '../'.repeat(1300) + 'secret'))],
];

describe('--root confinement', () => {
  it(`has at least 20 distinct escape attempts (${ATTEMPTS.length})`, () => {
    expect(ATTEMPTS.length).toBeGreaterThanOrEqual(20);
  });
  it.each(ATTEMPTS)('%s: no byte read or written outside the root', (_name, attempt) => {
    attempt();
    assertSealed();
  });
});
