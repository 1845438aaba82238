import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { byMode, runMode } from './fast-mode';
import { findKitRoot } from '../runtime/kit-root';

function withEnv(values: Record<string, string | undefined>, body: () => void): void {
  const saved = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]));
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  try {
    body();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

test('byMode: fast in fast mode; the mini value on the mini subset (else the full one); full on the full data', () => {
  const mini = path.join(findKitRoot()!, 'datasets', 'fashion-mnist-mini');
  withEnv({ CONTRASTIVE_KIT_FAST: '1', FASHION_MNIST_DIR: mini }, () => {
    assert.equal(runMode(), 'fast');
    assert.equal(byMode({ full: 0.88, mini: 0.8, fast: 0.65 }), 0.65);
  });
  withEnv({ CONTRASTIVE_KIT_FAST: '0', FASHION_MNIST_DIR: mini }, () => {
    assert.equal(runMode(), 'mini');
    assert.equal(byMode({ full: 0.88, mini: 0.8, fast: 0.65 }), 0.8);
    assert.equal(byMode({ full: 12, fast: 2 }), 12, 'recipes without a mini value run their full version on the subset');
  });
  assert.throws(() => byMode({ full: 1 } as never), /'values' must be an object with 'full' and 'fast'/);
});
