// "id@version" parsed and formatted in one place (issue 11): names only, never paths.
import { expect, test } from 'vitest';
import { formatModelRef, isModelName, modelRefProblem, parseModelRef } from '../../src/shared/model-ref';

test('ids and versions parse, and format back', () => {
  expect(parseModelRef('dra-unet-liver-ct')).toEqual({ id: 'dra-unet-liver-ct', version: null });
  expect(parseModelRef('dra-unet-liver-ct@1.1.0')).toEqual({ id: 'dra-unet-liver-ct', version: '1.1.0' });
  expect(parseModelRef('m_2@2.0.0+cpu')).toEqual({ id: 'm_2', version: '2.0.0+cpu' });
  expect(formatModelRef('dra-unet-liver-ct', '1.1.0')).toBe('dra-unet-liver-ct@1.1.0');
  const { id, version } = parseModelRef('resunetpp-polyp@1.12.0');
  expect(formatModelRef(id, version!)).toBe('resunetpp-polyp@1.12.0');
});

test('anything that could name a folder outside the model store is refused', () => {
  for (const ref of ['unet-liver-ct@../../../workspace/uploads/abc/fake', 'unet@..', 'unet@.', 'unet@1/2', 'unet@1\\2', '../unet', '/models/x.onnx',
    'unet@', '@1.0.0', 'a@b@c', 'unet@1..2', '', 'unet@1.0.0\u0000', 'x'.repeat(200)]) {
    expect(modelRefProblem(ref), ref).not.toBeNull();
    expect(() => parseModelRef(ref), ref).toThrow(/Not a model ref/);
  }
  expect(isModelName('..')).toBe(false);
  expect(modelRefProblem(42)).toBe('a model ref must be a string');
});

test('a version can be required', () => {
  expect(() => parseModelRef('dra-unet-liver-ct', { versionRequired: true })).toThrow(/name the version as id@version/);
  expect(parseModelRef('dra-unet-liver-ct@1.0.0', { versionRequired: true }).version).toBe('1.0.0');
});
