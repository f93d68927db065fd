// Load mask… with a DICOM SEG: a SEG written for a case's series (segments on some slices only)
// opens back onto the case voxel for voxel with its segment names and colours, so a SEG made here
// or in Slicer/OHIF can be corrected.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStudio } from '../../src/core/studio';
import { closeImageIo } from '../../src/core/io';
import { Provenance } from '../../src/shared/provenance';
import { HAS_DCMTK, defaultSeriesSpec, makeDicomSeries } from '../fixtures/dicom';

const home = mkdtempSync(join(tmpdir(), 'medseg-load-seg-'));
const studio = createStudio({ workspace: join(home, 'workspace'), models: { user: join(home, 'models') } });
const LABELS = [{ value: 1, name: 'liver', color: '#d95f02' }, { value: 3, name: 'lesion', color: '#1b9e77' }];

afterAll(async () => {
  await closeImageIo();
  rmSync(home, { recursive: true, force: true });
});

describe.skipIf(!HAS_DCMTK)('loading a DICOM SEG onto a case', () => {
  it('gives back the exported labelmap voxel for voxel, with the segment names and colours', async () => {
    const series = join(home, 'series');
    makeDicomSeries(series, defaultSeriesSpec({ slices: 7 }));
    const opened = await studio.openCase({ path: series });
    const [nx, ny, nz] = opened.image.size;
    const labelmap = new Uint8Array(nx * ny * nz);
    for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
      const n = i + nx * (j + ny * k);
      if ((i - 12) ** 2 + (j - 14) ** 2 < 40 && k >= 2 && k <= 4) labelmap[n] = 1;
      if (i < 5 && j < 6 && k === 5) labelmap[n] = 3;
    }
    const out = join(home, 'case-seg.dcm');
    await studio.exportDicomSeg({ caseId: opened.summary.id, labelmap, provenance: labelmap.map((v) => (v ? Provenance.Human : 0)), labels: LABELS, out });

    // A SEG stores segment numbers, not our label values: a case that knows the names gets its own values back.
    await studio.saveCase({ caseId: opened.summary.id, labelmap: new Uint8Array(labelmap.length), provenance: new Uint8Array(labelmap.length), labels: LABELS });
    const loaded = await studio.loadMask({ caseId: opened.summary.id, mask: out });
    expect(Array.from(loaded.labelmap)).toEqual(Array.from(labelmap));
    expect(loaded.labels).toEqual(LABELS);
    expect(loaded.counts).toEqual({ 1: labelmap.filter((v) => v === 1).length, 3: 30 });
  });
});
