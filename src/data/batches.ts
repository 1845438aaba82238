/**
 * Batch builders for every loss in the course, as index batches (the images are gathered with
 * `imagesTensor(split, batch.indices)`). All are deterministic per seed and epoch: each call
 * builds ONE epoch from `options.rng` (default `rngFor('batches/<builder>')`, i.e. from the
 * kit-wide seed) forked by `options.epoch`, so epoch 3 is the same whether or not epochs 0–2 ran.
 *
 * | builder | loss | per epoch |
 * |---|---|---|
 * | {@link labelledPairBatches} | DrLIM contrastive loss | every index once as the left item |
 * | {@link neighbourPairBatches} | DrLIM, unsupervised (k-NN pairs) | every index once as the left item |
 * | {@link classBalancedBatches} | triplet loss with mining (P×K) | every index at least once |
 * | {@link nPairBatches} | N-pair loss | every index at least once |
 * | {@link tupletBatches} | (N+1)-tuplet loss | every index once as anchor |
 * | {@link instanceBatches} | InstDisc, MoCo | every index exactly once |
 *
 * @see notebooks/01-contrastive-loss.ipynb, notebooks/02-triplet-loss.ipynb, notebooks/03-npair-loss.ipynb
 */
import { requireNonNegativeInteger, requirePositiveInteger } from '../checks';
import { Rng, rngFor } from '../runtime/random';
import { indicesByClass } from './subset';

/** Options shared by the builders. */
export interface EpochOptions {
  /** The random stream (default `rngFor('batches/<builder>')`); only its seed is used. */
  rng?: Rng;
  /** Which epoch (default 0): each epoch has its own, reproducible order. */
  epoch?: number;
}

function epochRng(options: EpochOptions, builder: string): Rng {
  const epoch = requireNonNegativeInteger(builder, 'epoch', options.epoch ?? 0);
  return (options.rng ?? rngFor(`batches/${builder}`)).fork(`epoch ${epoch}`);
}

function checkLabels(labels: ArrayLike<number>, builder: string): Int32Array[] {
  if (!labels || typeof labels.length !== 'number' || labels.length === 0) {
    throw new Error(`${builder}: 'labels' must be a non-empty array of class labels`);
  }
  try {
    return indicesByClass(labels);
  } catch (error) {
    throw new Error(`${builder}: ${(error as Error).message.replace(/^indicesByClass: /, '')}`);
  }
}

/** Splits `order` into batches of `batchSize` (the last one smaller unless `dropLast`). */
function chunk(order: Int32Array, batchSize: number, dropLast: boolean): Int32Array[] {
  const batches: Int32Array[] = [];
  for (let start = 0; start < order.length; start += batchSize) {
    const end = Math.min(start + batchSize, order.length);
    if (dropLast && end - start < batchSize) break;
    batches.push(order.slice(start, end));
  }
  return batches;
}

/** A random member of `members` other than `exclude` (members must have ≥ 2 items when exclude is in it). */
function otherMember(members: Int32Array, exclude: number, rng: Rng): number {
  if (members.length === 1) return members[0];
  for (;;) {
    const candidate = members[rng.int(members.length)];
    if (candidate !== exclude) return candidate;
  }
}

/** A random index whose class is not `label`. */
function otherClassIndex(byClass: Int32Array[], total: number, label: number, rng: Rng): number {
  const others = total - byClass[label].length;
  let pick = rng.int(others);
  for (let c = 0; c < byClass.length; c++) {
    if (c === label) continue;
    if (pick < byClass[c].length) return byClass[c][pick];
    pick -= byClass[c].length;
  }
  throw new Error('otherClassIndex: unreachable');
}

// ---------------------------------------------------------------------------------------------
// DrLIM: labelled pairs

/** A batch of labelled pairs for the DrLIM contrastive loss. */
export interface PairBatch {
  /** `[batch]` dataset indices; over an epoch every index is a `left` exactly once. */
  left: Int32Array;
  /** `[batch]` dataset indices of the partners. */
  right: Int32Array;
  /**
   * `[batch]` 1 when the pair is similar (same class), 0 when dissimilar. Hadsell et al. write
   * Y = 0 for similar, Y = 1 for dissimilar: Y = 1 − similar.
   */
  similar: Uint8Array;
}

