/**
 * Which BLAS the PyTorch yardstick computes with, and whether a comparison against it is honest.
 *
 * Debian's python3-torch is built with `BLAS_INFO=generic`: it links `libblas.so.3`, and Debian's
 * alternatives decide which library that is. With OpenBLAS (`libopenblas0-pthread`) it is
 * `/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3`; without it (what
 * `apt-get install --no-install-recommends python3-torch` leaves) it is the reference netlib
 * library `/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0` (package `libblas3`), a plain Fortran
 * loop nest that makes PyTorch 10–20× slower (on the 2-core development machine: the bench's MLP
 * step 149 ms instead of 7.5 ms, kNN 39 s instead of 3.6 s; a 1024³ product on one thread
 * 6.2–6.4 instead of 67–68 GFLOP/s per CPU second). Every kit/PyTorch ratio against it would be false.
 *
 * `torch.__config__.show()` cannot say which one is loaded, so scripts/bench_torch.py reports
 * evidence from the running process ({@link BlasEvidence}) and {@link identifyBlas} reads it.
 * The deciding evidence is the file that provides `sgemm_` to libtorch_cpu (dlsym + dladdr):
 * the list of loaded libraries alone can mislead — with netlib's libblas.so.3 selected and
 * OpenBLAS's liblapack.so.3, both are mapped, and the slow one computes the products.
 *
 * @see scripts/bench/README.md ("Which BLAS PyTorch uses")
 */

/** The BLAS implementations the bench tells apart. */
export type BlasName = 'openblas' | 'blis' | 'mkl' | 'atlas' | 'netlib' | 'unknown';

/** What scripts/bench_torch.py reports about the BLAS of its own process (`blasEvidence`). */
export interface BlasEvidence {
  /** The file libtorch_cpu's `sgemm_` resolves to, symlinks resolved (null: not found). */
  sgemm: string | null;
  /** Every BLAS/LAPACK-looking library mapped into the process (/proc/self/maps), sorted. */
  loaded: string[];
  /** `BLAS_INFO` of `torch.__config__.show()` ('generic' on Debian, 'mkl' in pip wheels). */
  buildInfo: string | null;
}

/** The BLAS PyTorch computes with, as the bench reports it (`torch.*.blas`). */
export interface BlasInfo {
  name: BlasName;
  /** The library file that provides `sgemm_` (null when it could not be found). */
  path: string | null;
  /**
   * How `name` was decided: 'sgemm' from the library that provides `sgemm_`; 'build' from
   * `BLAS_INFO` (a BLAS linked into libtorch itself, as in pip wheels); 'none' undecided.
   */
  source: 'sgemm' | 'build' | 'none';
  /** The loaded BLAS/LAPACK-looking libraries (context; not what decides). */
  loaded: string[];
}

/**
 * The implementation a library path belongs to, from Debian's (and the usual vendors') file
 * names and directories; null when the path names none (e.g. libtorch_cpu.so itself).
 *
 * @param path a library file path, e.g. `/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0`.
 */
export function blasOfPath(path: string): BlasName | null {
  // Only the file name and its directory count (a home directory may be called anything).
  const lower = path.toLowerCase().split('/').slice(-2).join('/');
  const file = lower.slice(lower.lastIndexOf('/') + 1);
  if (/mkl/.test(lower)) return 'mkl';
  if (/openblas/.test(lower)) return 'openblas';
  if (/blis/.test(lower)) return 'blis';
  if (/atlas/.test(lower)) return 'atlas';
  // Debian's netlib packages: libblas3 → …/blas/libblas.so.3.x, liblapack3 → …/lapack/liblapack.so.3.x.
  if (/^blas\/libblas\.so/.test(lower) || /^lapack\/liblapack\.so/.test(lower)) return 'netlib';
  if (/^lib(c?blas|lapack)\.so/.test(file)) return 'unknown';
  return null;
}

/**
 * Decides which BLAS PyTorch computes with: the library providing `sgemm_` when its path names
 * one; else `BLAS_INFO` of the build (mkl, open/openblas, blis, atlas); else 'unknown'.
 *
 * @param evidence what scripts/bench_torch.py printed as `blasEvidence`.
 */
export function identifyBlas(evidence: BlasEvidence): BlasInfo {
  const loaded = evidence.loaded.slice();
  if (evidence.sgemm !== null) {
    const name = blasOfPath(evidence.sgemm);
    if (name !== null) return { name, path: evidence.sgemm, source: 'sgemm', loaded };
  }
  const build = (evidence.buildInfo ?? '').toLowerCase();
  const fromBuild: BlasName | null = build === 'mkl' ? 'mkl' : build === 'open' || build === 'openblas' ? 'openblas' : build === 'blis' ? 'blis' : build === 'atlas' ? 'atlas' : null;
  if (fromBuild !== null) return { name: fromBuild, path: evidence.sgemm, source: 'build', loaded };
  return { name: 'unknown', path: evidence.sgemm, source: 'none', loaded };
}

/** The apt command that fixes a netlib BLAS (Debian alternatives then select OpenBLAS). */
export const OPENBLAS_INSTALL = 'apt-get install libopenblas0-pthread';

/** Whether the bench may compute kit/PyTorch ratios against this BLAS, and what to say. */
export type BlasVerdict =
  | { compare: true; note?: string }
  | { compare: false; reason: string };

/**
 * Refuses a comparison against the reference (netlib) BLAS — every ratio would flatter the kit
 * 10–20× — and names the package that fixes it. An unidentified BLAS is compared, with a note.
 *
 * @param blas what {@link identifyBlas} returned.
 */
export function blasVerdict(blas: BlasInfo): BlasVerdict {
  if (blas.name === 'netlib') {
    return {
      compare: false,
      reason:
        `PyTorch computes with the reference netlib BLAS (${blas.path ?? 'libblas.so.3'}), which makes it 10–20× slower than with an ` +
        `optimised BLAS, so every kit/PyTorch ratio and target would be false; none were computed. Install OpenBLAS ` +
        `(\`${OPENBLAS_INSTALL}\`; Debian's alternatives then select it) and run the bench again.`,
    };
  }
  if (blas.name === 'unknown') {
    return {
      compare: true,
      note: `could not tell which BLAS PyTorch uses (sgemm_ from ${blas.path ?? 'nowhere found'}); check \`update-alternatives --display libblas.so.3-x86_64-linux-gnu\` before trusting the ratios`,
    };
  }
  return { compare: true };
}

/** One line for the table: `openblas (/usr/lib/…/libblas.so.3)`. */
export function describeBlas(blas: BlasInfo): string {
  return `${blas.name}${blas.path === null ? '' : ` (${blas.path})`}${blas.source === 'build' ? ' [from BLAS_INFO]' : ''}`;
}
