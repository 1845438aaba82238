import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { dropUnneededScripts, indexPage } from './report';

test('remote and require.js script tags are dropped; inline and local MathJax scripts stay', () => {
  const html = [
    '<script src="https://cdnjs.cloudflare.com/ajax/libs/require.js/2.1.10/require.min.js"></script>',
    '<script src="file:///usr/share/javascript/requirejs/require.min.js"></script>',
    '<script type="text/javascript" src="file:///usr/share/javascript/mathjax/MathJax.js?config=TeX"></script>',
    '<script>window.inline = 1;</script>',
    '<script src="http://example.invalid/x.js" async></script>',
  ].join('\n');
  const kept = dropUnneededScripts(html);
  assert.doesNotMatch(kept, /require\.min\.js/);
  assert.doesNotMatch(kept, /example\.invalid/);
  assert.match(kept, /MathJax\.js/);
  assert.match(kept, /window\.inline = 1/);
});

test('the index page links every notebook and shows the results with the command', () => {
  const page = indexPage([{ file: '01-contrastive-loss.html', title: '01 · Contrastive <loss>' }], {
    createdAt: '2026-11-29T05:00:00.000Z',
    command: 'npm run walkthrough -- --fast',
    machine: 'test machine',
    rows: [{ notebook: '01-contrastive-loss', method: 'DrLIM', mode: 'fast', backend: 'wasm', train: 6000, test: 1000, epochs: 1, seconds: 42.4, knnTop1: 0.81234, oneNNTop1: 0.8, rawPixelOneNNTop1: 0.79 }],
  });
  assert.match(page, /<a href="01-contrastive-loss.html">01 · Contrastive &lt;loss&gt;<\/a>/);
  assert.match(page, /npm run walkthrough -- --fast/);
  assert.match(page, /<td>81\.23 %<\/td>/);
  assert.match(page, /<td>42<\/td><td>this run<\/td>/);
  assert.match(indexPage([], null), /No results files were written/);
});
