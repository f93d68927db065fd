import { expect, test } from 'vitest';
import { manifestProblems, type ModelManifest } from '../../src/shared/manifest';

const valid: ModelManifest = {
  id: 'dra-unet-liver-ct', name: 'DRA-UNet liver (CT)', version: '1.0.0', architecture: 'dra-unet',
  task: 'liver segmentation', modality: 'CT',
  input: { channels: 1, height: 256, width: 256, sizeMultiple: 16, layout: 'NCHW' },
  preprocessing: { window: { center: 60, width: 400 }, scale: 1, mean: [0], std: [1] },
  output: { activation: 'sigmoid', threshold: 0.5, labels: [{ value: 1, name: 'liver', color: '#d95f02' }] },
};

test('a complete manifest has no problems', () => {
  expect(manifestProblems(valid)).toEqual([]);
});

test('problems name the fields a user must supply', () => {
  expect(manifestProblems(null)).toEqual(['the manifest must be a JSON object']);
  const problems = manifestProblems({ id: 'x' }).join('\n');
  for (const field of ['"name"', '"version"', '"architecture"', '"input"', '"preprocessing"', '"output"']) expect(problems).toContain(field);
});

test('per-channel normalisation must match the channel count', () => {
  const rgb = { ...valid, input: { ...valid.input, channels: 3 } };
  expect(manifestProblems(rgb)).toEqual(['"preprocessing.mean" and ".std" need one value per input channel']);
  expect(manifestProblems({ ...valid, output: { ...valid.output, activation: 'relu' } })).toHaveLength(1);
});

test('a click-guided model says how its prompts are fed, and the channels count them', () => {
  const interaction = { encoding: 'medseg-clicks/1', prompts: ['positiveClicks', 'negativeClicks', 'previousMask'], clicks: { kind: 'disk', radius: 5 }, focus: { expand: 1.4, minFraction: 0.2 } };
  const clickGuided = { ...valid, input: { ...valid.input, channels: 4 }, preprocessing: { ...valid.preprocessing, mean: [0, 0, 0, 0], std: [1, 1, 1, 1] }, interaction };
  expect(manifestProblems(clickGuided)).toEqual([]);
  expect(manifestProblems({ ...clickGuided, input: { ...clickGuided.input, channels: 3 }, preprocessing: { ...valid.preprocessing, mean: [0, 0, 0], std: [1, 1, 1] } }))
    .toEqual(['"input.channels" must count the image channels and the prompts']);
  const problems = manifestProblems({ ...clickGuided, interaction: { ...interaction, encoding: 'other', prompts: ['clicks'], focus: { expand: 0.5, minFraction: 0 } } });
  expect(problems.join('\n')).toMatch(/encoding[\s\S]*prompts[\s\S]*focus/);
  expect(manifestProblems({ ...clickGuided, input: { channels: 4, sizeMultiple: 16, layout: 'NCHW' } })).toContain('a click-guided model needs "input.height" and "input.width"');
});

test('2.5D input names its neighbouring slices as a whole number', () => {
  const context = (adjacentSlices: unknown) => manifestProblems({ ...valid, input: { ...valid.input, adjacentSlices } });
  expect(context(1)).toEqual([]);
  expect(context(-1)).toEqual(['"input.adjacentSlices" must be a whole number of slices (0, 1, …) when given']);
  expect(context(0.5)).toHaveLength(1);
});

test('the canonical orientation is one the trainer knows', () => {
  const oriented = (orientation: unknown) => manifestProblems({ ...valid, input: { ...valid.input, orientation } });
  expect(oriented('LPS')).toEqual([]);
  expect(oriented(undefined)).toEqual([]);
  for (const wrong of ['RAS', 'lps', 1]) expect(oriented(wrong)).toEqual(['"input.orientation" must be "LPS" when given (the voxel order the model was trained in)']);
});
