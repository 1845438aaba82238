import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { adamStep, disposeTrainingState, makeTrainingState, weightsOf } from './training-state';

test('makeTrainingState is seeded; adamStep changes the weights and, once Adam has its slots, keeps no tensor', () => {
  const a = makeTrainingState(1);
  const b = makeTrainingState(1);
  assert.deepEqual(weightsOf(a.models.encoder), weightsOf(b.models.encoder));
  adamStep(a);
  assert.notDeepEqual(weightsOf(a.models.encoder), weightsOf(b.models.encoder));
  const before = tf.memory().numTensors;
  adamStep(a);
  assert.equal(tf.memory().numTensors, before);
  disposeTrainingState(a);
  disposeTrainingState(b);
});
