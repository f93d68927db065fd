import { expect, test } from 'vitest';
import { decodeEnvelope, encodeEnvelope } from '../../src/shared/binary-envelope';

test('typed arrays and buffers survive as bytes beside ordinary JSON', () => {
  const value = {
    name: 'case-1',
    voxels: new Int16Array([-1024, 0, 3071]),
    labels: new Uint8Array([0, 1, 2, 255, 7]),
    probabilities: new Float32Array([0.25, 0.5]),
    raw: new Uint8Array([9, 8, 7]).buffer,
    nested: [{ spacing: [0.7, 0.7, 1.5] }],
  };
  const back = decodeEnvelope<typeof value>(encodeEnvelope(value));
  expect(back.name).toBe('case-1');
  expect(back.voxels).toBeInstanceOf(Int16Array);
  expect(Array.from(back.voxels)).toEqual([-1024, 0, 3071]);
  expect(Array.from(back.labels)).toEqual([0, 1, 2, 255, 7]);
  expect(Array.from(back.probabilities)).toEqual([0.25, 0.5]);
  expect(Array.from(new Uint8Array(back.raw))).toEqual([9, 8, 7]);
  expect(back.nested).toEqual([{ spacing: [0.7, 0.7, 1.5] }]);
});

test('a view into a larger buffer sends only its own bytes', () => {
  const big = new Float32Array(1000).map((_, i) => i);
  const bytes = encodeEnvelope([big.subarray(10, 13)]);
  expect(bytes.byteLength).toBeLessThan(200);
  expect(Array.from(decodeEnvelope<Float32Array[]>(bytes)[0])).toEqual([10, 11, 12]);
});

test('a large volume is carried without a JSON array', () => {
  const volume = new Int16Array(512 * 512).fill(-1000);
  const bytes = encodeEnvelope({ volume });
  expect(bytes.byteLength).toBeLessThan(volume.byteLength + 200);
});
