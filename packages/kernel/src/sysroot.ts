// Sysroots for programs of another architecture (qemu-user's -L): the library directories of a
// sysroot are mounted read-only over the guest's /lib, /lib64 and /usr/lib, so PT_INTERP
// (/lib/ld-linux-aarch64.so.1) and the libraries ld.so opens come from it while every other
// path is the host's (or --root's). Without --sysroot, an aarch64 program whose interpreter is
// missing gets the cross toolchain's libraries (/usr/aarch64-linux-gnu) when they are installed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseElf } from '@elfbox/elf';

export interface SysrootMount { host: string; guest: string; ro: boolean }

const AUTO: Record<string, string> = { aarch64: '/usr/aarch64-linux-gnu' };
const LIB_DIRS = ['lib', 'lib64', 'usr/lib', 'usr/lib64'];

/** Mounts for an explicit sysroot directory. */
export function sysrootMounts(sysroot: string): SysrootMount[] {
  const out: SysrootMount[] = [];
  for (const d of LIB_DIRS) {
    const h = path.join(sysroot, d);
    try {
      if (fs.statSync(h).isDirectory()) out.push({ host: fs.realpathSync(h), guest: '/' + d, ro: true });
    } catch { /* not in this sysroot */ }
  }
  return out;
}

/**
 * The sysroot a program needs when none was given: only for a dynamically linked program of a
 * foreign arch whose interpreter is not under root. undefined when none applies.
 */
export function autoSysroot(bytes: Uint8Array, root: string): string | undefined {
  let f;
  try { f = parseElf(bytes); } catch { return undefined; }
  if (!f.interp || f.machine === hostArch()) return undefined;
  if (fs.existsSync(path.join(root, f.interp))) {
    try {
      const b = fs.readFileSync(path.join(root, f.interp));
      if (parseElf(new Uint8Array(b)).machine === f.machine) return undefined;
    } catch { /* fall through to the sysroot */ }
  }
  const dir = AUTO[f.machine];
  return dir && fs.existsSync(path.join(dir, 'lib', path.basename(f.interp))) ? dir : undefined;
}

function hostArch(): string {
  return process.arch === 'x64' ? 'x86_64' : process.arch === 'arm64' ? 'aarch64' : process.arch;
}
