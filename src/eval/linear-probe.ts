/**
 * Linear probe: multinomial logistic regression on frozen embeddings (the "linear evaluation
 * protocol" of InstDisc/MoCo, here as in the uvadlc SimCLR notebook: logistic regression trained
 * with Adam on pre-extracted features — seconds on a CPU instead of MoCo's 100 epochs of SGD with
 * lr 30 through the network).
 *
 * Features are standardised with the train set's mean and std (the probe's accuracy then does
 * not depend on the embedding's scale); weights start at zero and batches come from the kit's
 * seeded PRNG, so a run is reproducible on a given backend. The loss is the mean softmax
 * cross-entropy plus `weightDecay`·‖W‖².
 *
 * @see notebooks/05-moco.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { rngFor } from '../runtime/random';
import { requireFiniteValues, requireInteger, requireNonNegative, requirePositiveFinite } from '../checks';
import { checkTrainTest, LabelledEmbeddings, numClassesOf } from './inputs';

/** Options of {@link linearProbe}. */
export interface LinearProbeOptions {
  /** Passes over the train set (default 10). */
  epochs?: number;
  /** Examples per Adam step (default 256). */
  batchSize?: number;
  /** Adam's learning rate (default 0.01). */
  learningRate?: number;
  /** λ of the penalty λ·‖W‖² (default 1e-4; ≥ 0). */
  weightDecay?: number;
  /** Standardise features with the train mean/std first (default true). */
  standardize?: boolean;
  /** Number of classes (default: one more than the largest label). */
  numClasses?: number;
  /** Called after each epoch with its mean training loss. */
  onEpoch?: (epoch: number, loss: number) => void;
}

/** A trained probe and its accuracies. */
export interface LinearProbeResult {
  /** Top-1 accuracy on the train set, in [0, 1]. */
  trainAccuracy: number;
  /** Top-1 and top-5 accuracy on the test set, in [0, 1]. */
  testAccuracy: number;
  testTop5: number;
  /** Mean training loss of the last epoch. */
  finalLoss: number;
  /** Epochs run and wall time (seconds) of training plus evaluation. */
  epochs: number;
  seconds: number;
  /** The probe: logits = ((x − featureMean) / featureStd)·weights + bias. weights // [dim][numClasses] */
  weights: number[][];
  bias: number[];
  featureMean: number[];
  featureStd: number[];
}

/**
 * Trains a linear softmax classifier on `train`'s frozen embeddings and evaluates it on `test`.
 *
 * @param train labelled train embeddings. // embeddings [numTrain, dim], labels [numTrain]
 * @param test labelled test embeddings. // embeddings [numTest, dim], labels [numTest]
 * @param options `epochs` (10), `batchSize` (256), `learningRate` (0.01), `weightDecay` (1e-4),
 *   `standardize` (true), `numClasses`, `onEpoch`.
 * @returns accuracies, the final loss, the time and the probe's parameters.
 * @example
 * const probe = await linearProbe({ embeddings: trainZ, labels: trainY }, { embeddings: testZ, labels: testY });
 * console.log(`linear probe ${(100 * probe.testAccuracy).toFixed(2)} % in ${probe.seconds.toFixed(1)} s`);
 */
