/**
 * Checkpoints of a whole training state — model weights, optimizer state (Adam's moments and step
 * count, via `getWeights`/`setWeights`), the MoCo queue or the memory bank, the kit's RNG states,
 * any other {@link Checkpointable} part, the run's config and its metrics. The notebooks' "load if
 * a matching checkpoint exists, else train and save" idiom, `loadOrTrain`, and the policy of where
 * checkpoints live are the notebook layer's (src/notebook/load-or-train.ts, checkpoint-folder.ts).
 *
 * Every part saves, checks and restores its own state (the {@link Checkpointable} contract,
 * src/runtime/checkpointable.ts); this module only says where each part of a {@link TrainingState}
 * goes in the file (`slotsOf`: the names the shipped checkpoints use).
 *
 * Loading validates before it changes anything: checksums, then the config (a mismatch lists
 * every differing key), then every part's shapes and seeds; only when all agree are the values
 * restored.
 *
 * @example
 * const state = { models: { query: encoder, key: momentum.key }, optimizer, queue, rngs: { data: rng } };
 * await saveTrainingState(dir, state, { config: { epochs, queueSize }, metrics: history });
 * const { metrics } = await restoreTrainingState(dir, state, { config: { epochs, queueSize } });
 *
 * @see notebooks/05-moco.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { Checkpointable, isCheckpointable, StoredPart, StoredTensor } from '../runtime/checkpointable';
import { Rng } from '../runtime/random';
import { MocoQueue } from '../models/queue';
import { MemoryBank } from '../models/memory-bank';
import { checkpointableModel, checkpointableOptimizer, checkpointableVariable } from './checkpointables';
import { CheckpointError, CheckpointManifest, readCheckpoint, writeCheckpoint } from './checkpoint-file';

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
  /**
   * Any other stateful parts by name: each implements {@link Checkpointable}, so a new kind of
   * state needs no change here.
   */
  parts?: Record<string, Checkpointable>;
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

/** The manifest's JSON sections that hold the parts' JSON. */
type JsonSection = 'layout' | 'rngs';

/** Where a part's JSON goes: a section of the manifest's JSON and a key in it; `missing` says its absence. */
interface JsonPlace {
  section: JsonSection;
  key: string;
  missing: (section: Record<string, unknown>) => string;
}

/** Where one part of a training state goes in a checkpoint, and how messages name it. */
interface Slot {
  part: Checkpointable;
  /** How messages name it, e.g. `model 'encoder'`. */
  label: string;
  /** Where its JSON goes, or null when it stores none. */
  json: JsonPlace | null;
  /** Its tensors are named `<tensors>/<name>` (`<tensors>` alone for the name `''`). */
  tensors: string;
}

/** The stored name of a part's tensor. */
function tensorName(slot: Slot, name: string): string {
  return name === '' ? slot.tensors : `${slot.tensors}/${name}`;
}

/**
 * The parts of a training state in checkpoint order, each with where it goes in the file — the one
 * place that maps {@link TrainingState}'s fields to the names shipped checkpoints use.
 */
function slotsOf(state: TrainingState): Slot[] {
  const layoutSlot = (key: string, missing: JsonPlace['missing']): JsonPlace => ({ section: 'layout', key, missing });
  const modelsIn = (layout: Record<string, unknown>) => Object.keys(layout).filter((k) => k.startsWith('model:')).map((k) => k.slice(6)).join(', ') || 'none';
  const slots: Slot[] = [];
  for (const [name, model] of Object.entries(state.models ?? {})) {
    slots.push({ part: checkpointableModel(model), label: `model '${name}'`, json: layoutSlot(`model:${name}`, (layout) => `it has no model '${name}' (it has: ${modelsIn(layout)})`), tensors: `model/${name}` });
  }
  if (state.optimizer) slots.push({ part: checkpointableOptimizer(state.optimizer), label: 'its optimizer', json: layoutSlot('optimizer', () => 'it has no optimizer state'), tensors: 'optimizer' });
  if (state.queue) slots.push({ part: state.queue, label: 'the queue', json: layoutSlot('queue', () => 'it has no queue'), tensors: 'queue' });
  if (state.memoryBank) slots.push({ part: state.memoryBank, label: 'the memory bank', json: layoutSlot('memoryBank', () => 'it has no memory bank'), tensors: 'memoryBank' });
  for (const [name, variable] of Object.entries(state.variables ?? {})) {
    slots.push({ part: checkpointableVariable(variable), label: `variable '${name}'`, json: null, tensors: `variable/${name}` });
  }
  for (const [name, rng] of Object.entries(state.rngs ?? {})) {
    slots.push({ part: rng, label: `RNG '${name}'`, json: { section: 'rngs', key: name, missing: () => `it has no RNG state '${name}'` }, tensors: `rng/${name}` });
  }
  for (const [name, part] of Object.entries(state.parts ?? {})) {
    if (!isCheckpointable(part)) throw new Error(`saveTrainingState: 'state.parts.${name}' must implement Checkpointable (saveCheckpoint, checkCheckpoint, restoreCheckpoint)`);
    slots.push({ part, label: `part '${name}'`, json: layoutSlot(`part:${name}`, () => `it has no part '${name}'`), tensors: `part/${name}` });
  }
  return slots;
}

