// Debian's busybox-static (/bin/busybox, x86-64) running file-system applets under elfbox and
// natively on two identical fixture trees: each step's stdout (with the tree's path replaced,
// ls dates blanked) and exit status must match, and so must the trees afterwards (names, types,
// modes, sizes, link targets, contents). Applets that need fork/exec (shell pipelines, tar -z
// which execs gzip) are left out until the processes work lands.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CpuBackend } from '@elfbox/cpu';
import { run } from '../../src/api.js';

const BUSYBOX = '/bin/busybox';
const have = existsSync(BUSYBOX);
/** Debian's busybox-static for arm64 (tests/fetch-busybox-arm64.sh), compared with qemu-aarch64 running it. */
const BUSYBOX_ARM64 = fileURLToPath(new URL('../../../../tests/.cache/busybox-arm64/bin/busybox', import.meta.url));
const haveArm64 = existsSync(BUSYBOX_ARM64) && spawnSync('qemu-aarch64', ['--version'], { stdio: 'ignore' }).status === 0;
let backend: CpuBackend | undefined;
let backendArm64: CpuBackend | undefined;
const dec = new TextDecoder();

const NATIVE = new Map<string, NativeResult>();
const NATIVE_ARM64 = new Map<string, NativeResult>();
let nativeDf = '';

beforeAll(async () => {
  if (have) {
    for (const [name, steps] of CASES) NATIVE.set(name, native(steps, [BUSYBOX]));
    nativeDf = execFileSync(BUSYBOX, ['df', '/'], { encoding: 'utf8' });
  }
  if (haveArm64) for (const [name, steps] of CASES) NATIVE_ARM64.set(name, native(steps, ['qemu-aarch64', BUSYBOX_ARM64]));
  const u = await import('@elfbox/cpu-unicorn');
  backend = u.isUnicornAvailable() ? u.backend : (await import('@elfbox/cpu-x86_64')).backend;
  backendArm64 = u.isUnicornAvailable() ? u.backend : (await import('@elfbox/cpu-aarch64')).backend;
}, 120_000);

function fixture(): string {
  const d = mkdtempSync(join(tmpdir(), 'elfbox-bbfs-'));
  mkdirSync(join(d, 'a/b/c'), { recursive: true });
  writeFileSync(join(d, 'a/x.txt'), 'hello foo\nsecond line foo\n');
  writeFileSync(join(d, 'a/b/y.txt'), 'deep foo file\n'.repeat(300));
  writeFileSync(join(d, 'a/b/c/z.dat'), Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) & 0xff)));
  symlinkSync('x.txt', join(d, 'a/lnk'));
  symlinkSync('../x.txt', join(d, 'a/b/up'));
  writeFileSync(join(d, 'words'), 'pear\napple\nfig\napple\nbanana\nfig\nfig\n');
  return d;
}

/** The tree under d as comparable lines. */
function snapshot(d: string, rel = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(d, rel)).sort()) {
    const p = rel ? `${rel}/${name}` : name;
    const st = lstatSync(join(d, p));
    const mode = (st.mode & 0o7777).toString(8);
    if (st.isSymbolicLink()) out.push(`${p} -> ${readlinkSync(join(d, p))}`);
    else if (st.isDirectory()) { out.push(`${p}/ ${mode}`); out.push(...snapshot(d, p)); }
    else out.push(`${p} ${mode} ${st.size} ${createHash('md5').update(readFileSync(join(d, p))).digest('hex')}`);
  }
  return out;
}

const norm = (s: string, d: string) => s.split(d).join('$D').replace(/[A-Z][a-z]{2} [ \d]\d ( \d{4}|\d\d:\d\d)/g, 'DATE');

interface NativeResult { dir: string; steps: Array<{ stdout: string; stderr: string; status: number | null }>; tree: string[] }

/**
 * Native runs happen first, in beforeAll: once guest runs have reserved their (lazily
 * committed) multi-GiB address spaces, the host may refuse to fork Node (spawnSync ENOMEM).
 */
function native(steps: string[][], cmd: string[]): NativeResult {
  const n = fixture();
  const out = steps.map((args) => {
    const r = spawnSync(cmd[0], [...cmd.slice(1), ...args], { cwd: n, encoding: 'utf8' });
    if (r.error) throw r.error;
    return { stdout: r.stdout, stderr: r.stderr, status: r.status };
  });
  return { dir: n, steps: out, tree: snapshot(n) };
}

async function compare(steps: string[][], nat: NativeResult, path = BUSYBOX, be = backend): Promise<void> {
  const g = fixture();
  for (const [i, args] of steps.entries()) {
    const r = await run({ path, argv: ['busybox', ...args], backend: be, cwd: g, stdout: 'capture', stderr: 'capture', env: {} });
    const what = `busybox ${args.join(' ')}`;
    expect(norm(dec.decode(r.stdout), g), what).toBe(norm(nat.steps[i].stdout, nat.dir));
    expect(norm(dec.decode(r.stderr), g), what).toBe(norm(nat.steps[i].stderr, nat.dir));
    expect(r.status, what).toBe(nat.steps[i].status);
  }
  expect(snapshot(g)).toEqual(nat.tree);
}

