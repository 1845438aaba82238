import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import * as kit from '../index';
import { setupNotebook, versions } from './prelude';
import { byMode, isFastMode } from './fast-mode';

function findRepoRoot(start: string): string {
  for (let dir = start; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'notebooks')) && fs.existsSync(path.join(dir, 'src', 'package.json'))) return dir;
  }
  throw new Error(`no repository root above ${start}`);
}
const repoRoot = findRepoRoot(__dirname);

test('notebooks and the kit resolve one and the same @tensorflow/tfjs', () => {
  const fromNotebooks = require.resolve('@tensorflow/tfjs', { paths: [path.join(repoRoot, 'notebooks')] });
  const fromKit = require.resolve('@tensorflow/tfjs', { paths: [__dirname] });
  assert.equal(fromNotebooks, fromKit);
  assert.equal(kit.tf.matMul, tf.matMul, 'the kit re-exports the same tfjs functions');
  assert.equal(kit.tf.engine(), tf.engine(), 'one tfjs engine');
  const kitByName = require.resolve('contrastive-kit', { paths: [path.join(repoRoot, 'notebooks')] });
  assert.match(kitByName, /src[\\/]dist[\\/]index\.js$/);
});

test('setupNotebook chooses a backend, sets the seed and reports versions', async () => {
  const context = await setupNotebook('99-test', { seed: 7, quiet: true });
  assert.equal(context.name, '99-test');
  assert.equal(context.seed, 7);
  assert.equal(kit.getSeed(), 7);
  assert.ok(['node', 'wasm', 'cpu'].includes(context.backend.name));
  assert.equal(tf.getBackend(), context.backend.tfjsName);
  assert.ok(context.backend.reason.length > 10);
  assert.equal(context.versions.tfjs, tf.version.tfjs);
  assert.equal(versions().node, process.version);
});

test('setupNotebook names its bad arguments', async () => {
  await assert.rejects(() => setupNotebook(''), /setupNotebook: 'name' must be the notebook's name/);
  await assert.rejects(() => setupNotebook('x', { seed: 0.5 }), /setupNotebook: 'seed' must be an integer/);
});

test('fast mode follows CONTRASTIVE_KIT_FAST', () => {
  const saved = process.env.CONTRASTIVE_KIT_FAST;
  try {
    process.env.CONTRASTIVE_KIT_FAST = '1';
    assert.equal(isFastMode(), true);
    assert.equal(byMode({ full: 10, fast: 1 }), 1);
    process.env.CONTRASTIVE_KIT_FAST = '0';
    assert.equal(isFastMode(), false);
    assert.equal(byMode({ full: 10, fast: 1 }), 10);
    assert.throws(() => byMode({ full: 1 } as never), /'values' must be an object with 'full' and 'fast'/);
  } finally {
    if (saved === undefined) delete process.env.CONTRASTIVE_KIT_FAST;
    else process.env.CONTRASTIVE_KIT_FAST = saved;
  }
});
