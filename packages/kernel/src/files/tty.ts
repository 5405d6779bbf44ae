// Terminal ioctls answered for host stdio streams that are terminals. The host's termios can't
// be read from Node, so TCGETS answers the settings of a fresh Linux terminal (cooked mode).

/** Same numbers on x86-64 and aarch64 (asm-generic/ioctls.h). */
export const IOCTL_TCGETS = 0x5401;
export const IOCTL_TCSETS = 0x5402;
export const IOCTL_TCSETSW = 0x5403;
export const IOCTL_TCSETSF = 0x5404;
export const IOCTL_TIOCSWINSZ = 0x5414;
export const IOCTL_TIOCSPGRP = 0x5410;
export const IOCTL_FIONBIO = 0x5421;
export const IOCTL_FIONCLEX = 0x5450;
export const IOCTL_FIOCLEX = 0x5451;
export const IOCTL_TIOCGWINSZ = 0x5413;
export const IOCTL_TIOCGPGRP = 0x540f;
export const IOCTL_FIONREAD = 0x541b;

/** struct termios (kernel's, NCCS = 19): 4 x u32 flags, c_line, c_cc[19]; 36 bytes. */
export function defaultTermios(): Uint8Array {
  const b = new Uint8Array(36);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, 0x0500, true); // c_iflag: ICRNL | IXON
  dv.setUint32(4, 0x0005, true); // c_oflag: OPOST | ONLCR
  dv.setUint32(8, 0x00bf, true); // c_cflag: B38400 | CS8 | CREAD
  dv.setUint32(12, 0x8a3b, true); // c_lflag: ISIG ICANON ECHO ECHOE ECHOK IEXTEN ECHOCTL ECHOKE
  b[16] = 0; // c_line
  const cc = [3, 0x1c, 0x7f, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1a, 0, 0x12, 0x0f, 0x17, 0x16, 0];
  b.set(cc, 17);
  return b;
}

/** struct winsize: ws_row, ws_col, ws_xpixel, ws_ypixel (u16 each). */
export function encodeWinsize(rows: number, cols: number): Uint8Array {
  const b = new Uint8Array(8);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, rows, true);
  dv.setUint16(2, cols, true);
  return b;
}