const CASES: Array<[string, string[][]]> = [
  ['ls -la', [['ls', '-la', 'a'], ['ls', '-la', 'a/b'], ['ls', '-lR', 'a'], ['ls', '-la', 'nonexistent']]],
  ['find with predicates', [['find', 'a'], ['find', 'a', '-type', 'f'], ['find', 'a', '-name', '*.txt'], ['find', 'a', '-type', 'l'], ['find', 'a', '-size', '+2k'], ['find', '.', '-maxdepth', '2', '-type', 'd'], ['find', 'a', '-newer', 'words']]],
  ['cp -r', [['cp', '-r', 'a', 'copy'], ['cp', 'words', 'a/b/c/'], ['cp', '-a', 'a', 'copy2'], ['cp', 'missing', 'x']]],
  ['mv', [['mv', 'a/x.txt', 'a/moved.txt'], ['mv', 'a/b', 'bdir'], ['mv', 'words', 'bdir/c/'], ['mv', 'nope', 'x']]],
  ['rm -r', [['rm', '-r', 'a/b'], ['rm', 'a/lnk'], ['rm', 'a'], ['rm', '-rf', 'a'], ['rm', 'missing']]],
  ['mkdir -p, rmdir', [['mkdir', '-p', 'm/n/o'], ['mkdir', 'm'], ['mkdir', '-m', '700', 'p'], ['rmdir', 'm/n/o'], ['rmdir', 'm']]],
  ['ln -s, ln, readlink -f', [['ln', '-s', 'a/x.txt', 's1'], ['ln', 'words', 'hard'], ['readlink', 's1'], ['readlink', '-f', 'a/b/up'], ['readlink', '-f', 'a/lnk'], ['ln', '-s', 'x', 's1'], ['ls', '-l', 's1', 'hard']]],
  ['stat', [['stat', '-c', '%n %s %F %a %h', 'a/x.txt', 'a/b', 'a/lnk'], ['stat', '-L', '-c', '%n %s %F', 'a/lnk'], ['stat', '-c', '%s', 'missing']]],
  ['du', [['du', 'a'], ['du', '-s', 'a'], ['du', '-a', 'a/b']]],
  ['tar c and x', [['tar', 'cf', 't.tar', 'a'], ['tar', 'tf', 't.tar'], ['mkdir', 'out'], ['tar', 'xf', 't.tar', '-C', 'out'], ['rm', 't.tar']]],
  ['gzip and gunzip', [['gzip', 'a/b/y.txt'], ['ls', 'a/b'], ['gunzip', 'a/b/y.txt.gz'], ['gzip', '-k', 'words'], ['rm', 'words'], ['gunzip', 'words.gz']]],
  ['md5sum, sha256sum', [['md5sum', 'a/x.txt', 'a/b/c/z.dat'], ['sha256sum', 'a/b/y.txt'], ['md5sum', 'missing']]],
  ['sort, uniq, wc, head, tail, cut, tr', [['sort', 'words'], ['sort', '-u', '-r', 'words'], ['uniq', '-c', 'words'], ['wc', 'words', 'a/b/y.txt'], ['head', '-n', '3', 'words'], ['tail', '-n', '2', 'a/x.txt'], ['cut', '-c', '1-3', 'words']]],
  ['sed -i', [['sed', '-i', 's/foo/bar/g', 'a/x.txt'], ['sed', '-i', '-e', '1d', 'a/b/y.txt'], ['sed', '-n', '2p', 'a/x.txt']]],
  ['grep -r', [['grep', '-r', 'foo', 'a'], ['grep', '-rl', 'deep', '.'], ['grep', '-c', 'foo', 'a/x.txt'], ['grep', 'nomatch', 'a/x.txt']]],
];

// The same applets on arm64: the aarch64 struct layouts (stat, dirent, flock), open flags that
// differ there (O_DIRECTORY, O_NOFOLLOW) and the generic syscall set (no open/stat/...: *at only).
describe.skipIf(!haveArm64)('busybox file applets on arm64: elfbox == qemu-aarch64', () => {
  it.each(CASES)('%s', async (name, steps) => { await compare(steps, NATIVE_ARM64.get(name)!, BUSYBOX_ARM64, backendArm64); }, 60_000);
});

describe.skipIf(!have)('busybox file applets: elfbox == native', () => {
  it.each(CASES)('%s', async (name, steps) => { await compare(steps, NATIVE.get(name)!); }, 60_000);

  it('cat /proc/self/maps shows the guest mappings in Linux format; /proc/cpuinfo and df work', async () => {
    const r = await run({ path: BUSYBOX, argv: ['busybox', 'cat', '/proc/self/maps'], backend, stdout: 'capture', stderr: 'capture' });
    const lines = dec.decode(r.stdout).trimEnd().split('\n');
    expect(r.status).toBe(0);
    for (const l of lines) expect(l).toMatch(/^[0-9a-f]{8,}-[0-9a-f]{8,} [r-][w-][x-]p [0-9a-f]{8} [0-9a-f]{2}:[0-9a-f]{2} \d+( +\S.*| *)$/);
    expect(lines.some((l) => / r-xp .* (\/usr)?\/bin\/busybox$/.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(/\[stack\]$/);
    const c = await run({ path: BUSYBOX, argv: ['busybox', 'cat', '/proc/cpuinfo'], backend, stdout: 'capture', stderr: 'capture' });
    expect(dec.decode(c.stdout)).toMatch(/^processor\t: 0\n/);
    expect(dec.decode(c.stdout)).toMatch(/\nflags\t\t: fpu .*sse2/);
    const d = await run({ path: BUSYBOX, argv: ['busybox', 'df', '/'], backend, stdout: 'capture', stderr: 'capture' });
    expect(dec.decode(d.stdout).split('\n')[0]).toBe(nativeDf.split('\n')[0]);
    expect(d.status).toBe(0);
  });
});
