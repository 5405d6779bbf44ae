// Processes end to end: our own C program (test/process/c/proc.c, built at test time) and
// Debian's busybox sh, each run natively and under elfbox with the outputs compared. Native
// outputs are taken first, before elfbox runs make this worker big (a later native spawn can fail
// with ENOMEM under heuristic overcommit).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerBackend, run } from '../../src/api.js';
import { BUSYBOX_SCRIPT } from './script.js';
import { buildProc } from './build.js';

const BUSYBOX = '/bin/busybox';
const BUSYBOX_A64 = fileURLToPath(new URL('../../../../tests/.cache/busybox-arm64/bin/busybox', import.meta.url));
const dec = new TextDecoder();

const MODES = ['status', 'vfork', 'exec', 'pipeline', 'orphan', 'group', 'sigchld', 'rusage'];


// traps, kill and wait on background jobs, stop/continue, nested $(...), functions, fds
const SCRIPT2 = `sleep 5 & p=$!
kill $p; wait $p; echo "killed=$?"
(sleep 0.1; echo bg1) & (echo bg2) & wait; echo waited
trap 'echo trapped' USR1; kill -USR1 $$; echo after
f() { echo "in f $1"; return 7; }; f x; echo "f=$?"
echo $(echo $(echo nested))
r=$(sh -c 'echo out; exit 2'); echo "r=$r st=$?"
i=0; while [ $i -lt 3 ]; do i=$((i+1)); echo "$i" | wc -c | tr -d ' '; done
echo abc | { read v; echo "v=$v"; }
cat /dev/null | head -1; echo "ec=$?"
set -- a b c; for x; do printf '%s.' "$x"; done; echo
sh -c 'kill -TERM $$'; echo "sig=$?"
sh -c 'kill -STOP $$' & p=$!; until [ "$(cut -d' ' -f3 /proc/$p/stat)" = T ]; do sleep 0.05; done; kill -CONT $p; wait $p; echo "stopcont=$?"
exec 3>"$D/out3.txt"; echo tofd3 >&3; exec 3>&-; cat "$D/out3.txt"
echo end
`;

let dir: string;
let muslBin: string | undefined;
let a64Bin: string | undefined;
const native: Record<string, { out: string; status: number | null }> = {};

function nativeRun(cmd: string, args: string[], env: Record<string, string> = {}): { out: string; status: number | null } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env, timeout: 30_000 });
  if (r.error) throw r.error;
  return { out: r.stdout + r.stderr, status: r.status };
}

async function elfbox(path: string, argv: string[], env: Record<string, string> = {}): Promise<{ out: string; status: number }> {
  const r = await run({ path, argv, env, stdout: 'capture', stderr: 'capture', cpu: 'ts' });
  return { out: dec.decode(r.stdout) + dec.decode(r.stderr), status: r.status };
}

const modeArgs = (m: string, d: string) => (m === 'exec' ? [m, d] : [m]);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'elfbox-proc-'));
  mkdirSync(join(dir, 'n'));
  mkdirSync(join(dir, 'e'));
  mkdirSync(join(dir, 'a'));
  writeFileSync(join(dir, 'f1'), 'x');
  writeFileSync(join(dir, 'script.sh'), BUSYBOX_SCRIPT);
  writeFileSync(join(dir, 'script2.sh'), SCRIPT2);
  muslBin = buildProc('proc', 'musl-gcc', ['-static', '-O1'], 'musl-x86_64');
  a64Bin = buildProc('proc', 'aarch64-linux-gnu-gcc', ['-static', '-O1'], 'glibc-aarch64');
  if (muslBin) for (const m of MODES) native[m] = nativeRun(muslBin, [muslBin, ...modeArgs(m, join(dir, 'n'))].slice(1));
  if (muslBin) {
    // natively under a pty (python's pty.spawn makes it the session's controlling terminal)
    const t = spawnSync('python3', ['-c', 'import pty,sys; pty.spawn(sys.argv[1:])', muslBin, 'tty'], { encoding: 'utf8', timeout: 30_000 });
    if (t.status === 0) native.tty = { out: t.stdout.replaceAll('\r\n', '\n'), status: 0 };
  }
  if (existsSync(BUSYBOX)) {
    native.script = nativeRun(BUSYBOX, ['sh', join(dir, 'script.sh')], { PATH: '/usr/bin:/bin', D: dir });
    native.exit3 = nativeRun(BUSYBOX, ['sh', '-c', 'exit 3']);
    native.script2 = nativeRun(BUSYBOX, ['sh', join(dir, 'script2.sh')], { PATH: '/usr/bin:/bin', D: dir });
  }
  registerBackend((await import('@elfbox/cpu-x86_64')).backend);
  registerBackend((await import('@elfbox/cpu-aarch64')).backend);
}, 120_000);

describe('our process tests: elfbox == native (x86-64 musl, TypeScript CPU)', () => {
  for (const m of MODES) {
    it(m, async (ctx) => {
      if (!muslBin) ctx.skip();
      const r = await elfbox(muslBin!, [muslBin!, ...modeArgs(m, join(dir, 'e'))]);
      expect(r.out.split(join(dir, 'e')).join('DIR')).toBe(native[m].out.split(join(dir, 'n')).join('DIR'));
      expect(r.status).toBe(native[m].status);
    });
  }

  it('a fork bomb ends at RLIMIT_NPROC with EAGAIN', async (ctx) => {
    if (!muslBin) ctx.skip();
    const r = await elfbox(muslBin!, [muslBin!, 'nproc']);
    expect(r.out).toBe('forks before EAGAIN: 7 (errno 11)\n');
    expect(r.status).toBe(128 + 9); // kill(0, SIGKILL) ends the whole group, the caller too
  });
});

