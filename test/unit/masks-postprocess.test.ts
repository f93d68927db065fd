import { describe, expect, test } from 'vitest';
import { countLabels, keepLargestComponentPerLabel, labelComponents, presentLabels } from '../../src/shared/mask-algorithms';
import { fillHolesPerSlice } from '../../src/core/masks/fill-holes';
import { dice, iou, maskMetrics, precision, recall } from '../../src/core/masks/metrics';

/** A labelmap from rows of text per slice ('.' = 0, digits = labels); i = column, j = row. */
function parse(slices: string[][]): { map: Uint8Array; size: [number, number, number] } {
  const ny = slices[0].length, nx = slices[0][0].length, nz = slices.length;
  const map = new Uint8Array(nx * ny * nz);
  slices.forEach((rows, k) => rows.forEach((row, j) => [...row].forEach((ch, i) => {
    map[i + nx * (j + ny * k)] = ch === '.' ? 0 : Number(ch);
  })));
  return { map, size: [nx, ny, nz] };
}

function show(map: Uint8Array, size: [number, number, number]): string[][] {
  const [nx, ny, nz] = size;
  return Array.from({ length: nz }, (_, k) => Array.from({ length: ny }, (_, j) =>
    Array.from({ length: nx }, (_, i) => map[i + nx * (j + ny * k)] || '.').join('')));
}

describe('connected components (6-connected, 3D)', () => {
  test('diagonal neighbours are separate; faces across slices connect', () => {
    const { map, size } = parse([
      ['1..', '.1.', '...'],
      ['1..', '...', '..1'],
    ]);
    const { sizes } = labelComponents(map, size, 1);
    // (0,0,0)+(0,0,1) connect through k; (1,1,0) and (2,2,1) stand alone.
    expect([...sizes].sort()).toEqual([1, 1, 2]);
  });

  test('keepLargestComponentPerLabel keeps the biggest blob of each label, other labels untouched', () => {
    const { map, size } = parse([
      ['11..2', '11..2', '....2', '1....'],
      ['11...', '.....', '....2', '22...'],
    ]);
    keepLargestComponentPerLabel(map, size);
    expect(show(map, size)).toEqual([
      ['11..2', '11..2', '....2', '.....'],
      ['11...', '.....', '....2', '.....'],
    ]);
  });

  test('restricting to some labels leaves the others as they are', () => {
    const { map, size } = parse([['1.1', '2.2']]);
    keepLargestComponentPerLabel(map, size, [2]);
    expect(show(map, size)).toEqual([['1.1', '2..']]);
  });

  test('labels present and voxels per label name', () => {
    const { map } = parse([['1.3', '3.3']]);
    expect(presentLabels(map)).toEqual([1, 3]);
    expect(countLabels(map, [{ value: 1, name: 'liver', color: '#000000' }, { value: 2, name: 'spleen', color: '#000000' }, { value: 3, name: 'tumour', color: '#000000' }]))
      .toEqual({ liver: 1, spleen: 0, tumour: 3 });
  });
});

describe('hole filling (per slice)', () => {
  test('enclosed background becomes the label; background open to the border stays', () => {
    const { map, size } = parse([
      ['.......', '.111...', '.1.1...', '.111...', '....11.', '....1..', '.......'],
      ['1111...', '1..1...', '1111...', '.......', '.......', '.......', '.......'],
    ]);
    fillHolesPerSlice(map, size);
    expect(show(map, size)).toEqual([
      ['.......', '.111...', '.111...', '.111...', '....11.', '....1..', '.......'],
      ['1111...', '1111...', '1111...', '.......', '.......', '.......', '.......'],
    ]);
  });

  test('a diagonal gap does not leak (background is 4-connected); another label inside stays', () => {
    const { map, size } = parse([[
      '.111.',
      '1...1',
      '1.2.1',
      '1...1',
      '.111.',
    ]]);
    fillHolesPerSlice(map, size);
    expect(show(map, size)).toEqual([[
      '.111.',
      '11111',
      '11211',
      '11111',
      '.111.',
    ]]);
  });
});

describe('metrics', () => {
  test('known overlaps', () => {
    // pred 4 voxels, truth 4 voxels, 2 shared.
    const pred = Uint8Array.from([1, 1, 1, 1, 0, 0, 0, 0]);
    const truth = Uint8Array.from([0, 0, 1, 1, 1, 1, 0, 0]);
    expect(maskMetrics(pred, truth)).toEqual({ dice: 0.5, iou: 2 / 6, precision: 0.5, recall: 0.5 });
    // pred 3 voxels all inside truth of 6.
    const p2 = Uint8Array.from([1, 1, 1, 0, 0, 0, 0, 0]);
    const t2 = Uint8Array.from([1, 1, 1, 1, 1, 1, 0, 0]);
    expect(dice(p2, t2)).toBeCloseTo(6 / 9, 12);
    expect(iou(p2, t2)).toBeCloseTo(0.5, 12);
    expect(precision(p2, t2)).toBe(1);
    expect(recall(p2, t2)).toBe(0.5);
  });

  test('a label value compares that label only; no label means any non-zero', () => {
    const pred = Uint8Array.from([1, 2, 2, 0]);
    const truth = Uint8Array.from([2, 2, 1, 0]);
    expect(maskMetrics(pred, truth).dice).toBe(1);
    expect(maskMetrics(pred, truth, 2)).toEqual({ dice: 0.5, iou: 1 / 3, precision: 0.5, recall: 0.5 });
    expect(maskMetrics(pred, truth, 1)).toEqual({ dice: 0, iou: 0, precision: 0, recall: 0 });
  });

  test('empty vs empty is a perfect score; empty vs non-empty is zero', () => {
    const empty = new Uint8Array(5);
    expect(maskMetrics(empty, empty)).toEqual({ dice: 1, iou: 1, precision: 1, recall: 1 });
    expect(maskMetrics(empty, Uint8Array.from([0, 1, 0, 0, 0]))).toEqual({ dice: 0, iou: 0, precision: 0, recall: 0 });
    expect(maskMetrics(Uint8Array.from([0, 1, 0, 0, 0]), empty)).toEqual({ dice: 0, iou: 0, precision: 0, recall: 0 });
    expect(() => maskMetrics(empty, new Uint8Array(4))).toThrow(/differ in size/);
  });
});
