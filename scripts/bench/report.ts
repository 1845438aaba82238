/**
 * The bench's output: the JSON object's type, the two comparisons with PyTorch (all cores on the
 * wall clock, one thread on CPU time), the targets of issue #17 and the readable table.
 *
 * @see scripts/bench/README.md for how to read each field.
 */
import { BlasInfo, describeBlas } from './blas';
import type { TorchResult } from './torch';
import type { StepResult, TrainerStepResult } from './workloads';

/**
 * Targets of issue #17. Ratios are kit time / PyTorch time (lower is better).
 * - `allCores`: the kit with all its threads vs PyTorch with every core, on the wall clock (what a
 *   user waits for).
 * - `oneThread`: the kit with one thread vs PyTorch with one thread, on CPU time (the work each
 *   does, immune to waiting for a core on a busy machine).
 * - `matmulGflops`: the kit's 1024³ product with all its threads, wall-clock GFLOP/s.
 */
export const TARGETS = {
  allCores: { mlp: 3, cnn: 3, knn: 2 },
  oneThread: { mlp: 5, cnn: 3.5, knn: 3 },
  matmulGflops: 50,
} as const;

/** The workloads that have a PyTorch twin. */
export const COMPARED = ['mlp', 'cnn', 'knn'] as const;
/** One of {@link COMPARED}. */
export type Compared = (typeof COMPARED)[number];

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

/** The kNN entry of the report. */
export interface KnnEntry {
  ms: number;
  cpuMs: number;
  queries: number;
  references: number;
}

/** Plain 1024³ matmul speed of the kit's backend, measured in the same run. */
export interface MatmulPeak {
  gflops: number;
  cpuGflops: number;
  shape: string;
}

/** The compared workloads of one kit run (the main run, or the one-thread run). */
export interface KitTimes {
  threads: number;
  matmulPeak: MatmulPeak;
  mlp?: StepEntry;
  cnn?: StepEntry;
  knn?: KnnEntry;
}

/** kit / PyTorch time for the compared workloads. */
export interface Ratios {
  mlp?: number;
  cnn?: number;
  knn?: number;
}

/** One kit-vs-PyTorch comparison at a given thread count each. */
export interface Comparison {
  /** The clock `ratios` (and the targets) use. */
  clock: 'wall' | 'cpu';
  kitThreads: number;
  torchThreads: number;
  /** kit time / PyTorch time on `clock` (lower is better; 1 = as fast as PyTorch). */
  ratios: Ratios;
  /** The same on the other clock, for reference. */
  otherClockRatios: Ratios;
}

/** The one JSON object `npm run bench` prints. */
export interface BenchReport {
  backend: string;
  /** Why this backend (selectBackend's reason). */
  reason: string;
  /** Threads the kit's backend computed with in this (the main) run. */
  threads: number;
  /** `os.availableParallelism()`: what "all cores" means for the kit and for PyTorch. */
  cores: number;
  /** Plain 1024³ matmul speed of this backend, measured in this run. */
  matmulPeak: MatmulPeak;
  mlp?: StepEntry;
  cnn?: StepEntry;
  knn?: KnnEntry;
  umap?: { ms: number; cpuMs: number; points: number; seconds: { knn: number; graph: number; layout: number } };
  moco?: TrainerStepResult;
  instdisc?: TrainerStepResult;
  augmentation?: { ms: number; cpuMs?: number; preset: string; targetMs: number };
  /**
   * The kit with one thread (with --compare-torch): a child process with
   * CONTRASTIVE_KIT_THREADS=1 running the compared workloads, or this run's own numbers when it
   * already had one thread (`process: 'this run'`).
   */
  oneThread?: KitTimes & { process: 'this run' | 'child' };
  /**
   * PyTorch (with --compare-torch): its version and BLAS (asked before anything is timed; each
   * run reports its own `blas` too), and its runs with one thread and with every core.
   */
  torch?: { version: string; blas: BlasInfo; oneThread?: TorchResult; allCores?: TorchResult };
  /**
   * `allCores`: this run vs PyTorch on every core, wall clock. `oneThread`: the kit's one-thread
   * run vs PyTorch on one thread, CPU time. Absent when PyTorch's BLAS was refused (`pending` says why).
   */
  comparisons?: { allCores?: Comparison; oneThread?: Comparison };
  /** Each target that could be judged (see {@link TARGETS}). */
  targets?: Record<string, Target>;
  /** Anything the bench could not measure or compare, and why. */
  pending: string[];
  /**
   * Numbers that were measured but should not be trusted, and why (an unidentified BLAS; an
   * all-cores run no faster than one thread — the cores were not free). See {@link suspectAllCores}.
   */
  warnings?: string[];
  /** Per-kernel milliseconds of one step (with --profile), largest first. */
  profile?: Record<string, Array<{ kernel: string; ms: number; calls: number }>>;
  /** How the numbers were taken. */
  settings: { steps: number; knnScale: number; date: string; node: string; tfjs: string; loadAverage?: { start: number; end: number } };
}

