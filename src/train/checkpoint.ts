/**
 * Checkpoints of a whole training state — model weights, optimizer state (Adam's moments and step
 * count, via `getWeights`/`setWeights`), the MoCo queue or the memory bank, the kit's RNG states,
 * the run's config and its metrics — and the notebooks' "load if a matching checkpoint exists,
 * else train and save" idiom ({@link loadOrTrain}).
 *
 * Loading validates before it changes anything: checksums, then the config (a mismatch lists
 * every differing key), then every shape; only when all agree are the values restored.
 *
 * @example
 * const state = { models: { query: encoder, key: momentum.key }, optimizer, queue, rngs: { data: rng } };
 * const { loaded, metrics } = await loadOrTrain({
 *   name: '05-moco-v1', config: { epochs, queueSize, momentum: 0.99, temperature: 0.07 }, state,
 *   train: async () => (await train({ ... })).history,
 * });
 *
 * @see notebooks/05-moco.ipynb
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../data/random';
import { findKitRoot } from '../data/fashion-mnist';
import { MocoQueue } from '../models/queue';
import { MemoryBank } from '../models/memory-bank';
import { isFastMode } from '../notebook/fast-mode';
import { CheckpointError, CheckpointManifest, StoredTensor, checkpointExists, readCheckpoint, writeCheckpoint } from './checkpoint-file';

/** The parts of a training run a checkpoint holds. All optional; give what the run has. */
export interface TrainingState {
  /** Models by name, e.g. `{ query: encoder, key: momentumEncoder.key }`. */
  models?: Record<string, tf.LayersModel>;
  /** The optimizer (its state is saved where it supports `getWeights`, e.g. Adam, SGD with momentum). */
  optimizer?: tf.Optimizer;
  /** MoCo's queue. */
  queue?: MocoQueue;
  /** InstDisc's memory bank. */
  memoryBank?: MemoryBank;
  /** Random streams whose position should survive (e.g. the data order and augmentation streams). */
  rngs?: Record<string, Rng>;
  /** Other variables by name (e.g. a learned temperature). */
  variables?: Record<string, tf.Variable>;
}

/** What is stored besides the tensors. */
export interface CheckpointInfo {
  /** The run's configuration: loading refuses a checkpoint whose config differs. */
  config: Record<string, unknown>;
  /** Metrics / history to give back when the checkpoint is loaded instead of training. */
  metrics?: unknown;
  /** Where training was (to resume). */
  progress?: { step: number; epoch: number };
  /** Anything else JSON-serialisable (e.g. the normaliser Z of NCE). */
  extra?: Record<string, unknown>;
}

/** What {@link restoreTrainingState} returns. */
export interface RestoredCheckpoint extends CheckpointInfo {
  /** The folder read. */
  dir: string;
  /** When it was written (ISO time). */
  createdAt: string;
}

function float(values: ArrayLike<number>, shape: number[]): StoredTensor {
  return { dtype: 'float32', shape, values: values instanceof Float32Array ? values : Float32Array.from(values) };
}

function fromTensor(tensor: tf.Tensor): StoredTensor {
  if (tensor.dtype === 'int32') return { dtype: 'int32', shape: tensor.shape.slice(), values: tensor.dataSync() as Int32Array };
  if (tensor.dtype === 'float32') return { dtype: 'float32', shape: tensor.shape.slice(), values: tensor.dataSync() as Float32Array };
  throw new Error(`saveTrainingState: cannot store a ${tensor.dtype} tensor`);
}

/** Differences between two JSON values, as "path: checkpoint X, now Y" lines. */
export function configDifferences(saved: unknown, current: unknown, prefix = ''): string[] {
  const show = (value: unknown) => (value === undefined ? 'missing' : JSON.stringify(value));
  const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
  if (isObject(saved) && isObject(current)) {
    const keys = Array.from(new Set([...Object.keys(saved), ...Object.keys(current)])).sort();
    return keys.flatMap((key) => configDifferences(saved[key], current[key], prefix ? `${prefix}.${key}` : key));
  }
  if (JSON.stringify(saved) === JSON.stringify(current)) return [];
  return [`${prefix || '(config)'}: checkpoint ${show(saved)}, now ${show(current)}`];
}

/**
 * Saves a training state to `dir` atomically (a failed or interrupted save never damages the
 * previous checkpoint there).
 *
 * @param dir the checkpoint folder.
 * @param state the components to save.
 * @param info config, metrics, progress and extra JSON.
 * @returns the manifest written.
 */
