/**
 * `npm run bench` — how fast the kit trains and evaluates on the backend it selects.
 *
 *   npm run -s bench                       one JSON object on stdout (`-s` keeps npm's banner out)
 *   npm run bench -- --table               also a readable table (on stderr, so stdout stays JSON)
 *   npm run bench -- --compare-torch       also the kit with one thread, PyTorch with one thread
 *                                          and with every core, and the two comparisons
 *   npm run bench -- --backend cpu         force a backend (default: selectBackend's choice)
 *   npm run bench -- --steps 20            timed training steps per model (default 10)
 *   npm run bench -- --knn-scale 0.5       fraction of the kNN sizes (default 1)
 *   npm run bench -- --only mlp,cnn        a subset of mlp,cnn,knn,umap,augment,moco,instdisc
 *   npm run bench -- --quick               a smoke run: 3 steps, kNN and UMAP at 1/10 size
 *   npm run bench -- --profile             add per-kernel milliseconds of one step (tf.profile)
 *   npm run bench -- --unpatched           wasm as shipped, without the kit's kernel patches
 *                                          (the CNN and the trainers cannot train then)
 *
 * The kit's thread count comes from its backend: CONTRASTIVE_KIT_THREADS=N sets the wasm
 * threads (default: all cores, `os.availableParallelism()`).
 *
 * How to read the output (full guide: scripts/bench/README.md):
 * - `backend`, `threads`, `cores`: where the kit ran, with how many threads, out of how many cores.
 * - Every time is given twice: wall clock (`ms`, `msPerStep`) and CPU time of the process, all
 *   its threads together (`cpuMs`, `cpuMsPerStep`).
 * - `matmulPeak.gflops` / `cpuGflops`: a plain 1024³ matmul on this backend, measured in THIS
 *   run — the ceiling for anything made of matrix products here.
 * - `mlp`, `cnn`: one training step (forward + backward + Adam) of the bench models at batch 256
 *   with in-batch InfoNCE (τ = 0.1) on L2-normalised outputs; median `msPerStep` over `steps`
 *   steps after 3 warm-up steps; `samplesPerSec` = 256 / step time; `gflops` = the step's
 *   matrix-product FLOPs / step time, and `peakFraction` = gflops / matmulPeak (how close the
 *   step gets to what the backend can do at all); `cpuGflops`, `cpuPeakFraction` on CPU time.
 * - `knn.ms`: exact cosine top-200 of 10 000 queries against 60 000 references (128-d) with
 *   the kit's `knnSearch`. `umap.ms`: the kit's `umapLayout` of 10 000 × 128 points to 2-D.
 *   `augmentation.ms`: two augmented views ('mocoV2') of a batch of 256 (target ≤ 30 ms).
 *   `moco`, `instdisc`: one step of the kit's MoCo / InstDisc trainers on the bench CNN (K = 4096).
 * - With --compare-torch, for mlp, cnn and knn:
 *   `torch.blas`: which BLAS PyTorch computes with. Against the reference (netlib) BLAS nothing is
 *     compared (it makes PyTorch 10–20× slower): `pending` says so and names the package to install.
 *   `oneThread`: the kit with one thread (a child process of this script with
 *     CONTRASTIVE_KIT_THREADS=1, or this run when it had one thread already).
 *   `torch.allCores`, `torch.oneThread`: PyTorch with every core and with one thread.
 *   `comparisons.allCores`: this run vs PyTorch on every core, wall clock (what a user waits for).
 *   `comparisons.oneThread`: the kit's one-thread run vs PyTorch on one thread, CPU time (the
 *     work each does; waiting for a core on a busy machine does not count).
 *   Ratios are kit time / PyTorch time (lower is better, 1 = as fast as PyTorch).
 * - `targets` (issue #17): each with `value` on its clock, `met: true/false`.
 * Timings on a shared machine are noisy: compare ratios within one run, not absolute times
 * across runs; the all-cores (wall-clock) numbers need a quiet machine.
 */
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import { selectBackend, tf, THREADS_ENV_VARIABLE, unpatchWasmKernels } from 'contrastive-kit';
import { blasVerdict, describeBlas } from './bench/blas';
import { BenchReport, COMPARED, compare, evaluateTargets, formatTable, KitTimes, stepEntry, suspectAllCores } from './bench/report';
import { probeTorchBlas, runTorchBench, TorchResult } from './bench/torch';
import { benchAugmentation, benchCnn, benchInstDisc, benchKnn, benchMlp, benchMoco, benchUmap, matmulPeak, profileStep } from './bench/workloads';

const WORKLOADS = ['mlp', 'cnn', 'knn', 'umap', 'augment', 'moco', 'instdisc'] as const;
type Workload = (typeof WORKLOADS)[number];


