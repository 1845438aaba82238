/**
 * The notebooks' "load if a matching checkpoint exists, else train and save" ({@link loadOrTrain}),
 * as uvadlc's notebooks do it: your own earlier run of the same config, else the kit's shipped
 * checkpoint, else training — and, in a run of `npm run checkpoints:train`, training a checkpoint
 * for shipping. The policy lives here, in the notebook layer: which folder (checkpoint-folder.ts),
 * fast mode and the data in the config, `CONTRASTIVE_KIT_RETRAIN`, and what it prints. Saving and
 * restoring a training state is src/train/checkpoint.ts.
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
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { Float16Array } from '@petamoriken/float16';
import { envFlag } from '../checks';
import { fashionMnistKind } from '../data/fashion-mnist';
import { configDifferences, RestoredCheckpoint, restoreTrainingState, saveTrainingState, TrainingState } from '../train/checkpoint';
import { CheckpointError, checkpointExists } from '../train/checkpoint-file';
import {
  RETRAIN_HINT, SHIP_COMMAND_VARIABLE, SHIP_COMMIT_VARIABLE, SHIP_NOTEBOOK_VARIABLE, ShippedCheckpointEntry, isShipping, recordShippedCheckpoint,
  shippedCheckpointsRoot, verifyShippedCheckpoint,
} from '../train/shipped-checkpoints';
import { checkpointDir } from './checkpoint-folder';
import { isFastMode } from './fast-mode';

/** Options of {@link loadOrTrain}. */
export interface LoadOrTrainOptions<T> {
  /** Checkpoint name (folder from {@link checkpointDir}: `<name>-fast` in fast mode); or give `dir`. */
  name?: string;
  /** Checkpoint folder (overrides `name`; a run with `dir` never uses shipped checkpoints). */
  dir?: string;
  /**
   * The run's config. Fast/full mode and the data (`full` Fashion-MNIST or the `mini` subset) are
   * added automatically, so runs on different data never share a checkpoint.
   */
  config: Record<string, unknown>;
  /** The components that training changes and the checkpoint restores. */
  state: TrainingState;
  /** Trains the components in place and returns the metrics to keep (JSON-serialisable). */
  train: () => T | Promise<T>;
  /**
   * Measures the trained encoder (e.g. `{ knnTop1, oneNNTop1 }` on the test set). Needed to train a
   * checkpoint for shipping: the numbers go into `checkpoints/manifest.json`, and `knnTop1` decides
   * whether float16 weights are close enough (less than 0.1 point apart).
   */
  evaluate?: () => Record<string, number> | Promise<Record<string, number>>;
  /** Epochs the run trains (recorded with a shipped checkpoint and shown when it is loaded). */
  epochs?: number;
  /** Train even when a matching checkpoint exists (default false; `CONTRASTIVE_KIT_RETRAIN=1` too). */
  retrain?: boolean;
  /** Extra JSON to save (e.g. the NCE normaliser); given back as `extra` when loaded. */
  extra?: () => Record<string, unknown>;
  /** The folder of shipped checkpoints (default `<kit>/checkpoints`; null: never use one). */
  shippedRoot?: string | null;
  /** Print what happened (default true). */
  verbose?: boolean;
}

/** What {@link loadOrTrain} returns. */
export interface LoadOrTrainResult<T> {
  /** True when a checkpoint was loaded, false when training ran. */
  loaded: boolean;
  /** Where the weights came from: trained now, your own earlier run (`build/checkpoints`), or the kit's shipped checkpoint. */
  source: 'trained' | 'cache' | 'shipped';
  /** The metrics (from the checkpoint or from `train`). */
  metrics: T;
  /** The checkpoint folder read or written. */
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
  /** The shipped checkpoint's manifest entry when `source` is `shipped` (or when this run shipped it). */
  shipped?: ShippedCheckpointEntry;
}

/** `CONTRASTIVE_KIT_RETRAIN`: `1`, `true` or `yes` retrains every run instead of loading a checkpoint. */
export const RETRAIN_VARIABLE = 'CONTRASTIVE_KIT_RETRAIN';

/** Whether `CONTRASTIVE_KIT_RETRAIN` asks to retrain. */
export function isRetrainRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  return envFlag(RETRAIN_VARIABLE, env) === true;
}

/** `full` when the full Fashion-MNIST is found, `mini` when only the bundled subset is. */
function dataKind(): 'full' | 'mini' {
  try {
    return fashionMnistKind();
  } catch {
    return 'mini';
  }
}

function describeThisMachine(): string {
  const cpu = os.cpus()[0]?.model?.trim() ?? 'unknown CPU';
  const backend = tf.getBackend();
  const threads = process.env.CONTRASTIVE_KIT_THREADS ?? String(os.availableParallelism?.() ?? os.cpus().length);
  return `${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}, node ${process.version}, tfjs ${tf.version.tfjs} ${backend}${backend === 'wasm' ? ` (${threads} threads)` : ''}`;
}

