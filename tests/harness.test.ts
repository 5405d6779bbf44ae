// Unit tests of the whole-program harness itself (tests/lib/harness.ts): the comparison must
// report the first differing byte and line, and exit-status / signal differences.
import { describe, expect, it } from 'vitest';
import { compareRuns, describeDifference } from './lib/harness.js';

const B = (s: string) => Buffer.from(s, 'latin1');

describe('describeDifference', () => {
  it('is null for identical outputs', () => {
    expect(describeDifference(B('a\nb\n'), B('a\nb\n'))).toBeNull();
  });
  it('names the byte, line and both lines at the first difference', () => {
    const d = describeDifference(B('one\ntwo\nthree\n'), B('one\ntwX\nthree\n'))!;
    expect(d).toContain('byte 6 (line 2)');
    expect(d).toContain('expected line: "two"');
    expect(d).toContain('got line:      "twX"');
  });
  it('reports truncated output', () => {
    const d = describeDifference(B('abc\ndef\n'), B('abc\n'))!;
    expect(d).toContain('expected 8 bytes, got 4');
    expect(d).toContain('line 2');
  });
});

describe('compareRuns', () => {
  const run = (status: number, out: string, signal?: number) => ({ status, signal, stdout: B(out), stderr: B('') });
  it('accepts equal status and stdout', () => {
    expect(compareRuns(run(0, 'x'), run(0, 'x'))).toBeNull();
  });
  it('reports a different exit status', () => {
    expect(compareRuns(run(0, 'x'), run(3, 'x'))).toContain('exit status: expected 0, got 3');
  });
  it('reports a different stdout even when the status matches', () => {
    expect(compareRuns(run(1, 'x'), run(1, 'y'))).toContain('stdout output differs at byte 0');
  });
});
