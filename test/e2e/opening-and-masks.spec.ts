// Opening and masks in browser mode: a folder of several DICOM series asks which to open and shows
// files read / total while it opens; an opening can be cancelled; an existing mask is loaded onto
// the case (one undo step, its names and colours; another grid refused with the reason); an export
// is downloaded by the browser with its label names and colours beside it.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Download, type Page } from '@playwright/test';
import { closeImageIo, readImage, writeLabelmap } from '../../src/core/io';
import { sameGeometry } from '../../src/shared/geometry';
import { appUrl, E2E_DATA } from './e2e-env';
import { CUBE, PHANTOM_SIZE, phantom, writeTestImage } from './e2e-fixtures';
import { defaultSeriesSpec, HAS_DCMTK, makeDicomSeries } from '../fixtures/dicom';

const root = join(E2E_DATA, 'opening-and-masks');
const study = join(root, 'study');
const phantomPath = join(root, 'masked-phantom.nii.gz');
const maskPath = join(root, 'masked-phantom-tumour.seg.nrrd');
const otherGridMask = join(root, 'other-grid-mask.nii.gz');
const ARTERIAL = '1.2.826.0.1.3680043.2.1125.9999.72';
/** Label 1 of the mask: the phantom's cube on slices 3..5 only (20·20·3 voxels). */
const MASK_VOXELS = 1200;

let page: Page;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser }) => {
  mkdirSync(root, { recursive: true });
  if (HAS_DCMTK) {
    const extra = ['(0008,1030) LO [CT abdomen]'];
    makeDicomSeries(join(study, 'venous'), defaultSeriesSpec({ slices: 10, seriesUid: '1.2.826.0.1.3680043.2.1125.9999.71', seriesNumber: 3, seriesDescription: 'Portal venous', patientName: 'DOE^JANE', extra }));
    makeDicomSeries(join(study, 'arterial'), defaultSeriesSpec({ slices: 6, seriesUid: ARTERIAL, seriesNumber: 2, seriesDescription: 'Arterial', patientName: 'DOE^JANE', extra }));
  }
  const image = phantom();
  await writeTestImage(phantomPath, image);
  const [nx, ny] = PHANTOM_SIZE;
  const labels = new Uint8Array(image.data.length);
  for (let k = 3; k < 6; k++) for (let j = CUBE.j0; j < CUBE.j1; j++) for (let i = CUBE.i0; i < CUBE.i1; i++) labels[i + nx * (j + ny * k)] = 1;
  await writeLabelmap(maskPath, labels, image, { segments: [{ value: 1, name: 'tumour', color: '#ff8800' }] });
  await writeLabelmap(otherGridMask, new Uint8Array(32 * 32 * 12), { ...image, size: [32, 32, 12] });
  page = await browser.newPage();
  await page.goto(appUrl());
  await expect(page.getByTestId('case-name')).toHaveText('abdomen-phantom.nii.gz');
});

test.afterAll(async () => {
  await page?.close();
  await closeImageIo();
});

const notices = () => page.getByTestId('notice');

async function openByPath(path: string): Promise<void> {
  if (!(await page.getByTestId('open-path').isVisible())) await page.getByRole('button', { name: 'Open path…' }).click();
  await page.getByTestId('open-path').fill(path);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
}

/** Every text the opening bar shows from now on, sampled each frame (an opening can take a fraction of a second). */
async function recordOpeningTexts(): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const seen = new Set<string>();
    (window as unknown as { openingTexts: Set<string> }).openingTexts = seen;
    const sample = () => {
      const bar = document.querySelector('[data-testid="open-progress"]');
      if (bar) seen.add(`${bar.textContent?.trim()}${bar.querySelector('progress') ? ' [bar]' : ''}`);
      requestAnimationFrame(sample);
    };
    sample();
  });
  return () => page.evaluate(() => [...(window as unknown as { openingTexts: Set<string> }).openingTexts]);
}

test('a folder of several series asks which to open, and the opening shows files read / total', async () => {
  test.skip(!HAS_DCMTK, 'needs DCMTK (dump2dcm) to make the series');
  await openByPath(study);
  const picker = page.getByTestId('series-picker');
  await expect(picker).toBeVisible();
  await expect(picker.getByTestId('series-row')).toHaveCount(2);
  await expect(picker.getByTestId('series-row').first()).toContainText('Portal venous');
  await expect(picker.getByTestId('series-row').nth(1)).toContainText('Arterial');
  await expect(picker.getByTestId('series-row').nth(1)).toContainText('DOE, JANE');

  const texts = await recordOpeningTexts();
  await picker.getByTestId('series-open-2').click();
  await expect(picker).toHaveCount(0);
  await expect(page.getByTestId('case-name')).toContainText('Arterial');
  await expect(page.getByTestId('case-info')).toContainText('24 × 32 × 6');
  const seen = await texts();
  // The folder's files are scanned (quick: often inside one frame), then the chosen series' 6 decoded.
  expect(seen.some((t) => /Decoding study: \d \/ 6 files/.test(t) && t.includes('[bar]')), seen.join(' | ')).toBe(true);
});

