import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { findJupyterPython, JUPYTER_MODULES, JupyterPythonError, missingJupyterModules } from './python';

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-python-test-'));
after(() => fs.rmSync(folder, { recursive: true, force: true }));

/** A stand-in "python" that answers the kit's import probe with `missing` (its last arguments are the module names). */
function fakePython(name: string, missing: string): string {
  const file = path.join(folder, name);
  fs.writeFileSync(file, `#!/bin/sh\necho "${missing}"\n`, { mode: 0o755 });
  return file;
}

test('a CONTRASTIVE_KIT_PYTHON that does not run is an error naming it, not skipped', () => {
  assert.throws(
    () => findJupyterPython({ CONTRASTIVE_KIT_PYTHON: '/nonexistent/python3' }),
    (error: unknown) => error instanceof JupyterPythonError && /^CONTRASTIVE_KIT_PYTHON=\/nonexistent\/python3 does not run/.test(error.message),
  );
  assert.equal(missingJupyterModules('/nonexistent/python3'), null);
});

test('a CONTRASTIVE_KIT_PYTHON without Jupyter is an error that names the missing modules', () => {
  const without = fakePython('python-without-jupyter', 'nbformat nbconvert');
  assert.deepEqual(missingJupyterModules(without), ['nbformat', 'nbconvert']);
  assert.throws(
    () => findJupyterPython({ CONTRASTIVE_KIT_PYTHON: without }),
    (error: unknown) => error instanceof JupyterPythonError && error.message.includes(`CONTRASTIVE_KIT_PYTHON=${without} has no Jupyter: it cannot import nbformat, nbconvert`),
  );
});

test('a CONTRASTIVE_KIT_PYTHON with Jupyter is used as it is', () => {
  const complete = fakePython('python-with-jupyter', '');
  assert.deepEqual(missingJupyterModules(complete), []);
  assert.equal(findJupyterPython({ CONTRASTIVE_KIT_PYTHON: complete }), complete);
  assert.deepEqual(JUPYTER_MODULES, ['jupyter_client', 'nbformat', 'nbconvert']);
});
