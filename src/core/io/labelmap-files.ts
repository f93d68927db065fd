// Labelmaps with their segments (value, name, colour) in the I/O worker. A .seg.nrrd carries them in
// 3D Slicer's segmentation fields (Segment<i>_Name, _Color, _LabelValue, _Layer, _Extent, …), so
// Slicer opens it as a segmentation; Slicer's multi-layer files (overlapping segments, one layer per
// component) are merged into one label per voxel. Any other format gets a JSON sidecar beside it
// ("mask.nii.gz" → "mask.labels.json"), written and renamed with the image so the two never disagree.
import { existsSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Image } from 'itk-wasm';
import { UserError } from '../../shared/errors';
import type { VolumeImage } from '../../shared/image';
import type { LabelDefinition } from '../../shared/manifest';
import { labelListProblem } from '../../shared/labels';
import { extensionOf, readFormatOf } from './formats';
import { readAny, readItkImage } from './image-reader';
import { convertItkImage, nameOf } from './itk-calls';
import { writeAny, type WriteResult } from './verified-writer';

export interface LabelmapReadResult {
  /** uint8, one component: one label value per voxel. */
  image: VolumeImage;
  /** The file's segments (from Slicer's fields or the sidecar); empty when it names none. */
  segments: LabelDefinition[];
  warnings: string[];
}

const SIDECAR_FORMAT = 'medseg-labels/1';
/** Colours for segments a file names without one (Slicer's first generic anatomy colours). */
const FALLBACK_COLORS = ['#80ae80', '#f1d691', '#b17a65', '#6fb8d2', '#d8654f', '#dd8265', '#90ee90', '#c0686c', '#dcf514', '#4e3f00'];

const isSegNrrd = (path: string) => /\.seg\.nrrd$/i.test(path);

/** "mask.nii.gz" → "mask.labels.json", beside the mask. */
function labelsSidecarPath(path: string): string {
  const name = basename(path);
  return join(dirname(path), `${name.slice(0, name.length - extensionOf(name).length)}.labels.json`);
}

function checkSegments(segments: unknown): LabelDefinition[] {
  const bad = (why: string) => new UserError(`Cannot use the label list: ${why}. Each label needs a value 1–255, a name and a colour like #d95f02.`);
  const problem = labelListProblem(segments);
  if (problem) throw bad(problem.reason);
  return (segments as LabelDefinition[]).map((s) => ({ value: s.value, name: s.name, color: s.color.toLowerCase() }));
}

