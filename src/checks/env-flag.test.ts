import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { envFlag } from './env-flag';

test('envFlag: 1/true/yes are on, 0/false/no are off, in any case and with spaces', () => {
  for (const on of ['1', 'true', 'TRUE', ' yes ', 'Yes']) assert.equal(envFlag('F', { F: on }), true, on);
  for (const off of ['0', 'false', 'False', ' no ']) assert.equal(envFlag('F', { F: off }), false, off);
});

test('envFlag: unset, empty or anything else is neither (the caller decides)', () => {
  assert.equal(envFlag('F', {}), undefined);
  assert.equal(envFlag('F', { F: '' }), undefined);
  assert.equal(envFlag('F', { F: '2' }), undefined);
  assert.equal(envFlag('F', { F: 'on' }), undefined);
});

test('envFlag reads process.env by default', () => {
  const saved = process.env.CONTRASTIVE_KIT_ENV_FLAG_TEST;
  try {
    process.env.CONTRASTIVE_KIT_ENV_FLAG_TEST = 'yes';
    assert.equal(envFlag('CONTRASTIVE_KIT_ENV_FLAG_TEST'), true);
  } finally {
    if (saved === undefined) delete process.env.CONTRASTIVE_KIT_ENV_FLAG_TEST;
    else process.env.CONTRASTIVE_KIT_ENV_FLAG_TEST = saved;
  }
});