export async function linearProbe(train: LabelledEmbeddings, test: LabelledEmbeddings, options: LinearProbeOptions = {}): Promise<LinearProbeResult> {
  const fn = 'linearProbe';
  const started = Date.now();
  const { trainEmbeddings: trainX, testEmbeddings: testX, trainLabels, testLabels } = checkTrainTest(train, test, fn);
  const epochs = requireInteger(fn, 'epochs', options.epochs ?? 10, 1);
  const batchSize = requireInteger(fn, 'batchSize', options.batchSize ?? 256, 1);
  const learningRate = requirePositiveFinite(fn, 'learningRate', options.learningRate ?? 0.01);
  const weightDecay = requireNonNegative(fn, 'weightDecay', options.weightDecay ?? 1e-4);
  const numClasses = options.numClasses ?? numClassesOf(trainLabels, testLabels);
  requireInteger(fn, 'numClasses', numClasses, 2);
  const maxLabel = numClassesOf(trainLabels, testLabels) - 1;
  if (maxLabel >= numClasses) throw new Error(`${fn}: label ${maxLabel} is ≥ 'numClasses' (${numClasses})`);
  requireFiniteValues(fn, 'train.embeddings', trainX);
  requireFiniteValues(fn, 'test.embeddings', testX);

  const [numTrain, dim] = trainX.shape;
  const standardize = options.standardize ?? true;
  // Standardised train features live in JS: batches are copied rows, because tf.gather is slow
  // on the wasm backend (a tf.profile of one epoch put ~75 % of the time in GatherV2), and the
  // mean/std are float64 sums (a mean over the leading axis is slow there too).
  const features = Float32Array.from(trainX.dataSync() as ArrayLike<number>); // [numTrain * dim]
  const featureMean = new Float64Array(dim);
  const featureStd = new Float64Array(dim).fill(1);
  if (standardize) {
    for (let i = 0; i < numTrain; i++) for (let d = 0; d < dim; d++) featureMean[d] += features[i * dim + d] / numTrain;
    const variance = new Float64Array(dim);
    for (let i = 0; i < numTrain; i++) for (let d = 0; d < dim; d++) variance[d] += (features[i * dim + d] - featureMean[d]) ** 2 / numTrain;
    for (let d = 0; d < dim; d++) featureStd[d] = Math.max(Math.sqrt(variance[d]), 1e-6);
    for (let i = 0; i < numTrain; i++) for (let d = 0; d < dim; d++) features[i * dim + d] = (features[i * dim + d] - featureMean[d]) / featureStd[d];
  }
  const mean = tf.tensor2d(Float32Array.from(featureMean), [1, dim]); // [1, dim]
  const std = tf.tensor2d(Float32Array.from(featureStd), [1, dim]); // [1, dim]
  // Zero start (the problem is convex with weight decay: the optimum does not depend on it).
  const weights = tf.tidy(() => tf.variable(tf.zeros([dim, numClasses]))); // [dim, numClasses]
  const bias = tf.tidy(() => tf.variable(tf.zeros([numClasses]))); // [numClasses]
  const optimizer = tf.train.adam(learningRate);
  const rng = rngFor('linearProbe');
  const batchRows = new Float32Array(batchSize * dim);
  const batchColumns = new Float32Array(batchSize * dim);
  const batchLabels = new Int32Array(batchSize);
  let finalLoss = NaN;
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = rng.permutation(numTrain);
      let lossSum = 0;
      for (let start = 0; start < numTrain; start += batchSize) {
        const batch = order.subarray(start, Math.min(start + batchSize, numTrain));
        const size = batch.length;
        for (let r = 0; r < size; r++) {
          const row = features.subarray(batch[r] * dim, (batch[r] + 1) * dim);
          batchRows.set(row, r * dim);
          for (let d = 0; d < dim; d++) batchColumns[d * size + r] = row[d]; // xᵀ, built here
          batchLabels[r] = trainLabels[batch[r]];
        }
        const cost = tf.tidy(() => {
          const x = tf.tensor2d(batchRows.subarray(0, size * dim), [size, dim]); // [batch, dim]
          const xT = tf.tensor2d(batchColumns.subarray(0, size * dim), [dim, size]); // [dim, batch]
          const y = tf.oneHot(tf.tensor1d(batchLabels.subarray(0, size), 'int32'), numClasses).toFloat(); // [batch, numClasses]
          // The gradient in closed form (softmax regression): ∂/∂logits = (P − Y)/batch, then
          // ∂W = xᵀ·that + 2λW, ∂b = Σ_rows that (xᵀ given, so no transposed-operand matmul,
          // which is slow on the wasm backend: shared/NOTES.md).
          const logProbabilities = tf.logSoftmax(tf.matMul(x, weights).add(bias)); // [batch, numClasses]
          const residual = logProbabilities.exp().sub(y).div(size); // [batch, numClasses]
          let gradWeights = tf.matMul(xT, residual); // [dim, numClasses]
          if (weightDecay > 0) gradWeights = gradWeights.add(weights.mul(2 * weightDecay));
          const crossEntropy = y.mul(logProbabilities).sum().neg().div(size);
          const loss = weightDecay > 0 ? crossEntropy.add(weights.square().sum().mul(weightDecay)) : crossEntropy;
          optimizer.applyGradients([
            { name: weights.name, tensor: gradWeights },
            { name: bias.name, tensor: residual.sum(0) },
          ]);
          return loss;
        });
        lossSum += (await cost.data())[0] * batch.length;
        cost.dispose();
      }
      finalLoss = lossSum / numTrain;
      options.onEpoch?.(epoch, finalLoss);
    }
    const accuracy = (x: tf.Tensor2D, labels: Int32Array) =>
      tf.tidy(() => {
        const z = x.toFloat().sub(mean).div(std);
        const logits = tf.matMul(z, weights).add(bias); // [n, numClasses]
        const { indices } = tf.topk(logits, Math.min(5, numClasses));
        const top = indices.dataSync();
        const k = Math.min(5, numClasses);
        let top1 = 0;
        let top5 = 0;
        for (let i = 0; i < labels.length; i++) {
          if (top[i * k] === labels[i]) top1++;
          for (let j = 0; j < k; j++) if (top[i * k + j] === labels[i]) top5++;
        }
        return { top1: top1 / labels.length, top5: top5 / labels.length };
      });
    const trainAccuracy = accuracy(trainX, trainLabels).top1;
    const testResult = accuracy(testX, testLabels);
    return {
      trainAccuracy,
      testAccuracy: testResult.top1,
      testTop5: testResult.top5,
      finalLoss,
      epochs,
      seconds: (Date.now() - started) / 1000,
      weights: weights.arraySync() as number[][],
      bias: bias.arraySync() as number[],
      featureMean: Array.from(featureMean),
      featureStd: Array.from(featureStd),
    };
  } finally {
    tf.dispose([mean, std, weights, bias]);
    optimizer.dispose();
  }
}
