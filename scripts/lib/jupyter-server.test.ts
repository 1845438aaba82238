import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { isolatedJupyter, startNotebookServer } from './jupyter-server';
import { findJupyterPython } from './python';

const python = findJupyterPython();

test('isolatedJupyter points every Jupyter folder inside its home', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-iso-'));
  try {
    const { env } = isolatedJupyter(home, { CONTRASTIVE_KIT_FAST: '1' });
    for (const name of ['JUPYTER_DATA_DIR', 'JUPYTER_CONFIG_DIR', 'JUPYTER_RUNTIME_DIR', 'IPYTHONDIR']) {
      assert.ok(env[name]!.startsWith(home + path.sep) && fs.statSync(env[name]!).isDirectory(), name);
    }
    assert.equal(env.CONTRASTIVE_KIT_FAST, '1');
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('a notebook server starts on 127.0.0.1 with a token, serves the folder and stops', { skip: python ? false : 'no Python with Jupyter here (CI has one)' }, async () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-server-'));
  const root = path.join(home, 'root');
  fs.mkdirSync(root);
  fs.writeFileSync(path.join(root, 'hello.txt'), 'hi');
  const server = await startNotebookServer({ python: python!, rootDir: root, env: isolatedJupyter(home).env });
  try {
    assert.match(server.baseUrl, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const withToken = await fetch(`${server.baseUrl}api/contents/hello.txt?token=${server.token}`);
    assert.equal(withToken.status, 200);
    const withoutToken = await fetch(`${server.baseUrl}api/contents/hello.txt`);
    assert.equal(withoutToken.status, 403, 'the API needs the token');
  } finally {
    await server.stop();
    fs.rmSync(home, { recursive: true, force: true });
  }
  await assert.rejects(fetch(`${server.baseUrl}api/status`), 'the server is gone after stop()');
});
