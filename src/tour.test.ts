import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import * as kit from './index';
import { kitTour } from './tour';
import { findAbove } from './testing/find-above';

test('the tour visits every folder of src/ that the package exports (not checks/ and testing/, which are internal)', () => {
  const index = findAbove(path.join('src', 'index.ts'));
  assert.ok(index, 'src/index.ts not found above the tests');
  const folders = fs.readdirSync(path.dirname(index), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(path.dirname(index), entry.name, 'index.ts')))
    .map((entry) => entry.name)
    .filter((name) => name !== 'checks' && name !== 'testing');
  assert.deepEqual(kitTour().map((stop) => stop.module).sort(), folders.sort());
});

test("every module's exports are listed, sorted, and each is an export of the package", () => {
  for (const stop of kitTour()) {
    assert.ok(stop.exports.length > 0, `${stop.module} lists no exports`);
    assert.deepEqual(stop.exports, [...stop.exports].sort(), `${stop.module}'s exports are not sorted`);
    for (const name of stop.exports) assert.ok(name in kit, `${stop.module}.${name} is not exported by the package`);
  }
});
