/**
 * `npx ts-node -T scripts/bench-augmentation.ts [wasm|cpu|node] [batchSize]`: times two augmented
 * views of a batch (default 256) for each preset on one backend (default wasm) and prints the
 * median and fastest wall milliseconds per call and the CPU milliseconds per call (the better
 * estimate on a busy machine: the wasm backend is single-threaded).
 */
import { AUGMENTATION_PRESETS, AugmentationPresetName, selectBackend } from 'contrastive-kit';
import { benchmarkTwoViews } from './bench/two-views';

async function main(): Promise<void> {
  const backend = (process.argv[2] ?? 'wasm') as 'wasm' | 'cpu' | 'node';
  const batchSize = Number(process.argv[3] ?? 256);
  const choice = await selectBackend({ force: backend });
  console.log(`backend ${choice.name} (${choice.reason}); batch ${batchSize}`);
  for (const preset of Object.keys(AUGMENTATION_PRESETS) as AugmentationPresetName[]) {
    const result = benchmarkTwoViews({ batchSize, preset, repeats: 40 });
    console.log(`${preset.padEnd(9)} two views: median ${result.medianMs.toFixed(1)} ms, fastest ${result.minMs.toFixed(1)} ms wall; ${result.cpuMsPerCall.toFixed(1)} ms CPU per call`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
