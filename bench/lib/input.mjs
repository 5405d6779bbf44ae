// The input file of the busybox workloads: deterministic pseudo-text (words, numbers and
// punctuation from a fixed-seed generator), so gzip has real work to do and every run of
// every runner reads the same bytes.
import { writeFileSync } from 'node:fs';

const WORDS = (
  'the of and to in is that for it as was with be by on not he this are or his from at which but have an they ' +
  'you were her she there been one all we their has would when if so no will its who more out up into do than ' +
  'kernel process thread signal memory page file socket buffer register branch instruction emulator translate'
).split(' ');

export function makeInput(path, bytes) {
  const buf = Buffer.alloc(bytes);
  let s = 0x2545f491 >>> 0;
  let i = 0;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
  while (i < bytes) {
    const r = next();
    let w;
    if ((r & 15) === 0) w = String(next() % 100000);
    else w = WORDS[(r >>> 8) % WORDS.length];
    const sep = (r >>> 28) === 0 ? '.\n' : (r >>> 28) === 1 ? ', ' : ' ';
    i += buf.write(w + sep, i, 'latin1');
  }
  writeFileSync(path, buf);
}
