import { describe, expect, it } from 'vitest';
import { SIGNAL_NAMES, Sig, sigDefaultAction, sigStackSizes } from './signals.js';
import { AUXV_NAMES, AuxType } from './auxv.js';

describe('signals', () => {
  it('default actions follow signal(7)', () => {
    expect(sigDefaultAction(Sig.SIGKILL)).toBe('term');
    expect(sigDefaultAction(Sig.SIGSEGV)).toBe('core');
    expect(sigDefaultAction(Sig.SIGABRT)).toBe('core');
    expect(sigDefaultAction(Sig.SIGCHLD)).toBe('ignore');
    expect(sigDefaultAction(Sig.SIGWINCH)).toBe('ignore');
    expect(sigDefaultAction(Sig.SIGTSTP)).toBe('stop');
    expect(sigDefaultAction(Sig.SIGSTOP)).toBe('stop');
    expect(sigDefaultAction(Sig.SIGCONT)).toBe('cont');
    expect(sigDefaultAction(Sig.SIGPIPE)).toBe('term');
    expect(sigDefaultAction(Sig.SIGSYS)).toBe('core');
    expect(sigDefaultAction(40)).toBe('term');
    expect(sigDefaultAction(64)).toBe('term');
    for (const bad of [0, 65, -1, 1.5, NaN]) expect(() => sigDefaultAction(bad)).toThrow(RangeError);
  });

  it('names: one per number 1..31, primary names for aliases', () => {
    expect(Object.keys(SIGNAL_NAMES).map(Number)).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
    expect([SIGNAL_NAMES[6], SIGNAL_NAMES[29], SIGNAL_NAMES[9], SIGNAL_NAMES[31]]).toEqual(['SIGABRT', 'SIGIO', 'SIGKILL', 'SIGSYS']);
  });

  it('signal stack sizes per arch', () => {
    expect(sigStackSizes('aarch64')).toEqual({ MINSIGSTKSZ: 5120, SIGSTKSZ: 16384 });
    expect(() => sigStackSizes('sparc' as never)).toThrow(TypeError);
  });
});

describe('auxv', () => {
  it('names the types the loader pushes', () => {
    expect(AUXV_NAMES[AuxType.AT_SYSINFO_EHDR]).toBe('AT_SYSINFO_EHDR');
    expect(AUXV_NAMES[51]).toBe('AT_MINSIGSTKSZ');
    expect(AUXV_NAMES[25]).toBe('AT_RANDOM');
    expect(new Set(Object.values(AuxType)).size).toBe(Object.keys(AuxType).length);
  });
});
