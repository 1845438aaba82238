import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { BlasEvidence, blasOfPath, blasVerdict, describeBlas, identifyBlas, OPENBLAS_INSTALL } from './blas';

// Captured from `/usr/bin/python3 scripts/bench_torch.py --blas-only` on the 2-core development
// machine (Debian 12, python3-torch 1.13.1+dfsg-4, libopenblas0-pthread 0.3.21).
const DEBIAN_OPENBLAS: BlasEvidence = {
  sgemm: '/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3',
  loaded: [
    '/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3',
    '/usr/lib/x86_64-linux-gnu/openblas-pthread/liblapack.so.3',
    '/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so',
  ],
  buildInfo: 'generic',
};

// Without libopenblas0-pthread, libblas.so.3 resolves to Debian's libblas3 (netlib): the file
// list of libblas3_3.11.0-2_amd64.deb, and liblapack3's counterpart.
const DEBIAN_NETLIB: BlasEvidence = {
  sgemm: '/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0',
  loaded: ['/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0', '/usr/lib/x86_64-linux-gnu/lapack/liblapack.so.3.11.0'],
  buildInfo: 'generic',
};

// Captured with the netlib library unpacked from the .deb (not installed) and put first with
// LD_LIBRARY_PATH: OpenBLAS's LAPACK is mapped too, but sgemm_ — and the time, 6.6 instead of
// 93 GFLOP/s for 1024³ — comes from netlib. A "which libraries are loaded" check says OpenBLAS.
const MIXED_NETLIB_SGEMM: BlasEvidence = {
  sgemm: '/tmp/debs/netlib/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0',
  loaded: [
    '/tmp/debs/netlib/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0',
    '/usr/lib/x86_64-linux-gnu/openblas-pthread/liblapack.so.3',
    '/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so',
  ],
  buildInfo: 'generic',
};

test('blasOfPath names Debian’s BLAS packages by their directories and files', () => {
  assert.equal(blasOfPath('/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3'), 'openblas');
  assert.equal(blasOfPath('/usr/lib/x86_64-linux-gnu/openblas-openmp/libopenblaso-r0.3.21.so'), 'openblas');
  assert.equal(blasOfPath('/usr/lib/x86_64-linux-gnu/blis-pthread/libblas.so.3'), 'blis');
  assert.equal(blasOfPath('/usr/lib/x86_64-linux-gnu/atlas/libblas.so.3.10.3'), 'atlas');
  assert.equal(blasOfPath('/usr/lib/x86_64-linux-gnu/libmkl_rt.so'), 'mkl');
  assert.equal(blasOfPath('/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0'), 'netlib');
  assert.equal(blasOfPath('/usr/lib64/libblas.so.3'), 'unknown', 'a bare libblas.so.3 is not assumed to be netlib');
  assert.equal(blasOfPath('/usr/lib/x86_64-linux-gnu/libtorch_cpu.so.1.13.0'), null);
  assert.equal(blasOfPath('/home/mkl/lib/openblas-pthread/libblas.so.3'), 'openblas', 'only the file and its directory count');
});

test('identifyBlas: OpenBLAS on this machine, from the library that provides sgemm_', () => {
  assert.deepEqual(identifyBlas(DEBIAN_OPENBLAS), {
    name: 'openblas',
    path: '/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3',
    source: 'sgemm',
    loaded: DEBIAN_OPENBLAS.loaded,
  });
});

test('identifyBlas: netlib without libopenblas0-pthread, and when OpenBLAS is loaded but not used', () => {
  assert.equal(identifyBlas(DEBIAN_NETLIB).name, 'netlib');
  const mixed = identifyBlas(MIXED_NETLIB_SGEMM);
  assert.equal(mixed.name, 'netlib');
  assert.equal(mixed.path, MIXED_NETLIB_SGEMM.sgemm);
});

test('identifyBlas: a BLAS inside libtorch (pip wheels) is named by BLAS_INFO; nothing known is unknown', () => {
  const wheel = identifyBlas({ sgemm: '/opt/venv/lib/python3.11/site-packages/torch/lib/libtorch_cpu.so', loaded: [], buildInfo: 'mkl' });
  assert.equal(wheel.name, 'mkl');
  assert.equal(wheel.source, 'build');
  assert.equal(identifyBlas({ sgemm: null, loaded: [], buildInfo: 'open' }).name, 'openblas');
  const none = identifyBlas({ sgemm: null, loaded: [], buildInfo: 'generic' });
  assert.deepEqual([none.name, none.source, none.path], ['unknown', 'none', null]);
});

test('blasVerdict refuses netlib, naming the package and the reason, and compares the others', () => {
  const refused = blasVerdict(identifyBlas(DEBIAN_NETLIB));
  assert.equal(refused.compare, false);
  if (refused.compare) return;
  assert.ok(refused.reason.includes(OPENBLAS_INSTALL), refused.reason);
  assert.equal(OPENBLAS_INSTALL, 'apt-get install libopenblas0-pthread');
  assert.match(refused.reason, /netlib/);
  assert.match(refused.reason, /10–20× slower/);
  assert.match(refused.reason, /blas\/libblas\.so\.3\.11\.0/, 'names the file');
  assert.equal(blasVerdict(identifyBlas(MIXED_NETLIB_SGEMM)).compare, false);

  assert.deepEqual(blasVerdict(identifyBlas(DEBIAN_OPENBLAS)), { compare: true });
  for (const name of ['blis', 'mkl', 'atlas'] as const) {
    assert.deepEqual(blasVerdict({ name, path: null, source: 'build', loaded: [] }), { compare: true }, name);
  }
  const unknown = blasVerdict(identifyBlas({ sgemm: '/usr/lib64/libblas.so.3', loaded: [], buildInfo: 'generic' }));
  assert.equal(unknown.compare, true);
  assert.match(unknown.compare ? unknown.note ?? '' : '', /update-alternatives --display libblas\.so\.3-x86_64-linux-gnu/);
});

test('describeBlas: name and path for the table', () => {
  assert.equal(describeBlas(identifyBlas(DEBIAN_OPENBLAS)), 'openblas (/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3)');
  assert.equal(describeBlas({ name: 'mkl', path: null, source: 'build', loaded: [] }), 'mkl [from BLAS_INFO]');
});