/** One target: the value on the deciding clock, the other clock's value, the limit, whether met. */
export interface Target {
  value: number;
  clock: 'wall' | 'cpu';
  otherClockValue?: number;
  limit: string;
  met: boolean;
  /** Set when the measurement behind it looks disturbed (see `warnings`); `met` is then not evidence. */
  suspect?: true;
}

/** Builds a report entry from a step result and the peak. */
export function stepEntry(result: StepResult, peak: { gflops: number; cpuGflops: number }): StepEntry {
  return { ...result, peakFraction: result.gflops / peak.gflops, cpuPeakFraction: result.cpuGflops / peak.cpuGflops };
}

function ratio(kitMs: number | undefined, torchMs: number | undefined): number | undefined {
  return kitMs === undefined || torchMs === undefined ? undefined : kitMs / torchMs;
}

/** The time of each compared workload on one clock. */
function times(run: { mlp?: { msPerStep: number; cpuMsPerStep: number }; cnn?: { msPerStep: number; cpuMsPerStep: number }; knn?: { ms: number; cpuMs: number } }, clock: 'wall' | 'cpu'): Record<Compared, number | undefined> {
  return clock === 'wall'
    ? { mlp: run.mlp?.msPerStep, cnn: run.cnn?.msPerStep, knn: run.knn?.ms }
    : { mlp: run.mlp?.cpuMsPerStep, cnn: run.cnn?.cpuMsPerStep, knn: run.knn?.cpuMs };
}

/** kit / torch time ratios for the compared workloads on one clock. */
export function ratiosAgainst(kit: Omit<KitTimes, 'threads' | 'matmulPeak'>, torch: TorchResult, clock: 'wall' | 'cpu'): Ratios {
  const k = times(kit, clock);
  const t = times(torch, clock);
  return { mlp: ratio(k.mlp, t.mlp), cnn: ratio(k.cnn, t.cnn), knn: ratio(k.knn, t.knn) };
}

/**
 * One comparison: kit run vs PyTorch run, ratios on `clock` and on the other clock.
 *
 * @param kit the kit's times and its thread count.
 * @param torch PyTorch's times (its `threads` is recorded).
 * @param clock 'wall' for the all-cores comparison, 'cpu' for the one-thread one.
 */
export function compare(kit: KitTimes, torch: TorchResult, clock: 'wall' | 'cpu'): Comparison {
  return {
    clock,
    kitThreads: kit.threads,
    torchThreads: torch.threads,
    ratios: ratiosAgainst(kit, torch, clock),
    otherClockRatios: ratiosAgainst(kit, torch, clock === 'wall' ? 'cpu' : 'wall'),
  };
}

/** How much slower than one thread an all-cores run may be before it is called disturbed. */
const SLOWER_THAN_ONE_THREAD = 1.1;

/**
 * All-cores measurements that cannot be right on free cores: a run with N > 1 threads that was
 * no faster than the one-thread run of the same program (wall clock, 10 % slack). On a shared
 * 2-core machine this is common — threads that spin-wait for a partner thread which is not
 * running make PyTorch's 2-thread MLP step 2–30× slower than its 1-thread step — and such a run
 * would make the all-cores ratio meaningless (too kind when PyTorch was hit, too harsh when the
 * kit was). Each entry names the target it concerns and says why.
 */
export function suspectAllCores(report: BenchReport): Array<{ target: string; message: string }> {
  const suspects: Array<{ target: string; message: string }> = [];
  const check = (target: string, who: string, threads: number, allMs: number | undefined, oneMs: number | undefined, what: string) => {
    if (threads > 1 && allMs !== undefined && oneMs !== undefined && allMs > oneMs * SLOWER_THAN_ONE_THREAD) {
      suspects.push({
        target,
        message: `${who}'s ${what} took ${allMs.toFixed(1)} ms with ${threads} threads and ${oneMs.toFixed(1)} ms with 1 (wall clock): the cores were probably not free (or the work was too small to split), so ${target} is not trustworthy in this run`,
      });
    }
  };
  const torchAll = report.torch?.allCores;
  const torchOne = report.torch?.oneThread;
  const kitOne = report.oneThread;
  const labels: Record<Compared, string> = { mlp: 'MLP step', cnn: 'CNN step', knn: 'kNN' };
  for (const workload of COMPARED) {
    if (torchAll && torchOne) check(`${workload}AllCores`, 'PyTorch', torchAll.threads, times(torchAll, 'wall')[workload], times(torchOne, 'wall')[workload], labels[workload]);
    if (kitOne && kitOne.process === 'child') check(`${workload}AllCores`, 'the kit', report.threads, times(report, 'wall')[workload], times(kitOne, 'wall')[workload], labels[workload]);
  }
  if (kitOne && kitOne.process === 'child') {
    const msOf = (gflops: number) => (2 * 1024 ** 3) / gflops / 1e6;
    check('matmulGflops', 'the kit', report.threads, msOf(report.matmulPeak.gflops), msOf(kitOne.matmulPeak.gflops), '1024³ matmul');
  }
  return suspects;
}