interface Options {
  table: boolean;
  compareTorch: boolean;
  backend?: 'node' | 'wasm' | 'cpu';
  steps: number;
  knnScale: number;
  umapScale: number;
  only: Set<Workload>;
  profile: boolean;
  unpatched: boolean;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { table: false, compareTorch: false, steps: 10, knnScale: 1, umapScale: 1, only: new Set(WORKLOADS), profile: false, unpatched: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`bench: '${arg}' needs a value`);
      return next;
    };
    if (arg === '--table') options.table = true;
    else if (arg === '--compare-torch') options.compareTorch = true;
    else if (arg === '--profile') options.profile = true;
    else if (arg === '--unpatched') options.unpatched = true;
    else if (arg === '--quick') {
      options.steps = 3;
      options.knnScale = 0.1;
      options.umapScale = 0.1;
    } else if (arg === '--steps') {
      options.steps = Number(value());
      if (!Number.isInteger(options.steps) || options.steps < 1) throw new Error(`bench: '--steps' must be a positive integer, got ${options.steps}`);
    } else if (arg === '--knn-scale') {
      const text = value();
      options.knnScale = Number(text);
      if (!(options.knnScale > 0 && options.knnScale <= 1)) throw new Error(`bench: '--knn-scale' must be a number in (0, 1], got '${text}'`);
    } else if (arg === '--backend') {
      const name = value();
      if (name !== 'node' && name !== 'wasm' && name !== 'cpu') throw new Error(`bench: '--backend' must be node, wasm or cpu, got '${name}'`);
      options.backend = name;
    } else if (arg === '--only') {
      const names = value().split(',');
      for (const name of names) {
        if (!(WORKLOADS as readonly string[]).includes(name)) throw new Error(`bench: '--only' takes ${WORKLOADS.join(',')}, got '${name}'`);
      }
      options.only = new Set(names as Workload[]);
    } else {
      throw new Error(`bench: unknown option '${arg}' (see the header of scripts/bench.ts)`);
    }
  }
  return options;
}

function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

