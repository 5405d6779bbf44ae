import { it } from 'vitest';
import { runElf } from './harness.js';
it('dbg', () => {
  const r = runElf('/tmp/elfbox-a64-test/busybox-arm64/x/bin/busybox', ['printf', '%d|\\n', '42']);
  console.log(JSON.stringify(r.stdout.toString()), JSON.stringify(r.stderr.toString()), r.stop, r.status, r.unknownSyscalls);
});
