// execve: find the image (following `#!` lines as Linux does), load it into a fresh MM, and
// only then replace the calling process's image: other threads end, FD_CLOEXEC descriptors
// close, handled signals reset to SIG_DFL (ignored ones stay ignored), the pid stays.
import * as fs from 'node:fs';
import type { Arch, CpuBackend } from '@elfbox/cpu';
import { ElfError, parseElf, type ElfFile } from '@elfbox/elf';
import { loadProgram, type Program } from './api.js';
import { archAdapter } from './arch.js';
import { Block, NO_RETURN, type SyscallResult } from './block.js';
import { Errno, SysError } from './errors.js';
import type { Kernel } from './kernel.js';
import { MM, MMAP_TOP, PIE_BASE, STACK_TOP } from './mm.js';
import { describeImages } from './mm/images.js';
import { releaseMm, vforkDone } from './process.js';
import type { Task } from './task.js';

/** Linux's limits: one argument string, and every string (a quarter of the 8 MiB stack). */
export const MAX_ARG_STRLEN = 131072;
export const ARG_MAX = 2 * 1024 * 1024;
/** The bytes of the file Linux looks at for `#!` (BINPRM_BUF_SIZE) and how deep scripts nest. */
const BINPRM_BUF_SIZE = 256;
const MAX_RECURSION = 4;

export interface ExecImage {
  prog: Program;
  argv: string[];
  /** The filename as execve got it (AT_EXECFN, /proc/self/comm's source). */
  filename: string;
  /** Host files of the executable and its interpreter (for /proc/<pid>/maps' device and inode). */
  exeHost?: string;
  interpHost?: string;
}

/** A file to execute: must exist, be a regular file and executable (EACCES otherwise). */
function openExec(k: Kernel, cwd: string, p: string, follow: boolean): { host: string; guest: string; bytes: Uint8Array } {
  const r = k.vfs.resolve(cwd, p, follow);
  if (!r.exists) throw new SysError(Errno.ENOENT);
  if (r.isLink) throw new SysError(Errno.ELOOP);
  if (r.special || r.isDir) throw new SysError(Errno.EACCES);
  let st: fs.Stats;
  try { st = fs.statSync(r.host); } catch { throw new SysError(Errno.ENOENT); }
  if (!st.isFile() || (st.mode & 0o111) === 0) throw new SysError(Errno.EACCES);
  try { fs.accessSync(r.host, fs.constants.X_OK); } catch { throw new SysError(Errno.EACCES); }
  let bytes: Uint8Array;
  try { bytes = new Uint8Array(fs.readFileSync(r.host)); } catch { throw new SysError(Errno.EACCES); }
  return { host: r.host, guest: r.guest, bytes };
}

/**
 * Linux's `#!` rules (fs/binfmt_script.c): the line ends at the first newline within the first
 * 256 bytes; the interpreter is the first word after `#!` (spaces and tabs skipped); everything
 * after it, trimmed, is ONE optional argument. A line with no newline that fills the buffer is
 * ENOEXEC when the interpreter name would be cut.
 */
export function parseShebang(head: Uint8Array): { interp: string; arg?: string } {
  const buf = head.subarray(0, BINPRM_BUF_SIZE);
  let end = buf.indexOf(0x0a);
  const cut = end < 0;
  if (cut) end = buf.length;
  const line = new TextDecoder('latin1').decode(buf.subarray(2, end));
  const s = line.replace(/^[ \t]+/, '').replace(/[ \t\r\0]+$/, '');
  const m = /^([^ \t]*)(?:[ \t]+(.*))?$/.exec(s)!;
  const interp = m[1];
  if (!interp) throw new SysError(Errno.ENOEXEC);
  if (cut && head.length > BINPRM_BUF_SIZE && m[2] === undefined) throw new SysError(Errno.ENOEXEC);
  const arg = m[2]?.replace(/[ \t]+$/, '');
  return arg ? { interp, arg } : { interp };
}

function parse(bytes: Uint8Array): ElfFile {
  try {
    return parseElf(bytes);
  } catch (e) {
    if (e instanceof ElfError) throw new SysError(e.errno || Errno.ENOEXEC);
    throw e;
  }
}

/** Finds what to run for execve(path, argv): an ELF (and its interpreter) after any `#!` lines. */
export function resolveImage(k: Kernel, cwd: string, path: string, argv: string[], follow = true, depth = 0): ExecImage {
  const f = openExec(k, cwd, path, follow);
  const b = f.bytes;
  if (b.length >= 2 && b[0] === 0x23 && b[1] === 0x21) {
    if (depth >= MAX_RECURSION) throw new SysError(Errno.ELOOP);
    const sb = parseShebang(b);
    const nargv = [sb.interp, ...(sb.arg !== undefined ? [sb.arg] : []), path, ...argv.slice(1)];
    const img = resolveImage(k, cwd, sb.interp, nargv, true, depth + 1);
    return { ...img, filename: depth === 0 ? path : img.filename };
  }
  if (!(b.length >= 4 && b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46)) throw new SysError(Errno.ENOEXEC);
  const exe = parse(b);
  const prog: Program = { exe, exePath: f.guest };
  let interpHost: string | undefined;
  if (exe.interp) {
    let ib: Uint8Array;
    try { const i = openExec(k, '/', exe.interp, true); ib = i.bytes; interpHost = i.host; } catch (e) {
      if (e instanceof SysError && e.errno === Errno.EACCES) throw e;
      throw new SysError(Errno.ENOENT);
    }
    const interp = parse(ib);
    if (interp.machine !== exe.machine) throw new SysError(Errno.ELIBBAD);
    prog.interp = interp;
    prog.interpPath = exe.interp;
  }
  return { prog, argv, filename: path, exeHost: f.host, interpHost };
}