export async function saveTrainingState(dir: string, state: TrainingState, info: CheckpointInfo): Promise<CheckpointManifest> {
  const fn = 'saveTrainingState';
  if (info === null || typeof info !== 'object' || info.config === null || typeof info.config !== 'object') {
    throw new Error(`${fn}: 'info.config' must be an object describing the run, got ${JSON.stringify(info?.config)}`);
  }
  const tensors: Array<[string, StoredTensor]> = [];
  const layout: Record<string, unknown> = {};
  for (const [name, model] of Object.entries(state.models ?? {})) {
    const weights = model.weights;
    layout[`model:${name}`] = weights.map((w) => ({ name: w.originalName ?? w.name, shape: w.shape }));
    weights.forEach((w, i) => tensors.push([`model/${name}/${i}`, fromTensor(w.read())]));
  }
  if (state.optimizer) {
    const named = await state.optimizer.getWeights();
    layout.optimizer = { className: state.optimizer.getClassName(), count: named.length };
    named.forEach((entry, i) => tensors.push([`optimizer/${i}`, fromTensor(entry.tensor)]));
  }
  if (state.queue) {
    const q = state.queue.getState();
    layout.queue = { queueSize: q.queueSize, dim: q.dim, pointer: q.pointer, enqueued: q.enqueued };
    tensors.push(['queue/keys', float(q.keys, [q.queueSize, q.dim])]);
    tensors.push(['queue/sampleIndices', { dtype: 'int32', shape: [q.queueSize], values: q.sampleIndices }]);
  }
  if (state.memoryBank) {
    const bank = state.memoryBank.getState();
    layout.memoryBank = { size: bank.size, dim: bank.dim };
    tensors.push(['memoryBank/vectors', float(bank.vectors, [bank.size, bank.dim])]);
    tensors.push(['memoryBank/ages', { dtype: 'int32', shape: [bank.size], values: bank.ages }]);
  }
  for (const [name, variable] of Object.entries(state.variables ?? {})) tensors.push([`variable/${name}`, fromTensor(variable)]);
  const rngs: Record<string, { seed: number; state: Array<number | null> }> = {};
  for (const [name, rng] of Object.entries(state.rngs ?? {})) {
    // NaN (no cached normal) is not JSON: store it as null.
    rngs[name] = { seed: rng.seed, state: rng.getState().map((v) => (Number.isNaN(v) ? null : v)) };
  }
  return writeCheckpoint(dir, {
    config: info.config,
    metrics: info.metrics ?? null,
    progress: info.progress ?? null,
    extra: info.extra ?? {},
    layout,
    rngs,
  }, tensors);
}