/**
 * Issue #17's targets (and issue #4's augmentation target) judged on a report: `mlpAllCores`,
 * `cnnAllCores`, `knnAllCores` (wall clock), `mlpOneThread`, `cnnOneThread`, `knnOneThread` (CPU
 * time), `matmulGflops` (wall clock, this run) and `augmentTwoViewsMs` (CPU time). A target
 * without its measurement or comparison is left out; one whose all-cores measurement looks
 * disturbed ({@link suspectAllCores}) carries `suspect: true`.
 */
export function evaluateTargets(report: BenchReport): Record<string, Target> {
  const targets: Record<string, Target> = {};
  for (const [suffix, comparison, limits] of [
    ['AllCores', report.comparisons?.allCores, TARGETS.allCores],
    ['OneThread', report.comparisons?.oneThread, TARGETS.oneThread],
  ] as const) {
    if (comparison === undefined) continue;
    for (const workload of COMPARED) {
      const value = comparison.ratios[workload];
      if (value === undefined) continue;
      const limit = limits[workload];
      targets[`${workload}${suffix}`] = { value, clock: comparison.clock, otherClockValue: comparison.otherClockRatios[workload], limit: `≤ ${limit}×`, met: value <= limit };
    }
  }
  const peak = report.matmulPeak.gflops;
  targets.matmulGflops = { value: peak, clock: 'wall', limit: `≥ ${TARGETS.matmulGflops} GFLOP/s`, met: peak >= TARGETS.matmulGflops };
  for (const { target } of suspectAllCores(report)) {
    if (targets[target]) targets[target].suspect = true;
  }
  const augmentation = report.augmentation;
  if (augmentation?.cpuMs !== undefined) {
    targets.augmentTwoViewsMs = { value: augmentation.cpuMs, clock: 'cpu', otherClockValue: augmentation.ms, limit: `≤ ${augmentation.targetMs} ms`, met: augmentation.cpuMs <= augmentation.targetMs };
  }
  return targets;
}

function cell(value: number | undefined | null, digits = 1): string {
  return value === undefined || value === null || !Number.isFinite(value) ? '—' : value.toFixed(digits);
}

function threadWord(count: number): string {
  return `${count} thread${count === 1 ? '' : 's'}`;
}

function layout(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) => widths.map((width, column) => (column === 0 ? (cells[column] ?? '').padEnd(width) : (cells[column] ?? '').padStart(width))).join('  ').trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)];
}

/** The kit's own numbers: one row per workload of the main run. */
function kitTable(report: BenchReport): string[] {
  const rows: string[][] = [];
  for (const [name, label] of [['mlp', 'MLP train step'], ['cnn', 'CNN train step']] as const) {
    const entry = report[name];
    if (entry) rows.push([label, cell(entry.msPerStep), cell(entry.cpuMsPerStep), cell(entry.samplesPerSec, 0), cell(entry.cpuGflops, 2), cell(entry.cpuPeakFraction * 100, 0) + ' %']);
  }
  if (report.knn) rows.push([`kNN top-200, ${report.knn.queries}×${report.knn.references}`, cell(report.knn.ms, 0), cell(report.knn.cpuMs, 0)]);
  if (report.umap) rows.push([`UMAP ${report.umap.points}→2-D`, cell(report.umap.ms, 0), cell(report.umap.cpuMs, 0)]);
  if (report.moco) rows.push(['MoCo step (CNN)', cell(report.moco.msPerStep), cell(report.moco.cpuMsPerStep), cell(report.moco.samplesPerSec, 0)]);
  if (report.instdisc) rows.push(['InstDisc step (CNN)', cell(report.instdisc.msPerStep), cell(report.instdisc.cpuMsPerStep), cell(report.instdisc.samplesPerSec, 0)]);
  if (report.augmentation) rows.push(['augment 2 views', cell(report.augmentation.ms), cell(report.augmentation.cpuMs), '', '', '', `≤ ${report.augmentation.targetMs} ms`]);
  const peak = report.matmulPeak;
  const load = report.settings.loadAverage;
  return [
    `kit: backend ${report.backend}, ${threadWord(report.threads)} (${report.cores} cores${load ? `; load average ${cell(load.start, 2)} at the start, ${cell(load.end, 2)} at the end` : ''}); matmul ${peak.shape} ${cell(peak.gflops, 1)} GFLOP/s wall clock, ${cell(peak.cpuGflops, 1)} per CPU second; GFLOP/s and % of peak below are per CPU second`,
    ...layout(['workload', 'ms', 'cpu ms', 'samples/s', 'GFLOP/s', '% of peak', 'target'], rows),
  ];
}

