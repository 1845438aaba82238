import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { fixturePath, lossFixtures } from './loss-fixtures';

test('the PyTorch fixture file is found from the compiled tests and stays beside the loss tests', () => {
  const file = fixturePath();
  assert.ok(fs.existsSync(file));
  assert.equal(path.relative(path.join(file, '..', '..', '..', '..'), file), path.join('src', 'losses', '__fixtures__', 'losses.json'));
});

test('lossFixtures returns the cases of a family and names an unknown one', () => {
  const cases = lossFixtures('contrastive');
  assert.ok(Array.isArray(cases) && cases.length > 0);
  assert.throws(() => lossFixtures('no-such-family'), /loss fixtures: no cases for 'no-such-family'/);
});