/**
 * Seconds as the notebooks print them: rounded to whole seconds (`Math.round`, as the tables'
 * `Math.round(run.seconds)`), thousands set off by a space ('716', '7 396', '2 000' for 1 999.6).
 */
export function formatSeconds(value: number): string {
  const whole = Math.round(value);
  return whole >= 1000 ? `${Math.floor(whole / 1000)} ${String(whole % 1000).padStart(3, '0')}` : String(whole);
}

/**
 * The training time a loaded run reports: the `seconds` of its own training record (the loop's
 * `TrainResult.seconds`, which the notebooks' tables print as the run's seconds) when the metrics
 * carry one, else `fallback` (the shipped manifest's `trainingSeconds`, the wall time of the whole
 * `train` callback, setup included — up to a few seconds more).
 */
export function recordedTrainingSeconds(metrics: unknown, fallback: number): number {
  const value = (metrics as { seconds?: unknown } | null)?.seconds;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}

/** Rounds every weight of the models to float16 and back; returns the float32 originals. */
function roundModelsToFloat16(models: Record<string, tf.LayersModel>): Array<[tf.LayersModel, tf.Tensor[]]> {
  return Object.values(models).map((model) => {
    const originals = model.getWeights().map((w) => w.clone());
    const rounded = originals.map((w) => (w.dtype === 'float32' ? tf.tensor(Float32Array.from(new Float16Array(w.dataSync() as Float32Array)), w.shape, 'float32') : w.clone()));
    model.setWeights(rounded);
    tf.dispose(rounded);
    return [model, originals];
  });
}

/**
 * "Load if a matching checkpoint exists, else train and save":
 *
 * 1. your own earlier run of the same config (`build/checkpoints/<name>`) is loaded;
 * 2. else the kit's shipped checkpoint (`checkpoints/<name>`, full mode only) when its config
 *    matches — after checking its files against `checkpoints/manifest.json`: a corrupt shipped
 *    file is an error naming the file and saying how to retrain, never silently replaced;
 * 3. else `train` runs and the result is saved to `build/checkpoints/<name>`.
 *
 * `retrain: true` (or `CONTRASTIVE_KIT_RETRAIN=1`, `npm run walkthrough -- --retrain`) skips 1
 * and 2. In a run of `npm run checkpoints:train` the named checkpoints are trained, measured
 * (`evaluate`) and written into `checkpoints/` with their manifest entry. Shipped checkpoints hold
 * the models' weights (and `variables`) only; a loaded one leaves the optimizer, queue, memory
 * bank and RNGs of `state` as they were.
 */
