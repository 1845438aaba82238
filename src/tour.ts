/**
 * A tour of the kit's modules for 00-setup: what each folder of `src/` is for and what it
 * exports, read from the modules themselves so it never goes stale. It sits beside the package's
 * index, above every folder it describes (the notebook layer included), and imports them statically.
 *
 * @see notebooks/00-setup.ipynb
 */
import * as backend from './backend';
import * as data from './data';
import * as evaluation from './eval';
import * as losses from './losses';
import * as models from './models';
import * as notebook from './notebook';
import * as runtime from './runtime';
import * as train from './train';
import * as viz from './viz';

/** One module of the kit and its exports. */
export interface TourStop {
  module: string;
  purpose: string;
  exports: string[];
}

const MODULES: Array<[string, string, Record<string, unknown>]> = [
  ['backend', 'backend choice (tfjs-node, wasm, cpu) and the wasm kernel patches', backend],
  ['runtime', 'the seeded PRNG, the kit root, the display layer, tables, tolerance checks, the Checkpointable contract', runtime],
  ['data', 'Fashion-MNIST loading, augmentation, batch builders, toy sets', data],
  ['losses', 'one file per loss family, miners, the design-your-own parts, gradCheck', losses],
  ['models', 'encoders, heads, momentum encoder, queue, memory bank', models],
  ['train', 'training loop, progress, saving and restoring training states, shipped checkpoints', train],
  ['eval', 'kNN, retrieval metrics, linear probe, alignment/uniformity', evaluation],
  ['viz', "offline plotly figures, UMAP, the kit's figures", viz],
  ['notebook', 'the prelude, fast mode, results files, loadOrTrain and where checkpoints live, the leaderboard', notebook],
];

/** The modules of the kit with their purpose and exported names (values; types are not listed). */
export function kitTour(): TourStop[] {
  return MODULES.map(([module, purpose, exported]) => ({
    module,
    purpose,
    exports: Object.keys(exported).filter((name) => name !== '__esModule').sort(),
  }));
}
