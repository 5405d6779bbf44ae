// @elfbox/cli's library face: the kernel's run() API with every CPU backend registered. Backends
// are loaded lazily (dynamic import) on first use, so the native Unicorn backend (koffi) is only
// loaded when a run asks for it.
import { RunError, registerBackendLoader } from '@elfbox/kernel';

export * from '@elfbox/kernel';

/** The one-line hint for a missing libunicorn. */
export const UNICORN_HINT = 'the unicorn CPU backend needs libunicorn (Unicorn 2): apt-get install libunicorn2';

registerBackendLoader('x86_64', async () => (await import('@elfbox/cpu-x86_64')).backend);
registerBackendLoader('aarch64', async () => (await import('@elfbox/cpu-aarch64')).backend);
registerBackendLoader('unicorn', async () => {
  const m = await import('@elfbox/cpu-unicorn');
  const why = m.unicornUnavailableReason();
  if (why !== undefined) throw new RunError('BACKEND_UNAVAILABLE', why.includes('apt-get install libunicorn2') ? why : `${UNICORN_HINT} (${why})`);
  return m.backend;
});