test('an opening can be cancelled, and the case on screen stays', async () => {
  test.skip(!HAS_DCMTK, 'needs DCMTK (dump2dcm) to make the series');
  const before = await page.getByTestId('case-name').textContent();
  // The engine's answer is held until the page has asked to cancel, so the click always comes
  // first however fast the engine is; the page must then not switch to the case it answers with.
  let cancelAsked!: () => void;
  const cancelled = new Promise<void>((resolve) => { cancelAsked = resolve; });
  page.on('request', (r) => { if (r.url().endsWith('/api/cancelJob')) cancelAsked(); });
  await page.route('**/api/openCase', async (route) => {
    const response = await route.fetch();
    await cancelled;
    await route.fulfill({ response });
  });
  await openByPath(join(study, 'venous'));
  await page.getByTestId('open-cancel').click();
  await expect(notices().filter({ hasText: 'was cancelled' })).toHaveCount(1);
  await expect(page.getByTestId('open-progress')).toHaveCount(0);
  await page.waitForTimeout(500); // the held answer arrives now
  await expect(page.getByTestId('case-name')).toHaveText(before!);
  await expect(notices().filter({ hasText: 'Could not open' })).toHaveCount(0);
  await page.unroute('**/api/openCase');
});

test('Load mask puts a mask on the case as one undo step with its names; a mask on another grid is refused with the reason', async () => {
  await openByPath(phantomPath);
  await expect(page.getByTestId('case-name')).toHaveText('masked-phantom.nii.gz');
  await expect(page.getByTestId('label-count-1')).toHaveText('0');

  await page.getByTestId('load-mask').click();
  await page.getByTestId('load-mask-path').fill(otherGridMask);
  await page.getByTestId('load-mask-run').click();
  await expect(notices().filter({ hasText: 'grid is 32×32×12 voxels' })).toHaveCount(1);
  await expect(page.getByTestId('label-count-1')).toHaveText('0');

  await page.getByTestId('load-mask-path').fill(maskPath);
  await page.getByTestId('load-mask-run').click();
  await expect(page.getByTestId('load-mask-dialog')).toHaveCount(0);
  await expect(page.getByTestId('label-count-1')).toHaveText(String(MASK_VOXELS));
  await expect(page.getByLabel('Name of label 1')).toHaveValue('tumour');
  await expect(page.getByLabel('Colour of tumour')).toHaveValue('#ff8800');
  await expect(page.getByTestId('undo')).toHaveAttribute('title', /Load mask/);
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('label-count-1')).toHaveText('0');
  await page.getByTestId('redo').click();
  await expect(page.getByTestId('label-count-1')).toHaveText(String(MASK_VOXELS));
});

test('Export downloads the mask through the browser, with its label names and colours', async () => {
  await page.getByLabel('Name of label 1').fill('lesion');
  await page.getByLabel('Name of label 1').blur();
  const downloads: Download[] = [];
  page.on('download', (d) => downloads.push(d));
  await page.getByTestId('export').click();
  await page.getByTestId('export-download').click();
  await expect(page.getByTestId('export-written')).toContainText('downloaded');
  await expect.poll(() => downloads.length).toBe(2);

  const saved = new Map<string, string>();
  for (const d of downloads) {
    const to = join(root, 'downloads', d.suggestedFilename());
    await d.saveAs(to);
    saved.set(d.suggestedFilename(), to);
  }
  expect([...saved.keys()].sort()).toEqual(['masked-phantom-mask.labels.json', 'masked-phantom-mask.nii.gz']);
  const mask = await readImage(saved.get('masked-phantom-mask.nii.gz')!);
  expect(sameGeometry(mask, phantom())).toBe(true);
  expect(Array.from(mask.data).filter((v) => v === 1).length).toBe(MASK_VOXELS);
  const sidecar = JSON.parse(readFileSync(saved.get('masked-phantom-mask.labels.json')!, 'utf8'));
  expect(sidecar.labels).toEqual([{ value: 1, name: 'lesion', color: '#ff8800' }]);
  await page.getByTestId('export-dialog').getByRole('button', { name: 'Close' }).click();
});
