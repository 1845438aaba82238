import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { expectClose } from '../runtime/assertions';
import { logSumExpAggregate } from './aggregations';
import { assembleLoss } from './assemble';
import { batchTripletLoss } from './batch-triplet';
import { type BatchLoss, labelledBatchLoss } from './batch-loss';
import { meanPerAnchor } from './reducers';
import { cosineSimilarity } from './similarities';
import { supConLoss } from './simclr-supcon';

test('labelledBatchLoss: an assembled loss on a labelled batch, and the named batch losses share the signature', () => {
  const assembled = assembleLoss({ similarity: cosineSimilarity, aggregate: logSumExpAggregate({ temperature: 0.1 }), reduce: meanPerAnchor });
  const embeddings = tf.tensor2d([[1, 0], [0.8, 0.6], [0, 1], [-0.6, 0.8]]);
  const labels = tf.tensor1d([0, 0, 1, 1], 'int32');
  const contenders: BatchLoss[] = [labelledBatchLoss(assembled), (e, l) => supConLoss(e, l, { temperature: 0.1 }), (e, l) => batchTripletLoss(e, l)];
  const before = tf.memory().numTensors;
  const value = contenders[0](embeddings, labels);
  assert.equal(tf.memory().numTensors, before + 1, 'only the scalar is left');
  expectClose(value, supConLoss(embeddings, labels, { temperature: 0.1 }), { atol: 0 }, 'SupCon assembled = supConLoss');
  assert.throws(() => labelledBatchLoss(undefined as never), /labelledBatchLoss: 'loss' must be a loss from assembleLoss/);
  tf.dispose([embeddings, labels, value]);
});
