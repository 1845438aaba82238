import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { expectClose } from '../runtime/assertions';
import { cosineSimilarity } from './similarities';

const t2 = (rows: number[][]) => tf.tensor2d(rows, undefined, 'float32');

test('cosine similarity is scale-free and safe at zero rows', () => {
  tf.tidy(() => {
    const s = cosineSimilarity(t2([[3, 4], [0, 0]]), t2([[6, 8], [-4, 3]]));
    expectClose(s, [[1, 0], [0, 0]], { atol: 1e-6 }, 'cosine');
    const g = tf.grad((x: tf.Tensor) => tf.sum(cosineSimilarity(x as tf.Tensor2D, t2([[1, 1]]))))(t2([[0, 0]]));
    assert.ok(Array.from(g.dataSync()).every(Number.isFinite));
  });
});

