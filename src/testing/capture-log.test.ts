import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { captureLog, captureLogAsync } from './capture-log';

test('captureLog returns the printed lines and restores the console, even after a throw', async () => {
  const original = console.log;
  assert.deepEqual(captureLog(() => { console.log('a', 1); console.log('b'); }), ['a 1', 'b']);
  assert.equal(console.log, original);
  assert.throws(() => captureLog(() => { throw new Error('boom'); }), /boom/);
  assert.equal(console.log, original);
  const { result, lines } = await captureLogAsync(async () => { console.log('c'); return 7; });
  assert.deepEqual([result, lines], [7, ['c']]);
  await assert.rejects(captureLogAsync(async () => { throw new Error('late'); }), /late/);
  assert.equal(console.log, original);
});
