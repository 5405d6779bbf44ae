// Socket addresses as the kernel keeps them, and their encoding to and from the guest's
// struct sockaddr_{un,in,in6} bytes (same layout on x86-64 and aarch64).
import { Errno, SysError } from '../errors.js';

export const AF_UNSPEC = 0, AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10;

export type SockAddr =
  /** name: sun_path's bytes; empty = unnamed; a leading 0 byte = the abstract namespace. */
  | { family: typeof AF_UNIX; name: Uint8Array }
  | { family: typeof AF_INET; host: string; port: number }
  | { family: typeof AF_INET6; host: string; port: number; flowinfo: number; scope: number };

const dec = new TextDecoder('latin1');

/** Parses a guest sockaddr of len bytes (EINVAL for a short or malformed one). */
export function decodeSockAddr(b: Uint8Array, expect?: number): SockAddr | { family: typeof AF_UNSPEC } {
  if (b.length < 2) throw new SysError(Errno.EINVAL);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const family = dv.getUint16(0, true);
  if (family === AF_UNSPEC) return { family: AF_UNSPEC };
  if (expect !== undefined && family !== expect) throw new SysError(expect === AF_UNIX ? Errno.EINVAL : Errno.EAFNOSUPPORT);
  switch (family) {
    case AF_UNIX: {
      if (b.length > 110) throw new SysError(Errno.EINVAL);
      let name = b.slice(2);
      if (name.length && name[0] !== 0) {
        const z = name.indexOf(0);
        if (z >= 0) name = name.slice(0, z);
      }
      return { family: AF_UNIX, name };
    }
    case AF_INET:
      if (b.length < 16) throw new SysError(Errno.EINVAL);
      return { family: AF_INET, port: dv.getUint16(2, false), host: `${b[4]}.${b[5]}.${b[6]}.${b[7]}` };
    case AF_INET6: {
      if (b.length < 24) throw new SysError(Errno.EINVAL);
      return { family: AF_INET6, port: dv.getUint16(2, false), flowinfo: dv.getUint32(4, false), host: ip6ToString(b.subarray(8, 24)), scope: b.length >= 28 ? dv.getUint32(24, true) : 0 };
    }
    default:
      throw new SysError(Errno.EAFNOSUPPORT);
  }
}

/** The guest bytes of an address (the full struct length Linux returns). */
export function encodeSockAddr(a: SockAddr): Uint8Array {
  if (a.family === AF_UNIX) {
    const out = new Uint8Array(2 + a.name.length + (a.name.length && a.name[0] !== 0 ? 1 : 0));
    out[0] = AF_UNIX;
    out.set(a.name, 2);
    return out;
  }
  if (a.family === AF_INET) {
    const out = new Uint8Array(16);
    const dv = new DataView(out.buffer);
    dv.setUint16(0, AF_INET, true);
    dv.setUint16(2, a.port, false);
    out.set(ip4Bytes(a.host), 4);
    return out;
  }
  const out = new Uint8Array(28);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, AF_INET6, true);
  dv.setUint16(2, a.port, false);
  dv.setUint32(4, a.flowinfo, false);
  out.set(ip6Bytes(a.host), 8);
  dv.setUint32(24, a.scope, true);
  return out;
}

export function ip4Bytes(host: string): Uint8Array {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host.replace(/^::ffff:/i, ''));
  return m ? new Uint8Array([+m[1], +m[2], +m[3], +m[4]]) : new Uint8Array(4);
}

export function ip6ToString(b: Uint8Array): string {
  const w: number[] = [];
  for (let i = 0; i < 16; i += 2) w.push((b[i] << 8) | b[i + 1]);
  if (w.slice(0, 5).every((x) => x === 0) && w[5] === 0xffff) return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  // Longest run of zero words becomes '::'.
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = (a: number[]) => a.map((x) => x.toString(16)).join(':');
  return best < 0 ? hex(w) : `${hex(w.slice(0, best))}::${hex(w.slice(best + bestLen))}`;
}

export function ip6Bytes(host: string): Uint8Array {
  const out = new Uint8Array(16);
  let h = host.replace(/%.*$/, '');
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(h);
  let tail: number[] = [];
  if (v4) {
    const b = ip4Bytes(v4[1]);
    tail = [(b[0] << 8) | b[1], (b[2] << 8) | b[3]];
    h = h.slice(0, -v4[1].length).replace(/:$/, '') || '';
    if (h.endsWith(':')) h += ':';
  }
  const [l, r] = h.includes('::') ? h.split('::') : [h, undefined];
  const parse = (s: string) => (s ? s.split(':').filter((x) => x !== '').map((x) => parseInt(x, 16)) : []);
  const left = parse(l), right = [...parse(r ?? ''), ...tail];
  const words = r === undefined && !h.includes('::') ? [...left, ...tail] : [...left, ...new Array(8 - left.length - right.length).fill(0), ...right];
  for (let i = 0; i < 8; i++) { out[i * 2] = (words[i] ?? 0) >> 8; out[i * 2 + 1] = (words[i] ?? 0) & 0xff; }
  return out;
}

export function isLoopback(a: SockAddr): boolean {
  if (a.family === AF_INET) return a.host.startsWith('127.');
  if (a.family === AF_INET6) return a.host === '::1' || /^::ffff:127\./i.test(a.host);
  return true;
}

export function isAnyAddr(a: SockAddr): boolean {
  return a.family === AF_INET ? a.host === '0.0.0.0' : a.family === AF_INET6 ? a.host === '::' : false;
}

/** Node's address strings back into a SockAddr of the socket's family. */
export function fromNode(family: number, host: string | undefined, port: number | undefined): SockAddr {
  if (family === AF_INET) return { family: AF_INET, host: (host ?? '0.0.0.0').replace(/^::ffff:/i, ''), port: port ?? 0 };
  let h = host ?? '::';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(h)) h = `::ffff:${h}`;
  return { family: AF_INET6, host: h === '::' ? '::' : ip6ToString(ip6Bytes(h)), port: port ?? 0, flowinfo: 0, scope: 0 };
}
