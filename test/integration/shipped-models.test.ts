// Every model in models/ is a complete, remakeable product: within the size limit, its manifest
// complete and embedded, a recipe that remakes it, fine-tune weights and a card whose numbers are
// the manifest's, and it imports (the import's dummy-input run) like a model exported elsewhere.
import { afterAll, describe, expect, test } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appRoot } from '../../src/core/paths';
import { readManifest } from '../../src/core/inference';
import { manifestProblems } from '../../src/shared/manifest';
import { importModel } from '../../src/core/training/model-import';
import { readRecipe } from '../../scripts/zoo/recipes';

const models = join(appRoot(), 'models');
const shipped = readdirSync(models).filter((f) => f.endsWith('.onnx')).map((f) => f.slice(0, -5)).sort();
const home = mkdtempSync(join(tmpdir(), 'medseg-shipped-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

test('at least one model per task is shipped', () => {
  expect(shipped.length).toBeGreaterThanOrEqual(4);
});

describe.each(shipped)('%s', (id) => {
  const onnx = join(models, `${id}.onnx`);

  test('fits the 15 MB limit and carries a complete manifest, a recipe and fine-tune weights', async () => {
    expect(statSync(onnx).size).toBeLessThanOrEqual(15 * 1024 * 1024);
    const manifest = await readManifest(onnx);
    expect(manifestProblems(manifest)).toEqual([]);
    expect(manifest.id).toBe(id);
    expect(manifest.architecture).toBe(readRecipe(id).arch);
    expect(existsSync(join(models, `${id}.pt`))).toBe(true);
  });

  test("its card reports the manifest's measured Dice (a click-guided model's: NoC@85)", async () => {
    const { metrics, interaction } = await readManifest(onnx);
    const card = readFileSync(join(models, `${id}.md`), 'utf8');
    const firstRow = card.split('\n').find((line) => /^\| [\w:-]+ \| \d+ \|/.test(line));
    expect(firstRow, 'a measured row').toBeDefined();
    expect(Number(firstRow!.split('|')[3])).toBeCloseTo(interaction ? metrics!.nocAt85 : metrics!.dice, 4);
  });

  test('imports into a user store: runs on the input its manifest describes', async () => {
    const folders = { user: join(home, id), shipped: join(home, 'none') };
    const imported = await importModel(folders, onnx);
    expect(imported.manifest.id).toBe(id);
  }, 60_000);
});
