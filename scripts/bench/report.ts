/**
 * The bench's output: the JSON object's type, the ratios against PyTorch and the readable table.
 */
import type { StepResult, TrainerStepResult } from './workloads';
import type { TorchResult } from './torch';

/** Targets of issue #3: kit-on-wasm time / PyTorch time with the same threads, and peak use. */
export const TARGETS = { mlpRatio: 5, cnnRatio: 4, knnRatio: 3, mlpPeakFraction: 0.6 } as const;

/** A training-step entry of the report. */
export interface StepEntry {
  msPerStep: number;
  cpuMsPerStep: number;
  samplesPerSec: number;
  /** Achieved GFLOP/s of the step (wall clock). */
  gflops: number;
  /** gflops / the matmul peak measured in the same run (wall clock). */
  peakFraction: number;
  /** The same two on CPU time (robust on a busy machine). */
  cpuGflops: number;
  cpuPeakFraction: number;
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
  matmulPeak: { gflops: number; cpuGflops: number; shape: string };
  mlp?: StepEntry;
  cnn?: StepEntry;
  knn?: { ms: number; cpuMs: number; queries: number; references: number };
  umap?: { ms: number; cpuMs: number; points: number; seconds: { knn: number; graph: number; layout: number } };
  moco?: TrainerStepResult;
  instdisc?: TrainerStepResult;
  augmentation?: { ms: number; cpuMs?: number; preset: string; targetMs: number };
  torch?: { sameThreads: TorchResult; defaultThreads?: TorchResult };
  /**
   * kit time / PyTorch time (lower is better; 1 = as fast as PyTorch): `sameThreads` on wall
   * clock, `sameThreadsCpu` on CPU time (both single-threaded, so CPU time is the work done,
   * immune to waiting for a core), `defaultThreads` on wall clock (PyTorch on every core).
   */
  ratios?: {
    sameThreads: Ratios;
    sameThreadsCpu: Ratios;
    defaultThreads?: Ratios;
  };
  /** Each target of issue #3, judged on CPU time (see `ratios`), with the wall-clock value too. */
  targets?: Record<string, Target>;
  /** Anything the bench could not measure, and why. */
  pending: string[];
  /** Per-kernel milliseconds of one step (with --profile), largest first. */
  profile?: Record<string, Array<{ kernel: string; ms: number; calls: number }>>;
  /** How the numbers were taken. */
  settings: { steps: number; knnScale: number; date: string; node: string; tfjs: string };
}

/** kit / PyTorch time for the compared workloads. */
export interface Ratios {
  mlp?: number;
  cnn?: number;
  knn?: number;
}

/** One target: the value on CPU time, on wall clock, the limit and whether the CPU-time value meets it. */
export interface Target {
  value: number;
  wallValue: number;
  limit: string;
  met: boolean;
}

/** Builds a report entry from a step result and the peak. */
export function stepEntry(result: StepResult, peak: { gflops: number; cpuGflops: number }): StepEntry {
  return { ...result, peakFraction: result.gflops / peak.gflops, cpuPeakFraction: result.cpuGflops / peak.cpuGflops };
}

function ratio(kitMs: number | undefined, torchMs: number | undefined): number | undefined {
  return kitMs === undefined || torchMs === undefined ? undefined : kitMs / torchMs;
}

/** kit / torch time ratios for the three compared workloads, on wall clock or CPU time. */
export function ratiosAgainst(report: BenchReport, torch: TorchResult, clock: 'wall' | 'cpu'): Ratios {
  if (clock === 'cpu') {
    return {
      mlp: ratio(report.mlp?.cpuMsPerStep, torch.mlp?.cpuMsPerStep),
      cnn: ratio(report.cnn?.cpuMsPerStep, torch.cnn?.cpuMsPerStep),
      knn: ratio(report.knn?.cpuMs, torch.knn?.cpuMs),
    };
  }
  return {
    mlp: ratio(report.mlp?.msPerStep, torch.mlp?.msPerStep),
    cnn: ratio(report.cnn?.msPerStep, torch.cnn?.msPerStep),
    knn: ratio(report.knn?.ms, torch.knn?.ms),
  };
}