/** Both comparisons side by side: all cores on the wall clock, one thread on CPU time. */
function comparisonTable(report: BenchReport): string[] {
  const torch = report.torch;
  if (torch === undefined) return [];
  const out = ['', `PyTorch ${torch.version} computes with ${describeBlas(torch.blas)}`];
  const all = report.comparisons?.allCores;
  const one = report.comparisons?.oneThread;
  if (all === undefined && one === undefined) return out;
  const kitOne = report.oneThread;
  const rows: string[][] = [];
  const labels: Record<Compared, string> = { mlp: 'MLP train step', cnn: 'CNN train step', knn: 'kNN top-200' };
  for (const workload of COMPARED) {
    const kitAll = times(report, 'wall')[workload];
    const kitCpu = kitOne && times(kitOne, 'cpu')[workload];
    if (kitAll === undefined && kitCpu === undefined) continue;
    const digits = workload === 'knn' ? 0 : 1;
    rows.push([
      labels[workload],
      cell(kitAll, digits),
      cell(torch.allCores && times(torch.allCores, 'wall')[workload], digits),
      cell(all?.ratios[workload], 2),
      `≤ ${TARGETS.allCores[workload]}×`,
      cell(kitCpu, digits),
      cell(torch.oneThread && times(torch.oneThread, 'cpu')[workload], digits),
      cell(one?.ratios[workload], 2),
      `≤ ${TARGETS.oneThread[workload]}×`,
    ]);
  }
  rows.push(['matmul 1024³ GFLOP/s', cell(report.matmulPeak.gflops), cell(torch.allCores?.matmul?.gflops), '', `≥ ${TARGETS.matmulGflops}`, cell(kitOne?.matmulPeak.cpuGflops), cell(torch.oneThread?.matmul?.cpuGflops), '', '']);
  const allTitle = all ? `all cores, wall clock: kit ${threadWord(all.kitThreads)}, PyTorch ${threadWord(all.torchThreads)}` : 'all cores: —';
  const oneTitle = one ? `one thread, CPU time: kit ${threadWord(one.kitThreads)}${kitOne?.process === 'child' ? ' (child process)' : ''}, PyTorch ${threadWord(one.torchThreads)}` : 'one thread: —';
  out.push(`columns 2–5: ${allTitle}; columns 6–9: ${oneTitle}; ratio = kit / PyTorch, lower is better`);
  out.push(...layout(['workload', 'kit ms', 'torch ms', 'ratio', 'target', 'kit cpu ms', 'torch cpu ms', 'ratio', 'target'], rows));
  if (all && all.kitThreads !== all.torchThreads) {
    out.push(`note: in the all-cores comparison the kit computed with ${threadWord(all.kitThreads)} and PyTorch with ${threadWord(all.torchThreads)} (the kit's backend used fewer threads than there are cores)`);
  }
  return out;
}

/** The readable table (`--table`): the kit's numbers, the two comparisons, targets, pending. */
export function formatTable(report: BenchReport): string {
  const out = [...kitTable(report), ...comparisonTable(report)];
  if (report.targets && Object.keys(report.targets).length > 0) {
    const clockName = { wall: 'wall clock', cpu: 'CPU time' } as const;
    out.push('', 'targets:');
    for (const [name, t] of Object.entries(report.targets)) {
      const digits = name === 'matmulGflops' || name === 'augmentTwoViewsMs' ? 1 : 2;
      const other = t.otherClockValue === undefined ? '' : `; ${clockName[t.clock === 'wall' ? 'cpu' : 'wall']} ${cell(t.otherClockValue, digits)}`;
      const verdict = `${t.met ? 'met' : 'NOT met'}${t.suspect ? ' (suspect)' : ''}`;
      out.push(`  ${name.padEnd(18)} ${cell(t.value, digits).padStart(7)} ${t.limit.padEnd(16)} ${verdict.padEnd(17)} (${clockName[t.clock]}${other})`);
    }
  }
  if (report.warnings && report.warnings.length > 0) out.push('', 'warnings:', ...report.warnings.map((text) => `  - ${text}`));
  if (report.pending.length > 0) out.push('', 'pending:', ...report.pending.map((text) => `  - ${text}`));
  return out.join('\n');
}