/**
 * Saves a training state to `dir` atomically (a failed or interrupted save never damages the
 * previous checkpoint there).
 *
 * @param dir the checkpoint folder.
 * @param state the components to save.
 * @param info config, metrics, progress and extra JSON.
 * @param options.float16 store float32 tensors as float16 (shipped checkpoints, when accuracy allows).
 * @param options.compress gzip the manifest (shipped checkpoints: long training records).
 * @returns the manifest written.
 */
export async function saveTrainingState(dir: string, state: TrainingState, info: CheckpointInfo, options: { float16?: boolean; compress?: boolean } = {}): Promise<CheckpointManifest> {
  const fn = 'saveTrainingState';
  if (info === null || typeof info !== 'object' || info.config === null || typeof info.config !== 'object') {
    throw new Error(`${fn}: 'info.config' must be an object describing the run, got ${JSON.stringify(info?.config)}`);
  }
  const sections: Record<JsonSection, Record<string, unknown>> = { layout: {}, rngs: {} };
  const tensors: Array<[string, StoredTensor]> = [];
  for (const slot of slotsOf(state)) {
    const saved = await slot.part.saveCheckpoint();
    if (slot.json) sections[slot.json.section][slot.json.key] = saved.json ?? null;
    for (const [name, tensor] of Object.entries(saved.tensors ?? {})) tensors.push([tensorName(slot, name), tensor]);
  }
  return writeCheckpoint(dir, {
    config: info.config,
    metrics: info.metrics ?? null,
    progress: info.progress ?? null,
    extra: info.extra ?? {},
    layout: sections.layout,
    rngs: sections.rngs,
  }, tensors, { float16: options.float16, compress: options.compress });
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
    layout?: Record<string, unknown>;
    rngs?: Record<string, unknown>;
  };
  const differences = configDifferences(json.config, expected.config);
  if (differences.length > 0) {
    throw new CheckpointError(`${where} was made with another config (${differences.length} difference${differences.length > 1 ? 's' : ''}):\n  ${differences.join('\n  ')}`);
  }
  // 1. Validate everything: each part checks its stored state; nothing changes yet.
  const problems: string[] = [];
  const accepted: Array<[Checkpointable, StoredPart]> = [];
  for (const slot of slotsOf(state)) {
    let partJson: unknown;
    if (slot.json) {
      const section = json[slot.json.section] ?? {};
      partJson = section[slot.json.key];
      if (partJson === undefined) {
        problems.push(slot.json.missing(section));
        continue;
      }
    }
    const stored: StoredPart = {
      label: slot.label,
      json: partJson,
      tensor(name) {
        const full = tensorName(slot, name);
        const tensor = contents.tensors.get(full);
        if (!tensor) problems.push(`it has no '${full}'`);
        return tensor;
      },
      problem: (text) => problems.push(text),
    };
    slot.part.checkCheckpoint(stored);
    accepted.push([slot.part, stored]);
  }
  if (problems.length > 0) throw new CheckpointError(`${where} does not fit this training state:\n  ${problems.join('\n  ')}`);

  // 2. Restore.
  for (const [part, stored] of accepted) await part.restoreCheckpoint(stored);
  return {
    dir: contents.dir,
    createdAt: contents.manifest.createdAt,
    config: json.config,
    metrics: json.metrics,
    progress: json.progress ?? undefined,
    extra: json.extra,
  };
}
