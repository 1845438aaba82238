import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { canDisplay, tslabVersion, writeDisplayData } from './tslab-display';

test('outside a cell there is no front-end: writeDisplayData returns false', () => {
  assert.equal(canDisplay(), false);
  assert.equal(writeDisplayData({ 'text/plain': 'nobody sees this' }), false);
});

test('tslabVersion names the installed tslab (the kit is written for 1.0.22)', () => {
  assert.equal(tslabVersion(), '1.0.22');
});
