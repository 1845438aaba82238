import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { END_MARKER, replaceResults, START_MARKER } from './update-readme-results';

test('the table replaces only what stands between the markers', () => {
  const readme = `# Title\n\n${START_MARKER}\nold table\n${END_MARKER}\n\nafter\n`;
  const updated = replaceResults(readme, '| new | table |\n');
  assert.equal(updated, `# Title\n\n${START_MARKER}\n| new | table |\n${END_MARKER}\n\nafter\n`);
  assert.equal(replaceResults(updated, '| new | table |'), updated);
});

test('missing or swapped markers are an error that names them', () => {
  assert.throws(() => replaceResults('# no markers', 'x'), /needs the markers <!-- results:start -->/);
  assert.throws(() => replaceResults(`${END_MARKER}\n${START_MARKER}`, 'x'), /in that order/);
});
