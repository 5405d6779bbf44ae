// Without libunicorn the package still imports, says so in one line naming the install command,
// and creating a CPU throws that typed error. Simulated with ELFBOX_LIBUNICORN pointing nowhere.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { AddressSpace } from '@elfbox/cpu';

describe('libunicorn missing', () => {
  const saved = process.env.ELFBOX_LIBUNICORN;
  afterAll(() => {
    if (saved === undefined) delete process.env.ELFBOX_LIBUNICORN;
    else process.env.ELFBOX_LIBUNICORN = saved;
    vi.resetModules();
  });

  it('imports fine, reports the reason with the apt-get command, and create() throws it', async () => {
    process.env.ELFBOX_LIBUNICORN = '/nonexistent/libunicorn.so.2';
    vi.resetModules();
    const m = await import('../src/index.js');
    expect(m.backend.name).toBe('unicorn');
    expect(m.isUnicornAvailable()).toBe(false);
    const why = m.unicornUnavailableReason()!;
    expect(why).toContain('apt-get install libunicorn2');
    expect(why.split('\n')).toHaveLength(1);
    expect(() => m.backend.create('x86_64', new AddressSpace(), { syscall: () => false })).toThrow(m.UnicornUnavailableError);
    // hwcap still answers (the loader may ask before any CPU exists)
    expect(m.backend.hwcap('x86_64').hwcap & (1n << 26n)).toBe(1n << 26n);
    expect(m.backend.hwcap('aarch64').hwcap & 3n).toBe(3n);
  });
});