/** Options of {@link labelledPairBatches}. */
export interface PairOptions extends EpochOptions {
  batchSize: number;
  /** Fraction of similar pairs in every batch (default 0.5, i.e. balanced); rounded per batch. */
  similarFraction?: number;
  /** Drop a last, smaller batch (default false). */
  dropLast?: boolean;
}

/**
 * One epoch of labelled pairs for DrLIM: each index is the left item once; its partner is a
 * random other member of its class (similar) or a random member of another class (dissimilar),
 * with exactly `round(similarFraction · size)` similar pairs per batch.
 *
 * @param labels class labels `[count]`.
 * @param options batch size, similar fraction, epoch and rng.
 * @returns the epoch's batches.
 * @see notebooks/01-contrastive-loss.ipynb
 * @see http://yann.lecun.com/exdb/publis/pdf/hadsell-chopra-lecun-06.pdf
 */
export function labelledPairBatches(labels: ArrayLike<number>, options: PairOptions): PairBatch[] {
  const builder = 'labelledPairBatches';
  requirePositiveInteger(builder, 'batchSize', options.batchSize);
  const similarFraction = options.similarFraction ?? 0.5;
  if (!(similarFraction >= 0 && similarFraction <= 1)) {
    throw new Error(`${builder}: 'similarFraction' must be in [0, 1], got ${similarFraction}`);
  }
  const byClass = checkLabels(labels, builder);
  const populated = byClass.filter((members) => members.length > 0).length;
  if (similarFraction > 0 && byClass.some((members) => members.length === 1)) {
    throw new Error(`${builder}: every class needs ≥ 2 examples for similar pairs; class ${byClass.findIndex((m) => m.length === 1)} has 1`);
  }
  if (similarFraction < 1 && populated < 2) throw new Error(`${builder}: dissimilar pairs need ≥ 2 classes, 'labels' has ${populated}`);
  const rng = epochRng(options, builder);
  const order = rng.permutation(labels.length);
  return chunk(order, options.batchSize, options.dropLast ?? false).map((left) => {
    const size = left.length;
    const numSimilar = Math.round(similarFraction * size);
    const similar = new Uint8Array(size);
    similar.fill(1, 0, numSimilar);
    rng.shuffle(similar);
    const right = new Int32Array(size);
    for (let i = 0; i < size; i++) {
      const label = labels[left[i]];
      right[i] = similar[i] ? otherMember(byClass[label], left[i], rng) : otherClassIndex(byClass, labels.length, label, rng);
    }
    return { left, right, similar };
  });
}

/** Options of {@link neighbourPairBatches}. */
export interface NeighbourPairOptions extends PairOptions {
  /** k: neighbours per item in the table. */
  numNeighbours: number;
}

/**
 * One epoch of pairs for DrLIM's unsupervised variant, without labels: "similar" means "one of
 * the k nearest neighbours in some space" (Hadsell et al. used pixel-space neighbours), and
 * "dissimilar" is any other item that is not one of them. Each index is the left item once.
 *
 * The neighbour table comes from elsewhere, e.g. `knnSearch(pixels, pixels, { k, excludeSelf:
 * true }).indices` on the flat images (`imagesTensor(split, undefined, 'flat')`).
 *
 * @param neighbours `[count, numNeighbours]` row-major: the neighbours of each item (itself excluded).
 * @param options k, batch size, similar fraction (default 0.5), dropLast, epoch and rng.
 * @returns the epoch's batches; `similar[i] = 1` when `right[i]` is a neighbour of `left[i]`.
 * @see notebooks/01-contrastive-loss.ipynb
 */
