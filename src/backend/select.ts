/**
 * Backend choice: tfjs-node when it is installed, else the wasm backend, else the pure-JS cpu
 * backend. `CONTRASTIVE_KIT_BACKEND=node|wasm|cpu` forces one. The choice and the reason are
 * kept so that notebooks (00-setup) and the bench can report them.
 *
 * @see notebooks/00-setup.ipynb
 */
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { patchWasmKernels, WASM_KERNEL_PATCHES } from './wasm-patches';
import { requestedThreads, startWasmBackend, THREADS_ENV_VARIABLE } from './wasm-threads';

/** The kit's names for the backends it can run on. */
export type BackendName = 'node' | 'wasm' | 'cpu';

/** What {@link selectBackend} chose and why. */
export interface BackendChoice {
  /** The kit's name for the backend. */
  name: BackendName;
  /** tfjs' own name for it (`tensorflow`, `wasm`, `cpu`). */
  tfjsName: string;
  /** A sentence saying why this backend was chosen. */
  reason: string;
  /**
   * Threads the backend computes with: wasm's pool size (`CONTRASTIVE_KIT_THREADS`, default
   * every core), tfjs-node's TensorFlow default (every core), 1 for cpu.
   */
  threads: number;
  /** Why that many threads (the variable, the cores, or why the threaded wasm build did not start). */
  threadsReason: string;
}

const TFJS_NAMES: Record<BackendName, string> = { node: 'tensorflow', wasm: 'wasm', cpu: 'cpu' };
const ENV_VARIABLE = 'CONTRASTIVE_KIT_BACKEND';

/** Hooks run once after a backend is activated (the wasm kernel patches register here). */
const activationHooks: Array<(choice: BackendChoice) => void | Promise<void>> = [];

let current: BackendChoice | null = null;

/** The sentence the reasons use for the kit's wasm kernel patches. */
function patchesNote(): string {
  const added = WASM_KERNEL_PATCHES.filter((patch) => patch.kind === 'added').map((patch) => patch.kernelName);
  const replaced = WASM_KERNEL_PATCHES.filter((patch) => patch.kind === 'replaced').map((patch) => patch.kernelName);
  return `with the kit's kernel patches (added ${added.join(', ')}; faster ${replaced.join(', ')})`;
}

/**
 * Registers `hook` to run whenever {@link selectBackend} activates a backend.
 * @param hook called with the choice after `tf.setBackend` succeeded.
 */
export function onBackendActivated(hook: (choice: BackendChoice) => void | Promise<void>): void {
  activationHooks.push(hook);
}

/** Whether `@tensorflow/tfjs-node` can be loaded here (it registers the `tensorflow` backend). */
export function tfjsNodeAvailable(): boolean {
  try {
    require.resolve('@tensorflow/tfjs-node');
  } catch {
    return false;
  }
  try {
    require('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

function parseForced(value: string | undefined): BackendName | null {
  if (value === undefined || value === '') return null;
  const name = value.trim().toLowerCase();
  if (name === 'node' || name === 'wasm' || name === 'cpu') return name;
  throw new Error(
    `selectBackend: ${ENV_VARIABLE} must be one of node, wasm, cpu; got '${value}'`,
  );
}

/** Starts backend `name`; returns its threads and why that many. */
async function activate(name: BackendName): Promise<{ threads: number; threadsReason: string }> {
  if (name === 'wasm') {
    require('@tensorflow/tfjs-backend-wasm');
    patchWasmKernels();
    return startWasmBackend(requestedThreads());
  }
  if (name === 'node') require('@tensorflow/tfjs-node');
  const ok = await tf.setBackend(TFJS_NAMES[name]);
  if (!ok) throw new Error(`tf.setBackend('${TFJS_NAMES[name]}') returned false`);
  await tf.ready();
  if (name === 'node') {
    const cores = os.availableParallelism();
    return { threads: cores, threadsReason: `TensorFlow's default: the ${cores} cores here (${THREADS_ENV_VARIABLE} applies to wasm)` };
  }
  return { threads: 1, threadsReason: 'the cpu backend is single-threaded' };
}

/** ', 2 threads (2 cores here)' for reasons. */
function threadsNote(started: { threads: number; threadsReason: string }): string {
  return `; ${started.threads} thread${started.threads === 1 ? '' : 's'} (${started.threadsReason})`;
}

/**
 * Chooses and activates the backend. Safe to call more than once: later calls return the first
 * choice unless `force` names another backend.
 *
 * @param options.force a backend to use instead of the automatic choice (overrides the
 *   `CONTRASTIVE_KIT_BACKEND` environment variable).
 * @returns the backend in use and why it was chosen.
 */
export async function selectBackend(options: { force?: BackendName } = {}): Promise<BackendChoice> {
  const forced = options.force ?? parseForced(process.env[ENV_VARIABLE]);
  if (options.force !== undefined && parseForced(options.force) === null) {
    throw new Error(`selectBackend: 'force' must be one of node, wasm, cpu; got '${options.force}'`);
  }
  if (current && (forced === null || forced === current.name)) return current;

  let choice: BackendChoice;
  if (forced !== null) {
    if (forced === 'node' && !tfjsNodeAvailable()) {
      throw new Error(
        `selectBackend: ${ENV_VARIABLE}=node but @tensorflow/tfjs-node is not installed or does not load ` +
          '(its install downloads libtensorflow; see README, "Backends")',
      );
    }
    const started = await activate(forced);
    const source = options.force !== undefined ? 'the caller' : `${ENV_VARIABLE}=${forced}`;
    const note = forced === 'wasm' ? `, ${patchesNote()}` : '';
    choice = { name: forced, tfjsName: TFJS_NAMES[forced], reason: `forced by ${source}${note}${threadsNote(started)}`, ...started };
  } else if (tfjsNodeAvailable()) {
    const started = await activate('node');
    choice = {
      name: 'node',
      tfjsName: 'tensorflow',
      reason: `@tensorflow/tfjs-node is installed (native TensorFlow)${threadsNote(started)}`,
      ...started,
    };
  } else {
    try {
      const started = await activate('wasm');
      choice = {
        name: 'wasm',
        tfjsName: 'wasm',
        reason: `@tensorflow/tfjs-node is not installed here, so the wasm backend is used, ${patchesNote()}${threadsNote(started)}`,
        ...started,
      };
    } catch (error) {
      const started = await activate('cpu');
      choice = {
        name: 'cpu',
        tfjsName: 'cpu',
        reason: `neither tfjs-node nor wasm could start (${(error as Error).message}); the pure-JS cpu backend is slow`,
        ...started,
      };
    }
  }
  current = choice;
  for (const hook of activationHooks) await hook(choice);
  return choice;
}

// The wasm kernel patches register when wasm is activated (they also register at package load).
onBackendActivated((choice) => {
  if (choice.name === 'wasm') patchWasmKernels();
});

/** The backend chosen by {@link selectBackend}, or null before it ran. */
export function currentBackend(): BackendChoice | null {
  return current;
}
