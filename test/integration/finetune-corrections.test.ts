// What fine-tuning learns from: slices the user corrected, by hand or with AI clicks, are drawn
// more often than slices accepted as the model proposed them.
import { expect, test } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStudio } from '../../src/core/studio';
import { writeImage } from '../../src/core/io';
import { CaseStore } from '../../src/core/workspace/case-store';
import { HUMAN_EDITED_SLICE_WEIGHT, writeFinetuneDataset } from '../../src/core/training/finetune-dataset';
import { Provenance } from '../../src/shared/provenance';
import { obliqueVolume } from '../fixtures/volumes';
import { testManifest } from '../fixtures/onnx-builder';

test('AI-clicks voxels count as corrections in the fine-tune dataset, like hand edits', async () => {
  const home = mkdtempSync(join(tmpdir(), 'medseg-corrections-'));
  const workspace = join(home, 'workspace');
  const studio = createStudio({ workspace, models: { user: join(home, 'models'), shipped: join(home, 'none') } });
  const size: [number, number, number] = [8, 6, 4];
  const plane = 8 * 6;
  for (const name of ['a', 'b']) {
    const file = join(home, `${name}.nii.gz`);
    await writeImage(file, obliqueVolume({ size }));
    const { summary } = await studio.openCase({ path: file });
    const labelmap = new Uint8Array(plane * 4).fill(1, 0, plane * 4);
    // Slice 0 corrected by hand, slice 1 with AI clicks, slice 2 as the model proposed, slice 3 untouched.
    const provenance = new Uint8Array(plane * 4);
    provenance[5] = Provenance.Human;
    provenance[plane + 7] = Provenance.Interactive;
    provenance.fill(Provenance.Model, 2 * plane, 3 * plane);
    await studio.saveCase({ caseId: summary.id, labelmap, provenance, labels: [{ value: 1, name: 'liver', color: '#d95f02' }] });
    await studio.reviewCase({ caseId: summary.id, reviewed: true });
  }
  const dataset = await writeFinetuneDataset(join(home, 'dataset'), new CaseStore(workspace), testManifest({ id: 'any' }));
  const spec = JSON.parse(readFileSync(dataset.file, 'utf8'));
  const trained = spec.cases.find((c: { split: string }) => c.split === 'train');
  expect(trained.sliceWeights).toEqual([HUMAN_EDITED_SLICE_WEIGHT, HUMAN_EDITED_SLICE_WEIGHT, 1, 1]);
  expect(dataset.editedSlices).toBe(2);
  // A 2.5D model (3 slices × 1 image channel) learns from the same one-component volumes.
  const twoAndAHalfD = testManifest({ id: 'any', input: { channels: 3, sizeMultiple: 1, layout: 'NCHW', adjacentSlices: 1 }, preprocessing: { scale: 1, mean: [0, 0, 0], std: [1, 1, 1] } });
  const stacked = await writeFinetuneDataset(join(home, 'dataset-2.5d'), new CaseStore(workspace), twoAndAHalfD);
  expect([stacked.trainCases.length, stacked.heldOutCases.length]).toEqual([1, 1]);
});
