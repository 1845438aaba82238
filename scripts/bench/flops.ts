/**
 * Floating-point operation counts of one training step, so the bench can print achieved GFLOP/s
 * next to the matmul peak. Only the matrix products count (dense layers, convolutions, the
 * similarity matrix of the loss): they are > 99 % of the arithmetic; element-wise ops, pooling
 * and the optimizer update are left out (they are memory-bound, not FLOP-bound).
 *
 * One multiply-add = 2 FLOPs. For a layer with M multiply-adds per sample and a batch of B:
 * forward 2·B·M; backward 2·B·M for the weight gradient plus 2·B·M for the input gradient,
 * except for the first layer, whose input gradient nobody needs (the data is not trained).
 */
import { tf } from 'contrastive-kit';

/** Multiply-adds per sample of each dense / conv2d layer of `model`, in order. */
export function layerMultiplyAdds(model: tf.LayersModel): number[] {
  const counts: number[] = [];
  for (const layer of model.layers) {
    const className = layer.getClassName();
    if (className === 'Dense') {
      const [inputs, units] = layer.getWeights()[0].shape;
      counts.push(inputs * units);
    } else if (className === 'Conv2D') {
      const [kernelHeight, kernelWidth, inChannels, outChannels] = layer.getWeights()[0].shape;
      const outputShape = layer.outputShape as number[]; // [null, outH, outW, outC]
      counts.push(outputShape[1] * outputShape[2] * kernelHeight * kernelWidth * inChannels * outChannels);
    }
  }
  return counts;
}

/**
 * FLOPs of one training step (forward + backward) of `model` on `batchSize` samples, plus the
 * in-batch InfoNCE similarity matrix of `pairs` × `pairs` on `embeddingDim`-d embeddings.
 */
export function trainingStepFlops(model: tf.LayersModel, batchSize: number, pairs: number, embeddingDim: number): number {
  const counts = layerMultiplyAdds(model);
  const all = counts.reduce((sum, count) => sum + count, 0);
  const forward = 2 * batchSize * all;
  const weightGradients = 2 * batchSize * all;
  const inputGradients = 2 * batchSize * (all - (counts[0] ?? 0));
  const similarity = 3 * 2 * pairs * pairs * embeddingDim; // forward q·kᵀ, and its two gradients
  return forward + weightGradients + inputGradients + similarity;
}
