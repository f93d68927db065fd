// Reading the graph's input shape from ONNX bytes: fixed dims as numbers, symbolic as their names,
// initializers that older exporters list among the inputs skipped.
import { expect, test } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGraphInput } from '../../src/core/inference/onnx-graph-input';
import { ProtoWriter } from '../../src/core/inference/protobuf-wire';
import { writeConvModel } from '../fixtures/onnx-builder';

const dir = mkdtempSync(join(tmpdir(), 'medseg-graph-input-'));

test('fixed and symbolic dims of the first input', async () => {
  const symbolic = writeConvModel(join(dir, 'symbolic.onnx'), { weights: [[1, 0, 0]], bias: [0] });
  expect(await readGraphInput(symbolic)).toEqual({ name: 'input', elementType: 1, dims: ['N', 3, 'H', 'W'] });
  const fixed = writeConvModel(join(dir, 'fixed.onnx'), { weights: [[1]], bias: [0], inputDims: [1, 1, 96, 128] });
  expect((await readGraphInput(fixed)).dims).toEqual([1, 1, 96, 128]);
});

test('an initializer listed as a graph input (IR < 4 exporters) is not the input', async () => {
  const shape = (dims: (number | string)[]) => {
    const w = new ProtoWriter();
    for (const d of dims) w.message(1, typeof d === 'number' ? new ProtoWriter().uint(1, d) : new ProtoWriter().string(2, d));
    return w;
  };
  const info = (name: string, dims: (number | string)[]) =>
    new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, new ProtoWriter().uint(1, 1).message(2, shape(dims))));
  const graph = new ProtoWriter().message(5, new ProtoWriter().uint(1, 1).uint(2, 1).string(8, 'W'))
    .message(11, info('W', [1])).message(11, info('x', ['batch', 2, 64, 64]));
  const path = join(dir, 'ir3.onnx');
  writeFileSync(path, new ProtoWriter().uint(1, 3).message(7, graph).finish());
  expect(await readGraphInput(path)).toEqual({ name: 'x', elementType: 1, dims: ['batch', 2, 64, 64] });
});

test('a file that is not ONNX is said to be so', async () => {
  const path = join(dir, 'notes.onnx');
  writeFileSync(path, 'these are my notes, not a model');
  await expect(readGraphInput(path)).rejects.toThrow(/^notes\.onnx is not a valid ONNX model \(/);
});
