import { describe, expect, it } from 'vitest';
import { array, bytes, decodeStruct, encodeStruct, pad, struct, union } from './layout.js';
import { structLayouts } from './structs.js';

describe('struct builder follows C layout rules', () => {
  it('aligns each member naturally and rounds the size to the struct alignment', () => {
    const s = struct('t', [['a', 'u8'], ['b', 'u32'], ['c', 'u16'], ['d', 'u64'], ['e', 'u8']]);
    expect(Object.fromEntries(Object.entries(s.fields).map(([k, f]) => [k, f.offset]))).toEqual({ a: 0, b: 4, c: 8, d: 16, e: 24 });
    expect([s.size, s.align]).toEqual([32, 8]);
  });

  it('packed removes padding; align raises the alignment', () => {
    const p = struct('p', [['a', 'u32'], ['b', 'u64']], { packed: true });
    expect([p.fields.b!.offset, p.size, p.align]).toEqual([4, 12, 1]);
    const a = struct('a', [['x', 'u32']], { align: 32 });
    expect([a.size, a.align]).toEqual([32, 32]);
  });

  it('flattens nested structs and arrays into C designators', () => {
    const inner = struct('in', [['lo', 'u32'], ['hi', 'u32']]);
    const s = struct('s', [['n', 'u16'], ['pair', inner], ['v', array('u16', 3)], ['name', bytes(5)]]);
    expect(s.fields['pair.lo']!.offset).toBe(4);
    expect(s.fields['pair.hi']!.offset).toBe(8);
    expect([s.fields['v[0]']!.offset, s.fields['v[2]']!.offset]).toEqual([12, 16]);
    expect(s.fields.name).toEqual({ offset: 18, size: 5, type: 'bytes' });
    expect(s.size).toBe(24);
  });

  it('places union alternatives at one offset sized by the largest', () => {
    const s = struct('u', [['tag', 'u32'], union([['i', 'i32']], [['p', 'u64']], [pad(20)])]);
    expect([s.fields.i!.offset, s.fields.p!.offset]).toEqual([8, 8]);
    expect(s.size).toBe(32);
  });

  it('rejects one name declared at two places', () => {
    expect(() => struct('bad', [union([['x', 'u32']], [['y', 'u32'], ['x', 'u32']])])).toThrow(/declared twice/);
  });
});

