import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { assembleSimdKernels, binaryModuleText, SIMD_BINARY, SIMD_SOURCE } from './build-simd-kernels';

test('the committed SIMD kernel bytes are simd-kernels.wat assembled (run `npm run simd:build` after editing it)', async () => {
  const expected = binaryModuleText(await assembleSimdKernels(fs.readFileSync(SIMD_SOURCE, 'utf8')));
  assert.equal(fs.readFileSync(SIMD_BINARY, 'utf8'), expected);
});

test('both variants validate; they differ only in how they import the memory', async () => {
  const { shared, unshared } = await assembleSimdKernels(fs.readFileSync(SIMD_SOURCE, 'utf8'));
  const api = (globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } }).WebAssembly;
  assert.ok(api.validate(shared) && api.validate(unshared));
  assert.notDeepEqual(shared, unshared);
  assert.equal(Math.abs(shared.length - unshared.length) <= 4, true);
});

test('a source without the shared memory import, or with an error, is refused with a clear message', async () => {
  await assert.rejects(assembleSimdKernels('(module)'), /must import its memory as \(import "env" "memory" \(memory 0 65536 shared\)\)/);
  await assert.rejects(
    assembleSimdKernels('(module (import "env" "memory" (memory 0 65536 shared)) (func (export "f") (result i32) (f32.const 1)))'),
    /validate failed|type mismatch/,
  );
});
