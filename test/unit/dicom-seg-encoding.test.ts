// The small pieces of the DICOM SEG writer: decimal strings within DICOM's 16 characters, colours as
// dcmqi/Slicer encode them, and the algorithm type each label's provenance gives.
import { describe, expect, it } from 'vitest';
import { decimalString, encodeDataSet } from '../../src/core/dicom-seg/dicom-encoder';
import { dicomLabOf } from '../../src/core/dicom-seg/cielab';
import { algorithmTypes } from '../../src/core/dicom-seg/seg-export';
import { Provenance } from '../../src/shared/provenance';

describe('DICOM SEG encoding', () => {
  it('writes decimals in at most 16 characters, as precisely as fits', () => {
    for (const x of [0, 1.6, -0.742999970912933, 1.6000000238418579, 123456.789012345, -1e-12, 2.5e20, -235.2]) {
      const s = decimalString(x);
      expect(s.length).toBeLessThanOrEqual(16);
      expect(Math.abs(Number(s) - x)).toBeLessThanOrEqual(Math.abs(x) * 1e-12 + 1e-13);
    }
  });

  it('encodes the CIELab colour dcmqi wrote for Slicer\'s liver colour (221, 130, 101) within rounding', () => {
    const [l, a, b] = dicomLabOf('#dd8265');
    // pydicom's liver.dcm (written by dcmqi) holds 41661\41167\40792 for this colour.
    expect(Math.abs(l - 41661)).toBeLessThanOrEqual(3);
    expect(Math.abs(a - 41167)).toBeLessThanOrEqual(3);
    expect(Math.abs(b - 40792)).toBeLessThanOrEqual(3);
    expect(dicomLabOf('#ffffff')).toEqual([65535, 32896, 32896]);
  });

  it('pads values to even length: UIDs with NUL, text with a space, in ascending tag order', () => {
    const bytes = encodeDataSet({ SOPInstanceUID: '1.2.3', Modality: 'SEG', PatientName: 'Ab' });
    const text = Buffer.from(bytes).toString('latin1');
    // (0008,0018) < (0008,0060) < (0010,0010), whatever order the data set names them in.
    expect(text.indexOf('1.2.3\0')).toBeGreaterThan(-1);
    expect(text.indexOf('1.2.3\0')).toBeLessThan(text.indexOf('SEG '));
    expect(text.indexOf('SEG ')).toBeLessThan(text.indexOf('Ab'));
    expect(bytes.length % 2).toBe(0);
  });

  it('names the algorithm type from provenance: model only, person only, unknown, mixed, AI-assisted', () => {
    const labels = Uint8Array.of(1, 1, 2, 2, 3, 3, 4, 5, 0);
    const provenance = Uint8Array.of(Provenance.Model, Provenance.Model, Provenance.Human, Provenance.None, Provenance.Model, Provenance.Human, 3, Provenance.None, Provenance.Human);
    expect(Object.fromEntries(algorithmTypes(labels, provenance))).toEqual({ 1: 'AUTOMATIC', 2: 'MANUAL', 3: 'SEMIAUTOMATIC', 4: 'SEMIAUTOMATIC', 5: 'MANUAL' });
    expect(Object.fromEntries(algorithmTypes(labels, null))).toEqual({ 1: 'AUTOMATIC', 2: 'AUTOMATIC', 3: 'AUTOMATIC', 4: 'AUTOMATIC', 5: 'AUTOMATIC' });
  });
});
