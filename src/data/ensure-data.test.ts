import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { ensureFullFashionMnist } from './ensure-data';
import { findKitRoot } from '../runtime/kit-root';

/** A kit folder whose only data is a copy of the bundled mini subset, and no Debian package. */
function miniOnlyKit(): { kitRoot: string; debianDir: string; cleanup: () => void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-ensure-'));
  const mini = path.join(findKitRoot()!, 'datasets', 'fashion-mnist-mini');
  fs.cpSync(mini, path.join(root, 'datasets', 'fashion-mnist-mini'), { recursive: true });
  return { kitRoot: root, debianDir: path.join(root, 'no-debian'), cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}

test('without the full data and without a network, the run goes on with the mini subset and says why', async () => {
  const kit = miniOnlyKit();
  const lines: string[] = [];
  try {
    // Port 9 (discard) on loopback refuses the connection at once: a machine without a network.
    const result = await ensureFullFashionMnist({ locate: { kitRoot: kit.kitRoot, debianDir: kit.debianDir, env: {} }, baseUrl: 'http://127.0.0.1:9/', log: (line) => lines.push(line) });
    assert.equal(result.data, 'mini');
    assert.equal(result.fetched, false);
    assert.match(result.reason!, /could not be downloaded/);
    assert.equal(result.dir, path.join(kit.kitRoot, 'datasets', 'fashion-mnist-mini'));
    assert.match(lines[0], /downloading it from http:\/\/127\.0\.0\.1:9\/ into .*datasets\/fashion-mnist/);
    const folder = path.join(kit.kitRoot, 'datasets', 'fashion-mnist');
    const leftovers = fs.existsSync(folder) ? fs.readdirSync(folder).filter((f) => !f.endsWith('.part')) : [];
    assert.deepEqual(leftovers, [], 'no file carries a real name after a failed download');
  } finally {
    kit.cleanup();
  }
});

test('FASHION_MNIST_DIR naming a subset, or CONTRASTIVE_KIT_FETCH=0, means no download attempt', async () => {
  const kit = miniOnlyKit();
  try {
    const lines: string[] = [];
    const mini = path.join(kit.kitRoot, 'datasets', 'fashion-mnist-mini');
    const chosen = await ensureFullFashionMnist({ locate: { kitRoot: kit.kitRoot, debianDir: kit.debianDir, env: { FASHION_MNIST_DIR: mini } }, log: (line) => lines.push(line) });
    assert.equal(chosen.data, 'mini');
    assert.match(chosen.reason!, /FASHION_MNIST_DIR points at .* which holds a subset/);
    const off = await ensureFullFashionMnist({ locate: { kitRoot: kit.kitRoot, debianDir: kit.debianDir, env: { CONTRASTIVE_KIT_FETCH: '0' } }, log: (line) => lines.push(line) });
    assert.equal(off.data, 'mini');
    assert.match(off.reason!, /downloading is off \(CONTRASTIVE_KIT_FETCH=0\)/);
    assert.deepEqual(lines, [], 'nothing was downloaded');
  } finally {
    kit.cleanup();
  }
});