/** The targets, evaluated on a report with ratios (CPU time decides; wall shown too). */
export function evaluateTargets(report: BenchReport): Record<string, Target> {
  const targets: Record<string, Target> = {};
  const cpu = report.ratios?.sameThreadsCpu;
  const wall = report.ratios?.sameThreads;
  const add = (name: string, workload: 'mlp' | 'cnn' | 'knn', limit: number) => {
    const value = cpu?.[workload];
    const wallValue = wall?.[workload];
    if (value === undefined || wallValue === undefined) return;
    targets[name] = { value, wallValue, limit: `≤ ${limit}×`, met: value <= limit };
  };
  add('mlpVsTorch', 'mlp', TARGETS.mlpRatio);
  add('cnnVsTorch', 'cnn', TARGETS.cnnRatio);
  add('knnVsTorch', 'knn', TARGETS.knnRatio);
  if (report.mlp !== undefined) {
    const value = report.mlp.cpuPeakFraction;
    targets.mlpPeakFraction = { value, wallValue: report.mlp.peakFraction, limit: `≥ ${TARGETS.mlpPeakFraction}`, met: value >= TARGETS.mlpPeakFraction };
  }
  const augmentation = report.augmentation;
  if (augmentation?.cpuMs !== undefined) {
    targets.augmentTwoViewsMs = { value: augmentation.cpuMs, wallValue: augmentation.ms, limit: `≤ ${augmentation.targetMs} ms`, met: augmentation.cpuMs <= augmentation.targetMs };
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
  const header = ['workload', 'kit ms', 'kit cpu ms', 'samples/s', 'GFLOP/s', '% of peak', `torch ${torchSame?.threads ?? '?'}T ms`, 'cpu ms', 'ratio', 'cpu ratio', 'target', `torch ${torchDefault?.threads ?? '?'}T ms`, 'ratio'];
  const rows: string[][] = [];
  const step = (name: 'mlp' | 'cnn', label: string, target: number) => {
    const entry = report[name];
    if (!entry) return;
    rows.push([
      label,
      cell(entry.msPerStep),
      cell(entry.cpuMsPerStep),
      cell(entry.samplesPerSec, 0),
      cell(entry.cpuGflops, 2),
      cell(entry.cpuPeakFraction * 100, 0) + ' %',
      cell(torchSame?.[name]?.msPerStep),
      cell(torchSame?.[name]?.cpuMsPerStep),
      cell(report.ratios?.sameThreads[name], 2),
      cell(report.ratios?.sameThreadsCpu[name], 2),
      `≤ ${target}×`,
      cell(torchDefault?.[name]?.msPerStep),
      cell(report.ratios?.defaultThreads?.[name], 2),
    ]);
  };
  step('mlp', 'MLP train step', TARGETS.mlpRatio);
  step('cnn', 'CNN train step', TARGETS.cnnRatio);
  if (report.knn) {
    rows.push(['kNN top-200', cell(report.knn.ms, 0), cell(report.knn.cpuMs, 0), '', '', '', cell(torchSame?.knn?.ms, 0), cell(torchSame?.knn?.cpuMs, 0), cell(report.ratios?.sameThreads.knn, 2), cell(report.ratios?.sameThreadsCpu.knn, 2), `≤ ${TARGETS.knnRatio}×`, cell(torchDefault?.knn?.ms, 0), cell(report.ratios?.defaultThreads?.knn, 2)]);
  }
  const blank = (cells: string[]) => [...cells, ...Array(header.length - cells.length).fill('')];
  if (report.umap) rows.push(blank([`UMAP ${report.umap.points}→2-D`, cell(report.umap.ms, 0), cell(report.umap.cpuMs, 0)]));
  if (report.moco) rows.push(blank(['MoCo step (CNN)', cell(report.moco.msPerStep), cell(report.moco.cpuMsPerStep), cell(report.moco.samplesPerSec, 0)]));
  if (report.instdisc) rows.push(blank(['InstDisc step (CNN)', cell(report.instdisc.msPerStep), cell(report.instdisc.cpuMsPerStep), cell(report.instdisc.samplesPerSec, 0)]));
  if (report.augmentation) {
    rows.push(blank(['augment 2 views', cell(report.augmentation.ms), cell(report.augmentation.cpuMs), '', '', '', '', '', '', '', `≤ ${report.augmentation.targetMs} ms`]));
  }
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => cells.map((text, column) => (column === 0 ? text.padEnd(widths[column]) : text.padStart(widths[column]))).join('  ');
  const out = [
    `backend ${report.backend} (${report.threads} thread${report.threads === 1 ? '' : 's'}); matmul peak ${cell(report.matmulPeak.cpuGflops, 1)} GFLOP/s per CPU second, ${cell(report.matmulPeak.gflops, 1)} on the wall clock (${report.matmulPeak.shape}); GFLOP/s and % of peak below are per CPU second`,
    line(header),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map(line),
  ];
  if (report.targets) {
    out.push('', 'targets (CPU time; wall clock in brackets): ' + Object.entries(report.targets).map(([name, t]) => `${name} ${cell(t.value, 2)} [${cell(t.wallValue, 2)}] (${t.limit}) ${t.met ? 'met' : 'NOT met'}`).join('; '));
  }
  if (report.pending.length > 0) out.push('pending: ' + report.pending.join('; '));
  return out.join('\n');
}
