// Label names and colours beside a mask file: NIfTI, MetaImage and plain NRRD cannot hold them, so
// an export writes `mask.labels.json` next to `mask.nii.gz`, and opening a mask reads it back.
import { readFile } from 'node:fs/promises';
import type { LabelDefinition } from '../../shared/manifest';
import { writeFileAtomic } from './atomic-file';
import { labelsProblem } from './case-record';

const FORMAT = 'medseg-labels/1';
const IMAGE_EXTENSION = /(\.seg\.nrrd|\.nii\.gz|\.nii|\.nrrd|\.nhdr|\.mha|\.mhd|\.png)$/i;

export function sidecarPath(mask: string): string {
  return mask.replace(IMAGE_EXTENSION, '') + '.labels.json';
}

export async function writeLabelSidecar(mask: string, labels: LabelDefinition[]): Promise<string> {
  const path = sidecarPath(mask);
  const name = mask.split(/[\\/]/).pop();
  await writeFileAtomic(path, JSON.stringify({ format: FORMAT, mask: name, labels: labels.map(({ value, name, color }) => ({ value, name, color })) }, null, 2) + '\n');
  return path;
}

/** The labels of the sidecar beside `mask`: null when there is none; a problem when it cannot be used. */
export async function readLabelSidecar(mask: string): Promise<{ labels: LabelDefinition[] } | { problem: string } | null> {
  const path = sidecarPath(mask);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = JSON.parse(text);
    const problem = parsed?.format === FORMAT ? labelsProblem(parsed.labels) : `its format is not ${FORMAT}`;
    return problem ? { problem: `${path}: ${problem}` } : { labels: parsed.labels };
  } catch (e) {
    return { problem: `${path} is not valid JSON (${(e as Error).message})` };
  }
}
