/**
 * Times `umapLayout` on 10 000 × 128 points (issue #7's target: ≤ 10 s here) and compares it with
 * umap-js' own `fit` on the same exact kNN graph, with trustworthiness for both.
 *
 * Usage (after `npm run build`): npx ts-node -T scripts/umap-timing.ts [--points 10000] [--dim 128] [--compare]
 *   --compare   also run umap-js' fit (defaults: random start, 200 epochs) with setPrecomputedKNN.
 *
 * Data: 10 Gaussian clusters (centres N(0, 3²), unit noise) from the kit's PRNG, seed 1.
 * Prints wall and process-CPU seconds per stage and the 1-minute load average: the machine is
 * shared, so wall time over CPU time shows how much waiting the run did.
 */
import * as os from 'os';
import { UMAP } from 'umap-js';
import { Rng, knnSearch, knnDistances, knnRows, selectBackend, tf, trustworthiness, umapLayout } from 'contrastive-kit';

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

const cpuSeconds = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};

async function main(): Promise<void> {
  const numPoints = arg('--points', 10000);
  const dim = arg('--dim', 128);
  const backend = await selectBackend();
  const rng = new Rng(1);
  const centres = Array.from({ length: 10 }, () => Array.from({ length: dim }, () => rng.normal(0, 3)));
  const values = new Float32Array(numPoints * dim);
  for (let i = 0; i < numPoints; i++) for (let d = 0; d < dim; d++) values[i * dim + d] = centres[i % 10][d] + rng.normal();
  const points = tf.tensor2d(values, [numPoints, dim]);
  console.log(`umap-timing: ${numPoints} × ${dim}, backend ${backend.name}, load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`);

  let cpu = cpuSeconds();
  let wall = Date.now();
  const layout = await umapLayout(points, { metric: 'euclidean' });
  const kitCpu = cpuSeconds() - cpu;
  const kitWall = (Date.now() - wall) / 1000;
  const s = layout.seconds;
  console.log(
    `umapLayout (kit, PCA start, ${layout.nEpochs} epochs, ${layout.numEdges} edges): wall ${kitWall.toFixed(2)} s ` +
      `(kNN ${s.knn.toFixed(2)}, graph ${s.graph.toFixed(2)}, layout ${s.layout.toFixed(2)}), CPU ${kitCpu.toFixed(2)} s`,
  );
  const sample = { k: 15, sampleSize: 1000 };
  console.log(`  trustworthiness (k 15, 1000 sampled points): ${trustworthiness(points, layout, sample).toFixed(4)}`);

  if (process.argv.includes('--compare')) {
    const knn = await knnSearch(points, points, { k: 15, metric: 'euclidean' });
    const random = (() => {
      const stream = new Rng(2);
      return () => stream.next();
    })();
    cpu = cpuSeconds();
    wall = Date.now();
    const umap = new UMAP({ random });
    umap.setPrecomputedKNN(knnRows(knn.indices, knn.k), knnRows(knnDistances(knn), knn.k));
    const rows = Array.from({ length: numPoints }, (_, i) => Array.from(values.subarray(i * dim, (i + 1) * dim)));
    const embedding = umap.fit(rows);
    const jsCpu = cpuSeconds() - cpu;
    const jsWall = (Date.now() - wall) / 1000;
    console.log(`umap-js fit (random start, default epochs, same exact kNN; kNN time not included): wall ${jsWall.toFixed(2)} s, CPU ${jsCpu.toFixed(2)} s`);
    console.log(`  trustworthiness (k 15, 1000 sampled points): ${trustworthiness(points, embedding, sample).toFixed(4)}`);
  }
  points.dispose();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
