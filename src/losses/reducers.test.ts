import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { expectClose } from '../runtime/assertions';
import { REDUCERS_BY_NAME, meanOverAll, meanOverNonZero, meanPerAnchor } from './reducers';

const t2 = (rows: number[][]) => tf.tensor2d(rows, undefined, 'float32');

test('reducers: mean over all, over non-zero, per anchor', () => {
  tf.tidy(() => {
    const terms = t2([[0, 2, 4], [1, 0, 0]]);
    const weights = t2([[1, 1, 0], [1, 1, 1]]);
    expectClose(meanOverAll(terms, weights), (0 + 2 + 1) / 5, {}, 'meanOverAll');
    expectClose(meanOverNonZero(terms, weights), (2 + 1) / 2, {}, 'meanOverNonZero');
    expectClose(meanPerAnchor(terms, weights), (1 + 1 / 3) / 2, {}, 'meanPerAnchor');
    const none = tf.zeros([2, 3]);
    expectClose(meanOverAll(terms, none), 0, { atol: 0 }, 'no terms');
    expectClose(meanOverNonZero(none, weights), 0, { atol: 0 }, 'all zero');
    expectClose(meanPerAnchor(terms, none), 0, { atol: 0 }, 'no anchors');
  });
});

test('reducers without weights: every term exists', () => {
  tf.tidy(() => {
    const terms = t2([[0, 2, 4], [1, 0, 0]]);
    expectClose(meanOverAll(terms), 7 / 6, {}, 'meanOverAll = tf.mean');
    expectClose(meanOverAll(terms), tf.mean(terms), { atol: 0 }, 'meanOverAll is tf.mean to the bit');
    expectClose(meanOverNonZero(terms), 7 / 3, {}, 'meanOverNonZero');
    expectClose(meanPerAnchor(terms), (2 + 1 / 3) / 2, {}, 'meanPerAnchor');
    assert.equal(REDUCERS_BY_NAME.mean, meanOverAll);
    assert.equal(REDUCERS_BY_NAME['mean-nonzero'], meanOverNonZero);
  });
});
