/**
 * Downloading Fashion-MNIST (`npm run fetch-data`): the four official files, each checked
 * against the MD5 checksum Zalando publishes, written atomically, resumed and retried.
 *
 * - **Atomic**: bytes go to `<file>.part` in the destination folder; only after the checksum
 *   matched is it renamed to `<file>` (a rename within one folder is atomic), so a half-written
 *   or wrong file never carries the real name.
 * - **Checksum mismatch**: the `.part` file is deleted and the call fails — no file is left behind.
 * - **Resume and retry**: a dropped connection or timeout is retried (default 3 times, with a
 *   doubling delay), asking the server for the rest with an HTTP `Range` header; a server that
 *   ignores it sends the whole file again and the download restarts cleanly. A `.part` left by
 *   an interrupted run is resumed the same way by the next run.
 * - **Already there**: a destination file with the right checksum is not downloaded again.
 *
 * @see https://github.com/zalandoresearch/fashion-mnist#get-the-data (URLs and checksums)
 * @see datasets/README.md
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as path from 'path';
import { requireNonNegativeInteger } from '../checks';

/** A file to download and its published checksum. */
export interface RemoteFile {
  /** File name, appended to the base URL and used in the destination folder. */
  name: string;
  /** Expected MD5 of the file as served, lowercase hex. */
  md5: string;
}

/** Zalando's download location, from the Fashion-MNIST README. */
export const FASHION_MNIST_BASE_URL = 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/';

/** The four official files and their MD5 checksums, from the Fashion-MNIST README. */
export const FASHION_MNIST_REMOTE_FILES: readonly RemoteFile[] = Object.freeze([
  { name: 'train-images-idx3-ubyte.gz', md5: '8d4fb7e6c68d591d4c3dfef9ec88bf0d' },
  { name: 'train-labels-idx1-ubyte.gz', md5: '25c81989df183df01b3e8a0aad5dffbe' },
  { name: 't10k-images-idx3-ubyte.gz', md5: 'bef4ecab320f06d8554ea6380940ec79' },
  { name: 't10k-labels-idx1-ubyte.gz', md5: 'bb300cfdad3c16e7a12a480ee83cd310' },
]);

/** Progress of one download, reported as bytes arrive. */
export interface DownloadProgress {
  file: string;
  /** Bytes of the file on disk so far, including a resumed part. */
  receivedBytes: number;
  /** Size of the whole file when the server said, else null. */
  totalBytes: number | null;
  /** 1 for the first try, 2 for the first retry, … */
  attempt: number;
}

/** Options of {@link downloadVerified} and {@link fetchFashionMnist}. */
export interface DownloadOptions {
  /** Retries after a network failure (default 3). */
  retries?: number;
  /** Delay before the first retry in ms, doubled each time (default 500). */
  retryDelayMs?: number;
  /** Give up on a connection silent for this long, in ms (default 30 000). */
  timeoutMs?: number;
  /** Called as bytes arrive. */
  onProgress?: (progress: DownloadProgress) => void;
}

/** What happened to one file. */
export interface DownloadResult {
  path: string;
  bytes: number;
  md5: string;
  /** true when the file was already there with the right checksum. */
  skipped: boolean;
  /** Requests made (0 when skipped). */
  attempts: number;
}

/** An error worth retrying (network trouble, 5xx); others fail at once. */
class RetryableError extends Error {}

