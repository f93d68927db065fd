// The desktop app's page with its native dialogs (window.studioHost), in browser mode: Electron
// cannot be launched here, so the preload's dialogs are stood in for by a fake that records each
// call and answers what a user would pick. The engine behind the page is the real one (HTTP).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { closeImageIo, readImage, writeLabelmap } from '../../src/core/io';
import { appUrl, E2E_DATA } from './e2e-env';
import { phantom, writeTestImage } from './e2e-fixtures';

const folder = join(E2E_DATA, 'desktop');
const phantomPath = join(folder, 'desktop-phantom.nii.gz');
const maskPath = join(folder, 'desktop-phantom-seg.seg.nrrd');
const exportTarget = join(folder, 'chosen', 'picked-mask.nii.gz');
/** The mask: label 2 on the whole of slice 0 (64 × 64 voxels). */
const MASK_VOXELS = 64 * 64;

test.describe.configure({ mode: 'serial' });

let page: Page;

interface HostCall { method: string; arg: unknown }

test.beforeAll(async ({ browser }) => {
  mkdirSync(join(folder, 'chosen'), { recursive: true });
  const image = phantom();
  await writeTestImage(phantomPath, image);
  const labels = new Uint8Array(image.data.length);
  labels.fill(2, 0, MASK_VOXELS);
  await writeLabelmap(maskPath, labels, image, { segments: [{ value: 2, name: 'slice zero', color: '#22aa44' }] });
  page = await browser.newPage();
  // What the preload exposes, answering from a queue the test fills (null: the user cancelled).
  await page.addInitScript(() => {
    const w = window as unknown as { studioHost: unknown; hostCalls: HostCall[]; hostAnswers: (string | null)[] };
    w.hostCalls = [];
    w.hostAnswers = [];
    const answer = (method: string) => async (arg: unknown) => {
      w.hostCalls.push({ method, arg });
      return w.hostAnswers.shift() ?? null;
    };
    w.studioHost = { pickImage: answer('pickImage'), pickExportTarget: answer('pickExportTarget') };
  });
  await page.goto(appUrl());
  await expect(page.getByTestId('case-name')).toHaveText('abdomen-phantom.nii.gz');
});

test.afterAll(async () => {
  await page?.close();
  await closeImageIo();
});

async function answerNext(...answers: (string | null)[]): Promise<void> {
  await page.evaluate((a) => { (window as unknown as { hostAnswers: (string | null)[] }).hostAnswers.push(...a); }, answers);
}

async function takeCalls(): Promise<HostCall[]> {
  return page.evaluate(() => {
    const w = window as unknown as { hostCalls: HostCall[] };
    return w.hostCalls.splice(0);
  });
}

test('Open asks the native dialog and opens what the user picked; a cancelled dialog changes nothing', async () => {
  // A typed path would be refused by the desktop app: there is no way to type one.
  await expect(page.getByRole('button', { name: 'Open path…' })).toHaveCount(0);

  await answerNext(null);
  await page.getByTestId('open-file').click();
  await expect.poll(takeCalls).toEqual([{ method: 'pickImage', arg: 'file' }]);
  await expect(page.getByTestId('case-name')).toHaveText('abdomen-phantom.nii.gz');

  await answerNext(phantomPath);
  await page.getByTestId('open-file').click();
  await expect(page.getByTestId('case-name')).toHaveText('desktop-phantom.nii.gz');
  await expect(page.getByTestId('case-info')).toContainText('64 × 64 × 12');
  expect(await takeCalls()).toEqual([{ method: 'pickImage', arg: 'file' }]);

  await answerNext(null);
  await page.getByTestId('open-folder').click();
  await expect.poll(takeCalls).toEqual([{ method: 'pickImage', arg: 'folder' }]);
});

test('Load mask asks the native open dialog, and Export writes where the save dialog picked', async () => {
  await answerNext(maskPath);
  await page.getByTestId('load-mask').click();
  await expect(page.getByTestId('label-count-2')).toHaveText(String(MASK_VOXELS));
  await expect(page.getByLabel('Name of label 2')).toHaveValue('slice zero');
  expect(await takeCalls()).toEqual([{ method: 'pickImage', arg: 'file' }]);

  await page.getByTestId('export').click();
  // The desktop page cannot name a file itself: no path field, the save dialog chooses.
  await expect(page.getByTestId('export-path')).toHaveCount(0);
  await answerNext(null);
  await page.getByTestId('export-save-as').click();
  await expect.poll(takeCalls).toEqual([{ method: 'pickExportTarget', arg: 'desktop-phantom-mask.nii.gz' }]);
  await expect(page.getByTestId('export-written')).toHaveCount(0);

  await answerNext(exportTarget);
  await page.getByTestId('export-save-as').click();
  await expect(page.getByTestId('export-written')).toContainText(exportTarget);
  await expect(page.getByTestId('export-written')).toContainText('picked-mask.labels.json');
  expect(await takeCalls()).toEqual([{ method: 'pickExportTarget', arg: 'desktop-phantom-mask.nii.gz' }]);
  const mask = await readImage(exportTarget);
  expect(Array.from(mask.data).filter((v) => v === 2).length).toBe(MASK_VOXELS);

  // Export without a dialog goes to the workspace's exports folder, not to the last file picked.
  await page.getByTestId('export-run').click();
  await expect(page.getByTestId('export-written')).toContainText('exports');
  await expect(page.getByTestId('export-written')).not.toContainText(exportTarget);

  // DICOM SEG: the dialog is asked for a .dcm name.
  await page.getByTestId('export-dicom-seg').click();
  await answerNext(null);
  await page.getByTestId('export-save-as').click();
  await expect.poll(takeCalls).toEqual([{ method: 'pickExportTarget', arg: 'desktop-phantom-seg.dcm' }]);
});
