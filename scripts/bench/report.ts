/**
 * The bench's output: the JSON object's type, the ratios against PyTorch and the readable table.
 */
import type { StepResult } from './workloads';
import type { TorchResult } from './torch';

/** Targets of issue #3: kit-on-wasm time / PyTorch time with the same threads, and peak use. */
export const TARGETS = { mlpRatio: 5, cnnRatio: 4, knnRatio: 3, mlpPeakFraction: 0.6 } as const;

/** A training-step entry of the report. */
export interface StepEntry {
  msPerStep: number;
  samplesPerSec: number;
  /** Achieved GFLOP/s of the step. */
  gflops: number;
  /** gflops / the matmul peak measured in the same run. */
  peakFraction: number;
  gflopPerStep: number;
  steps: number;
}

/** The one JSON object `npm run bench` prints. */
export interface BenchReport {
  backend: string;
  /** Why this backend (selectBackend's reason). */
  reason: string;
  threads: number;
  /** Plain matmul peak of this backend, measured in this run. */
  matmulPeak: { gflops: number; shape: string };
  mlp?: StepEntry;
  cnn?: StepEntry;
  knn?: { ms: number; queries: number; references: number };
  umap?: { ms: number | null; points?: number; pending?: string };
  augmentation?: { ms: number; preset: string; targetMs: number };
  torch?: { sameThreads: TorchResult; defaultThreads?: TorchResult };
  /** kit time / PyTorch time (lower is better; 1 = as fast as PyTorch). */
  ratios?: {
    sameThreads: { mlp?: number; cnn?: number; knn?: number };
    defaultThreads?: { mlp?: number; cnn?: number; knn?: number };
  };
  /** Each target of issue #3: the measured value, the limit, and whether it is met. */
  targets?: Record<string, { value: number; limit: string; met: boolean }>;
  /** Anything the bench could not measure, and why. */
  pending: string[];
  /** Per-kernel milliseconds of one step (with --profile), largest first. */
  profile?: Record<string, Array<{ kernel: string; ms: number; calls: number }>>;
  /** How the numbers were taken. */
  settings: { steps: number; knnScale: number; date: string; node: string; tfjs: string };
}

/** Builds a report entry from a step result and the peak. */
export function stepEntry(result: StepResult, peakGflops: number): StepEntry {
  return { ...result, peakFraction: result.gflops / peakGflops };
}

function ratio(kitMs: number | undefined, torchMs: number | undefined): number | undefined {
  return kitMs === undefined || torchMs === undefined ? undefined : kitMs / torchMs;
}

/** kit / torch time ratios for the three compared workloads. */
export function ratiosAgainst(report: BenchReport, torch: TorchResult): { mlp?: number; cnn?: number; knn?: number } {
  return {
    mlp: ratio(report.mlp?.msPerStep, torch.mlp?.msPerStep),
    cnn: ratio(report.cnn?.msPerStep, torch.cnn?.msPerStep),
    knn: ratio(report.knn?.ms, torch.knn?.ms),
  };
}

/** The targets, evaluated on a report with ratios. */
export function evaluateTargets(report: BenchReport): Record<string, { value: number; limit: string; met: boolean }> {
  const targets: Record<string, { value: number; limit: string; met: boolean }> = {};
  const same = report.ratios?.sameThreads;
  if (same?.mlp !== undefined) targets.mlpVsTorch = { value: same.mlp, limit: `≤ ${TARGETS.mlpRatio}×`, met: same.mlp <= TARGETS.mlpRatio };
  if (same?.cnn !== undefined) targets.cnnVsTorch = { value: same.cnn, limit: `≤ ${TARGETS.cnnRatio}×`, met: same.cnn <= TARGETS.cnnRatio };
  if (same?.knn !== undefined) targets.knnVsTorch = { value: same.knn, limit: `≤ ${TARGETS.knnRatio}×`, met: same.knn <= TARGETS.knnRatio };
  if (report.mlp !== undefined) {
    const fraction = report.mlp.peakFraction;
    targets.mlpPeakFraction = { value: fraction, limit: `≥ ${TARGETS.mlpPeakFraction}`, met: fraction >= TARGETS.mlpPeakFraction };
  }
  return targets;
}

function cell(value: number | undefined | null, digits = 1): string {
  return value === undefined || value === null || !Number.isFinite(value) ? '—' : value.toFixed(digits);
}

/** The readable table (`--table`). */
export function formatTable(report: BenchReport): string {
  const torchSame = report.torch?.sameThreads;
  const torchDefault = report.torch?.defaultThreads;
  const header = ['workload', 'kit ms', 'samples/s', 'GFLOP/s', '% of peak', `torch ${torchSame?.threads ?? '?'}T ms`, 'ratio', 'target', `torch ${torchDefault?.threads ?? '?'}T ms`, 'ratio'];
  const rows: string[][] = [];
  const step = (name: 'mlp' | 'cnn', label: string, target: number) => {
    const entry = report[name];
    if (!entry) return;
    rows.push([
      label,
      cell(entry.msPerStep),
      cell(entry.samplesPerSec, 0),
      cell(entry.gflops, 2),
      cell(entry.peakFraction * 100, 0) + ' %',
      cell(torchSame?.[name]?.msPerStep),
      cell(report.ratios?.sameThreads[name], 2),
      `≤ ${target}×`,
      cell(torchDefault?.[name]?.msPerStep),
      cell(report.ratios?.defaultThreads?.[name], 2),
    ]);
  };
  step('mlp', 'MLP train step', TARGETS.mlpRatio);
  step('cnn', 'CNN train step', TARGETS.cnnRatio);
  if (report.knn) {
    rows.push(['kNN top-200', cell(report.knn.ms, 0), '', '', '', cell(torchSame?.knn?.ms, 0), cell(report.ratios?.sameThreads.knn, 2), `≤ ${TARGETS.knnRatio}×`, cell(torchDefault?.knn?.ms, 0), cell(report.ratios?.defaultThreads?.knn, 2)]);
  }
  if (report.umap) rows.push(['UMAP 10k→2-D', report.umap.ms === null ? 'pending' : cell(report.umap.ms, 0), '', '', '', '', '', '', '', '']);
  if (report.augmentation) rows.push([`augment 2 views`, cell(report.augmentation.ms), '', '', '', '', '', `≤ ${report.augmentation.targetMs} ms`, '', '']);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => cells.map((text, column) => (column === 0 ? text.padEnd(widths[column]) : text.padStart(widths[column]))).join('  ');
  const out = [
    `backend ${report.backend} (${report.threads} thread${report.threads === 1 ? '' : 's'}); matmul peak ${cell(report.matmulPeak.gflops, 1)} GFLOP/s (${report.matmulPeak.shape})`,
    line(header),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map(line),
  ];
  if (report.targets) {
    out.push('', 'targets: ' + Object.entries(report.targets).map(([name, t]) => `${name} ${cell(t.value, 2)} (${t.limit}) ${t.met ? 'met' : 'NOT met'}`).join('; '));
  }
  if (report.pending.length > 0) out.push('pending: ' + report.pending.join('; '));
  return out.join('\n');
}
