/**
 * `npm run bench` — how fast the kit trains and evaluates on the backend it selects.
 *
 *   npm run -s bench                       one JSON object on stdout (`-s` keeps npm's banner out)
 *   npm run bench -- --table               also a readable table (on stderr, so stdout stays JSON)
 *   npm run bench -- --compare-torch       also the same workloads in PyTorch, and the ratios
 *   npm run bench -- --backend cpu         force a backend (default: selectBackend's choice)
 *   npm run bench -- --steps 20            timed training steps per model (default 10)
 *   npm run bench -- --only mlp,cnn        a subset of mlp,cnn,knn,umap,augment,moco,instdisc
 *   npm run bench -- --quick               a smoke run: 3 steps, kNN and UMAP at 1/10 size
 *   npm run bench -- --profile             add per-kernel milliseconds of one step (tf.profile)
 *   npm run bench -- --unpatched           wasm as shipped, without the kit's kernel patches
 *                                          (the CNN and the trainers cannot train then)
 *
 * How to read the output (full guide: scripts/bench/README.md):
 * - `backend`, `threads`: where the kit ran (wasm is single-threaded in Node).
 * - Every time is given twice: wall clock (`ms`, `msPerStep`) and CPU time of this process
 *   (`cpuMs`, `cpuMsPerStep`). Both the kit on wasm and the PyTorch yardstick use one thread, so
 *   on a quiet machine the two agree; on a busy one the wall clock also counts the time spent
 *   waiting for a core, so the CPU-time ratios are the trustworthy ones (the targets use them).
 * - `matmulPeak.gflops` / `cpuGflops`: the plain matmul speed of this backend, measured in THIS
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
 * - With --compare-torch: `torch.sameThreads` (PyTorch with the kit's thread count) and
 *   `torch.defaultThreads` (PyTorch with all cores), `ratios` = kit time / PyTorch time (lower
 *   is better, 1 = as fast as PyTorch; `sameThreads` wall clock, `sameThreadsCpu` CPU time,
 *   `defaultThreads` wall clock), and `targets` (issue #3) with `met: true/false`.
 * Timings on a shared machine are noisy: compare ratios within one run, not absolute times
 * across runs.
 */
import * as os from 'node:os';
import { selectBackend, tf, unpatchWasmKernels } from 'contrastive-kit';
import { BenchReport, evaluateTargets, formatTable, ratiosAgainst, stepEntry } from './bench/report';
import { blasVerdict, describeBlas } from './bench/blas';
import { probeTorchBlas, runTorchBench } from './bench/torch';
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

/** Threads the backend computes with. */
function backendThreads(name: string): number {
  if (name === 'wasm') {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const wasm = require('@tensorflow/tfjs-backend-wasm') as { getThreadsCount(): number };
    return wasm.getThreadsCount();
  }
  if (name === 'node') return os.cpus().length; // TensorFlow's default intra-op pool
  return 1;
}

function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const choice = await selectBackend(options.backend ? { force: options.backend } : {});
  const threads = backendThreads(choice.name);
  let reason = choice.reason;
  if (options.unpatched) {
    if (choice.name !== 'wasm') throw new Error(`bench: '--unpatched' is for the wasm backend, got ${choice.name}`);
    unpatchWasmKernels();
    reason = "wasm as shipped: the kit's kernel patches were removed for this run (--unpatched)";
  }
  progress(`backend ${choice.name} (${reason})`);
  // Which BLAS PyTorch computes with is asked first (a few seconds): against the netlib BLAS
  // every ratio would be false, so the comparison is refused before anything is timed.
  const torchBlas = options.compareTorch ? probeTorchBlas().blas : undefined;
  const verdict = torchBlas && blasVerdict(torchBlas);
  if (torchBlas) progress(`PyTorch computes with ${describeBlas(torchBlas)}`);
  if (verdict && !verdict.compare) progress(verdict.reason);

  const peak = matmulPeak();
  const report: BenchReport = {
    backend: choice.name,
    reason,
    threads,
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
      report.pending.push(`${workload} failed: ${error instanceof Error ? error.message : String(error)}`);
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
        report.pending.push(`profile of ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        model.dispose();
        input.dispose();
      }
    }
  }
  if (verdict && !verdict.compare) report.pending.push(verdict.reason);
  if (verdict?.compare) {
    if (verdict.note) report.pending.push(verdict.note);
    const skip = (['mlp', 'cnn', 'knn'] as const).filter((name) => !options.only.has(name));
    progress(`PyTorch, ${threads} thread(s)`);
    const sameThreads = runTorchBench(threads, options.steps, options.knnScale, skip);
    const cores = os.cpus().length;
    // "Default threads" = every core, passed explicitly so an inherited OMP_NUM_THREADS cannot shrink it.
    const defaultThreads = cores !== threads ? (progress(`PyTorch, ${cores} threads`), runTorchBench(cores, options.steps, options.knnScale, skip)) : undefined;
    report.torch = { sameThreads, defaultThreads };
    report.ratios = {
      sameThreads: ratiosAgainst(report, sameThreads, 'wall'),
      sameThreadsCpu: ratiosAgainst(report, sameThreads, 'cpu'),
      defaultThreads: defaultThreads && ratiosAgainst(report, defaultThreads, 'wall'),
    };
  }
  report.targets = evaluateTargets(report);
  if (options.table) process.stderr.write(formatTable(report) + '\n');
  process.stdout.write(JSON.stringify(report) + '\n');
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
