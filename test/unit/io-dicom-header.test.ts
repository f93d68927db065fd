import { describe, expect, it } from 'vitest';
import { parseDicomHeader } from '../../src/core/io/dicom-header';
import { TS, dicomTextDecoder } from '../../src/core/io/dicom-dictionary';
import { personNameForDisplay } from '../../src/shared/dicom';
import { withPart10Preamble } from '../../src/core/io/dicom-part10';
import { encodeElements, imageDataSet, part10, TS_EXPLICIT_BE, TS_EXPLICIT_LE, TS_IMPLICIT_LE, type El } from '../fixtures/dicom-bytes';

const parse = (bytes: Uint8Array, prefix?: number) => parseDicomHeader(bytes, prefix);

const sequence: El = {
  group: 0x0008, element: 0x1140, vr: 'SQ', undefinedLength: true,
  value: [[{ group: 0x0008, element: 0x1150, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.2' }], [{ group: 0x0008, element: 0x1155, vr: 'UI', value: '1.2.9' }]],
};

describe('DICOM header parser', () => {
  for (const [name, ts] of [['explicit LE', TS_EXPLICIT_LE], ['implicit LE', TS_IMPLICIT_LE], ['explicit BE', TS_EXPLICIT_BE]] as const) {
    it(`reads the tags it needs (${name}), walking sequences of undefined length`, () => {
      const h = parse(part10(imageDataSet(4, 3, [sequence]), ts));
      expect(h).not.toBeNull();
      expect(h!.transferSyntax).toBe(ts);
      expect(h!.hasPreamble).toBe(true);
      expect(h!.modality).toBe('CT');
      expect(h!.seriesUid).toBe('1.2.3.4');
      expect(h!.imagePosition).toEqual([-10, 20.5, 3]);
      expect(h!.imageOrientation).toEqual([1, 0, 0, 0, 1, 0]);
      expect([h!.rows, h!.columns, h!.bitsAllocated]).toEqual([4, 3, 16]);
      expect(h!.pixelData?.length).toBe(24);
      expect(h!.problem).toBeUndefined();
    });
  }

  it('reads more than the first prefix when the header is long', () => {
    const long: El = { group: 0x0008, element: 0x0100, vr: 'LT', value: 'x'.repeat(3000) };
    const h = parse(part10(imageDataSet(4, 3, [long]), TS_EXPLICIT_LE), 512);
    expect(h?.rows).toBe(4);
    expect(h?.problem).toBeUndefined();
  });

  it('answers null for bytes that are not DICOM', () => {
    expect(parse(new TextEncoder().encode('hello, this is a text file\n'.repeat(20)))).toBeNull();
    expect(parse(new Uint8Array(1000))).toBeNull();
    expect(parse(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBeNull();
  });

  it('recognises a bare data set (no preamble) in either VR encoding', () => {
    for (const explicit of [true, false]) {
      const bytes = encodeElements(imageDataSet(), { explicit, little: true });
      const h = parse(bytes);
      expect(h?.hasPreamble).toBe(false);
      expect(h?.transferSyntax).toBe(explicit ? TS.explicitLE : TS.implicitLE);
      expect(h?.rows).toBe(4);
    }
  });

  it('flags truncated pixel data and pixel data shorter than the image', () => {
    const whole = part10(imageDataSet(), TS_EXPLICIT_LE);
    expect(parse(whole.subarray(0, whole.length - 5))?.problem).toMatch(/truncated/);
    const short = imageDataSet(40, 30); // claims 40×30 but carries 4×3 pixels
    short[short.length - 1] = { ...short[short.length - 1], value: new Uint8Array(24) };
    expect(parse(part10(short, TS_EXPLICIT_LE))?.problem).toMatch(/truncated/);
  });

  it('flags a file cut inside its header', () => {
    const whole = part10(imageDataSet(4, 3, [sequence]), TS_EXPLICIT_LE);
    const h = parse(whole.subarray(0, 200));
    expect(h?.problem).toMatch(/ends in the middle|truncated/);
  });

  it('reports a data set without pixel data', () => {
    const h = parse(part10(imageDataSet().slice(0, 3), TS_EXPLICIT_LE));
    expect(h?.modality).toBe('CT');
    expect(h?.pixelData).toBeUndefined();
    expect(h?.problem).toBeUndefined();
  });

  it('checks encapsulated (compressed) pixel data fragment by fragment', () => {
    const fragments = new Uint8Array([
      0xfe, 0xff, 0x00, 0xe0, 0, 0, 0, 0, // empty basic offset table
      0xfe, 0xff, 0x00, 0xe0, 4, 0, 0, 0, 1, 2, 3, 4, // one fragment
      0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0, // sequence delimiter
    ]);
    const ds = imageDataSet();
    const head = encodeElements(ds.slice(0, -1), { explicit: true, little: true });
    const pixelTag = new Uint8Array([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42, 0, 0, 0xff, 0xff, 0xff, 0xff]);
    const meta = part10([], '1.2.840.10008.1.2.4.70');
    const file = new Uint8Array([...meta, ...head, ...pixelTag, ...fragments]);
    const h = parse(file);
    expect(h?.pixelData?.length).toBe(-1);
    expect(h?.problem).toBeUndefined();
    expect(parse(file.subarray(0, file.length - 10))?.problem).toMatch(/compressed pixel data is truncated/);
  });

  it('gives a bare data set a preamble and meta group that parse back', () => {
    const bare = encodeElements(imageDataSet(), { explicit: false, little: true });
    const h = parse(bare)!;
    const fixed = withPart10Preamble(bare, h);
    const again = parse(fixed);
    expect(again?.hasPreamble).toBe(true);
    expect(again?.transferSyntax).toBe(TS.implicitLE);
    expect(again?.sopClassUid).toBe('1.2.840.10008.5.1.4.1.1.2');
    expect(again?.rows).toBe(4);
  });

  it('reads the metadata a case and a DICOM SEG need, text in the file\'s character set', () => {
    const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
    const tags = (charset: string, name: Uint8Array): El[] => [
      { group: 0x0008, element: 0x0005, vr: 'CS', value: charset },
      { group: 0x0008, element: 0x0020, vr: 'DA', value: '20240131' },
      { group: 0x0008, element: 0x1030, vr: 'LO', value: 'Abdomen ' },
      { group: 0x0010, element: 0x0010, vr: 'PN', value: name.length % 2 ? new Uint8Array([...name, 0x20]) : name },
      { group: 0x0010, element: 0x0020, vr: 'LO', value: 'ID-7' },
      { group: 0x0010, element: 0x0040, vr: 'CS', value: 'm' },
      { group: 0x0020, element: 0x0052, vr: 'UI', value: '1.2.3.9' },
    ];
    const read = (charset: string, name: Uint8Array) => parse(part10(imageDataSet(4, 3, tags(charset, name)), TS_EXPLICIT_LE))!;
    const h = read('ISO_IR 100', latin1('M\xfcller^J\xfcrgen'));
    expect([h.patientName, h.patientId, h.patientSex, h.studyDate, h.studyDescription, h.frameOfReferenceUid])
      .toEqual(['Müller^Jürgen', 'ID-7', 'M', '20240131', 'Abdomen', '1.2.3.9']);
    expect(read('ISO_IR 192', new TextEncoder().encode('Иванов^Иван')).patientName).toBe('Иванов^Иван');
    expect(read('ISO_IR 144', new Uint8Array([0xb8, 0xd2, 0xd0, 0xdd, 0xde, 0xd2])).patientName).toBe('Иванов');
    // No character set: Latin-1, never a decoding error.
    expect(dicomTextDecoder(undefined)(new Uint8Array([0x41, 0xe9]))).toBe('Aé');
    expect(dicomTextDecoder('\\ISO 2022 IR 87')(new Uint8Array([0x1b, 0x24, 0x42, 0x3b, 0x33, 0x45, 0x44, 0x1b, 0x28, 0x42]))).toBe('山田');
  });

  it('formats person names for display', () => {
    expect(personNameForDisplay('DOE^JOHN^^DR')).toBe('DOE, DR JOHN');
    expect(personNameForDisplay('Yamada^Tarou=山田^太郎')).toBe('Yamada, Tarou');
    expect(personNameForDisplay('liver_01^patient')).toBe('liver_01, patient');
    expect(personNameForDisplay('Anonymous')).toBe('Anonymous');
    expect(personNameForDisplay('')).toBeUndefined();
  });
});