describe('encodeStruct / decodeStruct', () => {
  const L = structLayouts('x86_64');

  it('round-trips stat with 64-bit and 32-bit fields', () => {
    const values = {
      st_dev: 0x803n, st_ino: 0x1234_5678_9abc_def0n, st_nlink: 2n, st_mode: 0o100644, st_uid: 1000, st_gid: 1000,
      st_rdev: 0n, st_size: -1n, st_blksize: 4096n, st_blocks: 8n, st_atime: 1_700_000_000n, st_atime_nsec: 999_999_999n,
      st_mtime: 0n, st_mtime_nsec: 0n, st_ctime: 0n, st_ctime_nsec: 0n,
    };
    const buf = encodeStruct(L.stat, values);
    expect(buf.length).toBe(144);
    expect(decodeStruct(L.stat, new DataView(buf.buffer))).toEqual(values);
    // little-endian, at the header's offsets
    const dv = new DataView(buf.buffer);
    expect(dv.getUint32(24, true)).toBe(0o100644);
    expect(dv.getBigInt64(48, true)).toBe(-1n);
  });

  it('aarch64 stat puts the same values at other offsets', () => {
    const a = structLayouts('aarch64').stat;
    const buf = encodeStruct(a, { st_mode: 0o40755, st_nlink: 3, st_blksize: 4096, st_size: 5n });
    const dv = new DataView(buf.buffer);
    expect([dv.getUint32(16, true), dv.getUint32(20, true), dv.getInt32(56, true)]).toEqual([0o40755, 3, 4096]);
    expect(dv.getBigInt64(48, true)).toBe(5n);
  });

  it('zeroes padding and unnamed fields when writing into existing memory', () => {
    const mem = new Uint8Array(64).fill(0xaa);
    const dv = new DataView(mem.buffer);
    encodeStruct(L.pollfd, { fd: -1, events: 1 }, dv, 8);
    expect([...mem.subarray(0, 8)]).toEqual(Array(8).fill(0xaa));
    expect([...mem.subarray(8, 16)]).toEqual([0xff, 0xff, 0xff, 0xff, 1, 0, 0, 0]);
    expect([...mem.subarray(16, 24)]).toEqual(Array(8).fill(0xaa));
    expect(decodeStruct(L.pollfd, dv, 8)).toEqual({ fd: -1, events: 1, revents: 0 });
  });

  it('wraps narrow fields like a C cast and reads signed fields back signed', () => {
    const b = encodeStruct(L.ucred, { pid: -5, uid: -1, gid: 0x1_0000_0002 });
    expect(decodeStruct(L.ucred, new DataView(b.buffer))).toEqual({ pid: -5, uid: 0xffffffff, gid: 2 });
    const w = encodeStruct(L.timespec, { tv_sec: -2, tv_nsec: 5n });
    expect(decodeStruct(L.timespec, new DataView(w.buffer))).toEqual({ tv_sec: -2n, tv_nsec: 5n });
  });

  it('writes network-order ports and byte arrays', () => {
    const b = encodeStruct(L.sockaddr_in, { sin_family: 2, sin_port: 8080, sin_addr: new Uint8Array([127, 0, 0, 1]) });
    expect([...b]).toEqual([2, 0, 0x1f, 0x90, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(decodeStruct(L.sockaddr_in, new DataView(b.buffer))).toEqual({ sin_family: 2, sin_port: 8080, sin_addr: new Uint8Array([127, 0, 0, 1]) });
    const u = encodeStruct(L.utsname, { sysname: new TextEncoder().encode('Linux') });
    expect(new TextDecoder().decode((decodeStruct(L.utsname, new DataView(u.buffer)).sysname as Uint8Array).subarray(0, 6))).toBe('Linux\0');
  });

  it('x86-64 epoll_event is packed: data at offset 4', () => {
    const b = encodeStruct(L.epoll_event, { events: 1, data: 0x1122334455667788n });
    expect(b.length).toBe(12);
    expect(new DataView(b.buffer).getBigUint64(4, true)).toBe(0x1122334455667788n);
  });

  it('siginfo for SIGCHLD', () => {
    const s = L.siginfo;
    const b = encodeStruct(s, { si_signo: 17, si_code: 1, si_pid: 42, si_uid: 1000, si_status: 3, si_utime: 7n, si_stime: 8n });
    const d = decodeStruct(s, new DataView(b.buffer));
    expect([d.si_signo, d.si_errno, d.si_code, d.si_pid, d.si_uid, d.si_status, d.si_utime]).toEqual([17, 0, 1, 42, 1000, 3, 7n]);
    expect(s.fields.si_addr!.offset).toBe(16);
  });

  it('rejects unknown fields, non-integers, oversized byte arrays and out-of-bounds offsets', () => {
    expect(() => encodeStruct(L.timespec, { tv_secs: 1 })).toThrow(TypeError);
    expect(() => encodeStruct(L.timespec, { tv_sec: 1.5 })).toThrow(TypeError);
    expect(() => encodeStruct(L.pollfd, { fd: 2n ** 40n })).not.toThrow();
    expect(() => encodeStruct(L.utsname, { sysname: new Uint8Array(66) })).toThrow(RangeError);
    expect(() => encodeStruct(L.utsname, { sysname: 5 })).toThrow(TypeError);
    expect(() => encodeStruct(L.timespec, {}, new DataView(new ArrayBuffer(20)), 8)).toThrow(RangeError);
    expect(() => decodeStruct(L.timespec, new DataView(new ArrayBuffer(15)))).toThrow(RangeError);
    expect(() => decodeStruct(L.timespec, new DataView(new ArrayBuffer(16)), -1)).toThrow(RangeError);
  });

  it('decodes from a DataView that starts inside its buffer', () => {
    const mem = new Uint8Array(40);
    const view = new DataView(mem.buffer, 8, 32);
    encodeStruct(L.iovec, { iov_base: 0x1000n, iov_len: 3n }, view, 16);
    expect(new DataView(mem.buffer).getBigUint64(24, true)).toBe(0x1000n);
    expect(decodeStruct(L.iovec, view, 16)).toEqual({ iov_base: 0x1000n, iov_len: 3n });
  });
});
