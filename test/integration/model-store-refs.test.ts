// The model store against hostile refs and damaged version folders (issue 10, item 3): a ref never
// names a folder outside the store, and one bad folder never takes listModels down.
import { beforeAll, expect, test } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStudio } from '../../src/core/studio';
import { testManifest, writeConvModel } from '../fixtures/onnx-builder';

const home = mkdtempSync(join(tmpdir(), 'medseg-store-'));
const store = join(home, 'models');
const lineage = join(store, 'versions', 'tiny-conv');
const studio = createStudio({ workspace: join(home, 'workspace'), models: { user: store, shipped: join(home, 'no-shipped') } });
const record = { parent: 'tiny-conv@1.0.0', createdAt: '2026-01-01T00:00:00Z', gate: { promoted: true, reason: 'test' } };

beforeAll(() => {
  mkdirSync(lineage, { recursive: true });
  writeConvModel(join(store, 'tiny-conv.onnx'), { weights: [[1]], bias: [0], manifest: testManifest() });
  // One good fine-tuned version, and the kinds of damage a store collects.
  mkdirSync(join(lineage, '1.1.0'));
  copyFileSync(join(store, 'tiny-conv.onnx'), join(lineage, '1.1.0', 'model.onnx'));
  writeFileSync(join(lineage, '1.1.0', 'version.json'), JSON.stringify(record));
  mkdirSync(join(lineage, '1.2.0'));
  writeFileSync(join(lineage, '1.2.0', 'version.json'), '{"parent": "tiny-c'); // truncated record
  mkdirSync(join(lineage, '1.3.0'));
  writeFileSync(join(lineage, '1.3.0', 'version.json'), JSON.stringify(record)); // its model is missing
  mkdirSync(join(lineage, 'not a version!'));
  writeFileSync(join(lineage, 'not a version!', 'version.json'), JSON.stringify(record));
  mkdirSync(join(lineage, '1.4.0')); // a reservation of a running job: not listed, not a problem
  // What an upload can plant outside the store: a "version" the climb would point at.
  mkdirSync(join(home, 'workspace', 'uploads', 'abc', 'fake'), { recursive: true });
  writeFileSync(join(home, 'workspace', 'uploads', 'abc', 'fake', 'version.json'), '{}');
});

test('a version ref cannot climb out of the model store', async () => {
  const climb = 'tiny-conv@../../../workspace/uploads/abc/fake';
  await expect(studio.setCurrentVersion(climb)).rejects.toThrow(/Not a model ref: "..\/..\/..\/workspace\/uploads\/abc\/fake" is not a version/);
  await expect(studio.segment({ input: '/none.nii.gz', model: climb, out: join(home, 'x.nii.gz') })).rejects.toThrow(/Not a model ref/);
  await expect(studio.startFinetune({ model: climb })).rejects.toThrow(/Not a model ref/);
  await expect(studio.setCurrentVersion('tiny-conv@1.2.0')).rejects.toThrow(/has no version 1\.2\.0/);
  expect(existsSync(join(lineage, 'current.json'))).toBe(false);
  expect((await studio.listModels())[0].manifest.version).toBe('1.0.0');
});

test('damaged version folders are skipped and reported; the good ones stay usable', async () => {
  const [model] = await studio.listModels();
  expect(model.versions).toBe(2);
  expect(model.problems).toEqual([
    'tiny-conv: version 1.2.0: its version.json is damaged; it is skipped.',
    expect.stringMatching(/^tiny-conv: version 1\.3\.0: its model cannot be read .*; it is skipped\.$/),
    'tiny-conv: a folder named "not a version!" is not a version name; it is skipped.',
  ]);
  expect((await studio.modelVersions('tiny-conv')).map((v) => v.ref)).toEqual(['tiny-conv@1.0.0', 'tiny-conv@1.1.0']);
  await studio.setCurrentVersion('tiny-conv@1.1.0');
  expect(JSON.parse(readFileSync(join(lineage, 'current.json'), 'utf8'))).toEqual({ version: '1.1.0' });
  expect((await studio.listModels())[0].path).toBe(join(lineage, '1.1.0', 'model.onnx'));
});

test('a current.json naming something that is not a readable version falls back to the root, and says so', async () => {
  for (const named of ['../../../workspace/uploads/abc/fake', '1.2.0', 42]) {
    writeFileSync(join(lineage, 'current.json'), JSON.stringify({ version: named }));
    const [model] = await studio.listModels();
    expect(model.manifest.version).toBe('1.0.0');
    expect(model.problems).toContain(`tiny-conv: current.json names ${JSON.stringify(named)}, which is not a readable version; tiny-conv@1.0.0 is used.`);
  }
  writeFileSync(join(lineage, 'current.json'), '{"vers');
  expect((await studio.listModels())[0].manifest.version).toBe('1.0.0');
});