export function neighbourPairBatches(neighbours: ArrayLike<number>, options: NeighbourPairOptions): PairBatch[] {
  const builder = 'neighbourPairBatches';
  const k = options.numNeighbours;
  requirePositiveInteger(builder, 'numNeighbours', k);
  requirePositiveInteger(builder, 'batchSize', options.batchSize);
  if (!neighbours || neighbours.length === 0 || neighbours.length % k !== 0) {
    throw new Error(`${builder}: 'neighbours' must be [count, ${k}] row-major, got ${neighbours?.length} values`);
  }
  const count = neighbours.length / k;
  for (let i = 0; i < neighbours.length; i++) {
    const j = neighbours[i];
    if (!Number.isInteger(j) || j < 0 || j >= count || j === Math.floor(i / k)) {
      throw new Error(`${builder}: 'neighbours[${Math.floor(i / k)}, ${i % k}]' is ${j}, expected another item's index in [0, ${count})`);
    }
  }
  const similarFraction = options.similarFraction ?? 0.5;
  if (!(similarFraction >= 0 && similarFraction <= 1)) {
    throw new Error(`${builder}: 'similarFraction' must be in [0, 1], got ${similarFraction}`);
  }
  if (similarFraction < 1 && count <= k + 1) {
    throw new Error(`${builder}: dissimilar pairs need more than k + 1 = ${k + 1} items, got ${count}`);
  }
  const rng = epochRng(options, builder);
  return chunk(rng.permutation(count), options.batchSize, options.dropLast ?? false).map((left) => {
    const size = left.length;
    const similar = new Uint8Array(size);
    similar.fill(1, 0, Math.round(similarFraction * size));
    rng.shuffle(similar);
    const right = new Int32Array(size);
    for (let i = 0; i < size; i++) {
      const item = left[i];
      if (similar[i]) {
        right[i] = neighbours[item * k + rng.int(k)];
        continue;
      }
      for (;;) {
        const candidate = rng.int(count);
        let isNeighbour = candidate === item;
        for (let n = 0; n < k && !isNeighbour; n++) isNeighbour = neighbours[item * k + n] === candidate;
        if (!isNeighbour) {
          right[i] = candidate;
          break;
        }
      }
    }
    return { left, right, similar };
  });
}

// ---------------------------------------------------------------------------------------------
// P×K class-balanced batches (triplet mining) and N-pair batches

/** A class-balanced batch: `classesPerBatch` classes × `samplesPerClass` examples. */
export interface ClassBatch {
  /** `[P·K]` dataset indices, grouped by class: K consecutive indices share a label. */
  indices: Int32Array;
  /** `[P·K]` their labels; the P classes of a batch are distinct. */
  labels: Int32Array;
}

/** Options of {@link classBalancedBatches}. */
export interface ClassBatchOptions extends EpochOptions {
  /** P: distinct classes per batch. */
  classesPerBatch: number;
  /** K: examples per class per batch. */
  samplesPerClass: number;
}

/**
 * One epoch of P×K batches (FaceNet-style, as used for batch-hard/semi-hard triplet mining).
 *
 * Each class's indices are shuffled and cut into groups of K (the last group topped up with
 * other random members of the class); each batch takes one group from each of the P classes
 * with the most groups left (ties broken at random), so classes run out together. When fewer
 * than P classes have groups left, the batch is completed with random groups of other classes.
 * Every index therefore appears at least once per epoch; an index appears twice only as such
 * padding — never when every class size is a multiple of K and the group count of the whole
 * epoch divides evenly into batches of P.
 *
 * @param labels class labels `[count]`.
 * @param options P, K, epoch and rng.
 * @returns the epoch's batches, each of exactly P·K indices.
 * @see notebooks/02-triplet-loss.ipynb
 * @see https://arxiv.org/abs/1503.03832 (FaceNet), https://arxiv.org/abs/1703.07737 (batch hard)
 */
export function classBalancedBatches(labels: ArrayLike<number>, options: ClassBatchOptions): ClassBatch[] {
  return buildClassBatches(labels, options, 'classBalancedBatches');
}

