// Bringing your own model with less ceremony: the manifest needs only what the ONNX file cannot tell
// (preprocessing, output activation, labels); channels and a fixed size come from the graph, the
// size multiple of a size-free graph from test runs, id from the file name, version 1.0.0.
import { expect, test } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStudio } from '../../src/core/studio';
import { readManifest } from '../../src/core/inference';
import type { ManifestDraft } from '../../src/shared/api';
import { writeConvModel } from '../fixtures/onnx-builder';

const home = mkdtempSync(join(tmpdir(), 'medseg-import-graph-'));
const userModels = join(home, 'models');
const studio = createStudio({ workspace: join(home, 'workspace'), models: { user: userModels, shipped: join(home, 'no-shipped') } });
/** All a user must write: what the file cannot tell. */
const minimal: ManifestDraft = {
  preprocessing: { scale: 1 / 255, mean: [0], std: [1] },
  output: { activation: 'sigmoid', labels: [{ value: 1, name: 'lesion', color: '#ff0000' }] },
};

test('a fixed-size graph gives channels, height and width; sizeMultiple 1, version 1.0.0, id from the file name', async () => {
  const file = writeConvModel(join(home, 'Lesion Net v2.onnx'), { weights: [[1, 1, 1]], bias: [-1], inputDims: [1, 3, 96, 128] });
  const imported = await studio.importModel({ file, manifest: minimal });
  expect(imported.manifest).toMatchObject({
    id: 'Lesion-Net-v2', name: 'Lesion-Net-v2', version: '1.0.0',
    input: { channels: 3, height: 96, width: 128, sizeMultiple: 1, layout: 'NCHW' },
    // One mean/std for all channels is spread over the graph's three.
    preprocessing: { scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1] },
    output: { activation: 'sigmoid', threshold: 0.5, labels: [{ value: 1, name: 'lesion', color: '#ff0000' }] },
  });
  expect(await readManifest(imported.path)).toEqual(imported.manifest);
});

test("a size-free graph's multiple is found by test runs (1 when any size runs, 8 when ORT needs multiples of 8)", async () => {
  const free = writeConvModel(join(home, 'free.onnx'), { weights: [[1]], bias: [0] });
  expect((await studio.importModel({ file: free, manifest: minimal })).manifest.input).toEqual({ channels: 1, layout: 'NCHW', sizeMultiple: 1 });
  const blocks = writeConvModel(join(home, 'blocks.onnx'), { weights: [[1]], bias: [0], requireMultiple: 8 });
  const imported = await studio.importModel({ file: blocks, manifest: minimal });
  expect(imported.manifest.input).toEqual({ channels: 1, layout: 'NCHW', sizeMultiple: 8 });
  // What the user states is kept, not probed over.
  const stated = writeConvModel(join(home, 'stated.onnx'), { weights: [[1]], bias: [0], requireMultiple: 4 });
  expect((await studio.importModel({ file: stated, manifest: { ...minimal, input: { sizeMultiple: 16 } } })).manifest.input.sizeMultiple).toBe(16);
});

test('a model without a manifest is refused with exactly what the file cannot tell', async () => {
  const bare = writeConvModel(join(home, 'bare.onnx'), { weights: [[10, 0, 0]], bias: [-5], inputDims: ['N', 3, 256, 256] });
  const error = await studio.importModel({ file: bare }).catch((e) => e);
  expect(error.message).toBe('bare.onnx has no MedSeg manifest. Give one with --manifest m.json holding what the file cannot tell: ' +
    '"preprocessing.scale" (e.g. 1, or 0.00392 for 8-bit images), "preprocessing.mean" (one per channel, or one for all), ' +
    '"preprocessing.std" (one per channel, or one for all), "output.activation" (sigmoid, softmax, or none when the graph ends in one), ' +
    '"output.labels" ([{"value": 1, "name": "…", "color": "#rrggbb"}, …]); the graph already gives 3 input channel(s), a fixed 256×256 input, ' +
    'and id, name and version (1.0.0) default from the file.');
  const partial = await studio.importModel({ file: bare, manifest: { preprocessing: minimal.preprocessing, output: { activation: 'sigmoid' } } }).catch((e) => e);
  expect(partial.message).toBe('The manifest lacks what bare.onnx cannot tell: "output.labels" ([{"value": 1, "name": "…", "color": "#rrggbb"}, …]). ' +
    'The graph already gives 3 input channel(s), a fixed 256×256 input.');
});

test('a symbolic channel dimension is asked for; a manifest that contradicts the graph is refused before any run', async () => {
  const symbolic = writeConvModel(join(home, 'any-channels.onnx'), { weights: [[1]], bias: [0], inputDims: ['N', 'C', 'H', 'W'] });
  await expect(studio.importModel({ file: symbolic, manifest: minimal })).rejects.toThrow(/^The manifest lacks what any-channels\.onnx cannot tell: "input\.channels" \(the graph's channel dimension is "C"\)\. /);
  expect((await studio.importModel({ file: symbolic, manifest: { ...minimal, input: { channels: 1 } } })).manifest.input.channels).toBe(1);

  const rgb = writeConvModel(join(home, 'rgb.onnx'), { weights: [[1, 0, 0]], bias: [0], inputDims: ['N', 3, 64, 64] });
  await expect(studio.importModel({ file: rgb, manifest: { ...minimal, input: { channels: 1 } } }))
    .rejects.toThrow('The graph of rgb.onnx takes 3 input channel(s) but the manifest says 1: fix "input.channels", or leave it out.');
  await expect(studio.importModel({ file: rgb, manifest: { ...minimal, input: { height: 32, width: 32 } } }))
    .rejects.toThrow('The graph of rgb.onnx takes 64×64 input but the manifest says 32×32: fix "input.height"/"input.width", or leave them out.');
});

test('the CLI imports with a manifest that holds only preprocessing, activation and labels', () => {
  const file = writeConvModel(join(home, 'cli-model.onnx'), { weights: [[1]], bias: [0], inputDims: ['batch', 1, 'height', 'width'], requireMultiple: 4 });
  const manifestFile = join(home, 'm.json');
  writeFileSync(manifestFile, JSON.stringify(minimal));
  const r = spawnSync(process.execPath, ['bin/medseg.mjs', 'models', 'import', file, '--manifest', manifestFile], { encoding: 'utf8', env: { ...process.env, MEDSEG_HOME: join(home, 'cli-home') } });
  expect(r.stderr.split('\n').filter((l) => l.startsWith('medseg:'))).toEqual([]);
  expect(r.status).toBe(0);
  expect(JSON.parse(r.stdout).manifest).toMatchObject({ id: 'cli-model', version: '1.0.0', input: { channels: 1, sizeMultiple: 4 } });
});
