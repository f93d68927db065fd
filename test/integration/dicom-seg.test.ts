// DICOM SEG export of a generated (dcmtk) oblique CT series, checked three independent ways: dicom3tools'
// dciodvfy validates it, pydicom reads it back voxel for voxel with its references, and dcmqi (our
// reader) lays it back onto the series. Also: `medseg segment … --out mask.dcm`, stats with the
// SEG's names, and the real 3D-IRCADb series at full size when ../shared/data is present.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStudio } from '../../src/core/studio';
import { closeImageIo, readImage, writeImage } from '../../src/core/io';
import { readMaskOnGrid } from '../../src/core/masks/evaluate-files';
import { readDicomSegOnGrid } from '../../src/core/dicom-seg/seg-read';
import { writeDicomSeg } from '../../src/core/dicom-seg/seg-export';
import { dicomLabOf } from '../../src/core/dicom-seg/cielab';
import { Provenance } from '../../src/shared/provenance';
import type { LabelDefinition } from '../../src/shared/manifest';
import { HAS_DCMTK, cross, defaultSeriesSpec, makeDicomSeries } from '../fixtures/dicom';
import { testManifest, writeConvModel } from '../fixtures/onnx-builder';
import { PYTHON, hasCommand, hasPythonModules, required } from '../fixtures/external-checkers';

const HAS_PYDICOM = required('pydicom and numpy', 'python3-pydicom', hasPythonModules(['pydicom', 'numpy']));
const HAS_DCIODVFY = required('dciodvfy', 'dicom3tools', hasCommand('dciodvfy', ['-h']));
const P17 = join(__dirname, '..', '..', '..', 'shared', 'data', '3dircadb-p17');
const ENHANCED_CT = join(P17, '..', 'dicom-edge-cases', 'eCT_Supplemental.dcm');

const home = mkdtempSync(join(tmpdir(), 'medseg-seg-'));
const models = join(home, 'models');
const studio = createStudio({ workspace: join(home, 'workspace'), models: { shipped: models, user: join(home, 'user-models') } });
const series = join(home, 'series');
const spec = defaultSeriesSpec({ slices: 9 });
const LABELS: LabelDefinition[] = [
  { value: 1, name: 'liver', color: '#d95f02' }, { value: 2, name: 'Läsion “A”', color: '#1b9e77' }, { value: 4, name: 'vessel', color: '#7570b3' },
];

