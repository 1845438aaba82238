import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { expectClose } from '../runtime/assertions';
import { contrastiveTerms, crossEntropyTerms, hingeAggregate, hingeTerm, logSumExpAggregate, softMarginTerm, tripletTerm } from './aggregations';
import { indexMasks } from './masks';

const t1 = (values: number[]) => tf.tensor1d(values, 'float32');
const t2 = (rows: number[][]) => tf.tensor2d(rows, undefined, 'float32');

test('the term formulas, by hand', () => {
  tf.tidy(() => {
    const gap = t1([-1, 0, 0.5]);
    expectClose(hingeTerm(gap, 0.2), [0, 0.2, 0.7], { atol: 1e-6 }, 'hinge');
    expectClose(softMarginTerm(gap), [Math.log(1 + Math.exp(-1)), Math.log(2), Math.log(1 + Math.exp(0.5))], { atol: 1e-6 }, 'soft margin');
    expectClose(tripletTerm(gap, { margin: 0.2, softMargin: false }), hingeTerm(gap, 0.2), { atol: 0 }, 'tripletTerm: hinge');
    expectClose(tripletTerm(gap, { margin: 0.2, softMargin: true }), softMarginTerm(gap), { atol: 0 }, 'tripletTerm: soft margin');
    // d = 0.5 and 2 with margin 1: pull ½d², push ½·max(1 − d, 0)²
    const squared = t1([0.25, 4]);
    expectClose(contrastiveTerms(squared, t1([1, 1]), t1([0, 0]), 1), [0.125, 2], { atol: 1e-6 }, 'contrastive pull');
    expectClose(contrastiveTerms(squared, t1([0, 0]), t1([1, 1]), 1), [0.125, 0], { atol: 1e-6 }, 'contrastive push');
    // two candidates with logits 0 and ln 3: −log softmax at the first = ln 4
    expectClose(crossEntropyTerms(t2([[0, Math.log(3)]]), t1([0])), [Math.log(4)], { atol: 1e-6 }, 'cross-entropy, one target per row');
    expectClose(crossEntropyTerms(t2([[0, Math.log(3)]]), t2([[0, Math.log(3)]])), [[Math.log(4), Math.log(4 / 3)]], { atol: 1e-6 }, 'cross-entropy, every column a target');
  });
});

test('the masked aggregations keep only the selected terms', () => {
  tf.tidy(() => {
    const masks = indexMasks(3, [0], [[1]]);
    const s = t2([[1, 0.5, 9]]);
    const hinge = hingeAggregate({ margin: 0.2 }).apply(s, masks); // [1, p, n]
    assert.deepEqual(hinge.terms.shape, [1, 3, 3]);
    expectClose(tf.sum(tf.mul(hinge.terms, hinge.weights)), 0, { atol: 1e-6 }, 'the one triplet: s_n − s_p + 0.2 < 0');
    const lse = logSumExpAggregate().apply(s, masks); // candidate 2 is neither positive nor negative
    expectClose(tf.sum(tf.mul(lse.terms, lse.weights)), Math.log(1 + Math.exp(-0.5)), { atol: 1e-6 }, 'log-sum-exp over P ∪ N only');
  });
});
