// Anatomical display in the browser: one asymmetric phantom stored in LPS order, with i and j
// mirrored (direction −1, −1, 1, like the TotalSegmentator NIfTI) and with i and j swapped shows the
// same pixels in the axial and coronal views with the same letters, and the pointer still reads
// (and edits) the voxel under it.
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { closeImageIo } from '../../src/core/io';
import { voxelToSlice, type Orientation } from '../../src/renderer/editor/slices';
import { reorderedVoxel, reorderVolume, type VoxelOrder } from '../fixtures/reoriented-volume';
import { appUrl, E2E_DATA } from './e2e-env';
import { asymmetricPhantom, slicePointOnPage, writeTestImage } from './e2e-fixtures';

const SHOTS = 'test-results/screenshots';
const source = asymmetricPhantom();
const VARIANTS: { name: string; order: VoxelOrder }[] = [
  { name: 'lps', order: { permutation: [0, 1, 2], flip: [false, false, false] } },
  { name: 'mirrored-ij', order: { permutation: [0, 1, 2], flip: [true, true, false] } },
  { name: 'swapped-ij', order: { permutation: [1, 0, 2], flip: [false, false, false] } },
];
/** A voxel on the centre axial and coronal slices (where the views open), towards the patient's left. */
const PROBE = [36, 20, 12];
const PROBE_VALUE = source.data[PROBE[0] + source.size[0] * (PROBE[1] + source.size[1] * PROBE[2])];
const EXPECTED_LETTERS = {
  axial: ['R', 'L', 'A', 'P'],
  coronal: ['R', 'L', 'S', 'I'],
};

test.describe.configure({ mode: 'serial' });

let page: Page;

test.beforeAll(async ({ browser }) => {
  for (const v of VARIANTS) await writeTestImage(join(E2E_DATA, `orientation-${v.name}.nii.gz`), reorderVolume(source, v.order));
  page = await browser.newPage();
});

test.afterAll(async () => {
  await page?.close();
  await closeImageIo();
});

async function open(name: string): Promise<void> {
  if (!(await page.getByTestId('open-path').isVisible())) await page.getByRole('button', { name: 'Open path…' }).click();
  await page.getByTestId('open-path').fill(join(E2E_DATA, `orientation-${name}.nii.gz`));
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByTestId('case-name')).toHaveText(`orientation-${name}.nii.gz`);
}

/** The image layer of a view (the first Konva canvas: no crosshair, no labels), as a PNG data URL. */
const imageLayer = (view: string) =>
  page.evaluate((v) => (document.querySelector(`[data-testid="view-${v}"] canvas`) as HTMLCanvasElement).toDataURL(), view);

const letters = (view: string) => Promise.all(['left', 'right', 'top', 'bottom'].map((edge) =>
  page.locator(`[data-orientation="${view}"] [data-testid="letter-${edge}"]`).textContent()));

test('three voxel orders of one phantom show the same axial and coronal pixels and letters', async () => {
  await page.goto(appUrl());
  await expect(page.getByTestId('case-name')).toBeVisible();
  const seen: Record<string, { axial: string; coronal: string }> = {};
  for (const v of VARIANTS) {
    await open(v.name);
    // The views open on the centre slices, which hold the same anatomy in every order.
    await page.getByTestId('preset-abdomen').click();
    for (const view of ['axial', 'coronal'] as const) expect(await letters(view), `${view} letters of ${v.name}`).toEqual(EXPECTED_LETTERS[view]);
    seen[v.name] = { axial: await imageLayer('axial'), coronal: await imageLayer('coronal') };
    await page.screenshot({ path: `${SHOTS}/orientation-${v.name}.png` });
  }
  for (const v of VARIANTS.slice(1)) {
    expect(seen[v.name].axial === seen.lps.axial, `axial pixels of ${v.name}`).toBe(true);
    expect(seen[v.name].coronal === seen.lps.coronal, `coronal pixels of ${v.name}`).toBe(true);
  }
  expect(new Set(Object.values(seen).map((s) => s.axial)).size).toBe(1);
});

test('the readout and the brush address the voxel under the pointer in every voxel order', async () => {
  for (const v of VARIANTS) {
    await open(v.name);
    const voxel = reorderedVoxel(source, v.order, PROBE);
    for (const view of ['axial', 'coronal']) {
      const plane = (await page.getByTestId(`view-${view}`).getAttribute('data-plane')) as Orientation;
      const p = await slicePointOnPage(page, view, voxelToSlice(plane, voxel).point);
      await page.mouse.move(p.x, p.y);
      await expect(page.getByTestId('readout-voxel'), `${view} readout of ${v.name}`).toHaveText(`(${voxel.join(', ')})`);
      await expect(page.getByTestId('readout-value')).toHaveText(String(PROBE_VALUE));
    }
    // A one-voxel brush click on the axial view labels exactly that voxel (read back under the pointer).
    await page.keyboard.press('b');
    await page.getByTestId('brush-radius').fill('0');
    await page.getByTestId('brush-radius').blur();
    const p = await slicePointOnPage(page, 'axial', voxelToSlice('axial', voxel).point);
    await page.mouse.click(p.x, p.y);
    await expect(page.getByTestId('label-count-1')).toHaveText('1');
    await page.mouse.move(p.x, p.y + 1);
    await expect(page.getByTestId('readout-label')).toHaveText('label 1');
    await page.getByTestId('undo').click();
    await expect(page.getByTestId('label-count-1')).toHaveText('0');
  }
});
