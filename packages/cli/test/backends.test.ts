// The lazily loaded backends of @elfbox/cli, with the native Unicorn module replaced by one that
// reports libunicorn missing: the error is one line naming the Debian package.
import { describe, expect, it, vi } from 'vitest';

vi.mock('@elfbox/cpu-unicorn', () => ({
  unicornUnavailableReason: () => 'libunicorn not found: libunicorn.so.2: cannot open shared object file',
  backend: undefined,
}));

describe('backend registry', () => {
  it('--cpu unicorn without libunicorn: a RunError naming apt-get install libunicorn2', async () => {
    const cli = await import('../src/index.js');
    const err = await cli.resolveBackend('unicorn', 'x86_64').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(cli.RunError);
    expect((err as InstanceType<typeof cli.RunError>).code).toBe('BACKEND_UNAVAILABLE');
    expect((err as Error).message).toBe('the unicorn CPU backend needs libunicorn (Unicorn 2): apt-get install libunicorn2 (libunicorn not found: libunicorn.so.2: cannot open shared object file)');
    expect((err as Error).message).not.toContain('\n');
  });

  it("'ts' picks the TypeScript CPU of the program's arch; unknown names are listed", async () => {
    const cli = await import('../src/index.js');
    expect((await cli.resolveBackend('ts', 'x86_64')).name).toBe('x86_64');
    expect((await cli.resolveBackend('ts', 'aarch64')).name).toBe('aarch64');
    const err = await cli.resolveBackend('z80', 'x86_64').catch((e: unknown) => e);
    expect((err as Error).message).toBe("unknown CPU backend 'z80' (known: ts, x86_64, aarch64, unicorn)");
    expect(cli.backendNames()).toEqual(['ts', 'x86_64', 'aarch64', 'unicorn']);
  });
});
