/**
 * A retrieval grid for a trained encoder: a few test images (one per class), each followed by its
 * nearest training images under the encoder, framed green when the class matches. What a learner
 * looks at to see *what* an embedding has learned to call similar, next to the kNN numbers.
 *
 * @see notebooks/04-instance-discrimination.ipynb
 */
import type * as tf from '@tensorflow/tfjs';
import type { ImageSplit } from '../data/fashion-mnist';
import { rngFor } from '../runtime/random';
import { stratifiedIndices } from '../data/subset';
import { knnSearch, type KnnResult } from '../eval/knn-search';
import { embedSplit, type EmbedSplitOptions } from '../models/embed';
import { neighbourGridRows, showImageGrid } from './image-grid';
import { requireInteger } from '../checks';

/** Options of {@link showRetrievalGrid}. */
export interface RetrievalGridOptions {
  /** Query rows, each from a different class (default 6, at most the number of classes). */
  numQueries?: number;
  /** Neighbours per row (default 8). */
  k?: number;
  /** Class names for the captions (e.g. `data.classNames`). */
  classNames?: readonly string[];
  /** Caption above the grid. */
  title?: string;
  /** Input layout the encoder takes (default `'nhwc'`). */
  layout?: EmbedSplitOptions['layout'];
}

/** What {@link showRetrievalGrid} searched: the query rows and their neighbours. */
export interface RetrievalGridResult {
  /** Indices into `queries` of the query images, one per row. // [numQueries] */
  queryIndices: Int32Array;
  /** Their neighbours among `references` (indices into `references`, cosine similarities). */
  neighbours: KnnResult;
}

/**
 * Embeds a few `queries` (one per class, chosen by the seeded `rngFor('retrieval-queries')`) and
 * every image of `references` with `encoder`, finds each query's `k` nearest references by cosine
 * similarity and shows them as an image grid.
 *
 * @param encoder a model mapping images [batch, ...] → features [batch, dim].
 * @param queries the split the query images come from (e.g. the test split).
 * @param references the split searched (e.g. the train split).
 * @param options rows, neighbours, class names, title, layout.
 * @returns the query indices and their neighbours (e.g. to count same-class neighbours).
 * @example
 * await showRetrievalGrid(encoder, testSplit, trainSplit, { classNames: data.classNames, title: 'Nearest training images' });
 */
export async function showRetrievalGrid(encoder: tf.LayersModel, queries: ImageSplit, references: ImageSplit, options: RetrievalGridOptions = {}): Promise<RetrievalGridResult> {
  const fn = 'showRetrievalGrid';
  if (!queries || !(queries.labels instanceof Uint8Array)) throw new Error(`${fn}: 'queries' must be an ImageSplit from loadFashionMnist`);
  if (!references || !(references.images instanceof Uint8Array)) throw new Error(`${fn}: 'references' must be an ImageSplit from loadFashionMnist`);
  const numQueries = requireInteger(fn, 'numQueries', options.numQueries ?? 6, 1);
  const k = requireInteger(fn, 'k', options.k ?? 8, 1);
  const onePerClass = stratifiedIndices(queries.labels, 1, rngFor('retrieval-queries')); // [numClasses]
  if (numQueries > onePerClass.length) throw new Error(`${fn}: 'numQueries' must be at most the number of classes in 'queries' (${onePerClass.length}), got ${numQueries}`);
  const queryIndices = onePerClass.slice(0, numQueries);
  const queryFeatures = embedSplit(encoder, queries, { indices: queryIndices, layout: options.layout }); // [numQueries, dim]
  let neighbours: KnnResult;
  try {
    const referenceFeatures = embedSplit(encoder, references, { layout: options.layout }); // [numReferences, dim]
    try {
      neighbours = await knnSearch(queryFeatures, referenceFeatures, { k, metric: 'dot' }); // unit rows: dot = cosine
    } finally {
      referenceFeatures.dispose();
    }
  } finally {
    queryFeatures.dispose();
  }
  const pixels = (split: ImageSplit, index: number) => split.images.subarray(index * split.width * split.height, (index + 1) * split.width * split.height);
  const rows = neighbourGridRows(Array.from(queryIndices.keys()), neighbours.indices, neighbours.k,
    { query: (row) => pixels(queries, queryIndices[row]), reference: (index) => pixels(references, index) },
    { query: (row) => queries.labels[queryIndices[row]], reference: (index) => references.labels[index] },
    { classNames: options.classNames, similarities: neighbours.similarities });
  rows.forEach((row, r) => (row.label = `#${queryIndices[r]}`));
  showImageGrid(rows, { width: queries.width, height: queries.height, range: 'byte', title: options.title });
  return { queryIndices, neighbours };
}