/** Errors dciodvfy reports (warnings about the DICOMDIR-only attributes are not errors). */
function validatorErrors(file: string): string[] {
  const r = spawnSync('dciodvfy', [file], { encoding: 'utf8' });
  return `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => /^Error/i.test(l.trim()));
}

// pydicom's reading: the segments, and for every frame its segment, source instance, position and set pixels.
const PYDICOM_READ = `
import sys, json, numpy as np, pydicom
ds = pydicom.dcmread(sys.argv[1])
bits = np.unpackbits(np.frombuffer(ds.PixelData, np.uint8), bitorder='little')[: ds.NumberOfFrames * ds.Rows * ds.Columns]
frames = bits.reshape(ds.NumberOfFrames, ds.Rows * ds.Columns)
out = {"segments": [{"number": s.SegmentNumber, "label": s.SegmentLabel, "type": s.SegmentAlgorithmType,
    "name": getattr(s, "SegmentAlgorithmName", None), "lab": list(s.RecommendedDisplayCIELabValue)} for s in ds.SegmentSequence],
  "study": ds.StudyInstanceUID, "patient": str(ds.PatientName), "patientId": ds.PatientID, "frameOfReference": ds.FrameOfReferenceUID,
  "referencedSeries": ds.ReferencedSeriesSequence[0].SeriesInstanceUID,
  "referencedInstances": [r.ReferencedSOPInstanceUID for r in ds.ReferencedSeriesSequence[0].ReferencedInstanceSequence],
  "rows": ds.Rows, "columns": ds.Columns, "frames": []}
for n, f in enumerate(ds.PerFrameFunctionalGroupsSequence):
    out["frames"].append({"segment": f.SegmentIdentificationSequence[0].ReferencedSegmentNumber,
      "source": f.DerivationImageSequence[0].SourceImageSequence[0].ReferencedSOPInstanceUID,
      "position": [float(x) for x in f.PlanePositionSequence[0].ImagePositionPatient], "pixels": np.flatnonzero(frames[n]).tolist()})
print(json.dumps(out))
`;

let labelmap: Uint8Array;
let provenance: Uint8Array;
let caseId: string;

beforeAll(async () => {
  if (!HAS_DCMTK) return;
  makeDicomSeries(series, spec);
  const opened = await studio.openCase({ path: series });
  caseId = opened.summary.id;
  const [nx, ny, nz] = opened.image.size;
  labelmap = new Uint8Array(nx * ny * nz);
  provenance = new Uint8Array(labelmap.length);
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
    const n = i + nx * (j + ny * k);
    // liver by the model; the lesion by hand, with a gap (slice 4 empty); the vessel model + hand.
    if ((i - 12) ** 2 + (j - 14) ** 2 < 40 && k >= 1 && k <= 7) { labelmap[n] = 1; provenance[n] = Provenance.Model; }
    if (i < 5 && j < 6 && (k === 2 || k === 3 || k === 5)) { labelmap[n] = 2; provenance[n] = Provenance.Human; }
    if (i === 20 && k >= 6) { labelmap[n] = 4; provenance[n] = j % 2 ? Provenance.Model : Provenance.Human; }
  }
});

afterAll(async () => {
  await closeImageIo();
  rmSync(home, { recursive: true, force: true });
});

describe.skipIf(!HAS_DCMTK)('DICOM SEG', () => {
  it('exports a case as a SEG that dciodvfy accepts and pydicom reads back voxel for voxel with its references', async () => {
    const out = join(home, 'case-seg.dcm');
    const result = await studio.exportDicomSeg({ caseId, labelmap, provenance, labels: LABELS, out });
    expect(result.segments).toEqual([
      { value: 1, name: 'liver', algorithmType: 'AUTOMATIC' }, { value: 2, name: 'Läsion “A”', algorithmType: 'MANUAL' },
      { value: 4, name: 'vessel', algorithmType: 'SEMIAUTOMATIC' },
    ]);
    expect(result.frames).toBe(7 + 3 + 3);
    if (HAS_DCIODVFY) expect(validatorErrors(out)).toEqual([]);
    if (!HAS_PYDICOM) return;
    const r = spawnSync(PYTHON, ['-c', PYDICOM_READ, out], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const seg = JSON.parse(r.stdout);
    expect(seg.segments.map((s: { label: string; type: string }) => [s.label, s.type])).toEqual([['liver', 'AUTOMATIC'], ['Läsion “A”', 'MANUAL'], ['vessel', 'SEMIAUTOMATIC']]);
    expect(seg.segments[0].lab).toEqual(dicomLabOf('#d95f02'));
    expect([seg.study, seg.patient, seg.patientId, seg.frameOfReference]).toEqual(['1.2.826.0.1.3680043.2.1125.9999', 'Synthetic^Phantom', 'SYN001', '1.2.826.0.1.3680043.2.1125.9999.2']);
    expect(seg.referencedSeries).toBe(spec.seriesUid);
    expect(seg.referencedInstances.sort()).toEqual([...Array(9).keys()].map((k) => `${spec.seriesUid}.${k + 1}`).sort());
    expect([seg.rows, seg.columns]).toEqual([spec.rows, spec.columns]);
    // Rebuild the labelmap from the frames alone: source instance → slice, segment → label.
    const rebuilt = new Uint8Array(labelmap.length);
    const plane = spec.rows * spec.columns;
    const normal = cross(spec.rowDirection, spec.columnDirection);
    for (const frame of seg.frames) {
      const k = Number(frame.source.split('.').pop()) - 1;
      spec.origin.forEach((o, a) => expect(frame.position[a]).toBeCloseTo(o + k * spec.sliceStep * normal[a], 5));
      for (const p of frame.pixels) rebuilt[k * plane + p] = LABELS[frame.segment - 1].value;
    }
    expect(rebuilt).toEqual(labelmap);
  });

  it('reads a SEG back onto its series with dcmqi: same voxels, names and colours; stats use the names', async () => {
    const out = join(home, 'back.dcm');
    await studio.exportDicomSeg({ caseId, labelmap, provenance, labels: LABELS, out });
    const opened = await studio.openCase({ path: series });
    // Onto a case that knows the labels: matched by name, so every value comes back.
    const back = await readDicomSegOnGrid(out, opened.image, LABELS);
    expect(back.labelmap).toEqual(labelmap);
    expect(back.labels).toEqual(LABELS);
    // Without known labels a segment's value is its number (DICOM numbers segments 1, 2, 3…).
    const bySegmentNumber = labelmap.map((v) => (v === 4 ? 3 : v));
    expect(await readMaskOnGrid(out, opened.image)).toEqual(bySegmentNumber);
    const stats = await studio.maskStatistics({ mask: out, input: series });
    expect(stats.labels.map((s) => [s.value, s.name, s.voxels])).toEqual(LABELS.map((l, n) => [n + 1, l.name, labelmap.filter((v) => v === l.value).length]));
    expect(stats.intensityUnit).toBe('HU');
  });

  it('medseg segment … --out mask.dcm writes a SEG of automatic segments; a NIfTI case cannot be exported as SEG', async () => {
    mkdirSync(models, { recursive: true });
    // Foreground where HU > −900: part of the fixture's stored-value pattern.
    writeConvModel(join(models, 'bright.onnx'), { weights: [[1]], bias: [900], manifest: testManifest({ id: 'bright', output: { activation: 'sigmoid', threshold: 0.5, labels: [{ value: 1, name: 'bright', color: '#ff0000' }] } }) });
    const out = join(home, 'auto.dcm');
    const result = await studio.segment({ input: series, model: 'bright', out });
    expect(result.out).toBe(out);
    if (HAS_DCIODVFY) expect(validatorErrors(out)).toEqual([]);
    const opened = await studio.openCase({ path: series });
    const back = await readDicomSegOnGrid(out, opened.image, []);
    expect(back.labels.map((l) => l.name)).toEqual(['bright']);
    expect(back.labelmap.filter((v) => v === 1).length).toBe(result.labels.bright);
    await writeImage(join(home, 'vol.nii.gz'), { ...opened.image, data: opened.image.data });
    const nifti = await studio.openCase({ path: join(home, 'vol.nii.gz') });
    await expect(studio.exportDicomSeg({ caseId: nifti.summary.id, labelmap, provenance, labels: LABELS, out: join(home, 'x.dcm') }))
      .rejects.toThrow(/needs a case opened from DICOM/);
    await expect(studio.exportDicomSeg({ caseId, labelmap: new Uint8Array(labelmap.length), provenance, labels: LABELS, out: join(home, 'y.dcm') }))
      .rejects.toThrow(/mask is empty/);
    expect(existsSync(join(home, 'y.dcm'))).toBe(false);
  });
});

describe.skipIf(!existsSync(P17))('DICOM SEG on real series: 3D-IRCADb p17 (512×512×119), an enhanced multi-frame CT', () => {
  it('exports the liver and tumour truth as a SEG that dciodvfy accepts and that reads back exactly', async () => {
    const ct = join(P17, 'ct-dicom');
    const image = await readImage(ct);
    const truth = await readMaskOnGrid(join(P17, 'label_liver1_tumour2.nii.gz'), image);
    const labels = [{ value: 1, name: 'liver', color: '#dd8265' }, { value: 2, name: 'liver tumour', color: '#80ae80' }];
    const out = join(home, 'p17.dcm');
    const result = await writeDicomSeg({ out, labelmap: truth, provenance: new Uint8Array(truth.length).fill(Provenance.Human), image, labels, model: null });
    expect(result.segments.map((s) => s.algorithmType)).toEqual(['MANUAL', 'MANUAL']);
    if (HAS_DCIODVFY) expect(validatorErrors(out)).toEqual([]);
    const stats = await studio.maskStatistics({ mask: out, input: ct });
    expect(stats.labels.map((s) => [s.name, s.voxels])).toEqual([['liver', truth.filter((v) => v === 1).length], ['liver tumour', truth.filter((v) => v === 2).length]]);
  });

  it.skipIf(!existsSync(ENHANCED_CT))('a multi-frame (enhanced CT) source: each frame of the SEG refers to its source frame', async () => {
    const image = await readImage(ENHANCED_CT);
    const labelmap = new Uint8Array(image.size[0] * image.size[1] * image.size[2]).map((_, n) => (n % 11 === 0 ? 1 : 0));
    const out = join(home, 'enhanced.dcm');
    await writeDicomSeg({ out, labelmap, provenance: null, image, labels: [{ value: 1, name: 'dots', color: '#ffffff' }], model: 'test' });
    if (HAS_DCIODVFY) expect(validatorErrors(out)).toEqual([]);
    expect((await readDicomSegOnGrid(out, image, [{ value: 1, name: 'dots', color: '#ffffff' }])).labelmap).toEqual(labelmap);
    if (!HAS_PYDICOM) return;
    const frames = spawnSync(PYTHON, ['-c', 'import sys, pydicom; ds = pydicom.dcmread(sys.argv[1]); print([int(f.DerivationImageSequence[0].SourceImageSequence[0].ReferencedFrameNumber) for f in ds.PerFrameFunctionalGroupsSequence])', out], { encoding: 'utf8' });
    expect(frames.stdout.trim()).toBe('[1, 2]');
  });
});
