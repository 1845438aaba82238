/**
 * Times every loss (forward, and forward + backward with respect to its float inputs) and the
 * miners at the bench shapes: batch 256, dim 128; queue / noise K = 4096 and a memory bank of
 * n = 60 000 rows (Fashion-MNIST's training set) for InstDisc and MoCo.
 *
 *   npm run build && npx ts-node -T scripts/time-losses.ts [--backend wasm|cpu|node] [--runs 5] [--json]
 *
 * Prints a table of medians (ms). The machine is shared: read ratios, not absolute times.
 */
import { performance } from 'perf_hooks';
import * as kit from 'contrastive-kit';
import { tf } from 'contrastive-kit';


function argument(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
}

const BATCH = 256;
const DIM = 128;
const K = 4096;
const BANK = Number(argument('bank', '60000'));
const RUNS = Number(argument('runs', '5'));

function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Median ms of `work` over RUNS runs after one warm-up; `work` must read its result (dataSync). */
function time(work: () => void): number {
  work();
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const start = performance.now();
    work();
    times.push(performance.now() - start);
  }
  return median(times);
}

interface Row {
  name: string;
  shapes: string;
  forwardMs: number;
  backwardMs: number | null;
}

async function main(): Promise<void> {
  const choice = await kit.selectBackend({ force: argument('backend', 'wasm') as kit.BackendName });
  const rng = new kit.Rng(7);
  const unit = (rows: number, cols: number) =>
    tf.tidy(() => {
      const x = tf.tensor2d(rng.normalArray(rows * cols), [rows, cols]);
      return tf.div(x, tf.norm(x, 2, 1, true)) as tf.Tensor2D;
    });
  const a = unit(BATCH, DIM);
  const p = unit(BATCH, DIM);
  const n = unit(BATCH, DIM);
  const negatives = tf.tidy(() => tf.reshape(unit(BATCH * 8, DIM), [BATCH, 8, DIM]) as tf.Tensor3D);
  const queue = unit(K, DIM);
  const bank = unit(BANK, DIM);
  const indices = tf.tensor1d(rng.intArray(BATCH, BANK), 'int32');
  const noise = tf.tensor2d(rng.intArray(BATCH * K, BANK), [BATCH, K], 'int32');
  const similar = tf.tensor1d(Array.from({ length: BATCH }, (_, i) => i % 2), 'int32');
  const labels = tf.tensor1d(Array.from({ length: BATCH }, (_, i) => i % 8), 'int32'); // 8 classes × 32
  const normalizer = kit.estimateNormalizer(a, bank, noise);

  const rows: Row[] = [];
  const measure = (name: string, shapes: string, inputs: tf.Tensor[], loss: (...xs: tf.Tensor[]) => tf.Scalar, withBackward = true) => {
    const forwardMs = time(() => tf.tidy(() => void loss(...inputs).dataSync()));
    const backwardMs = withBackward
      ? time(() =>
          tf.tidy(() => {
            const { value, grads } = tf.valueAndGrads(loss)(inputs);
            value.dataSync();
            grads.forEach((g) => g.dataSync());
          }),
        )
      : null;
    rows.push({ name, shapes, forwardMs, backwardMs });
    console.error(`${name}: ${forwardMs.toFixed(1)} ms forward, ${backwardMs === null ? '—' : backwardMs.toFixed(1) + ' ms with backward'}`);
  };

  measure('contrastiveLoss', 'x1, x2 [256,128]', [a, p], (x1, x2) => kit.contrastiveLoss(x1 as tf.Tensor2D, x2 as tf.Tensor2D, similar));
  measure('tripletLoss', '3 × [256,128]', [a, p, n], (x, y, z) => kit.tripletLoss(x as tf.Tensor2D, y as tf.Tensor2D, z as tf.Tensor2D));
  measure('tupletLoss', '[256,128], [256,128], [256,8,128]', [a, p, negatives], (x, y, z) => kit.tupletLoss(x as tf.Tensor2D, y as tf.Tensor2D, z as tf.Tensor3D));
  measure('nPairLoss', '2 × [256,128]', [a, p], (x, y) => kit.nPairLoss(x as tf.Tensor2D, y as tf.Tensor2D, { l2Reg: 0.002 }));
  measure(`nonParametricSoftmaxLoss`, `[256,128], memory [${BANK},128]`, [a], (x) => kit.nonParametricSoftmaxLoss(x as tf.Tensor2D, bank, indices));
  measure('nceLoss', `[256,128], memory [${BANK},128], K=${K}`, [a], (x) => kit.nceLoss(x as tf.Tensor2D, bank, indices, noise, { normalizer }));
  rows.push({ name: 'estimateNormalizer', shapes: `[256,128], memory [${BANK},128], K=${K}`, forwardMs: time(() => void kit.estimateNormalizer(a, bank, noise)), backwardMs: null });
  measure('infoNCELoss', `2 × [256,128], queue [${K},128]`, [a, p], (q, k) => kit.infoNCELoss(q as tf.Tensor2D, k as tf.Tensor2D, queue));
  measure('ntXentLoss', '2 × [256,128]', [a, p], (x, y) => kit.ntXentLoss(x as tf.Tensor2D, y as tf.Tensor2D));
  measure('supConLoss', '[256,128], 8 classes', [a], (x) => kit.supConLoss(x as tf.Tensor2D, labels));
  for (const strategy of ['hard', 'semi-hard', 'all'] as const) {
    measure(`batchTripletLoss ${strategy}`, '[256,128], 8 classes', [a], (x) => kit.batchTripletLoss(x as tf.Tensor2D, labels, { strategy }));
  }
  rows.push({ name: 'mineBatchHard', shapes: '[256,128]', forwardMs: time(() => void kit.mineBatchHard(a, labels)), backwardMs: null });
  rows.push({ name: 'mineSemiHard', shapes: '[256,128]', forwardMs: time(() => void kit.mineSemiHard(a, labels)), backwardMs: null });
  rows.push({ name: 'countTripletKinds', shapes: '[256,128]', forwardMs: time(() => void kit.countTripletKinds(a, labels)), backwardMs: null });

  const result = { backend: choice.name, reason: choice.reason, runs: RUNS, batch: BATCH, dim: DIM, numNegatives: K, bankSize: BANK, rows };
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    console.log(`backend ${choice.name} (${choice.reason}); median of ${RUNS} runs after a warm-up, ms`);
    console.log('| loss | shapes | forward | forward + backward |');
    console.log('|---|---|---|---|');
    for (const r of rows) console.log(`| ${r.name} | ${r.shapes} | ${r.forwardMs.toFixed(1)} | ${r.backwardMs === null ? '—' : r.backwardMs.toFixed(1)} |`);
  }
  tf.dispose([a, p, n, negatives, queue, bank, indices, noise, similar, labels]);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
