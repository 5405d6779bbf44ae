// The `#!` line rules of exec.ts (Linux's fs/binfmt_script.c), without a CPU.
import { describe, expect, it } from 'vitest';
import { parseShebang } from '../../src/exec.js';
import { SysError } from '../../src/errors.js';

const enc = (s: string) => new TextEncoder().encode(s);
const errnoOf = (f: () => unknown): number | undefined => {
  try { f(); } catch (e) { if (e instanceof SysError) return e.errno; throw e; }
  return undefined;
};

describe('parseShebang', () => {
  it('takes the first word as the interpreter and the rest of the line, trimmed, as one argument', () => {
    expect(parseShebang(enc('#!/bin/sh\necho'))).toEqual({ interp: '/bin/sh' });
    expect(parseShebang(enc('#! /usr/bin/env  python3 -u  \n'))).toEqual({ interp: '/usr/bin/env', arg: 'python3 -u' });
    expect(parseShebang(enc('#!\t/bin/awk -f\r\n'))).toEqual({ interp: '/bin/awk', arg: '-f' });
    expect(parseShebang(enc('#!/bin/sh'))).toEqual({ interp: '/bin/sh' }); // no newline, short file
  });

  it('an empty interpreter is ENOEXEC; a line longer than 256 bytes keeps its first 256', () => {
    expect(errnoOf(() => parseShebang(enc('#!   \n')))).toBe(8);
    expect(errnoOf(() => parseShebang(enc('#!\n')))).toBe(8);
    const long = '#!/bin/sh ' + 'x'.repeat(300) + '\n';
    expect(parseShebang(enc(long))).toEqual({ interp: '/bin/sh', arg: 'x'.repeat(256 - 10) });
    // the interpreter name itself cut by the buffer: ENOEXEC
    expect(errnoOf(() => parseShebang(enc('#!/' + 'a'.repeat(300))))).toBe(8);
  });
});
