import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { liveLine, plainTextOf, showTable } from './display';

function captureLog(fn: () => void): string[] {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => lines.push(args.join(' '));
  try {
    fn();
  } finally {
    console.log = original;
  }
  return lines;
}

test('outside a notebook a table is logged as aligned text', () => {
  const lines = captureLog(() => showTable([{ loss: 'triplet', knnTop1: 0.91234 }, { loss: 'n-pair', knnTop1: 0.9 }], { digits: 3 }));
  assert.equal(lines.length, 1);
  assert.deepEqual(lines[0].split('\n'), ['loss     knnTop1', '-------  -------', 'triplet  0.912', 'n-pair   0.900']);
});

test('plainTextOf prefers text/plain, then markdown, then HTML without tags', () => {
  assert.equal(plainTextOf({ 'text/plain': 'p', 'text/html': '<b>h</b>' }), 'p');
  assert.equal(plainTextOf({ 'text/markdown': '**m**' }), '**m**');
  assert.equal(plainTextOf({ 'text/html': '<p>a &amp; b</p><script>x()</script>' }), 'a & b');
  assert.equal(plainTextOf({ 'image/png': 'AAAA' }), '[display: image/png]');
});

test('a live line logs sparsely outside a notebook, and always when done', () => {
  const lines = captureLog(() => {
    const line = liveLine({ logEverySeconds: 3600 });
    line.update('step 1');
    line.update('step 2');
    line.update('step 3', true);
    line.done('finished');
  });
  assert.deepEqual(lines, ['step 1', 'step 3', 'finished']);
});

test('showTable names a bad argument', () => {
  assert.throws(() => showTable('rows' as never), /showTable: 'rows' must be an array of objects/);
});
