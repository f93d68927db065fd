// Segments many images with one model loaded once: whole 2D datasets in one process.
import { mkdir, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { BatchSegmentResult } from '../../shared/api';
import type { LabelDefinition } from '../../shared/manifest';
import type { VolumeImage } from '../../shared/image';
import { UserError } from '../../shared/errors';
import { readImage, writeLabelmap, readFormatOf, describeReadFormats } from '../io';
import { countLabels } from '../../shared/mask-algorithms';
import { segmentVolume, type SegmentationModel } from './index';

/** Files to segment: a folder of image files expands to its images; a DICOM folder stays one volume. */
async function expandInputs(inputs: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const input of inputs) {
    const info = await stat(input).catch(() => null);
    if (!info) throw new UserError(`No such file or folder: ${input}`);
    if (!info.isDirectory()) { files.push(input); continue; }
    const images = (await readdir(input)).sort().filter((f) => readFormatOf(f) && readFormatOf(f)!.format !== 'dicom');
    files.push(...(images.length ? images.map((f) => join(input, f)) : [input]));
  }
  if (files.length === 0) throw new UserError(`Nothing to segment: give image files or folders (${describeReadFormats()}).`);
  return files;
}

/** The mask's file name: the input's name without its extension, .png for 2D, .nii.gz for volumes. */
function maskNameFor(input: string, is2d: boolean): string {
  const name = basename(input).replace(/(\.nii\.gz|\.[A-Za-z0-9]+)$/, '');
  return `${name}${is2d ? '.png' : '.nii.gz'}`;
}

/** Each image is `check`ed before it is segmented (a model of another modality is refused), each mask
 * target `protect`ed before it is written (a source image is never replaced): both throw to refuse. */
export interface SegmentFilesGuards {
  check?: (image: VolumeImage) => Promise<void>;
  protect?: (target: string) => Promise<void>;
}

export async function segmentFiles(model: SegmentationModel, modelId: string, labels: LabelDefinition[], inputs: string[], outDir: string,
  { check = async () => {}, protect = async () => {} }: SegmentFilesGuards = {}): Promise<BatchSegmentResult> {
  const files = await expandInputs(inputs);
  await mkdir(outDir, { recursive: true });
  const names = new Set<string>();
  const cases: BatchSegmentResult['cases'] = [];
  const start = performance.now();
  for (const input of files) {
    const image = await readImage(input);
    await check(image);
    const name = maskNameFor(input, image.size[2] === 1);
    if (names.has(name)) throw new UserError(`Two inputs would write the same mask ${name}: rename one of them.`);
    names.add(name);
    await protect(join(outDir, name));
    const result = await segmentVolume(model, image);
    const written = await writeLabelmap(join(outDir, name), result.labelmap, image);
    cases.push({ input, out: written.out, slices: result.slices, seconds: result.seconds, labels: countLabels(result.labelmap, labels) });
  }
  const seconds = (performance.now() - start) / 1000;
  return {
    model: modelId, provider: model.provider, ...(model.providerNote ? { providerNote: model.providerNote } : {}),
    cases, seconds, secondsPerImage: seconds / cases.length,
  };
}