/** MD5 of a file, lowercase hex. */
export function md5OfFile(filePath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('md5');
    fs.createReadStream(filePath)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

function fileSize(filePath: string): number {
  try {
    return fs.statSync(filePath).size;
  } catch {
    return 0;
  }
}

function removeIfPresent(filePath: string): void {
  fs.rmSync(filePath, { force: true });
}

/**
 * One GET, appending to `partPath` from its current size (or restarting when the server ignores
 * Range). Resolves with whether it appended to earlier bytes.
 */
function requestOnce(url: string, partPath: string, file: string, attempt: number, options: DownloadOptions, redirects = 0): Promise<boolean> {
  const offset = fileSize(partPath);
  const client = url.startsWith('https:') ? https : http;
  return new Promise<boolean>((resolve, reject) => {
    const headers: Record<string, string> = offset > 0 ? { Range: `bytes=${offset}-` } : {};
    const request = client.get(url, { headers }, (response) => {
      const status = response.statusCode ?? 0;
      if ([301, 302, 303, 307, 308].includes(status) && response.headers.location) {
        response.resume();
        if (redirects >= 5) return reject(new Error(`downloadVerified: too many redirects for ${url}`));
        const next = new URL(response.headers.location, url).toString();
        requestOnce(next, partPath, file, attempt, options, redirects + 1).then(resolve, reject);
        return;
      }
      if (status === 416 && offset > 0) {
        // Nothing left to send: the part is complete (the checksum decides whether it is right).
        response.resume();
        return resolve(true);
      }
      if (status !== 200 && status !== 206) {
        response.resume();
        const message = `downloadVerified: ${url} answered HTTP ${status}`;
        return reject(status >= 500 || status === 408 || status === 429 ? new RetryableError(message) : new Error(message));
      }
      const resuming = status === 206 && offset > 0;
      const start = resuming ? offset : 0;
      const length = Number(response.headers['content-length']);
      const totalBytes = Number.isFinite(length) ? start + length : null;
      const out = fs.createWriteStream(partPath, { flags: resuming ? 'a' : 'w' });
      let received = start;
      let failed = false;
      // On a dropped connection, flush what did arrive (it is valid: TCP delivers in order) so
      // the next attempt resumes after it.
      const fail = (error: Error) => {
        if (failed) return;
        failed = true;
        response.unpipe(out);
        out.once('close', () => reject(error));
        out.end();
      };
      response.on('data', (chunk: Buffer) => {
        received += chunk.length;
        options.onProgress?.({ file, receivedBytes: received, totalBytes, attempt });
      });
      response.on('aborted', () => fail(new RetryableError(`downloadVerified: connection dropped after ${received} bytes of ${url}`)));
      response.on('error', (error) => fail(new RetryableError(`downloadVerified: ${url}: ${error.message}`)));
      out.on('error', (error) => {
        failed = true;
        response.destroy();
        reject(new Error(`downloadVerified: cannot write '${partPath}': ${error.message}`));
      });
      out.on('finish', () => {
        if (failed) return;
        if (totalBytes !== null && received < totalBytes) {
          failed = true;
          return reject(new RetryableError(`downloadVerified: connection dropped after ${received} of ${totalBytes} bytes of ${url}`));
        }
        resolve(resuming);
      });
      response.pipe(out);
    });
    request.setTimeout(options.timeoutMs ?? 30000, () => {
      request.destroy(new RetryableError(`downloadVerified: no data from ${url} for ${options.timeoutMs ?? 30000} ms`));
    });
    request.on('error', (error) => {
      reject(error instanceof RetryableError ? error : new RetryableError(`downloadVerified: ${url}: ${error.message}`));
    });
  });
}

/**
 * Downloads `url` to `destination` if it is not already there with checksum `md5`.
 *
 * @param url the file's URL (http or https).
 * @param destination the final path; `<destination>.part` is used while downloading.
 * @param md5 the expected MD5, lowercase hex.
 * @param options retries, delays, timeout, progress callback.
 * @returns what happened.
 * @throws on a checksum mismatch (after deleting the partial file), on HTTP errors other than
 *   5xx/408/429, and when the retries run out (the `.part` file is kept so a re-run resumes).
 */
export async function downloadVerified(url: string, destination: string, md5: string, options: DownloadOptions = {}): Promise<DownloadResult> {
  if (!/^[0-9a-f]{32}$/.test(md5)) throw new Error(`downloadVerified: 'md5' must be 32 lowercase hex digits, got '${md5}'`);
  const retries = options.retries ?? 3;
  requireNonNegativeInteger('downloadVerified', 'retries', retries);
  const file = path.basename(destination);
  if (fs.existsSync(destination) && (await md5OfFile(destination)) === md5) {
    return { path: destination, bytes: fileSize(destination), md5, skipped: true, attempts: 0 };
  }
  fs.mkdirSync(path.dirname(destination), { recursive: true });
  const partPath = `${destination}.part`;
  let delay = options.retryDelayMs ?? 500;
  let attempts = 0;
  let restartedAfterMismatch = false;
  let resumed = false;
  for (;;) {
    attempts++;
    try {
      resumed = (await requestOnce(url, partPath, file, attempts, options)) || resumed;
    } catch (error) {
      if (!(error instanceof RetryableError) || attempts > retries) {
        const hint = fs.existsSync(partPath) ? ` (partial download kept in '${partPath}'; run again to resume)` : '';
        throw new Error(`${(error as Error).message}${attempts > 1 ? ` — gave up after ${attempts} attempts` : ''}${hint}`);
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay *= 2;
      continue;
    }
    const actual = await md5OfFile(partPath);
    if (actual === md5) {
      const fd = fs.openSync(partPath, 'r+');
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      fs.renameSync(partPath, destination);
      return { path: destination, bytes: fileSize(destination), md5, skipped: false, attempts };
    }
    removeIfPresent(partPath);
    if (resumed && !restartedAfterMismatch) {
      // A resumed download may have glued two different versions together: try once from scratch.
      restartedAfterMismatch = true;
      resumed = false;
      continue;
    }
    throw new Error(`downloadVerified: checksum mismatch for '${file}' from ${url}: expected MD5 ${md5}, got ${actual}; the download was deleted`);
  }
}

/** Options of {@link fetchFashionMnist}. */
export interface FetchOptions extends DownloadOptions {
  /** Destination folder (the kit uses `datasets/fashion-mnist`). */
  dir: string;
  /** Where to download from (default {@link FASHION_MNIST_BASE_URL}); a mirror with the same names works. */
  baseUrl?: string;
  /** Which files (default {@link FASHION_MNIST_REMOTE_FILES}). */
  files?: readonly RemoteFile[];
}

/**
 * Downloads the four Fashion-MNIST files into `options.dir`, one after another, skipping those
 * already there with the right checksum.
 *
 * @param options destination folder, base URL, files, retry options, progress callback.
 * @returns one result per file.
 * @see datasets/README.md
 */
export async function fetchFashionMnist(options: FetchOptions): Promise<DownloadResult[]> {
  const baseUrl = options.baseUrl ?? FASHION_MNIST_BASE_URL;
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const results: DownloadResult[] = [];
  for (const remote of options.files ?? FASHION_MNIST_REMOTE_FILES) {
    results.push(await downloadVerified(new URL(remote.name, base).toString(), path.join(options.dir, remote.name), remote.md5, options));
  }
  return results;
}