describe('tcgetpgrp / tcsetpgrp (TIOCGPGRP / TIOCSPGRP) on the controlling terminal', () => {
  it('elfbox with a terminal as stdout == native under a pty', async (ctx) => {
    if (!muslBin || !native.tty) ctx.skip();
    let out = '';
    const term = new Writable({ write(chunk, _enc, cb) { out += chunk.toString(); cb(); } });
    Object.assign(term, { isTTY: true, columns: 80, rows: 24 });
    const r = await run({ path: muslBin!, argv: [muslBin!, 'tty'], stdout: term, stderr: 'capture', cpu: 'ts' });
    expect(out).toBe(native.tty.out);
    expect(r.status).toBe(0);
  });
});

describe('fork on the Unicorn backend (one engine per address space)', () => {
  for (const m of ['status', 'pipeline', 'vfork']) {
    it(m, async (ctx) => {
      const u = await import('@elfbox/cpu-unicorn');
      if (!muslBin || !u.isUnicornAvailable()) ctx.skip();
      const r = await run({ path: muslBin!, argv: [muslBin!, m], backend: u.backend, stdout: 'capture', stderr: 'capture' });
      expect(dec.decode(r.stdout) + dec.decode(r.stderr)).toBe(native[m].out);
      expect(r.status).toBe(native[m].status);
    });
  }
});

describe('the same program for aarch64 under elfbox prints what x86-64 prints natively', () => {
  // qemu-aarch64 is no oracle here: it cannot exec without binfmt_misc and ignores subreapers.
  for (const m of ['status', 'exec', 'pipeline', 'orphan', 'group', 'rusage']) {
    it(m, async (ctx) => {
      if (!a64Bin || !muslBin) ctx.skip();
      const r = await elfbox(a64Bin!, [a64Bin!, ...modeArgs(m, join(dir, 'a'))]);
      expect(r.out.split(join(dir, 'a')).join('DIR')).toBe(native[m].out.split(join(dir, 'n')).join('DIR'));
    });
  }
});

describe('exec picks the CPU by the ELF machine', () => {
  it('an aarch64 process forks and execs an x86-64 program, and the other way round', async (ctx) => {
    if (!a64Bin || !muslBin) ctx.skip();
    const r1 = await elfbox(a64Bin!, [a64Bin!, 'xexec', muslBin!]);
    expect(r1.out).toBe('hello from exec\nxexec: exited 0\n');
    const r2 = await elfbox(muslBin!, [muslBin!, 'xexec', a64Bin!]);
    expect(r2.out).toBe('hello from exec\nxexec: exited 0\n');
  });
});

describe('busybox sh: elfbox == native', () => {
  it('pipelines, subshells, $(...), here-documents, background jobs, xargs, find -exec, loops', async (ctx) => {
    if (!native.script) ctx.skip();
    const r = await elfbox(BUSYBOX, ['sh', join(dir, 'script.sh')], { PATH: '/usr/bin:/bin', D: dir });
    expect(r.out).toBe(native.script.out);
    expect(r.status).toBe(native.script.status);
  });

  it('traps, kill and wait on background jobs, stop/continue, functions, fds', async (ctx) => {
    if (!native.script2) ctx.skip();
    const r = await elfbox(BUSYBOX, ['sh', join(dir, 'script2.sh')], { PATH: '/usr/bin:/bin', D: dir });
    expect(r.out).toBe(native.script2.out);
    expect(r.status).toBe(native.script2.status);
  });

  it('/proc/<pid>/stat and status report the process group and session, not the pid', async (ctx) => {
    if (!existsSync(BUSYBOX)) ctx.skip();
    // sh (pid 1, leader of its group and session) runs cat: cat's pgrp and session are sh's.
    const r = await elfbox(BUSYBOX, ['sh', '-c', 'cat /proc/self/stat; grep -E "^NS(pgid|sid)" /proc/self/status; echo $$']);
    const [stat, pgidLine, sidLine, shPid] = r.out.trim().split('\n');
    const f = stat.replace(/^.*\) /, '').split(' '); // fields after comm: state ppid pgrp session
    const catPid = Number(stat.split(' ')[0]);
    expect(catPid).not.toBe(Number(shPid));
    expect(Number(f[2])).toBe(Number(shPid));
    expect(Number(f[3])).toBe(Number(shPid));
    expect(pgidLine).toBe(`NSpgid:\t${shPid}`);
    expect(sidLine).toBe(`NSsid:\t${shPid}`);
  });

  it("sh -c 'exit 3'", async (ctx) => {
    if (!native.exit3) ctx.skip();
    const r = await elfbox(BUSYBOX, ['sh', '-c', 'exit 3']);
    expect(r.status).toBe(3);
    expect(native.exit3.status).toBe(3);
  });

  it('arm64 busybox sh runs a pipeline and a subshell (tests/fetch-busybox-arm64.sh)', async (ctx) => {
    if (!existsSync(BUSYBOX_A64)) ctx.skip();
    const script = 'echo b a c | tr " " "\\n" | sort | tr -d "\\n"; echo; x=$(echo sub); (exit 5); echo "$x $?"';
    const r = await elfbox(BUSYBOX_A64, ['sh', '-c', script], {});
    const q = spawnSync('qemu-aarch64', [BUSYBOX_A64, 'sh', '-c', script], { encoding: 'utf8', env: {} });
    expect(r.out).toBe('abc\nsub 5\n');
    if (!q.error) expect(r.out).toBe(q.stdout);
  });
});
