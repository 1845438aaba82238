import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { downloadVerified, fetchFashionMnist, FASHION_MNIST_REMOTE_FILES, RemoteFile } from './fetch';
import { findKitRoot } from '../runtime/kit-root';
import { FASHION_MNIST_FILES, loadFashionMnist } from './fashion-mnist';

// The server serves the bundled mini files (real IDX .gz files) on 127.0.0.1, a random port.
const kitRoot = findKitRoot();
assert.ok(kitRoot !== null);
const MINI_DIR = path.join(kitRoot, 'datasets', 'fashion-mnist-mini');
const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');
const MINI_FILES: RemoteFile[] = FASHION_MNIST_REMOTE_FILES.map(({ name }) => ({ name, md5: md5(fs.readFileSync(path.join(MINI_DIR, name))) }));

/** How the server misbehaves, set per test. */
interface Behaviour {
  /** Close the connection after this many bytes, for the first `dropCount` requests. */
  dropAfter?: number;
  dropCount?: number;
  /** Ignore Range headers and always send the whole file. */
  ignoreRange?: boolean;
}
let behaviour: Behaviour = {};
const requests: Array<{ url: string; range: string | undefined }> = [];
let server: http.Server;
let baseUrl = '';

before(async () => {
  server = http.createServer((request, response) => {
    const name = decodeURIComponent((request.url ?? '/').slice(1));
    requests.push({ url: name, range: request.headers.range });
    const file = path.join(MINI_DIR, path.basename(name));
    if (!fs.existsSync(file)) {
      response.writeHead(404).end('not found');
      return;
    }
    const bytes = fs.readFileSync(file);
    const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
    const start = range && !behaviour.ignoreRange ? Number(range[1]) : 0;
    if (start >= bytes.length && start > 0) {
      response.writeHead(416).end();
      return;
    }
    const body = bytes.subarray(start);
    response.writeHead(start > 0 ? 206 : 200, { 'Content-Length': body.length, 'Content-Type': 'application/octet-stream' });
    if (behaviour.dropAfter !== undefined && (behaviour.dropCount ?? 1) > 0) {
      behaviour.dropCount = (behaviour.dropCount ?? 1) - 1;
      // End the TCP connection cleanly mid-body: the client gets exactly dropAfter bytes, fewer
      // than Content-Length promised.
      response.write(body.subarray(0, behaviour.dropAfter), () => response.socket?.end());
      return;
    }
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

after(() => {
  server.close();
});

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'fetch-test-'));
}

test('fetchFashionMnist downloads and verifies the four files; the loader reads them; a re-run skips them', async () => {
  const dir = tempDir();
  try {
    behaviour = {};
    requests.length = 0;
    const progress: number[] = [];
    const results = await fetchFashionMnist({ dir, baseUrl, files: MINI_FILES, onProgress: (p) => progress.push(p.receivedBytes) });
    assert.deepEqual(results.map((r) => r.skipped), [false, false, false, false]);
    assert.deepEqual(fs.readdirSync(dir).sort(), MINI_FILES.map((f) => f.name).sort(), 'no .part files left');
    for (const f of MINI_FILES) assert.equal(md5(fs.readFileSync(path.join(dir, f.name))), f.md5);
    assert.ok(progress.length >= 4 && progress.some((b) => b > 100000), 'progress reported');
    const data = loadFashionMnist({ dir, env: {} });
    assert.equal(data.source.kind, 'explicit');
    assert.equal(data.train.count, 6000);
    requests.length = 0;
    const again = await fetchFashionMnist({ dir, baseUrl, files: MINI_FILES });
    assert.deepEqual(again.map((r) => r.skipped), [true, true, true, true]);
    assert.equal(requests.length, 0, 'no requests for files already verified');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a checksum mismatch leaves no file behind and names the file and both checksums', async () => {
  const dir = tempDir();
  try {
    behaviour = {};
    const wrong = '0123456789abcdef0123456789abcdef';
    const name = `${FASHION_MNIST_FILES.testLabels}.gz`;
    await assert.rejects(
      downloadVerified(`${baseUrl}${name}`, path.join(dir, name), wrong, { retryDelayMs: 1 }),
      new RegExp(`checksum mismatch for '${name}' .*expected MD5 ${wrong}, got ${MINI_FILES[3].md5}; the download was deleted`),
    );
    assert.deepEqual(fs.readdirSync(dir), [], 'neither the file nor its .part remains');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a dropped connection is retried and resumed with a Range request', async () => {
  const dir = tempDir();
  try {
    const name = `${FASHION_MNIST_FILES.testImages}.gz`;
    behaviour = { dropAfter: 100000, dropCount: 2 };
    requests.length = 0;
    const result = await downloadVerified(`${baseUrl}${name}`, path.join(dir, name), MINI_FILES[2].md5, { retryDelayMs: 1 });
    assert.equal(result.attempts, 3);
    // The server cuts each of the first two responses within its first 100 000 bytes (how many
    // reach the client depends on socket buffering), so the retries resume from growing offsets.
    const offsets = requests.map((r) => (r.range === undefined ? 0 : Number(/^bytes=(\d+)-$/.exec(r.range)?.[1])));
    assert.equal(requests[0].range, undefined);
    assert.equal(offsets.length, 3);
    assert.ok(offsets[1] > 0 && offsets[1] <= 100000 && offsets[2] > offsets[1] && offsets[2] <= offsets[1] + 100000, `offsets ${offsets}`);
    assert.equal(md5(fs.readFileSync(path.join(dir, name))), MINI_FILES[2].md5);
    assert.deepEqual(fs.readdirSync(dir), [name]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a server that ignores Range makes the download restart cleanly', async () => {
  const dir = tempDir();
  try {
    const name = `${FASHION_MNIST_FILES.testImages}.gz`;
    behaviour = { dropAfter: 50000, dropCount: 1, ignoreRange: true };
    const result = await downloadVerified(`${baseUrl}${name}`, path.join(dir, name), MINI_FILES[2].md5, { retryDelayMs: 1 });
    assert.equal(result.attempts, 2);
    assert.equal(md5(fs.readFileSync(path.join(dir, name))), MINI_FILES[2].md5);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('when retries run out the error says so and the .part is kept for the next run to resume', async () => {
  const dir = tempDir();
  try {
    const name = `${FASHION_MNIST_FILES.testImages}.gz`;
    behaviour = { dropAfter: 1000, dropCount: 3 };
    await assert.rejects(
      downloadVerified(`${baseUrl}${name}`, path.join(dir, name), MINI_FILES[2].md5, { retries: 2, retryDelayMs: 1 }),
      /connection dropped .* gave up after 3 attempts \(partial download kept in '.*\.part'; run again to resume\)/,
    );
    const kept = fs.statSync(path.join(dir, `${name}.part`)).size;
    assert.ok(kept > 0 && kept <= 3000, `kept ${kept} bytes`);
    behaviour = {};
    requests.length = 0;
    await downloadVerified(`${baseUrl}${name}`, path.join(dir, name), MINI_FILES[2].md5);
    assert.deepEqual(requests.map((r) => r.range), [`bytes=${kept}-`]);
    assert.deepEqual(fs.readdirSync(dir), [name]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a stale .part from another version is resumed, fails the checksum, and is redone from scratch', async () => {
  const dir = tempDir();
  try {
    const name = `${FASHION_MNIST_FILES.testLabels}.gz`;
    fs.writeFileSync(path.join(dir, `${name}.part`), Buffer.alloc(200, 7));
    behaviour = {};
    requests.length = 0;
    const result = await downloadVerified(`${baseUrl}${name}`, path.join(dir, name), MINI_FILES[3].md5, { retryDelayMs: 1 });
    assert.deepEqual(requests.map((r) => r.range), ['bytes=200-', undefined]);
    assert.equal(result.attempts, 2);
    assert.equal(md5(fs.readFileSync(path.join(dir, name))), MINI_FILES[3].md5);
    assert.deepEqual(fs.readdirSync(dir), [name]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('HTTP 404 fails at once, naming the URL', async () => {
  const dir = tempDir();
  try {
    behaviour = {};
    requests.length = 0;
    await assert.rejects(downloadVerified(`${baseUrl}missing.gz`, path.join(dir, 'missing.gz'), MINI_FILES[0].md5, { retryDelayMs: 1 }),
      /downloadVerified: http:\/\/127\.0\.0\.1:\d+\/missing\.gz answered HTTP 404/);
    assert.equal(requests.length, 1);
    await assert.rejects(downloadVerified(baseUrl, path.join(dir, 'x'), 'ABC'), /'md5' must be 32 lowercase hex digits/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
