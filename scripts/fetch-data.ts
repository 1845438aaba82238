/**
 * `npm run fetch-data`: downloads the four official Fashion-MNIST files into
 * datasets/fashion-mnist/ (git-ignored), checks their MD5 checksums, and checks that the loader
 * reads them. Safe to re-run: verified files are skipped, interrupted downloads resume.
 *
 *   npm run fetch-data                              from Zalando's server
 *   npm run fetch-data -- --base-url URL            from a mirror with the same file names
 *   npm run fetch-data -- --dir PATH                into another folder (then set FASHION_MNIST_DIR)
 */
import * as path from 'path';
import { DownloadProgress, FASHION_MNIST_BASE_URL, fetchFashionMnist, loadFashionMnist } from 'contrastive-kit';
import { REPO_ROOT } from './lib/repo';

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

function megabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

/** Prints progress: one line updated in place on a terminal, every 25 % otherwise. */
function progressPrinter(): (progress: DownloadProgress) => void {
  let lastFile = '';
  let lastQuarter = -1;
  return ({ file, receivedBytes, totalBytes, attempt }) => {
    const retry = attempt > 1 ? ` (attempt ${attempt})` : '';
    const percent = totalBytes ? Math.floor((100 * receivedBytes) / totalBytes) : null;
    const text = `${file}: ${megabytes(receivedBytes)}${totalBytes ? ` / ${megabytes(totalBytes)} MB (${percent} %)` : ' MB'}${retry}`;
    if (process.stdout.isTTY) {
      process.stdout.write(`\r${text}\u001b[K`);
      return;
    }
    const quarter = percent === null ? 0 : Math.floor(percent / 25);
    if (file !== lastFile || quarter !== lastQuarter) console.log(text);
    lastFile = file;
    lastQuarter = quarter;
  };
}

async function main(): Promise<void> {
  const dir = path.resolve(argument('--dir') ?? path.join(REPO_ROOT, 'datasets', 'fashion-mnist'));
  const baseUrl = argument('--base-url') ?? FASHION_MNIST_BASE_URL;
  console.log(`Fashion-MNIST: ${baseUrl} → ${dir}`);
  const results = await fetchFashionMnist({ dir, baseUrl, onProgress: progressPrinter() });
  if (process.stdout.isTTY) process.stdout.write('\n');
  for (const result of results) {
    const what = result.skipped ? 'already there, checksum ok' : `downloaded, checksum ok${result.attempts > 1 ? ` after ${result.attempts} attempts` : ''}`;
    console.log(`  ${path.basename(result.path)}  ${result.md5}  ${megabytes(result.bytes)} MB  ${what}`);
  }
  const data = loadFashionMnist({ dir });
  console.log(`Loader check: ${data.train.count} training and ${data.test.count} test images read from ${data.source.dir}.`);
}

main().catch((error: Error) => {
  console.error(`fetch-data failed: ${error.message}`);
  console.error('The kit still runs without it: the loader falls back to the Debian package or the bundled mini subset.');
  process.exit(1);
});