/** Write a uint8 labelmap with its segments: Slicer fields for .seg.nrrd, else image + sidecar. */
export async function writeLabelmapFile(path: string, image: VolumeImage, segments: LabelDefinition[]): Promise<WriteResult> {
  const out = resolve(path);
  const checked = checkSegments(segments);
  if (isSegNrrd(out)) return writeAny(out, image, slicerSegmentFields(image, checked));
  if (checked.length === 0) return writeAny(out, image);
  const sidecar = labelsSidecarPath(out);
  const temp = join(dirname(sidecar), `.${basename(sidecar)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  writeFileSync(temp, `${JSON.stringify({ format: SIDECAR_FORMAT, image: basename(out), labels: checked }, null, 2)}\n`);
  try {
    const written = await writeAny(out, image);
    renameSync(temp, sidecar);
    return { ...written, labelsFile: sidecar };
  } catch (e) {
    if (existsSync(temp)) unlinkSync(temp);
    throw e;
  }
}

/** Read a labelmap (any readable format) and its segments; refuses images that are not integer labels 0–255. */
export async function readLabelmapFile(path: string): Promise<LabelmapReadResult> {
  const abs = resolve(path);
  const format = readFormatOf(abs);
  if (format?.format === 'nrrd') {
    const { itk, warnings } = await readItkImage(abs, format);
    const fields = itk.metadata instanceof Map ? itk.metadata as Map<string, unknown> : new Map<string, unknown>();
    const slicer = slicerSegments(fields, itk.imageType.components);
    if (slicer.length > 0 || itk.imageType.components > 1) {
      const merged = mergeLayers(abs, itk, slicer);
      const result = convertItkImage(abs, merged.itk, { photo: false, modality: 'SEG' });
      return { image: result.image, segments: merged.segments, warnings: [...warnings, ...result.warnings, ...merged.warnings] };
    }
  }
  const read = await readAny(abs);
  return { image: asLabels(abs, read.image), segments: readSidecar(abs), warnings: read.warnings };
}

function asLabels(abs: string, image: VolumeImage): VolumeImage {
  if (image.components !== 1) throw new UserError(`${nameOf(abs)} has ${image.components} components per voxel; a labelmap has one label value per voxel.`);
  const labels = new Uint8Array(image.data.length);
  for (let i = 0; i < labels.length; i++) {
    const v = image.data[i];
    if (!Number.isInteger(v) || v < 0 || v > 255) {
      throw new UserError(`${nameOf(abs)} is not a labelmap: it holds the value ${v} (labels are whole numbers 0–255). Open it as an image instead.`);
    }
    labels[i] = v;
  }
  return { ...image, pixelType: 'uint8', data: labels, modality: 'SEG' };
}

function readSidecar(abs: string): LabelDefinition[] {
  const sidecar = labelsSidecarPath(abs);
  if (!existsSync(sidecar)) return [];
  let parsed: { format?: unknown; labels?: unknown };
  try {
    parsed = JSON.parse(readFileSync(sidecar, 'utf8'));
  } catch {
    throw new UserError(`The label list ${basename(sidecar)} beside ${nameOf(abs)} is not valid JSON. Fix or remove it and open the mask again.`);
  }
  if (parsed?.format !== SIDECAR_FORMAT) throw new UserError(`${basename(sidecar)} is not a MedSeg Studio label list (format ${SIDECAR_FORMAT}). Remove or rename it and open the mask again.`);
  return checkSegments(parsed.labels);
}

// ------------------------------------------------------------------------------- Slicer's fields

const hexColor = (rgb: number[]) => `#${rgb.map((c) => Math.round(Math.min(1, Math.max(0, c)) * 255).toString(16).padStart(2, '0')).join('')}`;
const slicerColor = (hex: string) => [1, 3, 5].map((i) => (parseInt(hex.slice(i, i + 2), 16) / 255).toFixed(6)).join(' ');

function slicerSegmentFields(image: VolumeImage, segments: LabelDefinition[]): Record<string, string> {
  const extents = labelExtents(image);
  const fields: Record<string, string> = {
    Segmentation_MasterRepresentation: 'Binary labelmap',
    Segmentation_ContainedRepresentationNames: 'Binary labelmap|',
    Segmentation_ReferenceImageExtentOffset: '0 0 0',
  };
  segments.forEach((s, i) => {
    const p = `Segment${i}_`;
    Object.assign(fields, {
      [`${p}ID`]: `Segment_${s.value}`, [`${p}Name`]: s.name, [`${p}NameAutoGenerated`]: '0',
      [`${p}Color`]: slicerColor(s.color), [`${p}ColorAutoGenerated`]: '0',
      [`${p}LabelValue`]: String(s.value), [`${p}Layer`]: '0', [`${p}Extent`]: extents.get(s.value) ?? '0 -1 0 -1 0 -1',
    });
  });
  return fields;
}

/** "imin imax jmin jmax kmin kmax" of each label present (Slicer's Segment<i>_Extent). */
function labelExtents(image: VolumeImage): Map<number, string> {
  const [nx, ny, nz] = image.size;
  const box = new Map<number, number[]>();
  let v = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, v++) {
        const label = image.data[v];
        if (!label) continue;
        const b = box.get(label);
        if (!b) {
          box.set(label, [i, i, j, j, k, k]);
        } else {
          b[0] = Math.min(b[0], i);
          b[1] = Math.max(b[1], i);
          b[2] = Math.min(b[2], j);
          b[3] = Math.max(b[3], j);
          b[5] = k; // voxels come in k order
        }
      }
    }
  }
  return new Map([...box].map(([label, b]) => [label, b.join(' ')]));
}

