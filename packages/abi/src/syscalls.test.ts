import { describe, expect, it } from 'vitest';
import { syscallNames, syscallNumbers } from './syscalls.js';
import { ABI_ARCHES } from './layout.js';

describe('syscall tables', () => {
  it('well-known numbers', () => {
    const x = syscallNumbers('x86_64');
    const a = syscallNumbers('aarch64');
    expect([x.read, x.write, x.openat, x.exit_group, x.clone3, x.rt_sigreturn]).toEqual([0, 1, 257, 231, 435, 15]);
    expect([a.read, a.write, a.openat, a.exit_group, a.clone3, a.rt_sigreturn]).toEqual([63, 64, 56, 94, 435, 139]);
    expect(a.fcntl).toBe(25); // resolved from __NR3264_fcntl
    expect('open' in a).toBe(false); // aarch64 has only openat
  });

  it.each(ABI_ARCHES)('%s: numbers are unique and the reverse map inverts them', (arch) => {
    const nums = syscallNumbers(arch);
    const names = syscallNames(arch);
    expect(new Set(Object.values(nums)).size).toBe(Object.keys(nums).length);
    for (const [n, v] of Object.entries(nums)) expect(names[v]).toBe(n);
    expect(names[100000]).toBeUndefined();
    expect(() => syscallNames('ppc' as never)).toThrow(TypeError);
  });
});
