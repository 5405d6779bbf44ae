// Finds busybox for both arches: /bin/busybox (Debian busybox-static) for x86-64, and the
// arm64 busybox that tests/fetch-busybox-arm64.sh downloads (or $ELFBOX_BUSYBOX_ARM64).
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const EM = { x86_64: 62, aarch64: 183 };

/** The ELF e_machine of a file, or null if it is not an ELF file. */
export function elfMachine(path) {
  try {
    const fd = openSync(path, 'r');
    const b = Buffer.alloc(20);
    const n = readSync(fd, b, 0, 20, 0);
    closeSync(fd);
    if (n < 20 || b.readUInt32BE(0) !== 0x7f454c46) return null;
    return b.readUInt16LE(18);
  } catch {
    return null;
  }
}

function check(path, arch) {
  if (!path || !existsSync(path)) return { error: `no busybox for ${arch} at ${path}` };
  if (elfMachine(path) !== EM[arch]) return { error: `${path} is not an ${arch} ELF binary` };
  return { path };
}

export async function findBusybox(log = () => {}, fetchTimeoutMs = 300000) {
  const out = { x86_64: check('/bin/busybox', 'x86_64') };
  if (out.x86_64.error) out.x86_64.error += ' (Debian package busybox-static)';
  if (process.env.ELFBOX_BUSYBOX_ARM64) {
    out.aarch64 = check(process.env.ELFBOX_BUSYBOX_ARM64, 'aarch64');
    return out;
  }
  const script = join(ROOT, 'tests/fetch-busybox-arm64.sh');
  if (!existsSync(script)) {
    out.aarch64 = { error: 'no arm64 busybox: tests/fetch-busybox-arm64.sh does not exist yet (or set ELFBOX_BUSYBOX_ARM64)' };
    return out;
  }
  // the script says where it put the binary on its last line ("... -> PATH" or "already fetched: PATH");
  // its documented place is tests/.cache/busybox-arm64/bin/busybox
  log('fetching the arm64 busybox (tests/fetch-busybox-arm64.sh)');
  const r = spawnSync('sh', [script], { cwd: ROOT, encoding: 'utf8', timeout: fetchTimeoutMs });
  const tokens = (r.stdout ?? '').split(/\s+/).filter((t) => t.startsWith('/')).reverse();
  const candidates = [...tokens, join(ROOT, 'tests/.cache/busybox-arm64/bin/busybox')];
  const found = candidates.find((p) => existsSync(p) && elfMachine(p) === EM.aarch64);
  if (found) out.aarch64 = { path: found };
  else {
    const why = r.error ? r.error.message : `exit ${r.status ?? r.signal}: ${(r.stderr ?? '').trim().split('\n').pop() ?? ''}`;
    out.aarch64 = { error: `no arm64 busybox: tests/fetch-busybox-arm64.sh gave none (${why})` };
  }
  return out;
}
