import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { storedPart } from './stored-part';

test('storedPart gives back the JSON (as a copy through JSON) and tensors, and collects problems', () => {
  const values = Float32Array.of(1, 2);
  const { stored, problems } = storedPart({ json: { a: [1, null] }, tensors: { x: { dtype: 'float32', shape: [2], values } } }, "model 'm'");
  assert.equal(stored.label, "model 'm'");
  assert.deepEqual(stored.json, { a: [1, null] });
  assert.equal(stored.tensor('x')?.values, values);
  assert.deepEqual(problems, []);
  assert.equal(stored.tensor('y'), undefined);
  stored.problem('too wide');
  assert.deepEqual(problems, ["it has no 'y'", 'too wide']);
});
