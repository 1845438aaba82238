/**
 * Runs scripts/bench_torch.py (Debian's python3-torch through /usr/bin/python3) and parses its
 * JSON, for `npm run bench -- --compare-torch`.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { BlasEvidence, BlasInfo, identifyBlas } from './blas';

/** What scripts/bench_torch.py prints, plus `blas` (its `blasEvidence` read by {@link identifyBlas}). */
export interface TorchResult {
  backend: 'pytorch';
  torch: string;
  threads: number;
  mallopt: boolean;
  /** Which BLAS this PyTorch process computed with (see scripts/bench/blas.ts). */
  blas: BlasInfo;
  /** Plain 1024³ float32 product (absent with `--blas-only`). */
  matmul?: { gflops: number; cpuGflops: number; shape: string };
  mlp?: { msPerStep: number; cpuMsPerStep: number; samplesPerSec: number; steps: number };
  cnn?: { msPerStep: number; cpuMsPerStep: number; samplesPerSec: number; steps: number };
  knn?: { ms: number; cpuMs: number; queries: number; references: number };
}

/** The Python that has torch on Debian (the first `python3` on PATH may be another one). */
export const TORCH_PYTHON = process.env.CONTRASTIVE_KIT_TORCH_PYTHON ?? '/usr/bin/python3';

function runScript(args: string[]): TorchResult {
  const script = path.join(__dirname, '..', 'bench_torch.py');
  const run = spawnSync(TORCH_PYTHON, [script, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (run.error) throw new Error(`bench --compare-torch: could not start ${TORCH_PYTHON} (${run.error.message}); install Debian's python3-torch`);
  if (run.status !== 0) throw new Error(`bench --compare-torch: bench_torch.py ${args.join(' ')} failed (exit ${run.status}):\n${run.stderr}`);
  const lastLine = run.stdout.trim().split('\n').pop() ?? '';
  const { blasEvidence, ...rest } = JSON.parse(lastLine) as Omit<TorchResult, 'blas'> & { blasEvidence: BlasEvidence };
  return { ...rest, blas: identifyBlas(blasEvidence) };
}

/**
 * Which BLAS PyTorch computes with, from a short PyTorch process (a few seconds): asked before
 * the timed runs, so a netlib BLAS is refused without minutes of pointless timing.
 */
export function probeTorchBlas(): { torch: string; blas: BlasInfo } {
  const { torch, blas } = runScript(['--blas-only']);
  return { torch, blas };
}

/**
 * Runs the PyTorch workloads in a fresh process.
 *
 * @param threads intra-op threads; 0 = PyTorch's default (which is 1 on the 2-core development
 *   machine, so the bench always passes the count it wants).
 * @param steps timed steps per model.
 * @param knnScale fraction of the kNN sizes.
 * @param skip workloads to leave out.
 */
export function runTorchBench(threads: number, steps: number, knnScale: number, skip: string[]): TorchResult {
  const args = ['--threads', String(threads), '--steps', String(steps), '--knn-scale', String(knnScale)];
  if (skip.length > 0) args.push('--skip', skip.join(','));
  return runScript(args);
}
