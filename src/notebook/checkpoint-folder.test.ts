import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { CHECKPOINT_DIR_VARIABLE, checkpointDir } from './checkpoint-folder';
import { findKitRoot } from '../runtime/kit-root';

/** Runs `body` with the environment variables set (undefined: unset), then restores them. */
function withEnv<T>(values: Record<string, string | undefined>, body: () => T): T {
  const saved = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]));
  const apply = (entries: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(entries)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  apply(values);
  try {
    return body();
  } finally {
    apply(saved);
  }
}

test('checkpointDir: build/checkpoints/<name> in the kit, <name>-fast in fast mode', () => {
  const kit = findKitRoot();
  assert.ok(kit !== null);
  withEnv({ [CHECKPOINT_DIR_VARIABLE]: undefined, CONTRASTIVE_KIT_FAST: '0' }, () => {
    assert.equal(checkpointDir('05-moco-v1'), path.join(kit, 'build', 'checkpoints', '05-moco-v1'));
  });
  withEnv({ [CHECKPOINT_DIR_VARIABLE]: undefined, CONTRASTIVE_KIT_FAST: '1' }, () => {
    assert.equal(checkpointDir('05-moco-v1'), path.join(kit, 'build', 'checkpoints', '05-moco-v1-fast'));
  });
});

test('checkpointDir: CONTRASTIVE_KIT_CHECKPOINTS moves the folder', () => {
  withEnv({ [CHECKPOINT_DIR_VARIABLE]: '/tmp/ck-elsewhere', CONTRASTIVE_KIT_FAST: '0' }, () => {
    assert.equal(checkpointDir('01-drlim-main'), path.join('/tmp/ck-elsewhere', '01-drlim-main'));
  });
});

test("checkpointDir: a name that could leave the folder is refused, naming 'name'", () => {
  for (const name of ['../x', '.hidden', 'a/b', '', 'a b']) {
    assert.throws(() => checkpointDir(name), /checkpointDir: 'name' must use letters, digits/, JSON.stringify(name));
  }
});
