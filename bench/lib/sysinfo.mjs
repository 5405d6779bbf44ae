// The machine and tool versions written at the top of the report.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

function sh(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10000 }).trim();
  } catch {
    return null;
  }
}

function firstLine(s) {
  return s ? s.split('\n')[0].trim() : 'not found';
}

function dpkgVersion(pkg) {
  return sh('dpkg-query', ['-W', '-f', '${Version}', pkg]) || 'not installed';
}

export function machineInfo() {
  let cpu = 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1].trim();
  } catch {}
  return {
    nproc: Number(sh('nproc', [])) || os.availableParallelism(),
    cpu,
    memGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    kernel: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

export function versions(root) {
  const commit = sh('git', ['-C', root, 'rev-parse', '--short', 'HEAD']);
  const dirty = sh('git', ['-C', root, 'status', '--porcelain']);
  return {
    node: process.version,
    qemu: firstLine(sh('qemu-x86_64', ['--version'])),
    'qemu-aarch64': firstLine(sh('qemu-aarch64', ['--version'])),
    gcc: firstLine(sh('gcc', ['--version'])),
    'aarch64-linux-gnu-gcc': firstLine(sh('aarch64-linux-gnu-gcc', ['--version'])),
    'musl (musl-tools)': dpkgVersion('musl-tools'),
    'unicorn (libunicorn2)': dpkgVersion('libunicorn2'),
    busybox: firstLine(sh('busybox', ['--help']) ?? ''),
    elfbox: commit ? `git ${commit}${dirty ? ' + uncommitted changes' : ''}` : 'unknown',
  };
}
