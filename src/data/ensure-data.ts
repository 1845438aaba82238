/**
 * Data, never a failure: before a full-mode run, {@link ensureFullFashionMnist} looks for the whole
 * Fashion-MNIST and, when only the bundled mini subset is there, tries once to download it into
 * the kit's `datasets/fashion-mnist/` (the MD5-checked, atomic download of `npm run fetch-data`).
 * Where the network does not allow it, the run goes on with the mini subset, and the caller says
 * so (the notebook banner, the results' `data` field, the walkthrough summary).
 *
 * @see notebooks/00-setup.ipynb
 * @see datasets/README.md
 */
import * as path from 'path';
import { envFlag } from '../checks';
import { findKitRoot } from '../runtime/kit-root';
import { FASHION_MNIST_DIR_VARIABLE, FashionMnistLocateOptions, fashionMnistKind, locateFashionMnist } from './fashion-mnist';
import { DownloadProgress, FASHION_MNIST_BASE_URL, fetchFashionMnist } from './fetch';

/** `CONTRASTIVE_KIT_FETCH=0` (or `false`, `no`) never downloads; the walkthrough sets it for notebooks after its own attempt. */
export const FETCH_VARIABLE = 'CONTRASTIVE_KIT_FETCH';

/** What {@link ensureFullFashionMnist} found or did. */
export interface EnsureDataResult {
  /** The data a run will use now. */
  data: 'full' | 'mini';
  /** Where it is. */
  dir: string;
  /** True when this call downloaded the full data. */
  fetched: boolean;
  /** Why the full data is not used (only when `data` is `mini`). */
  reason?: string;
}

/** Options of {@link ensureFullFashionMnist}. */
export interface EnsureDataOptions {
  /** Where to look (as for `loadFashionMnist`; its `env` defaults to `process.env`). */
  locate?: FashionMnistLocateOptions;
  /** Where to download from (default Zalando's server). */
  baseUrl?: string;
  /** Give up on a silent connection after this many ms (default 15 000). */
  timeoutMs?: number;
  /** Progress lines (default: every 25 % of each file to the console). */
  log?: (line: string) => void;
}

function fetchSwitchedOff(env: NodeJS.ProcessEnv): boolean {
  return envFlag(FETCH_VARIABLE, env) === false;
}

/**
 * Makes sure a full-mode run has the whole Fashion-MNIST when it can: returns at once when the
 * loader finds it; otherwise downloads it once (no retries, `timeoutMs` per silent connection)
 * unless `FASHION_MNIST_DIR` names a folder (your choice stands) or `CONTRASTIVE_KIT_FETCH=0`.
 * Never throws for a network failure: the result says `mini` and why.
 */
export async function ensureFullFashionMnist(options: EnsureDataOptions = {}): Promise<EnsureDataResult> {
  const locate = options.locate ?? {};
  const env = locate.env ?? process.env;
  const log = options.log ?? ((line: string) => console.log(line));
  const located = locateFashionMnist(locate);
  if (fashionMnistKind(locate) === 'full') return { data: 'full', dir: located.dir, fetched: false };
  if (env[FASHION_MNIST_DIR_VARIABLE]) {
    return { data: 'mini', dir: located.dir, fetched: false, reason: `${FASHION_MNIST_DIR_VARIABLE} points at ${located.dir}, which holds a subset` };
  }
  if (fetchSwitchedOff(env)) return { data: 'mini', dir: located.dir, fetched: false, reason: `the full data was not found and downloading is off (${FETCH_VARIABLE}=${env[FETCH_VARIABLE]})` };
  const kitRoot = locate.kitRoot ?? findKitRoot();
  if (kitRoot === null) return { data: 'mini', dir: located.dir, fetched: false, reason: 'the full data was not found and there is no kit folder to download it into' };
  const dir = path.join(kitRoot, 'datasets', 'fashion-mnist');
  const baseUrl = options.baseUrl ?? FASHION_MNIST_BASE_URL;
  log(`The full Fashion-MNIST was not found; downloading it from ${baseUrl} into ${dir} (about 30 MB)…`);
  const quarters = new Map<string, number>();
  const onProgress = ({ file, receivedBytes, totalBytes }: DownloadProgress) => {
    if (!totalBytes) return;
    const quarter = Math.floor((4 * receivedBytes) / totalBytes);
    if (quarters.get(file) === quarter) return;
    quarters.set(file, quarter);
    log(`  ${file}: ${(receivedBytes / 1e6).toFixed(1)} / ${(totalBytes / 1e6).toFixed(1)} MB (${25 * quarter} %)`);
  };
  try {
    await fetchFashionMnist({ dir, baseUrl, retries: 0, timeoutMs: options.timeoutMs ?? 15_000, onProgress });
  } catch (error) {
    const reason = `the full data was not found and could not be downloaded (${(error as Error).message})`;
    log(`Download failed: ${(error as Error).message}. Running on the bundled mini subset.`);
    return { data: 'mini', dir: located.dir, fetched: false, reason };
  }
  const now = locateFashionMnist(locate);
  return { data: fashionMnistKind(locate), dir: now.dir, fetched: true };
}