/** The backend that runs arch: one already in use, else the run's resolver (async: a Block). */
export function backendFor(k: Kernel, arch: Arch): CpuBackend | Promise<CpuBackend> | undefined {
  const have = k.backends.get(arch) ?? [...k.backends.values()].find((b) => b.arches.includes(arch));
  if (have) return have;
  return k.backendResolver?.(arch);
}

/** Replaces t's process image with img (the caller checked everything that can fail first). */
export function execImage(k: Kernel, t: Task, img: ExecImage, envp: string[], onCommit?: (execfnAddr: number) => void): SyscallResult {
  const arch = img.prog.exe.machine;
  const be = backendFor(k, arch);
  if (!be) throw new SysError(Errno.ENOEXEC);
  if (be instanceof Promise) {
    // Load the other arch's CPU first, then try the whole exec again.
    let got: CpuBackend | undefined;
    const p = be.then((b) => { got = b; k.backends.set(arch, b); }, () => undefined);
    return new Block(() => (got ? execImage(k, t, img, envp, onCommit) : -Errno.ENOEXEC), { promise: p, what: 'execve: loading CPU', restart: 'restart' });
  }
  const tg = t.tg;
  const mm = new MM();
  mm.limit = tg.mm.limit;
  mm.vdso = tg.mm.vdso;
  if (tg.mm.randomized || tg.mm.stackTop !== STACK_TOP || tg.mm.pieBase !== PIE_BASE || tg.mm.mmapTop + tg.mm.stackReserve !== MMAP_TOP) {
    // the old image was laid out at random: so is the new one (from the run's random source)
    mm.randomize((n) => { const b = new Uint8Array(4); k.random(b); return new DataView(b.buffer).getUint32(0, true) % n; });
  }
  mm.reserveStack(Number(tg.rlimits.get(3 /* RLIMIT_STACK */)?.[0] ?? 0)); // room for the stack to grow to its limit
  const random = new Uint8Array(16);
  k.random(random);
  let res;
  try {
    res = loadProgram(mm, img.prog, img.argv, envp, img.filename, be, k.creds, random);
  } catch (e) {
    if (e instanceof ElfError) throw new SysError(e.errno || Errno.ENOEXEC);
    throw e;
  }
  describeImages(mm, [
    { elf: img.prog.exe, bias: res.exeBase, name: img.prog.exePath, hostPath: img.exeHost, root: k.vfs.root },
    ...(img.prog.interp ? [{ elf: img.prog.interp, bias: res.interpBase, name: img.prog.interpPath!, hostPath: img.interpHost, root: k.vfs.root }] : []),
  ]);
  // ---- the point of no return ----
  for (const o of [...tg.tasks]) {
    if (o === t) continue;
    o.exited = true;
    o.block = undefined;
    tg.tasks.delete(o);
    k.tasks.delete(o.tid);
  }
  const old = tg.mm;
  if (old.onCpu === t || (old.onCpu && (old.onCpu as Task).tg === tg)) old.onCpu = undefined;
  tg.mm = mm;
  tg.arch = archAdapter(arch);
  mm.cpu = be.create(arch, mm.mem, k.dispatcher(arch));
  k.backends.set(arch, be);
  releaseMm(k, tg, old);
  const others = [...k.groups.values()].filter((g) => g !== tg && g.alive);
  if (others.some((g) => g.fds === tg.fds)) tg.fds = tg.fds.clone();
  tg.fds.closeOnExec();
  if (others.some((g) => g.sighand === tg.sighand)) tg.sighand = tg.sighand.clone();
  for (const a of tg.sighand.actions) {
    if (a.handler > 1n) { a.handler = 0n; a.flags = 0n; a.restorer = 0n; a.mask = 0n; }
  }
  t.altstack = undefined;
  t.clearChildTid = 0n;
  t.robustList = 0n;
  tg.exePath = img.prog.exePath;
  tg.argv = img.argv;
  tg.envp = envp;
  tg.auxv = res.auxv;
  tg.execed = true;
  const base = img.filename.split('/').pop() ?? '';
  t.comm = new TextEncoder().encode(base).slice(0, 15);
  k.setEntry(t, res.entry, res.sp);
  vforkDone(tg);
  onCommit?.(res.execfnAddr);
  return NO_RETURN;
}
