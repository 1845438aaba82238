import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as aggregations from './aggregations';
import * as assemble from './assemble';
import * as batchLoss from './batch-loss';
import * as masks from './masks';
import * as reducers from './reducers';
import * as similarities from './similarities';
import * as template from './template';

test('the template module offers every part, the very same functions as the parts’ files', () => {
  for (const part of [similarities, masks, aggregations, reducers, assemble, batchLoss]) {
    for (const [name, value] of Object.entries(part)) assert.equal((template as Record<string, unknown>)[name], value, name);
  }
  for (const name of ['dotSimilarity', 'labelMasks', 'indexMasks', 'pairFlagMasks', 'hingeAggregate', 'logSumExpAggregate', 'meanPerAnchor', 'assembleLoss', 'labelledBatchLoss']) {
    assert.equal(typeof (template as Record<string, unknown>)[name], 'function', name);
  }
});
