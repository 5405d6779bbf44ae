import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkedOutput, fmtNs, geomean, median, pairedRatios, parseWorkNs, workNsPlausible, mdCell } from '../lib/stats.mjs';

test('median of odd and even counts, unsorted input', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});

test('ratios are paired run by run and skip rounds a side missed', () => {
  assert.deepEqual(pairedRatios([10, 20, null, 40], [1, 2, 3, 0]), [10, 10]);
  assert.deepEqual(pairedRatios([6, 8], [2, 4, 8]), [3, 2]);
});

test('geomean ignores non-positive and missing values', () => {
  assert.ok(Math.abs(geomean([2, 8]) - 4) < 1e-12);
  assert.ok(Math.abs(geomean([2, 8, NaN, 0]) - 4) < 1e-12);
  assert.ok(Number.isNaN(geomean([])));
});

test('checked output drops only the work_ns line; work_ns is parsed', () => {
  const out = 'intloop n=5 acc=1\nwork_ns=12345\nmore\n';
  assert.equal(checkedOutput(out), 'intloop n=5 acc=1\nmore\n');
  assert.equal(parseWorkNs(out), 12345);
  assert.equal(parseWorkNs('no timing here'), undefined);
});

test('a guest clock that is frozen or faster than the wall clock is not trusted', () => {
  assert.equal(workNsPlausible(5e6, 10e6), true);
  assert.equal(workNsPlausible(0, 10e6), false);
  assert.equal(workNsPlausible(50e6, 10e6), false);
  assert.equal(workNsPlausible(undefined, 10e6), false);
});

test('formatting', () => {
  assert.equal(fmtNs(812), '812 ns');
  assert.equal(fmtNs(3400), '3.40 us');
  assert.equal(fmtNs(12.34e6), '12.3 ms');
  assert.equal(fmtNs(1.52e9), '1.52 s');
  assert.equal(mdCell('a | b\nc'), 'a \\| b c');
});
