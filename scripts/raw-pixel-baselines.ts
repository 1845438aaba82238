/**
 * Recomputes the raw-pixel baselines on the full Fashion-MNIST (test 10 000 vs train 60 000) with
 * the kit's own search and classifier, and prints them with their time:
 *
 *   npm run build && npx ts-node -T scripts/raw-pixel-baselines.ts [--backend wasm|cpu] [--test N] [--euclidean]
 *
 * `--test N` uses only the first N test images (a quick check); `--euclidean` adds the L2 1-NN.
 * Reference values (numpy, shared/NOTES.md): cosine 1-NN 85.76 %, weighted kNN (k=200, σ=0.1)
 * 78.85 %, L2 1-NN 84.97 %.
 */
import { BackendName, loadFashionMnist, rawPixelBaselines, selectBackend, takeFromSplit } from 'contrastive-kit';

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

async function main(): Promise<void> {
  const backend = argument('--backend') as BackendName | undefined;
  const choice = await selectBackend(backend ? { force: backend } : {});
  const data = loadFashionMnist();
  const limit = argument('--test');
  const test = limit === undefined ? data.test : takeFromSplit(data.test, Array.from({ length: Number(limit) }, (_, i) => i));
  console.log(`backend ${choice.name}; data: ${data.source.description}; train ${data.train.count}, test ${test.count}`);

  let last = 0;
  const onProgress = (done: number, total: number) => {
    if (done === total || Date.now() - last > 10000) {
      last = Date.now();
      console.log(`  ${done}/${total} queries`);
    }
  };
  const percent = (x: number) => `${(100 * x).toFixed(2)} %`;
  // The machine may be shared: CPU seconds of this process say more than wall time.
  let cpuStart = process.cpuUsage();
  const cpuSeconds = () => {
    const used = process.cpuUsage(cpuStart);
    cpuStart = process.cpuUsage();
    return ((used.user + used.system) / 1e6).toFixed(1);
  };
  cpuSeconds();
  const cosine = await rawPixelBaselines({ train: data.train, test }, { k: 200, temperature: 0.1, onProgress });
  console.log(`cosine 1-NN top-1            ${percent(cosine.oneNNTop1)}   (numpy reference 85.76 %)`);
  console.log(`weighted kNN k=200 σ=0.1     top-1 ${percent(cosine.knnTop1)}, top-5 ${percent(cosine.knnTop5)}   (numpy reference top-1 78.85 %)`);
  console.log(`time ${cosine.seconds.toFixed(1)} s wall, ${cpuSeconds()} s CPU (one search: ${cosine.numTest} × ${cosine.numTrain} × 784, top-${cosine.k})`);
  if (process.argv.includes('--euclidean')) {
    const l2 = await rawPixelBaselines({ train: data.train, test }, { k: 1, metric: 'euclidean', onProgress });
    console.log(`L2 1-NN top-1                ${percent(l2.oneNNTop1)}   (numpy reference 84.97 %), ${l2.seconds.toFixed(1)} s wall, ${cpuSeconds()} s CPU`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
