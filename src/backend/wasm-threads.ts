/**
 * Threaded wasm in Node: how many threads the wasm backend gets, and the shim that lets tfjs'
 * threaded SIMD build (XNNPACK with a pthread pool) start under Node's `worker_threads`.
 *
 * `@tensorflow/tfjs-backend-wasm` 4.22.0 ships that build but never uses it in Node, for three
 * reasons this module handles:
 *
 * 1. The flag `WASM_HAS_MULTITHREAD_SUPPORT` is hard-wired to false in Node (tfjs issue #3830);
 *    the kit sets it to true before the backend first starts.
 * 2. The emscripten glue creates each pthread worker from a `blob:` URL, which Node's `Worker`
 *    cannot load, and sends the worker its main script as a `Blob`, which the worker cannot
 *    import. The glue assigns `global.Worker = worker_threads.Worker` itself when it starts, so
 *    the kit makes `global.Worker` an accessor that always yields {@link PthreadWorker}: a
 *    `Worker` that runs the package's own worker source (`eval: true`) and hands it the
 *    package's threaded main script as a file path.
 * 3. The native side caps the pool at `os.cpus().length / 2` (it assumes two hyper-threads per
 *    core). While the backend starts, the kit shows the glue a CPU list repeated so that the cap
 *    is at least the requested count, which then decides.
 *
 * The pool's workers never keep Node alive (see {@link PthreadWorker.ref}), so scripts exit as usual.
 *
 * When the threaded build cannot start (a worker fails, or no answer within
 * {@link THREADED_START_TIMEOUT_MS}), the backend starts single-threaded and the reason says why.
 * Results are the same with any thread count (the kernels split work, not sums).
 *
 * This relies on tfjs-backend-wasm's internals at exactly version {@link SUPPORTED_WASM_VERSION}
 * (pinned in src/package.json); any other version runs single-threaded with a reason.
 *
 * @see notebooks/00-setup.ipynb
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker as NodeWorker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';

/** The tfjs-backend-wasm version whose internals the shim relies on. */
export const SUPPORTED_WASM_VERSION = '4.22.0';

/** The environment variable that sets the number of wasm threads. */
export const THREADS_ENV_VARIABLE = 'CONTRASTIVE_KIT_THREADS';

/** The most threads the build can use: its pool has 8 workers, and tfjs caps the count at 8. */
export const MAX_WASM_THREADS = 8;

/** How long the threaded build may take to start before the kit falls back to one thread. */
export const THREADED_START_TIMEOUT_MS = 30_000;

/** How many threads to ask for, and where that number came from. */
export interface ThreadRequest {
  /** Threads to ask the wasm backend for (1 … {@link MAX_WASM_THREADS}). */
  threads: number;
  /** Why this number: the environment variable, the caller, or the machine's cores. */
  source: string;
}

/**
 * The number of wasm threads to use: `CONTRASTIVE_KIT_THREADS` when set, otherwise every core of
 * the machine (`os.availableParallelism()`, PyTorch's convention), at most {@link MAX_WASM_THREADS}.
 *
 * @param env the environment to read (default `process.env`).
 * @param cores the machine's logical CPUs (default `os.availableParallelism()`).
 * @throws when the variable is set to anything but a whole number ≥ 1.
 */
export function requestedThreads(
  env: Record<string, string | undefined> = process.env,
  cores: number = os.availableParallelism(),
): ThreadRequest {
  const raw = env[THREADS_ENV_VARIABLE];
  if (raw !== undefined && raw.trim() !== '') {
    const value = Number(raw.trim());
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(`${THREADS_ENV_VARIABLE} must be a whole number ≥ 1 (threads for the wasm backend), got '${raw}'`);
    }
    if (value > MAX_WASM_THREADS) {
      return { threads: MAX_WASM_THREADS, source: `${THREADS_ENV_VARIABLE}=${value}, capped at the build's ${MAX_WASM_THREADS}` };
    }
    return { threads: value, source: `${THREADS_ENV_VARIABLE}=${value}` };
  }
  const threads = Math.max(1, Math.min(cores, MAX_WASM_THREADS));
  return { threads, source: `${cores} core${cores === 1 ? '' : 's'} here` };
}

/**
 * Threads for each of `jobs` processes sharing this machine's cores (the walkthrough's
 * `--jobs`): the cores divided evenly, at least one each.
 *
 * @param jobs how many processes run at once (a whole number ≥ 1).
 * @param cores the machine's logical CPUs (default `os.availableParallelism()`).
 */