/** Adds to the report's `warnings` (measured, but not to be trusted). */
function warn(report: BenchReport, message: string): void {
  report.warnings = [...(report.warnings ?? []), message];
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The kit with one thread: this script again in a child process with CONTRASTIVE_KIT_THREADS=1,
 * the compared workloads only, the same steps, sizes and backend; run while this process waits,
 * so the two never share the cores. Its progress goes to this stderr.
 */
function runKitOneThread(options: Options, workloads: readonly Workload[]): KitTimes & { pending: string[] } {
  const args = [require.resolve('ts-node/dist/bin'), '-T', __filename, '--only', workloads.join(','), '--steps', String(options.steps), '--knn-scale', String(options.knnScale)];
  if (options.backend) args.push('--backend', options.backend);
  if (options.unpatched) args.push('--unpatched');
  const run = spawnSync(process.execPath, args, {
    env: { ...process.env, [THREADS_ENV_VARIABLE]: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 16 << 20,
  });
  if (run.error) throw new Error(`could not start the one-thread kit run (${run.error.message})`);
  if (run.status !== 0) throw new Error(`the one-thread kit run failed (exit ${run.status}; its messages are above)`);
  const child = JSON.parse(run.stdout.trim().split('\n').pop() ?? '') as BenchReport;
  if (child.threads !== 1) {
    throw new Error(`the kit run with ${THREADS_ENV_VARIABLE}=1 computed with ${child.threads} threads, so there is no one-thread kit measurement`);
  }
  return { threads: child.threads, matmulPeak: child.matmulPeak, mlp: child.mlp, cnn: child.cnn, knn: child.knn, pending: child.pending };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const choice = await selectBackend(options.backend ? { force: options.backend } : {});
  const threads = choice.threads;
  const cores = os.availableParallelism();
  const loadAtStart = os.loadavg()[0];
  let reason = choice.reason;
  if (options.unpatched) {
    if (choice.name !== 'wasm') throw new Error(`bench: '--unpatched' is for the wasm backend, got ${choice.name}`);
    unpatchWasmKernels();
    reason = "wasm as shipped: the kit's kernel patches were removed for this run (--unpatched)";
  }
  progress(`backend ${choice.name}, ${threads} thread(s) of ${cores} cores (${reason})`);

  // Which BLAS PyTorch computes with is asked first (a few seconds): against the netlib BLAS
  // every ratio would be false, so that comparison is refused before anything is timed.
  const compared = COMPARED.filter((name) => options.only.has(name));
  const torchProbe = options.compareTorch && compared.length > 0 ? probeTorchBlas() : undefined;
  const verdict = torchProbe && blasVerdict(torchProbe.blas);
  if (torchProbe) progress(`PyTorch ${torchProbe.torch} computes with ${describeBlas(torchProbe.blas)}`);
  if (verdict && !verdict.compare) progress(verdict.reason);

  const peak = matmulPeak();
  const report: BenchReport = {
    backend: choice.name,
    reason,
    threads,
    cores,
    matmulPeak: peak,
    pending: [],
    settings: { steps: options.steps, knnScale: options.knnScale, date: new Date().toISOString(), node: process.version, tfjs: tf.version.tfjs },
  };
  // A workload that fails (e.g. the CNN on wasm --unpatched) is reported, and the rest still run.
  const attempt = async (workload: Workload, label: string, run: () => Promise<void> | void) => {
    if (!options.only.has(workload)) return;
    progress(label);
    try {
      await run();
    } catch (error) {
      report.pending.push(`${workload} failed: ${errorText(error)}`);
    }
  };
  await attempt('mlp', 'MLP training steps', () => {
    report.mlp = stepEntry(benchMlp(options.steps), peak);
  });
  await attempt('cnn', 'CNN training steps', () => {
    report.cnn = stepEntry(benchCnn(options.steps), peak);
  });
  await attempt('knn', 'exact kNN', async () => {
    report.knn = await benchKnn(options.knnScale);
  });
  await attempt('umap', 'UMAP', async () => {
    report.umap = await benchUmap(options.umapScale);
  });
  await attempt('augment', 'augmentation', () => {
    report.augmentation = { ...benchAugmentation(20), targetMs: 30 };
  });
  const trainerSteps = Math.min(options.steps, 5);
  await attempt('moco', 'MoCo steps', () => {
    report.moco = benchMoco(trainerSteps);
  });
  await attempt('instdisc', 'InstDisc steps', () => {
    report.instdisc = benchInstDisc(trainerSteps);
  });
  if (options.profile) {
    const { createCnnEncoder, createMlpEncoder } = await import('contrastive-kit');
    report.profile = {};
    for (const [name, model, input] of [
      ['mlp', createMlpEncoder(), tf.randomNormal([256, 784])],
      ['cnn', createCnnEncoder(), tf.randomNormal([256, 28, 28, 1])],
    ] as const) {
      try {
        if (options.only.has(name)) report.profile[name] = await profileStep(model, input);
      } catch (error) {
        report.pending.push(`profile of ${name} failed: ${errorText(error)}`);
      } finally {
        model.dispose();
        input.dispose();
      }
    }
  }
  if (options.compareTorch && compared.length === 0) {
    report.pending.push(`--compare-torch compares ${COMPARED.join(', ')}; none of them was selected with --only`);
  }
  if (torchProbe && verdict) {
    report.torch = { version: torchProbe.torch, blas: torchProbe.blas };
    if (!verdict.compare) report.pending.push(verdict.reason);
    else compareWithTorch(options, report, compared, verdict.note);
  }
  const suspects = suspectAllCores(report);
  for (const suspect of suspects) warn(report, suspect.message);
  report.targets = evaluateTargets(report);
  report.settings.loadAverage = { start: loadAtStart, end: os.loadavg()[0] };
  if (options.table) process.stderr.write(formatTable(report) + '\n');
  process.stdout.write(JSON.stringify(report) + '\n');
}

/**
 * The two comparisons: this run vs PyTorch on every core (wall clock), and the kit with one
 * thread vs PyTorch with one thread (CPU time). Runs one after another, never at the same time.
 */
function compareWithTorch(options: Options, report: BenchReport, compared: Workload[], note: string | undefined): void {
  if (note) warn(report, note);
  const torch = report.torch;
  if (torch === undefined) return;
  const skip = COMPARED.filter((name) => !compared.includes(name));
  const mainRun: KitTimes = { threads: report.threads, matmulPeak: report.matmulPeak, mlp: report.mlp, cnn: report.cnn, knn: report.knn };
  if (report.threads === 1) {
    report.oneThread = { process: 'this run', ...mainRun };
  } else {
    progress(`the kit again with one thread (${THREADS_ENV_VARIABLE}=1, child process): ${compared.join(', ')}`);
    try {
      const { pending, ...child } = runKitOneThread(options, compared);
      report.oneThread = { process: 'child', ...child };
      report.pending.push(...pending.map((text) => `one-thread kit run: ${text}`));
    } catch (error) {
      report.pending.push(`no one-thread comparison: ${errorText(error)}`);
    }
  }
  const runTorch = (threads: number): TorchResult | undefined => {
    progress(`PyTorch, ${threads} thread(s)`);
    try {
      const result = runTorchBench(threads, options.steps, options.knnScale, skip);
      if (result.blas.name !== torch.blas.name || result.blas.path !== torch.blas.path) {
        warn(report, `PyTorch with ${threads} thread(s) computed with ${describeBlas(result.blas)}, not ${describeBlas(torch.blas)} as first detected`);
      }
      return result;
    } catch (error) {
      report.pending.push(`PyTorch with ${threads} thread(s) failed: ${errorText(error)}`);
      return undefined;
    }
  };
  // PyTorch with one thread is only needed for a one-thread kit run (or as "all cores" on one core).
  torch.oneThread = report.oneThread !== undefined || report.cores === 1 ? runTorch(1) : undefined;
  // Every core, passed explicitly: PyTorch's own default here is 1 thread, and an inherited
  // OMP_NUM_THREADS could shrink it too.
  torch.allCores = report.cores === 1 ? torch.oneThread : runTorch(report.cores);
  report.comparisons = {
    allCores: torch.allCores && compare(mainRun, torch.allCores, 'wall'),
    oneThread: report.oneThread && torch.oneThread && compare(report.oneThread, torch.oneThread, 'cpu'),
  };
}

main().catch((error) => {
  console.error(errorText(error));
  process.exit(1);
});
