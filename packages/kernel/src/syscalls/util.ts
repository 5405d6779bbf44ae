// Helpers shared by the handler families: struct encoding through @elfbox/abi's layouts, fd and
// dirfd lookups.
import { AT, decodeStruct, encodeStruct, structLayouts, type StructLayouts, type StructValues } from '@elfbox/abi';
import { Errno, SysError } from '../errors.js';
import { HostDir } from '../files/host.js';
import type { FileDescription, StatInfo } from '../files/file.js';
import type { Call } from './types.js';

export type LayoutName = keyof StructLayouts;

export function layouts(c: Call): StructLayouts {
  return structLayouts(c.tg.arch.arch);
}

/** Encodes values as the arch's struct `name` and writes it at addr (EFAULT on a bad pointer). */
export function putStruct(c: Call, name: LayoutName, addr: number, values: StructValues): void {
  c.write(addr, encodeStruct(layouts(c)[name], values));
}

export function getStruct(c: Call, name: LayoutName, addr: number): StructValues {
  const l = layouts(c)[name];
  const b = c.read(addr, l.size);
  return decodeStruct(l, new DataView(b.buffer, b.byteOffset, b.byteLength), 0);
}

export function fileOf(c: Call, argIndex: number): FileDescription {
  return c.tg.fds.get(c.i32(argIndex));
}

/** The guest directory a *at() path is relative to: the cwd for AT_FDCWD, else the dirfd's path. */
export function dirStart(c: Call, dirfdArg: number, path: string): string {
  if (path.startsWith('/')) return '/';
  const dirfd = c.i32(dirfdArg);
  if (dirfd === AT.AT_FDCWD) return c.tg.fs.cwd;
  const f = c.tg.fds.get(dirfd);
  if (path !== '' && !(f instanceof HostDir || f.isDirectory)) throw new SysError(Errno.ENOTDIR);
  return f.path;
}

const sec = (ns: bigint) => ns / 1_000_000_000n;
const nsec = (ns: bigint) => ns % 1_000_000_000n;

export function statValues(st: StatInfo): StructValues {
  return {
    st_dev: st.dev, st_ino: st.ino, st_nlink: st.nlink, st_mode: st.mode, st_uid: st.uid, st_gid: st.gid,
    st_rdev: st.rdev, st_size: st.size, st_blksize: st.blksize, st_blocks: st.blocks,
    st_atime: sec(st.atimeNs), st_atime_nsec: nsec(st.atimeNs),
    st_mtime: sec(st.mtimeNs), st_mtime_nsec: nsec(st.mtimeNs),
    st_ctime: sec(st.ctimeNs), st_ctime_nsec: nsec(st.ctimeNs),
  };
}

/** Reads an iovec array (count entries) as [base, len] pairs. */
export function readIovecs(c: Call, addr: number, count: number): Array<[number, number]> {
  if (count < 0 || count > 1024) throw new SysError(Errno.EINVAL);
  const out: Array<[number, number]> = [];
  let total = 0;
  for (let i = 0; i < count; i++) {
    const base = c.mem.readU64Num(addr + i * 16);
    const len = c.mem.readU64Num(addr + i * 16 + 8);
    total += len;
    if (len > 0x7fff_ffff || total > 0x7fff_f000 * 2) throw new SysError(Errno.EINVAL);
    out.push([base, len]);
  }
  return out;
}

/** Linux caps one read/write at MAX_RW_COUNT (INT_MAX rounded down to a page). */
export const MAX_RW_COUNT = 0x7fff_f000;
