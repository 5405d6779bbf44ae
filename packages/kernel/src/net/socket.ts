// The socket file description: what AF_UNIX (unix.ts) and AF_INET/AF_INET6 (inet.ts) sockets
// share. read/write are recv/send without flags; poll/watch go through a WaitQueue that the
// socket notifies on every state change (data, connection, close), so poll/select/epoll and
// blocking calls wait the same way.
import { Errno, SysError } from '../errors.js';
import { Block } from '../block.js';
import {
  FileDescription, S_IFSOCK, makedev, synthStat, type IoctlIo, type ReadResult, type StatInfo, type WriteResult,
} from '../files/file.js';
import { IOCTL_FIONREAD } from '../files/tty.js';
import { WaitQueue } from '../files/waitqueue.js';
import type { SockAddr } from './addr.js';

export const SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_SEQPACKET = 5;
export const O_NONBLOCK = 0o4000;
export const MSG_PEEK = 0x2, MSG_TRUNC = 0x20, MSG_DONTWAIT = 0x40, MSG_WAITALL = 0x100, MSG_NOSIGNAL = 0x4000, MSG_CTRUNC = 0x8;
export const SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2;

let nextSockIno = 20000;

/** A value now, or a Block whose retry may block again. */
export type Later<T> = T | Block<Later<T>>;

/** A message (or, for streams, a run of bytes) with what travels beside it. */
export interface SockMsg {
  data: Uint8Array;
  /** SCM_RIGHTS: descriptions carried (one reference each, held by the message). */
  rights?: FileDescription[];
  /** SCM_CREDENTIALS of the sender. */
  creds?: { pid: number; uid: number; gid: number };
  /** The sender's address (datagrams). */
  from?: SockAddr;
}

export interface RecvResult {
  data: Uint8Array;
  /** The message's full length (MSG_TRUNC when larger than data). */
  full: number;
  rights?: FileDescription[];
  creds?: { pid: number; uid: number; gid: number };
  from?: SockAddr;
}

export interface SendOpts {
  flags: number;
  to?: SockAddr;
  /** AF_UNIX: the registry key of `to` (the resolved path, or '@' + the abstract name). */
  toKey?: string;
  rights?: FileDescription[];
  creds?: { pid: number; uid: number; gid: number };
  /** Whether the send may wait (not O_NONBLOCK / MSG_DONTWAIT). */
  block: boolean;
}

export abstract class Socket extends FileDescription {
  readonly ino = nextSockIno++;
  readonly queue = new WaitQueue();
  /** Integer options as set (SOL_SOCKET/IPPROTO_TCP/...), keyed `level:name`. */
  readonly opts = new Map<string, number>();
  lingerOn = 0;
  lingerSecs = 0;
  rcvTimeoMs = 0;
  sndTimeoMs = 0;
  /** SO_ERROR: an asynchronous error (a refused non-blocking connect), cleared when read. */
  pendingError = 0;
  shutRd = false;
  shutWr = false;
  listening = false;

  constructor(readonly domain: number, readonly type: number, readonly protocol: number, flags: number) {
    super((flags & O_NONBLOCK) | 2, '');
    this.path = `socket:[${this.ino}]`;
  }

  get nonblock(): boolean { return (this.flags & O_NONBLOCK) !== 0; }

  abstract bind(addr: SockAddr, key?: string): Later<number>;
  abstract listen(backlog: number): Later<number>;
  abstract accept(nonblock: boolean): Later<Socket>;
  /** Returns 0, or a Block (blocking connect), or throws EINPROGRESS for a non-blocking one. */
  abstract connect(addr: SockAddr, key?: string): Later<number>;
  abstract send(data: Uint8Array, o: SendOpts): WriteResult;
  abstract recv(len: number, flags: number, block: boolean): Later<RecvResult>;
  abstract localName(): SockAddr;
  /** The peer's address; ENOTCONN when there is none. */
  abstract peerName(): SockAddr;
  abstract shutdown(how: number): void;
  /** Bytes ready to read (FIONREAD / SIOCINQ). */
  abstract available(): number;

  override read(len: number): ReadResult {
    const r = this.recv(len, 0, !this.nonblock);
    return r instanceof Block ? (r.then((v) => v.data) as ReadResult) : r.data;
  }

  override write(data: Uint8Array): WriteResult {
    return this.send(data, { flags: 0, block: !this.nonblock });
  }

  override watch(wake: () => void): () => void { return this.queue.watch(wake); }

  override ioctl(req: number, arg: bigint, io: IoctlIo): number {
    if (req === IOCTL_FIONREAD) {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setInt32(0, this.available(), true);
      io.writeBytes(arg, b);
      return 0;
    }
    return super.ioctl(req, arg, io);
  }

  override stat(): StatInfo {
    return synthStat(S_IFSOCK | 0o777, this.ino, { dev: makedev(0, 8), blksize: 4096 });
  }

  override sync(): void { throw new SysError(Errno.EINVAL); }
}