interface SlicerSegment { name: string; color?: string; layer: number; labelValue: number }

/** The segments Slicer's fields describe, in field order (Segment0, Segment1, …). */
function slicerSegments(fields: Map<string, unknown>, layers: number): SlicerSegment[] {
  const segments: SlicerSegment[] = [];
  for (let i = 0; fields.has(`Segment${i}_ID`) || fields.has(`Segment${i}_Name`) || fields.has(`Segment${i}_LabelValue`); i++) {
    const field = (name: string) => (fields.has(`Segment${i}_${name}`) ? String(fields.get(`Segment${i}_${name}`)).trim() : undefined);
    const rgb = field('Color')?.split(/\s+/).map(Number);
    // Files from before Slicer 4.11 have no LabelValue/Layer: one binary segment per layer.
    const layer = field('Layer') !== undefined ? Number(field('Layer')) : layers > 1 ? i : 0;
    const labelValue = field('LabelValue') !== undefined ? Number(field('LabelValue')) : layers > 1 ? 1 : i + 1;
    segments.push({
      name: field('Name') || `Segment_${i + 1}`,
      color: rgb && rgb.length === 3 && rgb.every(Number.isFinite) ? hexColor(rgb) : undefined,
      layer, labelValue,
    });
  }
  return segments;
}

/**
 * One uint8 label per voxel from Slicer's layers: a segment keeps its LabelValue when the values are
 * unique across layers, else segments are numbered 1, 2, … in field order. Where layers overlap the
 * later segment wins, and the warning says how many voxels that touched.
 */
function mergeLayers(abs: string, itk: Image, segments: SlicerSegment[]): { itk: Image; segments: LabelDefinition[]; warnings: string[] } {
  const layers = itk.imageType.components;
  const source = itk.data as ArrayLike<number> | null;
  if (!source) throw new UserError(`${nameOf(abs)} has no voxel data.`);
  const unique = new Set(segments.map((s) => s.labelValue)).size === segments.length && segments.every((s) => Number.isInteger(s.labelValue) && s.labelValue >= 1 && s.labelValue <= 255);
  const values = segments.map((s, i) => (unique ? s.labelValue : i + 1));
  if (values.some((v) => v > 255)) throw new UserError(`${nameOf(abs)} has ${segments.length} segments; MedSeg Studio keeps up to 255 labels.`);
  const lookup = new Map(segments.map((s, i) => [s.layer * 65536 + s.labelValue, values[i]]));
  const voxels = source.length / layers;
  const labels = new Uint8Array(voxels);
  let overlaps = 0;
  let unnamed = 0;
  for (let v = 0; v < voxels; v++) {
    for (let l = 0; l < layers; l++) {
      const stored = source[v * layers + l];
      if (!stored) continue;
      const label = lookup.get(l * 65536 + stored) ?? (segments.length === 0 && layers === 1 ? stored : 0);
      if (!label) {
        unnamed++;
        continue;
      }
      if (labels[v] && labels[v] !== label) overlaps++;
      labels[v] = label;
    }
  }
  const warnings: string[] = [];
  if (overlaps > 0) warnings.push(`${overlaps} voxels belong to more than one segment (overlapping layers); each keeps the later segment`);
  if (unnamed > 0) warnings.push(`${unnamed} voxels hold values no segment names; they were left unlabelled`);
  const merged = { ...itk, imageType: { ...itk.imageType, components: 1, pixelType: 'Scalar', componentType: 'uint8' }, data: labels } as unknown as Image;
  const definitions = segments.map((s, i) => ({ value: values[i], name: s.name, color: s.color ?? FALLBACK_COLORS[i % FALLBACK_COLORS.length] }));
  return { itk: merged, segments: definitions, warnings };
}
