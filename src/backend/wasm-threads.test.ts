import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { MAX_WASM_THREADS, requestedThreads, threadsPerJob, THREADS_ENV_VARIABLE } from './wasm-threads';

const PACKAGE_INDEX = path.join(__dirname, '..', 'index.js');

test('requestedThreads: every core by default, at most the build’s pool', () => {
  assert.deepEqual(requestedThreads({}, 2), { threads: 2, source: '2 cores here' });
  assert.deepEqual(requestedThreads({}, 1), { threads: 1, source: '1 core here' });
  assert.equal(requestedThreads({}, 64).threads, MAX_WASM_THREADS);
  assert.equal(requestedThreads({ [THREADS_ENV_VARIABLE]: '' }, 2).threads, 2);
});

test('requestedThreads: CONTRASTIVE_KIT_THREADS overrides, is capped, and is validated', () => {
  assert.deepEqual(requestedThreads({ [THREADS_ENV_VARIABLE]: '1' }, 2), { threads: 1, source: 'CONTRASTIVE_KIT_THREADS=1' });
  assert.deepEqual(requestedThreads({ [THREADS_ENV_VARIABLE]: ' 3 ' }, 2), { threads: 3, source: 'CONTRASTIVE_KIT_THREADS=3' });
  const capped = requestedThreads({ [THREADS_ENV_VARIABLE]: '12' }, 2);
  assert.equal(capped.threads, MAX_WASM_THREADS);
  assert.match(capped.source, /CONTRASTIVE_KIT_THREADS=12, capped at the build's 8/);
  for (const bad of ['0', '-2', '1.5', 'two', 'NaN']) {
    assert.throws(() => requestedThreads({ [THREADS_ENV_VARIABLE]: bad }, 2), /CONTRASTIVE_KIT_THREADS must be a whole number ≥ 1.*got/);
  }
});

test('threadsPerJob divides the cores between parallel jobs, at least one each', () => {
  assert.equal(threadsPerJob(1, 2), 2);
  assert.equal(threadsPerJob(2, 2), 1);
  assert.equal(threadsPerJob(3, 2), 1);
  assert.equal(threadsPerJob(2, 8), 4);
  assert.equal(threadsPerJob(1, 32), MAX_WASM_THREADS);
  assert.throws(() => threadsPerJob(0, 2), /'jobs' must be a whole number ≥ 1, got 0/);
});

/**
 * Runs `body` in a fresh Node process (a backend starts once per process) with the kit loaded as
 * `kit`, and returns its JSON output. The process must exit by itself: the pool workers may not
 * keep it alive.
 */
function inChild(body: string, env: Record<string, string>): Record<string, unknown> {
  const script = `
    const kit = require(${JSON.stringify(PACKAGE_INDEX)});
    (async () => { ${body} })().catch((error) => { console.error(error); process.exitCode = 1; });`;
  const child = spawnSync(process.execPath, ['-e', script], {
    env: { ...process.env, CONTRASTIVE_KIT_BACKEND: 'wasm', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(child.error, undefined, `the child process ended by itself (${String(child.error)})`);
  assert.equal(child.status, 0, `child failed: ${child.stderr}`);
  const lines = child.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
}

/** One conv-net training step and a matmul; prints the backend's threads and the results' bits. */
const TRAINING_STEP = `
  const choice = await kit.selectBackend();
  const tf = kit.tf;
  const before = tf.memory().numTensors;
  const x = tf.randomNormal([16, 28, 28, 1], 0, 1, 'float32', 1);
  const w1 = tf.tidy(() => tf.variable(tf.randomNormal([3, 3, 1, 8], 0, 0.3, 'float32', 2)));
  const w2 = tf.tidy(() => tf.variable(tf.randomNormal([13 * 13 * 8, 16], 0, 0.05, 'float32', 3)));
  const optimizer = tf.train.adam(1e-2);
  for (let step = 0; step < 3; step++) {
    optimizer.minimize(() => {
      const h = tf.maxPool(tf.relu(tf.conv2d(x, w1, 1, 'valid')), 2, 2, 'valid').reshape([16, -1]);
      const z = tf.matMul(h, w2);
      return tf.sum(tf.square(tf.sub(z, tf.mean(z, 0))));
    });
  }
  const a = tf.randomNormal([257, 300], 0, 1, 'float32', 4), b = tf.randomNormal([300, 129], 0, 1, 'float32', 5);
  const product = tf.matMul(a, b);
  const bits = (tensor) => Array.from(new Uint32Array(tensor.dataSync().slice().buffer));
  const out = { threads: choice.threads, reason: choice.threadsReason, w1: bits(w1), w2: bits(w2), product: bits(product) };
  tf.dispose([x, a, b, product, w1, w2]);
  optimizer.dispose();
  out.leaked = tf.memory().numTensors - before;
  console.log(JSON.stringify(out));`;

test('threaded wasm starts in Node, exits by itself, and trains bit for bit like one thread', () => {
  const one = inChild(TRAINING_STEP, { [THREADS_ENV_VARIABLE]: '1' });
  const two = inChild(TRAINING_STEP, { [THREADS_ENV_VARIABLE]: '2' });
  assert.equal(one.threads, 1);
  assert.equal(two.threads, 2, `two threads started: ${String(two.reason)}`);
  assert.equal(two.reason, 'CONTRASTIVE_KIT_THREADS=2');
  assert.equal(one.leaked, 0);
  assert.equal(two.leaked, 0);
  assert.deepEqual(two.product, one.product, 'matmul bits');
  assert.deepEqual(two.w1, one.w1, 'conv weights after 3 Adam steps');
  assert.deepEqual(two.w2, one.w2, 'dense weights after 3 Adam steps');
});

/**
 * Five Adam steps on a [300, 257] variable (77 100 values: the fused update splits it between
 * the threads), with the fused update and with tfjs' own; prints the weights' SHA-256 for each.
 */
const ADAM_STEPS = `
  const choice = await kit.selectBackend();
  const tf = kit.tf;
  const before = tf.memory().numTensors;
  const digest = (tensor) => require('node:crypto').createHash('sha256').update(Buffer.from(tensor.dataSync().slice().buffer)).digest('hex');
  const train = () => {
    const w = tf.tidy(() => tf.variable(tf.randomNormal([300, 257], 0, 1, 'float32', 6)));
    const target = tf.randomNormal([300, 257], 0, 1, 'float32', 7);
    const optimizer = tf.train.adam(1e-2);
    for (let step = 0; step < 5; step++) optimizer.minimize(() => tf.sum(tf.mul(tf.square(tf.sub(w, target)), tf.abs(target))));
    const out = digest(w);
    tf.dispose([w, target]);
    optimizer.dispose();
    return out;
  };
  const fused = train();
  kit.uninstallFusedAdam();
  const stock = train();
  kit.installFusedAdam();
  console.log(JSON.stringify({ threads: choice.threads, fused, stock, leaked: tf.memory().numTensors - before }));`;

test('fused Adam splits a large variable between threads: 1 and 2 threads give the same bits as tfjs’ Adam', () => {
  const one = inChild(ADAM_STEPS, { [THREADS_ENV_VARIABLE]: '1' });
  const two = inChild(ADAM_STEPS, { [THREADS_ENV_VARIABLE]: '2' });
  assert.deepEqual([one.threads, two.threads], [1, 2]);
  assert.deepEqual([one.leaked, two.leaked], [0, 0]);
  assert.equal(one.fused, one.stock, 'one thread: fused = stock');
  assert.equal(two.fused, two.stock, 'two threads: fused = stock');
  assert.equal(two.fused, one.fused, 'two threads = one thread');
});

test('when the threaded build cannot start, the backend runs on one thread and says why', () => {
  // Another library owning global.Worker (non-configurable) stops the shim from installing.
  const result = inChild(
    `Object.defineProperty(globalThis, 'Worker', { value: class {}, configurable: false, writable: false });
     const choice = await kit.selectBackend();
     const sum = kit.tf.tidy(() => kit.tf.matMul(kit.tf.ones([4, 4]), kit.tf.ones([4, 4])).sum().dataSync()[0]);
     console.log(JSON.stringify({ threads: choice.threads, reason: choice.threadsReason, sum }));`,
    { [THREADS_ENV_VARIABLE]: '2' },
  );
  assert.equal(result.threads, 1);
  assert.match(String(result.reason), /^one thread: the threaded wasm build did not start \(.*Worker/);
  assert.equal(result.sum, 64);
});