export async function loadOrTrain<T>(options: LoadOrTrainOptions<T>): Promise<LoadOrTrainResult<T>> {
  const fn = 'loadOrTrain';
  if (options === null || typeof options !== 'object') throw new Error(`${fn}: 'options' must be an object`);
  if (typeof options.train !== 'function') throw new Error(`${fn}: 'train' must be a function that trains and returns metrics`);
  if (options.dir === undefined && options.name === undefined) throw new Error(`${fn}: give 'name' or 'dir'`);
  if (options.evaluate !== undefined && typeof options.evaluate !== 'function') throw new Error(`${fn}: 'evaluate' must be a function returning metrics, got ${typeof options.evaluate}`);
  if (options.epochs !== undefined && !(Number.isFinite(options.epochs) && options.epochs > 0)) throw new Error(`${fn}: 'epochs' must be a positive number, got ${options.epochs}`);
  const dir = path.resolve(options.dir ?? checkpointDir(options.name as string));
  const fast = isFastMode();
  const config = { ...options.config, fastMode: fast, data: dataKind() };
  const verbose = options.verbose ?? true;
  const log = (line: string) => {
    if (verbose) console.log(`${fn}: ${line}`);
  };
  const shippedRoot = options.dir !== undefined || fast ? null : options.shippedRoot === undefined ? shippedCheckpointsRoot() : options.shippedRoot;
  const name = options.name;
  const shipping = name !== undefined && options.dir === undefined && isShipping(name);
  if (shipping) {
    if (fast) throw new Error(`${fn}: '${name}' cannot be trained for shipping in fast mode`);
    if (shippedRoot === null) throw new Error(`${fn}: no shipped checkpoints folder to write '${name}' into (run inside the kit's checkout)`);
    if (!options.evaluate) throw new Error(`${fn}: training '${name}' for shipping needs 'evaluate' (the metrics measured right after training)`);
  }
  const retrain = options.retrain ?? isRetrainRequested();
  let reason: string;
  if (shipping) reason = 'training it for shipping (npm run checkpoints:train)';
  else if (retrain) reason = 'retraining as asked';
  else {
    reason = `no checkpoint at ${dir} yet`;
    if (checkpointExists(dir)) {
      try {
        const restored = await restoreTrainingState(dir, options.state, { config });
        reason = `loaded your checkpoint saved ${restored.createdAt} (same config) from ${restored.dir}`;
        log(reason);
        return { loaded: true, source: 'cache', metrics: restored.metrics as T, dir, reason, extra: restored.extra ?? {}, trainedAt: restored.createdAt };
      } catch (error) {
        if (!(error instanceof CheckpointError)) throw error;
        reason = `your checkpoint cannot be used — ${error.message}`;
      }
    }
    if (shippedRoot !== null && name !== undefined) {
      const entry = verifyShippedCheckpoint(shippedRoot, name); // throws on a corrupt or missing file
      if (entry) {
        const shippedDir = path.join(shippedRoot, name);
        const differences = configDifferences(entry.config, config);
        if (differences.length === 0) {
          let restored: RestoredCheckpoint;
          try {
            restored = await restoreTrainingState(shippedDir, { models: options.state.models, variables: options.state.variables }, { config });
          } catch (error) {
            if (error instanceof CheckpointError) throw new CheckpointError(`${error.message}; ${RETRAIN_HINT}`);
            throw error;
          }
          const epochs = entry.epochs === null ? '' : `${entry.epochs}-epoch `;
          const knn = entry.metrics.knnTop1 === undefined ? '' : `, weighted kNN top-1 ${(100 * entry.metrics.knnTop1).toFixed(2)} % right after training`;
          reason = `loaded the shipped ${epochs}checkpoint checkpoints/${name}, trained in ${formatSeconds(recordedTrainingSeconds(restored.metrics, entry.trainingSeconds))} s on ${entry.trainedAt.slice(0, 10)} (${entry.precision}${knn}); ${RETRAIN_HINT}`;
          log(reason);
          return { loaded: true, source: 'shipped', metrics: restored.metrics as T, dir: shippedDir, reason, extra: restored.extra ?? {}, trainedAt: entry.trainedAt, shipped: entry };
        }
        reason = `the shipped checkpoints/${name} was trained with another config (${differences.join('; ')}), so this run trains with yours`;
      }
    }
  }
  log(reason);
  const started = Date.now();
  const metrics = await options.train();
  const trainingSeconds = (Date.now() - started) / 1000;
  const extra = options.extra ? options.extra() : {};
  if (!shipping) {
    const manifest = await saveTrainingState(dir, options.state, { config, metrics, extra });
    log(`saved the checkpoint to ${dir}`);
    return { loaded: false, source: 'trained', metrics, dir, reason, extra, trainedAt: manifest.createdAt };
  }
  // Training for shipping: measure, check float16, write checkpoints/<name> and its manifest entry.
  const root = shippedRoot as string;
  const evaluation = await (options.evaluate as NonNullable<typeof options.evaluate>)();
  const models = options.state.models ?? {};
  let precision: 'float16' | 'float32' = 'float32';
  let float16Check: ShippedCheckpointEntry['float16Check'] = null;
  if (Object.keys(models).length > 0 && typeof evaluation.knnTop1 === 'number') {
    const originals = roundModelsToFloat16(models);
    const rounded = await (options.evaluate as NonNullable<typeof options.evaluate>)();
    float16Check = { float32: evaluation.knnTop1, float16: rounded.knnTop1 };
    if (Math.abs(rounded.knnTop1 - evaluation.knnTop1) < 0.001) precision = 'float16'; // keep the rounded weights: they are what ships
    else for (const [model, weights] of originals) model.setWeights(weights);
    for (const [, weights] of originals) tf.dispose(weights);
  }
  const shippedDir = path.join(root, name as string);
  const manifest = await saveTrainingState(shippedDir, { models: options.state.models, variables: options.state.variables }, { config, metrics, extra }, { float16: precision === 'float16', compress: true });
  const entry = recordShippedCheckpoint(root, name as string, {
    notebook: process.env[SHIP_NOTEBOOK_VARIABLE] ?? 'unknown',
    config,
    precision,
    float16Check,
    command: process.env[SHIP_COMMAND_VARIABLE] ?? 'unknown',
    commit: process.env[SHIP_COMMIT_VARIABLE] ?? 'unknown',
    trainedAt: manifest.createdAt,
    epochs: options.epochs ?? null,
    trainingSeconds: Math.round(trainingSeconds * 10) / 10,
    machine: describeThisMachine(),
    metrics: evaluation,
  });
  log(`shipped ${shippedDir} (${precision}; ${(entry.bytes / 2 ** 20).toFixed(2)} MiB; ${formatSeconds(recordedTrainingSeconds(metrics, trainingSeconds))} s of training)`);
  return { loaded: false, source: 'trained', metrics, dir: shippedDir, reason, extra, trainedAt: manifest.createdAt, shipped: entry };
}
