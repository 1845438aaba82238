/**
 * The linear probe of an encoder: embed the train and test images with the frozen encoder, then
 * fit {@link linearProbe} on those features. InstDisc (Wu et al. 2018, §4.1) and MoCo (He et al.
 * 2020, §4.1) report this "linear classification protocol" next to kNN; notebooks 04 and 05 use
 * it to compare a trained encoder with an untrained one.
 *
 * @see notebooks/05-moco.ipynb
 */
import type { ImageSplit } from '../data/fashion-mnist';
import { embedSplit, withSplitEmbeddings, type EmbedSplitOptions } from '../models/embed';
import { linearProbe, type LinearProbeOptions, type LinearProbeResult } from './linear-probe';

/** Options of {@link probeEncoder}: the probe's options plus how the images enter the encoder. */
export interface ProbeEncoderOptions extends LinearProbeOptions {
  /** Input layout the encoder takes (default `'nhwc'`, see {@link embedSplit}). */
  layout?: EmbedSplitOptions['layout'];
}

/**
 * Trains a linear softmax classifier on `encoder`'s L2-normalised features of `train` and
 * measures it on `test`. The encoder is not changed.
 *
 * @param encoder a model mapping images [batch, ...] → features [batch, dim].
 * @param train the split the probe is fitted on (e.g. `data.train`).
 * @param test the split it is measured on (e.g. `data.test`).
 * @param options the layout and {@link LinearProbeOptions} (epochs 10, Adam 0.01, …).
 * @returns the probe's result; `testAccuracy` is the number papers report.
 * @example
 * const probe = await probeEncoder(encoder, trainSplit, testSplit);
 * console.log(`linear probe ${(100 * probe.testAccuracy).toFixed(2)} %`);
 */
export async function probeEncoder(encoder: Parameters<typeof embedSplit>[0], train: ImageSplit, test: ImageSplit, options: ProbeEncoderOptions = {}): Promise<LinearProbeResult> {
  const fn = 'probeEncoder';
  if (!encoder || typeof encoder.apply !== 'function') throw new Error(`${fn}: 'encoder' must be a tf.LayersModel`);
  if (!train || !(train.images instanceof Uint8Array)) throw new Error(`${fn}: 'train' must be an ImageSplit from loadFashionMnist`);
  if (!test || !(test.images instanceof Uint8Array)) throw new Error(`${fn}: 'test' must be an ImageSplit from loadFashionMnist`);
  const { layout, ...probeOptions } = options;
  return withSplitEmbeddings(encoder, train, test, { layout }, (trainFeatures, testFeatures) =>
    linearProbe({ embeddings: trainFeatures, labels: train.labels }, { embeddings: testFeatures, labels: test.labels }, probeOptions),
  );
}
