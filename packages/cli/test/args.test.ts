import { describe, expect, it } from 'vitest';
import { UsageError, guestEnv, parseArgs } from '../src/main.js';
import { stackDiagram } from '../src/inspect.js';

describe('parseArgs', () => {
  it('takes options before PROG and leaves everything after it to the guest', () => {
    expect(parseArgs(['run', '--cpu', 'unicorn', '--strace', '--env', 'A=1=2', '--unset-env', 'B', '--root=/r', 'prog', '--strace', '-x'])).toEqual({
      cmd: 'run', cpu: 'unicorn', strace: true, env: [['A', '1=2']], unset: ['B'], root: '/r', prog: 'prog', args: ['--strace', '-x'],
    });
    expect(parseArgs(['run', '--', '--weird-name', 'a']).prog).toBe('--weird-name');
    expect(parseArgs(['--help']).cmd).toBe('help');
    expect(parseArgs(['inspect', 'p', 'a']).args).toEqual(['a']);
  });

  it('rejects what it does not know with a usage error', () => {
    expect(() => parseArgs(['frobnicate'])).toThrow(UsageError);
    expect(() => parseArgs(['run'])).toThrow('run: no program given');
    expect(() => parseArgs(['run', '--env', 'NOEQUALS', 'p'])).toThrow("--env needs K=V, got 'NOEQUALS'");
    expect(() => parseArgs(['run', '--cpu'])).toThrow('--cpu needs a value');
    expect(() => parseArgs(['inspect', '--strace', 'p'])).toThrow(UsageError);
  });

  it('builds the guest environment from the host one', () => {
    const p = parseArgs(['run', '--env', 'X=new', '--unset-env', 'SECRET', 'p']);
    expect(guestEnv({ PATH: '/bin', SECRET: 's', X: 'old' }, p)).toEqual({ PATH: '/bin', X: 'new' });
  });
});

describe('stackDiagram', () => {
  it('draws items from high to low addresses and marks sp', () => {
    const d = stackDiagram([
      { addr: 0x1000, size: 8, kind: 'argc', label: 'argc = 1' },
      { addr: 0x1010, size: 8, kind: 'end-marker', label: 'end' },
      { addr: 0x1008, size: 8, kind: 'argv', label: 'argv[0]' },
    ], 0x1000, 0x2000).split('\n');
    const rows = d.filter((l) => l.includes('|') && !l.includes('+'));
    expect(rows.map((l) => l.trim().split(' ')[0])).toEqual(['0x1010', '0x1008', '0x1000']);
    expect(rows[2]).toMatch(/argc = 1 \(8 B\) +\| {2}<- sp$/);
    expect(d[0]).toContain('high addresses');
  });
});
