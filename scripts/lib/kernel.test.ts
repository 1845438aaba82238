import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { plotlyLibraryPath, plotlyServedFileName } from 'contrastive-kit';
import { installKernel, kernelIsCurrent, kernelJson, registeredKernels } from './kernel';
import { findJupyterPython } from './python';
import { TSLAB_BIN } from './repo';

const python = findJupyterPython();

test('installKernel registers tslab with plotly.js beside kernel.json and removes a jslab of this repo', { skip: python ? false : 'no Python with Jupyter here (CI has one)' }, () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-kernel-test-'));
  const saved = { data: process.env.JUPYTER_DATA_DIR, home: process.env.HOME };
  // Jupyter also lists ~/.local/share/jupyter/kernels whatever JUPYTER_DATA_DIR says, where a
  // kernel:install of this very clone (CI runs one before the tests) would count as current.
  process.env.JUPYTER_DATA_DIR = dataDir;
  process.env.HOME = dataDir;
  try {
    // What `tslab install` leaves: a JavaScript kernel starting this repo's tslab.
    const jslab = path.join(dataDir, 'kernels', 'jslab');
    fs.mkdirSync(jslab, { recursive: true });
    fs.writeFileSync(path.join(jslab, 'kernel.json'), JSON.stringify({ argv: [TSLAB_BIN, 'kernel', '--config-path', '{connection_file}', '--js'], display_name: 'JavaScript', language: 'javascript' }));
    assert.equal(kernelIsCurrent(python!), false);
    const folder = installKernel(python!);
    assert.equal(folder, path.join(dataDir, 'kernels', 'tslab'));
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(folder, 'kernel.json'), 'utf8')), kernelJson());
    assert.ok(fs.readFileSync(path.join(folder, plotlyServedFileName())).equals(fs.readFileSync(plotlyLibraryPath())), 'the served plotly.js is the kit\'s bundle');
    assert.equal(kernelIsCurrent(python!), true);
    const kernels = registeredKernels(python!)!;
    assert.equal(fs.existsSync(jslab), false, 'the jslab kernel of this repo is gone');
    // Jupyter also lists ~/.local/share/jupyter/kernels (user site), where another checkout may have registered its own jslab: that one stays.
    assert.notEqual(kernels.jslab?.argv[0], TSLAB_BIN);
    assert.deepEqual(kernels.tslab.argv, [TSLAB_BIN, 'kernel', '--config-path', '{connection_file}']);
    fs.rmSync(path.join(folder, plotlyServedFileName()));
    assert.equal(kernelIsCurrent(python!), false, 'a kernelspec without this plotly.js is outdated');
  } finally {
    if (saved.data === undefined) delete process.env.JUPYTER_DATA_DIR;
    else process.env.JUPYTER_DATA_DIR = saved.data;
    if (saved.home === undefined) delete process.env.HOME;
    else process.env.HOME = saved.home;
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