function buildClassBatches(labels: ArrayLike<number>, options: ClassBatchOptions, builder: string): ClassBatch[] {
  const { classesPerBatch: P, samplesPerClass: K } = options;
  requirePositiveInteger(builder, builder === 'nPairBatches' ? 'numPairs' : 'classesPerBatch', P);
  requirePositiveInteger(builder, 'samplesPerClass', K);
  const byClass = checkLabels(labels, builder);
  const classes = byClass.map((_, c) => c).filter((c) => byClass[c].length > 0);
  if (classes.length < P) {
    throw new Error(`${builder}: ${builder === 'nPairBatches' ? `'numPairs'` : `'classesPerBatch'`} is ${P} but 'labels' has only ${classes.length} classes`);
  }
  const small = classes.find((c) => byClass[c].length < K);
  if (small !== undefined) {
    throw new Error(`${builder}: class ${small} has ${byClass[small].length} examples, fewer than 'samplesPerClass' = ${K}`);
  }
  const rng = epochRng(options, builder);
  // Groups of K per class.
  const groups: Int32Array[][] = byClass.map(() => []);
  for (const c of classes) {
    const shuffled = rng.shuffle(Int32Array.from(byClass[c]));
    for (let start = 0; start < shuffled.length; start += K) {
      const group = new Int32Array(K);
      const taken = shuffled.subarray(start, Math.min(start + K, shuffled.length));
      group.set(taken);
      const used = new Set(taken);
      for (let j = taken.length; j < K; j++) {
        let extra: number;
        do extra = byClass[c][rng.int(byClass[c].length)]; while (used.has(extra) && used.size < byClass[c].length);
        used.add(extra);
        group[j] = extra;
      }
      groups[c].push(group);
    }
  }
  const randomGroup = (c: number): Int32Array => {
    const members = rng.shuffle(Int32Array.from(byClass[c]));
    return members.slice(0, K);
  };
  const batches: ClassBatch[] = [];
  for (;;) {
    const withGroups = classes.filter((c) => groups[c].length > 0);
    if (withGroups.length === 0) break;
    rng.shuffle(withGroups);
    withGroups.sort((a, b) => groups[b].length - groups[a].length); // stable: random among ties
    const chosen = withGroups.slice(0, P);
    const fill = rng.shuffle(classes.filter((c) => !chosen.includes(c)));
    const indices = new Int32Array(P * K);
    const batchLabels = new Int32Array(P * K);
    const order = chosen.concat(fill.slice(0, P - chosen.length));
    rng.shuffle(order);
    order.forEach((c, slot) => {
      const group = chosen.includes(c) ? (groups[c].pop() as Int32Array) : randomGroup(c);
      indices.set(group, slot * K);
      batchLabels.fill(c, slot * K, (slot + 1) * K);
    });
    batches.push({ indices, labels: batchLabels });
  }
  return batches;
}

/** A batch of N (anchor, positive) pairs from N distinct classes (Sohn 2016). */
export interface NPairBatch {
  /** `[N]` dataset indices. */
  anchors: Int32Array;
  /** `[N]` dataset indices, `positives[i]` of the class of `anchors[i]`, another example. */
  positives: Int32Array;
  /** `[N]` the N distinct classes. */
  labels: Int32Array;
}

/** Options of {@link nPairBatches}. */
export interface NPairOptions extends EpochOptions {
  /** N: pairs (= distinct classes) per batch, at most the number of classes. */
  numPairs: number;
}

/**
 * One epoch of N-pair batches: one anchor/positive pair from each of N distinct classes, so
 * every other pair's positive is a negative for an anchor (the N-pair construction). These are
 * P×K batches with P = N, K = 2 ({@link classBalancedBatches}); same coverage guarantee.
 *
 * @param labels class labels `[count]`; every class needs ≥ 2 examples.
 * @param options N, epoch and rng.
 * @see notebooks/03-npair-loss.ipynb
 * @see https://papers.nips.cc/paper/6200-improved-deep-metric-learning-with-multi-class-n-pair-loss-objective
 */
export function nPairBatches(labels: ArrayLike<number>, options: NPairOptions): NPairBatch[] {
  const batches = buildClassBatches(labels, { ...options, classesPerBatch: options.numPairs, samplesPerClass: 2 }, 'nPairBatches');
  return batches.map(({ indices, labels: batchLabels }) => {
    const n = indices.length / 2;
    const anchors = new Int32Array(n);
    const positives = new Int32Array(n);
    const pairLabels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      anchors[i] = indices[2 * i];
      positives[i] = indices[2 * i + 1];
      pairLabels[i] = batchLabels[2 * i];
    }
    return { anchors, positives, labels: pairLabels };
  });
}

