// Runs one command once and measures it: wall time (hrtime around the child), peak RSS
// (GNU time's %M, the child's ru_maxrss in KiB), exit status, stdout (to a file, so a pipe
// never throttles the program) and the tail of stderr.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export const GNU_TIME = '/usr/bin/time';

export function haveGnuTime() {
  return existsSync(GNU_TIME);
}

/**
 * @param {string[]} argv  command and arguments
 * @param {{ tmp: string, timeoutMs: number, cwd?: string, stdinFile?: string }} opts
 * @returns {Promise<{ wallNs: number, rssKb?: number, status: number | null, signal: string | null,
 *   timedOut: boolean, stdout: Buffer, stderr: string, spawnError?: string }>}
 */
export function runOnce(argv, opts) {
  const outPath = join(opts.tmp, 'stdout');
  const rssPath = join(opts.tmp, 'rss');
  rmSync(rssPath, { force: true });
  const outFd = openSync(outPath, 'w');
  const inFd = opts.stdinFile ? openSync(opts.stdinFile, 'r') : 'ignore';
  const full = haveGnuTime() ? [GNU_TIME, '-f', '%M', '-o', rssPath, ...argv] : argv;
  return new Promise((resolve) => {
    let stderr = '';
    let timedOut = false;
    let spawnError;
    const t0 = process.hrtime.bigint();
    // detached: the child leads its own process group, so a timeout kills GNU time and the
    // program under it together.
    const child = spawn(full[0], full.slice(1), {
      cwd: opts.cwd ?? opts.tmp,
      stdio: [inFd, outFd, 'pipe'],
      detached: true,
      env: opts.env ?? process.env,
    });
    child.stderr.on('data', (d) => {
      stderr += d.toString();
      if (stderr.length > 8192) stderr = stderr.slice(-4096);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }, opts.timeoutMs);
    child.on('error', (e) => {
      spawnError = e.message;
    });
    child.on('close', (status, signal) => {
      const wallNs = Number(process.hrtime.bigint() - t0);
      clearTimeout(timer);
      closeSync(outFd);
      if (typeof inFd === 'number') closeSync(inFd);
      let rssKb;
      if (existsSync(rssPath)) {
        const lines = readFileSync(rssPath, 'utf8').trim().split('\n');
        const v = Number(lines[lines.length - 1]);
        if (Number.isFinite(v)) rssKb = v;
        // GNU time reports a signal-killed child as "Command terminated by signal N" and exits 128+N
        const m = /terminated by signal (\d+)/.exec(lines.join('\n'));
        if (m && signal == null) signal = `SIG#${m[1]}`;
      }
      resolve({ wallNs, rssKb, status, signal, timedOut, stdout: readFileSync(outPath), stderr, spawnError });
    });
  });
}

/** One line saying why a run failed, or null if it exited 0. */
export function failureReason(r, timeoutMs) {
  if (r.spawnError) return `cannot start: ${r.spawnError}`;
  if (r.timedOut) return `timeout after ${timeoutMs / 1000} s`;
  const lastErr = r.stderr.trim().split('\n').filter(Boolean).pop() ?? '';
  if (r.signal) return `killed by ${r.signal}${lastErr ? `: ${lastErr}` : ''}`;
  if (r.status !== 0) return `exit status ${r.status}${lastErr ? `: ${lastErr}` : ''}`;
  return null;
}