function shapesText(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/**
 * Restores a training state from `dir` into the given components, after validating everything.
 *
 * @param dir the checkpoint folder.
 * @param state the components to fill (the same kinds and shapes as when saved).
 * @param expected.config the current run's config; any difference is an error listing the keys.
 * @returns config, metrics, progress and extra stored with the checkpoint.
 * @throws CheckpointError explaining a corrupt file, a config mismatch or a shape mismatch.
 */
export async function restoreTrainingState(dir: string, state: TrainingState, expected: { config: Record<string, unknown> }): Promise<RestoredCheckpoint> {
  const contents = readCheckpoint(dir);
  const where = `checkpoint ${contents.dir}`;
  const json = contents.manifest.json as {
    config: Record<string, unknown>;
    metrics: unknown;
    progress: { step: number; epoch: number } | null;
    extra: Record<string, unknown>;
    layout: Record<string, unknown>;
    rngs: Record<string, { seed: number; state: Array<number | null> }>;
  };
  const differences = configDifferences(json.config, expected.config);
  if (differences.length > 0) {
    throw new CheckpointError(`${where} was made with another config (${differences.length} difference${differences.length > 1 ? 's' : ''}):\n  ${differences.join('\n  ')}`);
  }
  const problems: string[] = [];
  const tensorOf = (name: string): StoredTensor | undefined => {
    const stored = contents.tensors.get(name);
    if (!stored) problems.push(`it has no '${name}'`);
    return stored;
  };
  const expectShape = (what: string, stored: StoredTensor | undefined, shape: readonly number[]) => {
    if (stored && shapesText(stored.shape) !== shapesText(shape)) problems.push(`${what} is ${shapesText(stored.shape)} in the checkpoint, ${shapesText(shape)} now`);
  };
  // 1. Validate everything.
  const modelValues: Array<[tf.LayersModel, StoredTensor[]]> = [];
  for (const [name, model] of Object.entries(state.models ?? {})) {
    const weights = model.weights;
    const layout = json.layout[`model:${name}`] as Array<{ name: string; shape: number[] }> | undefined;
    if (!layout) {
      problems.push(`it has no model '${name}' (it has: ${Object.keys(json.layout).filter((k) => k.startsWith('model:')).map((k) => k.slice(6)).join(', ') || 'none'})`);
      continue;
    }
    if (layout.length !== weights.length) {
      problems.push(`model '${name}' has ${layout.length} weight tensors in the checkpoint, ${weights.length} now`);
      continue;
    }
    const values = weights.map((w, i) => {
      const stored = tensorOf(`model/${name}/${i}`);
      expectShape(`model '${name}' weight ${i} (${layout[i].name})`, stored, w.shape as number[]);
      return stored as StoredTensor;
    });
    modelValues.push([model, values]);
  }
  let optimizerValues: StoredTensor[] | null = null;
  if (state.optimizer) {
    const layout = json.layout.optimizer as { className: string; count: number } | undefined;
    if (!layout) problems.push('it has no optimizer state');
    else if (layout.className !== state.optimizer.getClassName()) problems.push(`its optimizer is ${layout.className}, now ${state.optimizer.getClassName()}`);
    else {
      optimizerValues = [];
      for (let i = 0; i < layout.count; i++) optimizerValues.push(tensorOf(`optimizer/${i}`) as StoredTensor);
      // Adam-like state: iterations + one or more slots per trainable weight, in model order.
    }
  }
  let queueKeys: StoredTensor | undefined;
  let queueIndices: StoredTensor | undefined;
  if (state.queue) {
    const layout = json.layout.queue as { queueSize: number; dim: number; pointer: number; enqueued: number } | undefined;
    if (!layout) problems.push('it has no queue');
    else {
      queueKeys = tensorOf('queue/keys');
      queueIndices = tensorOf('queue/sampleIndices');
      expectShape('the queue', queueKeys, [state.queue.queueSize, state.queue.dim]);
    }
  }
  let bankVectors: StoredTensor | undefined;
  let bankAges: StoredTensor | undefined;
  if (state.memoryBank) {
    if (!json.layout.memoryBank) problems.push('it has no memory bank');
    else {
      bankVectors = tensorOf('memoryBank/vectors');
      bankAges = tensorOf('memoryBank/ages');
      expectShape('the memory bank', bankVectors, [state.memoryBank.size, state.memoryBank.dim]);
    }
  }
  const variableValues: Array<[tf.Variable, StoredTensor]> = [];
  for (const [name, variable] of Object.entries(state.variables ?? {})) {
    const stored = tensorOf(`variable/${name}`);
    expectShape(`variable '${name}'`, stored, variable.shape);
    if (stored) variableValues.push([variable, stored]);
  }
  for (const [name, rng] of Object.entries(state.rngs ?? {})) {
    const saved = json.rngs?.[name];
    if (!saved) problems.push(`it has no RNG state '${name}'`);
    else if (saved.seed !== rng.seed) problems.push(`RNG '${name}' was seeded ${saved.seed} in the checkpoint, ${rng.seed} now`);
  }
  if (problems.length > 0) throw new CheckpointError(`${where} does not fit this training state:\n  ${problems.join('\n  ')}`);

  // 2. Restore.
  for (const [model, values] of modelValues) {
    const tensors = values.map((v) => tf.tensor(v.values, v.shape, v.dtype));
    model.setWeights(tensors);
    tf.dispose(tensors);
  }
  if (state.optimizer && optimizerValues) {
    const existing = await state.optimizer.getWeights(); // the slots it has now (replaced below)
    const named = optimizerValues.map((v, i) => ({ name: existing[i]?.name ?? `slot-${i}`, tensor: tf.tensor(v.values, v.shape, v.dtype) }));
    await state.optimizer.setWeights(named);
    tf.dispose(named.map((entry) => entry.tensor));
    tf.dispose(existing.map((entry) => entry.tensor)); // setWeights made new slot variables: free the old ones
  }
  if (state.queue && queueKeys && queueIndices) {
    const layout = json.layout.queue as { queueSize: number; dim: number; pointer: number; enqueued: number };
    state.queue.setState({ ...layout, keys: queueKeys.values as Float32Array, sampleIndices: queueIndices.values as Int32Array });
  }
  if (state.memoryBank && bankVectors && bankAges) {
    state.memoryBank.setState({ size: state.memoryBank.size, dim: state.memoryBank.dim, vectors: bankVectors.values as Float32Array, ages: bankAges.values as Int32Array });
  }
  for (const [variable, stored] of variableValues) tf.tidy(() => variable.assign(tf.tensor(stored.values, stored.shape, stored.dtype)));
  for (const [name, rng] of Object.entries(state.rngs ?? {})) {
    rng.setState(json.rngs[name].state.map((v) => (v === null ? NaN : v)));
  }
  return {
    dir: contents.dir,
    createdAt: contents.manifest.createdAt,
    config: json.config,
    metrics: json.metrics,
    progress: json.progress ?? undefined,
    extra: json.extra,
  };
}

/** Environment variable that moves the checkpoint folder (default `<kit>/build/checkpoints`). */
export const CHECKPOINT_DIR_VARIABLE = 'CONTRASTIVE_KIT_CHECKPOINTS';

/**
 * The folder for a named checkpoint: `$CONTRASTIVE_KIT_CHECKPOINTS/<name>`, else
 * `<kit root>/build/checkpoints/<name>` (else under the working directory). In fast mode the
 * folder is `<name>-fast`, so a fast run never replaces a full run's checkpoint.
 *
 * @param name letters, digits, `.`, `_`, `-` (e.g. '05-moco-v1').
 */
export function checkpointDir(name: string): string {
  if (typeof name !== 'string' || !/^[\w.-]+$/.test(name) || name.startsWith('.')) {
    throw new Error(`checkpointDir: 'name' must use letters, digits, '.', '_' or '-' (no leading '.'), got ${JSON.stringify(name)}`);
  }
  const root = process.env[CHECKPOINT_DIR_VARIABLE] || path.join(findKitRoot() ?? process.cwd(), 'build', 'checkpoints');
  return path.join(root, isFastMode() ? `${name}-fast` : name);
}

/** Options of {@link loadOrTrain}. */
export interface LoadOrTrainOptions<T> {
  /** Checkpoint name (folder from {@link checkpointDir}: `<name>-fast` in fast mode); or give `dir`. */
  name?: string;
  /** Checkpoint folder (overrides `name`). */
  dir?: string;
  /** The run's config. Fast/full mode is added automatically, so the two never share a checkpoint. */
  config: Record<string, unknown>;
  /** The components that training changes and the checkpoint restores. */
  state: TrainingState;
  /** Trains the components in place and returns the metrics to keep (JSON-serialisable). */
  train: () => T | Promise<T>;
  /** Train even when a matching checkpoint exists (default false; `CONTRASTIVE_KIT_RETRAIN=1` too). */
  retrain?: boolean;
  /** Extra JSON to save (e.g. the NCE normaliser); given back as `extra` when loaded. */
  extra?: () => Record<string, unknown>;
  /** Print what happened (default true). */
  verbose?: boolean;
}

/** What {@link loadOrTrain} returns. */
export interface LoadOrTrainResult<T> {
  /** True when the checkpoint was loaded, false when training ran. */
  loaded: boolean;
  /** The metrics (from the checkpoint or from `train`). */
  metrics: T;
  /** The checkpoint folder. */
  dir: string;
  /** Why training ran or did not (shown to the learner). */
  reason: string;
  /** Extra JSON saved with the checkpoint. */
  extra: Record<string, unknown>;
  /**
   * When the weights were trained (ISO time of the checkpoint): from an earlier run when `loaded`,
   * else just now. Results tables use it to tell loaded encoders from ones trained in this run.
   */
  trainedAt: string;
}

/**
 * "Load if a matching checkpoint exists, else train and save": restores `state` from the
 * checkpoint when its config matches (and its files verify), otherwise runs `train` and saves.
 * A mismatched or corrupt checkpoint is explained and then replaced (atomically) by the new run.
 */
export async function loadOrTrain<T>(options: LoadOrTrainOptions<T>): Promise<LoadOrTrainResult<T>> {
  const fn = 'loadOrTrain';
  if (typeof options.train !== 'function') throw new Error(`${fn}: 'train' must be a function that trains and returns metrics`);
  if (options.dir === undefined && options.name === undefined) throw new Error(`${fn}: give 'name' or 'dir'`);
  const dir = path.resolve(options.dir ?? checkpointDir(options.name as string));
  const config = { ...options.config, fastMode: isFastMode() };
  const verbose = options.verbose ?? true;
  const retrain = options.retrain ?? process.env.CONTRASTIVE_KIT_RETRAIN === '1';
  let reason: string;
  if (retrain) reason = 'retraining as asked';
  else if (!checkpointExists(dir)) reason = `no checkpoint at ${dir} yet`;
  else {
    try {
      const restored = await restoreTrainingState(dir, options.state, { config });
      reason = `loaded the checkpoint saved ${restored.createdAt} (same config)`;
      if (verbose) console.log(`${fn}: ${reason} from ${restored.dir}`);
      return { loaded: true, metrics: restored.metrics as T, dir, reason, extra: restored.extra ?? {}, trainedAt: restored.createdAt };
    } catch (error) {
      if (!(error instanceof CheckpointError)) throw error;
      reason = `the checkpoint cannot be used, training again — ${error.message}`;
    }
  }
  if (verbose) console.log(`${fn}: ${reason}`);
  const metrics = await options.train();
  const extra = options.extra ? options.extra() : {};
  const manifest = await saveTrainingState(dir, options.state, { config, metrics, extra });
  if (verbose) console.log(`${fn}: saved the checkpoint to ${dir}`);
  return { loaded: false, metrics, dir, reason, extra, trainedAt: manifest.createdAt };
}