/** A batch of (N+1)-tuplets: an anchor, a positive and N − 1 negatives of distinct other classes. */
export interface TupletBatch {
  /** `[batch]` dataset indices; over an epoch every index is an anchor exactly once. */
  anchors: Int32Array;
  /** `[batch]` another example of the anchor's class. */
  positives: Int32Array;
  /** `[batch, numNegatives]` row-major: examples of distinct classes, none the anchor's. */
  negatives: Int32Array;
  /** `[batch]` the anchors' labels. */
  labels: Int32Array;
  numNegatives: number;
}

/** Options of {@link tupletBatches}. */
export interface TupletOptions extends EpochOptions {
  batchSize: number;
  /** N − 1: negatives per tuplet, at most (number of classes − 1). */
  numNegatives: number;
  /** Drop a last, smaller batch (default false). */
  dropLast?: boolean;
}

/**
 * One epoch of (N+1)-tuplets (Sohn 2016, the form before the N-pair trick): each index is an
 * anchor once, with a random positive of its class and one random negative from each of
 * `numNegatives` distinct other classes.
 *
 * @param labels class labels `[count]`; every class needs ≥ 2 examples.
 * @param options batch size, number of negatives, epoch and rng.
 * @see notebooks/03-npair-loss.ipynb
 */
export function tupletBatches(labels: ArrayLike<number>, options: TupletOptions): TupletBatch[] {
  const builder = 'tupletBatches';
  requirePositiveInteger(builder, 'batchSize', options.batchSize);
  requirePositiveInteger(builder, 'numNegatives', options.numNegatives);
  const byClass = checkLabels(labels, builder);
  const classes = byClass.map((_, c) => c).filter((c) => byClass[c].length > 0);
  if (options.numNegatives > classes.length - 1) {
    throw new Error(`${builder}: 'numNegatives' is ${options.numNegatives} but 'labels' has only ${classes.length} classes (at most ${classes.length - 1} negatives)`);
  }
  const single = classes.find((c) => byClass[c].length < 2);
  if (single !== undefined) throw new Error(`${builder}: class ${single} has 1 example; a positive needs ≥ 2`);
  const rng = epochRng(options, builder);
  const m = options.numNegatives;
  return chunk(rng.permutation(labels.length), options.batchSize, options.dropLast ?? false).map((anchors) => {
    const size = anchors.length;
    const positives = new Int32Array(size);
    const negatives = new Int32Array(size * m);
    const tupletLabels = new Int32Array(size);
    for (let i = 0; i < size; i++) {
      const label = labels[anchors[i]];
      tupletLabels[i] = label;
      positives[i] = otherMember(byClass[label], anchors[i], rng);
      const others = rng.shuffle(classes.filter((c) => c !== label));
      for (let j = 0; j < m; j++) {
        const members = byClass[others[j]];
        negatives[i * m + j] = members[rng.int(members.length)];
      }
    }
    return { anchors, positives, negatives, labels: tupletLabels, numNegatives: m };
  });
}

// ---------------------------------------------------------------------------------------------
// Instance batches (InstDisc, MoCo)

/** A batch of dataset indices: the instance ids of InstDisc's memory bank. */
export interface InstanceBatch {
  /** `[batch]` dataset indices (= instance ids); over an epoch every index exactly once. */
  indices: Int32Array;
}

/** Options of {@link instanceBatches}. */
export interface InstanceOptions extends EpochOptions {
  batchSize: number;
  /** Drop a last, smaller batch (default false; MoCo's queue wants equal batches: pass true). */
  dropLast?: boolean;
}

/**
 * One epoch of instance batches: a seeded permutation of 0 … count − 1 cut into batches. For
 * InstDisc the index is the sample's row in the memory bank; for MoCo it only feeds two views.
 *
 * @param count dataset size.
 * @param options batch size, dropLast, epoch and rng.
 * @see notebooks/04-instance-discrimination.ipynb
 */
export function instanceBatches(count: number, options: InstanceOptions): InstanceBatch[] {
  const builder = 'instanceBatches';
  requirePositiveInteger(builder, 'count', count);
  requirePositiveInteger(builder, 'batchSize', options.batchSize);
  const rng = epochRng(options, builder);
  return chunk(rng.permutation(count), options.batchSize, options.dropLast ?? false).map((indices) => ({ indices }));
}
