// AI clicks in browser mode: a deliberately wrong model proposal is fixed by one click, a right-click
// removes, undo restores the proposal, the clicked voxels are saved as AI-interactive corrections,
// and propagation carries the fixed slice to its neighbours until the structure ends.
// The click model is a hand-set 1×1 convolution (logit 10·image + 10·positive − 20·negative − 5,
// image scaled 1/200): it answers "the bright cube, plus what was clicked in, minus what was clicked
// out" inside the focus box, so every count below follows from the phantom.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { closeImageIo } from '../../src/core/io';
import { createStudio } from '../../src/core/studio';
import { CLICK_ENCODING } from '../../src/shared/manifest';
import { Provenance } from '../../src/shared/provenance';
import { testManifest, writeConvModel } from '../fixtures/onnx-builder';
import { writeClickModel } from '../fixtures/click-model';
import { appUrl, E2E_DATA, E2E_HOME } from './e2e-env';
import { CUBE, PHANTOM_SIZE, phantom, slicePointOnPage, writeTestImage } from './e2e-fixtures';

const SHOTS = 'test-results/screenshots';
const phantomPath = join(E2E_DATA, 'ai-phantom.nii.gz');
const [NX, NY] = PHANTOM_SIZE;
const K = 5;
/** The wrong model labels every voxel up to 40: most of the background, none of the cube. */
const WRONG_UP_TO = 40;

test.describe.configure({ mode: 'serial' });

let page: Page;
const wrongCount = (k?: number) => {
  const { data } = phantom();
  let n = 0;
  for (let v = 0; v < data.length; v++) if (data[v] <= WRONG_UP_TO && (k === undefined || Math.floor(v / (NX * NY)) === k)) n++;
  return n;
};
const CUBE_SLICE = (CUBE.i1 - CUBE.i0) * (CUBE.j1 - CUBE.j0);

test.beforeAll(async ({ browser }) => {
  await writeTestImage(phantomPath, phantom());
  const models = join(E2E_HOME, 'models');
  mkdirSync(models, { recursive: true });
  writeConvModel(join(models, 'e2e-wrong.onnx'), {
    weights: [[-1]], bias: [WRONG_UP_TO], activation: 'none',
    manifest: testManifest({ id: 'e2e-wrong', name: 'E2E wrong model', modality: 'CT', output: { activation: 'sigmoid', threshold: 0.5, labels: [{ value: 1, name: 'cube', color: '#00c8ff' }] } }),
  });
  writeClickModel(join(models, 'e2e-click.onnx'), 1, 64, {
    id: 'e2e-click', name: 'E2E click model', modality: 'CT',
    preprocessing: { scale: 1 / 200, mean: [0, 0, 0, 0], std: [1, 1, 1, 1] },
    interaction: { encoding: CLICK_ENCODING, prompts: ['positiveClicks', 'negativeClicks', 'previousMask'], clicks: { kind: 'disk', radius: 8 }, focus: { expand: 1.4, minFraction: 0.2 } },
  }, { image: 10, previous: 0 });
  page = await browser.newPage();
  await page.goto(appUrl());
  await expect(page.getByTestId('case-name')).toHaveText('abdomen-phantom.nii.gz'); // the first-launch sample
  await page.getByRole('button', { name: 'Open path…' }).click();
  await page.getByTestId('open-path').fill(phantomPath);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByTestId('case-name')).toHaveText('ai-phantom.nii.gz');
});

test.afterAll(async () => {
  await page?.close();
  await closeImageIo();
});

const count = () => page.getByTestId('label-count-1');

async function clickVoxel(u: number, v: number, button: 'left' | 'right' = 'left'): Promise<void> {
  const p = await slicePointOnPage(page, 'axial', { u, v });
  await page.mouse.click(p.x, p.y, { button });
}

test('a wrong proposal is fixed by AI clicks, and undo restores it', async () => {
  await page.getByTitle('Look for new models').click();
  await page.getByTestId('model-select').selectOption('e2e-wrong');
  await page.getByTestId('segment-case').click();
  await expect(count()).toHaveText(String(wrongCount()));

  await page.locator('[data-orientation="axial"] .slice-slider').fill(String(K));
  await page.keyboard.press('a');
  await expect(page.getByTestId('tool-aiClicks')).toHaveClass(/pressed/);
  // The shipped click-guided models are offered too; this phantom's counts follow from e2e-click.
  await page.getByTestId('ai-model').selectOption('e2e-click');
  await expect(page.getByTestId('ai-model')).toHaveValue('e2e-click');
  await clickVoxel(30, 30);
  // Slice K now holds exactly the cube; the other slices keep the proposal.
  const fixed = wrongCount() - wrongCount(K) + CUBE_SLICE;
  await expect(count()).toHaveText(String(fixed));
  await expect(page.getByTestId('ai-seconds')).toContainText('ms');
  await page.screenshot({ path: `${SHOTS}/ai-clicks-fixed.png` });

  // Removes a disk of 8 network pixels: the 28-voxel focus box is magnified 64/28, so about 3.5 voxels.
  await clickVoxel(30, 30, 'right');
  await expect.poll(async () => Number(await count().textContent())).toBeLessThan(fixed - 25);

  await page.getByTestId('undo').click();
  await expect(count()).toHaveText(String(fixed));
  await page.getByTestId('undo').click();
  await expect(count()).toHaveText(String(wrongCount()));
  await page.getByTestId('redo').click();
  await expect(count()).toHaveText(String(fixed));
});

test('the clicks\' voxels are saved as AI-interactive corrections', async () => {
  await expect(page.getByTestId('save-state')).toHaveText('All changes saved', { timeout: 15_000 });
  const saved = await createStudio({ workspace: join(E2E_HOME, 'workspace'), models: { user: join(E2E_HOME, 'models') } }).openCase({ path: phantomPath });
  const at = (i: number, j: number, k: number) => i + NX * (j + NY * k);
  expect(saved.labelmap![at(30, 30, K)]).toBe(1);
  expect(saved.provenance![at(30, 30, K)]).toBe(Provenance.Interactive);   // the clicked cube
  const removed = [...Array(NX).keys()].find((i) => phantom().data[at(i, 2, K)] <= WRONG_UP_TO)!;
  expect(saved.labelmap![at(removed, 2, K)]).toBe(0);                      // the wrong proposal, cleared by the click
  expect(saved.provenance![at(removed, 2, K)]).toBe(Provenance.Interactive);
  expect(saved.provenance![at(removed, 2, K + 1)]).toBe(Provenance.Model);  // other slices: still the model's
});

test('propagation carries the slice to its neighbours until the structure ends, as one undo step', async () => {
  // Start from a clean label: undo the click and the proposal, then one click on slice K.
  await page.getByTestId('undo').click();
  await page.getByTestId('undo').click();
  await expect(count()).toHaveText('0');
  await clickVoxel(30, 30);
  await expect(count()).toHaveText(String(CUBE_SLICE));
  await page.keyboard.press('Shift+A');
  // The cube spans slices CUBE.k0..CUBE.k1-1; a focus box resized to 64² blurs its edges by a voxel or so.
  const slices = CUBE.k1 - CUBE.k0;
  await expect.poll(async () => Number(await count().textContent())).toBeGreaterThan(slices * CUBE_SLICE * 0.85);
  expect(Number(await count().textContent())).toBeLessThan(slices * CUBE_SLICE * 1.2);
  await page.screenshot({ path: `${SHOTS}/ai-propagated.png` });
  await page.getByTestId('undo').click();
  await expect(count()).toHaveText(String(CUBE_SLICE));
});
