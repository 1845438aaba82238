/**
 * Runs scripts/bench_torch.py (Debian's python3-torch through /usr/bin/python3) and parses its
 * JSON, for `npm run bench -- --compare-torch`.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

/** What scripts/bench_torch.py prints. */
export interface TorchResult {
  backend: 'pytorch';
  torch: string;
  threads: number;
  mallopt: boolean;
  mlp?: { msPerStep: number; cpuMsPerStep: number; samplesPerSec: number; steps: number };
  cnn?: { msPerStep: number; cpuMsPerStep: number; samplesPerSec: number; steps: number };
  knn?: { ms: number; cpuMs: number; queries: number; references: number };
}

/** The Python that has torch on Debian (the first `python3` on PATH may be another one). */
export const TORCH_PYTHON = process.env.CONTRASTIVE_KIT_TORCH_PYTHON ?? '/usr/bin/python3';

/**
 * Runs the PyTorch workloads in a fresh process.
 *
 * @param threads intra-op threads; 0 = PyTorch's default (all cores).
 * @param steps timed steps per model.
 * @param knnScale fraction of the kNN sizes.
 * @param skip workloads to leave out.
 */
export function runTorchBench(threads: number, steps: number, knnScale: number, skip: string[]): TorchResult {
  const script = path.join(__dirname, '..', 'bench_torch.py');
  const args = [script, '--threads', String(threads), '--steps', String(steps), '--knn-scale', String(knnScale)];
  if (skip.length > 0) args.push('--skip', skip.join(','));
  const run = spawnSync(TORCH_PYTHON, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (run.error) throw new Error(`bench --compare-torch: could not start ${TORCH_PYTHON} (${run.error.message}); install Debian's python3-torch`);
  if (run.status !== 0) throw new Error(`bench --compare-torch: bench_torch.py failed (exit ${run.status}):\n${run.stderr}`);
  const lastLine = run.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(lastLine) as TorchResult;
}