export function threadsPerJob(jobs: number, cores: number = os.availableParallelism()): number {
  if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`threadsPerJob: 'jobs' must be a whole number ≥ 1, got ${jobs}`);
  return Math.max(1, Math.min(MAX_WASM_THREADS, Math.floor(cores / jobs)));
}

/** Where the package keeps its emscripten outputs, and the version installed. */
function wasmPackage(): { version: string; outDir: string } {
  const packageJson = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  const { version } = JSON.parse(fs.readFileSync(packageJson, 'utf8')) as { version: string };
  return { version, outDir: path.join(path.dirname(packageJson), 'wasm-out') };
}

/** Workers made by {@link PthreadWorker}, and failures reported by them (for the start-up race). */
const pthreadWorkers = new Set<NodeWorker>();
let reportWorkerFailure: ((error: Error) => void) | null = null;

/** The worker source and main script of the threaded build, read once. */
let threadedFiles: { workerSource: string; mainScript: string } | null = null;

function loadThreadedFiles(): { workerSource: string; mainScript: string } {
  if (threadedFiles === null) {
    const { outDir } = wasmPackage();
    const workerModule = require(path.join(outDir, 'tfjs-backend-wasm-threaded-simd.worker.js')) as { wasmWorkerContents?: unknown };
    if (typeof workerModule.wasmWorkerContents !== 'string') {
      throw new Error('the threaded worker module has no wasmWorkerContents string');
    }
    // The source is a JS string meant for a Blob: its '\n' escapes must stay escapes (as tfjs does).
    const workerSource = workerModule.wasmWorkerContents.replace(/\n/g, '\\n');
    const mainScript = path.join(outDir, 'tfjs-backend-wasm-threaded-simd.js');
    if (!fs.existsSync(mainScript)) throw new Error(`missing ${mainScript}`);
    threadedFiles = { workerSource, mainScript };
  }
  return threadedFiles;
}

/**
 * A pthread worker of the threaded wasm build that Node can run: the package's worker source,
 * evaluated (not loaded from the `blob:` URL the glue passes), told to import the package's
 * threaded main script from its file instead of the `Blob` the glue sends.
 */
export class PthreadWorker extends NodeWorker {
  /** @param _url the `blob:` URL the emscripten glue passes (not loadable in Node; ignored). */
  constructor(_url: unknown) {
    super(loadThreadedFiles().workerSource, { eval: true });
    pthreadWorkers.add(this);
    this.on('error', (error: Error) => reportWorkerFailure?.(new Error(`a wasm pthread worker failed: ${error.message}`)));
    this.on('exit', (code: number) => {
      pthreadWorkers.delete(this);
      if (code !== 0) reportWorkerFailure?.(new Error(`a wasm pthread worker exited with code ${code}`));
    });
  }

  /**
   * Does nothing: the glue refs a worker while its pthread runs, and XNNPACK's pool threads run
   * for the life of the backend, so a ref'd worker would keep Node from ever exiting. The main
   * thread drives every computation, so no pool thread needs to hold the process open.
   */
  override ref(): void {}

  /** Forwards a message, replacing the `Blob` main script of a `load` message by its file path. */
  override postMessage(message: unknown, transferList?: Parameters<NodeWorker['postMessage']>[1]): void {
    const load = message as { cmd?: unknown; urlOrBlob?: unknown } | null;
    if (load !== null && typeof load === 'object' && load.cmd === 'load' && typeof load.urlOrBlob !== 'string') {
      super.postMessage({ ...load, urlOrBlob: loadThreadedFiles().mainScript }, transferList);
      return;
    }
    super.postMessage(message, transferList);
  }
}

let workerShimInstalled = false;

/** Makes `global.Worker` yield {@link PthreadWorker}, whatever the glue assigns to it. */
function installWorkerShim(): void {
  if (workerShimInstalled) return;
  Object.defineProperty(globalThis, 'Worker', {
    configurable: true,
    enumerable: false,
    get: () => PthreadWorker,
    // The emscripten glue assigns worker_threads.Worker here when it starts; keep the shim.
    set: () => undefined,
  });
  workerShimInstalled = true;
}

/**
 * Runs `start` while `os.cpus()` repeats the CPU list so that half its length is at least
 * `threads`: the native cap (cpus / 2) then lets the requested count through.
 */
