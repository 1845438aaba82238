import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { createProjectionHead, withProjectionHead } from './heads';
import { createMlpEncoder } from './encoders';
import { Rng } from '../runtime/random';
import { expectClose } from '../runtime/assertions';

test('createProjectionHead: linear and 2-layer MLP (MoCo v2) shapes', () => {
  const linear = createProjectionHead({ inputDim: 8, outputDim: 4, rng: new Rng(1) });
  assert.deepEqual(linear.getWeights().map((w) => w.shape), [[8, 4], [4]]);
  const mlp = createProjectionHead({ inputDim: 8, outputDim: 4, kind: 'mlp', rng: new Rng(1) });
  assert.deepEqual(mlp.getWeights().map((w) => w.shape), [[8, 8], [8], [8, 4], [4]]);
  assert.equal((mlp.layers[0].getConfig() as { activation: string }).activation, 'relu');
  assert.throws(() => createProjectionHead({ inputDim: 8, kind: 'deep' as never }), /createProjectionHead: 'kind' must be 'linear' or 'mlp'/);
  linear.dispose();
  mlp.dispose();
});

test('withProjectionHead: the stack computes head(backbone(x)) with the same variables', () => {
  const backbone = createMlpEncoder({ inputShape: [5], hiddenUnits: [6], outputDim: 8, rng: new Rng(2) });
  const head = createProjectionHead({ inputDim: 8, outputDim: 3, kind: 'mlp', rng: new Rng(3) });
  const model = withProjectionHead(backbone, head);
  assert.equal(model.trainableWeights.length, backbone.trainableWeights.length + head.trainableWeights.length);
  const x = tf.tensor2d([[1, 2, 3, 4, 5]]);
  expectClose(model.predict(x) as tf.Tensor, head.predict(backbone.predict(x) as tf.Tensor) as tf.Tensor, { atol: 1e-6 });
  const bad = createProjectionHead({ inputDim: 7, rng: new Rng(1) });
  assert.throws(() => withProjectionHead(backbone, bad), /withProjectionHead: the head expects 7 features/);
  x.dispose();
  model.dispose();
});
