/**
 * A tour of the kit's modules for 00-setup: what each folder of `src/` is for and what it
 * exports, read from the modules themselves so it never goes stale.
 *
 * @see notebooks/00-setup.ipynb
 */

/** One module of the kit and its exports. */
export interface TourStop {
  module: string;
  purpose: string;
  exports: string[];
}

const MODULES: Array<[string, string]> = [
  ['backend', 'backend choice (tfjs-node, wasm, cpu) and the wasm kernel patches'],
  ['runtime', 'the seeded PRNG, the kit root, the display layer, tables, tolerance checks'],
  ['data', 'Fashion-MNIST loading, augmentation, batch builders, toy sets'],
  ['losses', 'one file per loss family, miners, the design-your-own parts, gradCheck'],
  ['models', 'encoders, heads, momentum encoder, queue, memory bank'],
  ['train', 'training loop, progress, checkpoints'],
  ['eval', 'kNN, retrieval metrics, linear probe, alignment/uniformity'],
  ['viz', 'offline plotly figures, UMAP, the kit\'s figures'],
  ['notebook', 'the prelude, fast mode, results files and the tslab cell runner'],
];

/** The modules of the kit with their purpose and exported names. */
export function kitTour(): TourStop[] {
  return MODULES.map(([module, purpose]) => {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const exported = require(`../${module}`) as Record<string, unknown>;
    return { module, purpose, exports: Object.keys(exported).filter((name) => name !== '__esModule').sort() };
  });
}