async function withCpuListFor<T>(threads: number, start: () => Promise<T>): Promise<T> {
  // The module object itself (the glue calls require('os').cpus), not the import's read-only view.
  const mutableOs = require('node:os') as { cpus: typeof os.cpus };
  const realCpus = mutableOs.cpus;
  mutableOs.cpus = () => {
    const cpus = realCpus();
    const copies = Math.max(2, Math.ceil((2 * threads) / Math.max(1, cpus.length)));
    return Array.from({ length: copies }, () => cpus).flat();
  };
  try {
    return await start();
  } finally {
    mutableOs.cpus = realCpus;
  }
}

/** What {@link startWasmBackend} started. */
export interface WasmStart {
  /** Threads the backend runs with (what the native pool reports). */
  threads: number;
  /** Why that many: the request's source, or why the threaded build did not start. */
  threadsReason: string;
}

interface WasmModule {
  getThreadsCount(): number;
  setThreadsCount(threads: number): void;
}

function wasmModule(): WasmModule {
  return require('@tensorflow/tfjs-backend-wasm') as WasmModule;
}

/** Ends the pool workers of a threaded start that failed. */
async function terminatePthreadWorkers(): Promise<void> {
  await Promise.all([...pthreadWorkers].map((worker) => worker.terminate().catch(() => 0)));
  pthreadWorkers.clear();
}

async function setWasmBackend(): Promise<void> {
  const ok = await tf.setBackend('wasm');
  if (!ok) throw new Error("tf.setBackend('wasm') returned false");
  await tf.ready();
}

/**
 * Starts tfjs' wasm backend with `request.threads` threads: the threaded SIMD build when more
 * than one thread is asked for (through the Node shim above), else the single-threaded SIMD build.
 * Falls back to one thread, with the reason, when the threaded build cannot start.
 *
 * @param request how many threads, and why ({@link requestedThreads}).
 * @returns the threads the backend runs with and why.
 */
export async function startWasmBackend(request: ThreadRequest): Promise<WasmStart> {
  const wasm = wasmModule();
  if (request.threads > 1) {
    const failure = await startThreaded(request.threads);
    if (failure === null) {
      const threads = wasm.getThreadsCount();
      return { threads, threadsReason: request.source };
    }
    return { threads: wasm.getThreadsCount(), threadsReason: `one thread: the threaded wasm build did not start (${failure})` };
  }
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  wasm.setThreadsCount(1);
  await setWasmBackend();
  return { threads: wasm.getThreadsCount(), threadsReason: request.source };
}

/**
 * Tries the threaded build; on failure starts the single-threaded one and returns why.
 * @returns null when the threaded build runs, else the reason it does not.
 */
async function startThreaded(threads: number): Promise<string | null> {
  const wasm = wasmModule();
  const { version } = wasmPackage();
  let reason: string;
  if (version !== SUPPORTED_WASM_VERSION) {
    reason = `tfjs-backend-wasm ${version} is installed; the Node shim supports ${SUPPORTED_WASM_VERSION}`;
  } else {
    try {
      loadThreadedFiles();
      installWorkerShim();
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
      wasm.setThreadsCount(threads);
      const factory = tf.findBackendFactory('wasm');
      if (factory === null) throw new Error('the wasm backend is not registered');
      await withCpuListFor(threads, () => raceStart(factory));
      return null;
    } catch (error) {
      reason = (error as Error).message;
    }
  }
  // Start the single-threaded build in place of the failed attempt.
  await terminatePthreadWorkers();
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  wasm.setThreadsCount(1);
  await setWasmBackend();
  return reason;
}

/**
 * Runs `tf.setBackend('wasm')` against worker failures and a timeout. On failure the wasm
 * backend is registered anew (same factory) so that a later start does not wait on the failed one.
 */
async function raceStart(factory: () => tf.KernelBackend | Promise<tf.KernelBackend>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const failed = new Promise<never>((_, reject) => {
    reportWorkerFailure = reject;
    timer = setTimeout(
      () => reject(new Error(`no answer from the pthread workers within ${THREADED_START_TIMEOUT_MS / 1000} s`)),
      THREADED_START_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([setWasmBackend(), failed]);
  } catch (error) {
    tf.removeBackend('wasm');
    tf.registerBackend('wasm', factory, 2);
    throw error;
  } finally {
    reportWorkerFailure = null;
    clearTimeout(timer);
  }
}
