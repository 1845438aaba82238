import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { optionsObject, requireBoolean, requireOneOf } from './options';

test('requireBoolean accepts only true and false', () => {
  assert.equal(requireBoolean('f', 'squared', false), false);
  assert.throws(() => requireBoolean('tripletLoss', 'squared', 'yes'), /tripletLoss: 'squared' must be true or false, got "yes"/);
});

test('requireOneOf lists the choices and quotes what it got', () => {
  assert.equal(requireOneOf('f', 'init', 'he', ['he', 'pytorch']), 'he');
  assert.throws(() => requireOneOf('createMlpEncoder', 'init', 'xavier', ['he', 'pytorch']), /createMlpEncoder: 'init' must be 'he' or 'pytorch', got "xavier"/);
  assert.throws(() => requireOneOf('f', 'kind', 3, ['a', 'b', 'c']), /f: 'kind' must be 'a', 'b' or 'c', got 3/);
  assert.throws(() => requireOneOf('f', 'kind', 'x', ['a']), /f: 'kind' must be 'a', got "x"/);
});

test('optionsObject accepts undefined and plain objects, and refuses anything else', () => {
  assert.deepEqual(optionsObject('f', undefined), {});
  const options = { margin: 1 };
  assert.equal(optionsObject('f', options), options);
  assert.throws(() => optionsObject('f', [1] as never), /f: 'options' must be an object like \{ margin: 1 \}, got 1/);
  const t = tf.scalar(1);
  assert.throws(() => optionsObject('f', t as never), /f: 'options' must be an object/);
  t.dispose();
});
