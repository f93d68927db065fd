// Exporting a case's mask. By default it goes to a new file in the workspace's exports folder;
// a target chosen by the caller is never a source image nor inside a DICOM series folder, and lies
// beside a source file (a dataset folder) only when the caller says so. Label names and colours
// travel with the mask, and browser mode can have the written bytes to download.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { ExportMaskRequest, ExportMaskResult } from '../../shared/api';
import { UserError } from '../../shared/errors';
import { IMAGE_EXTENSION, caseStem } from '../../shared/image-names';
import { writeLabelmap } from '../io';
import { makeFolder } from './atomic-file';
import type { CaseRecord } from './case-record';
import type { CaseStore } from './case-store';
import type { OpenImages } from './case-opening';
import { writeError } from './write-errors';
import { isUnder, resolveReal } from '../confinement/real-path';

/**
 * Refuses a target inside a DICOM folder the case came from (a new file there joins the series'
 * folder), and one beside a source file (a dataset folder) without `besideSource`. That the target
 * is no existing source image is `protect`'s to refuse, for every case's source.
 */
async function exportTargetProblem(out: string, source: string, sourceIsFolder: boolean, besideSource: boolean): Promise<string | null> {
  const [src, target] = await Promise.all([resolveReal(source), resolveReal(out)]);
  if (sourceIsFolder && isUnder(target, src)) {
    return `${out} is inside the DICOM folder the case was opened from (${src}), which is never written into; export to the ` +
      "workspace's exports folder (the default) or another folder";
  }
  if (!sourceIsFolder && !besideSource && isUnder(target, dirname(src))) {
    return `${out} is inside the folder of the case's source image (${dirname(src)}); export to the workspace's exports folder ` +
      '(the default) or another folder, or say explicitly that it may go beside the source';
  }
  return null;
}

/**
 * exports/<source>-<case id>/<source>-mask.nii.gz, or -mask-2, -mask-3… so an earlier export is
 * never replaced. Named after the source file or folder, not the case's display name, which for
 * DICOM holds the patient's name.
 */
function nextExportPath(workspace: string, record: CaseRecord): string {
  const stem = caseStem(basename(record.source)).replace(/[^\w.-]+/g, '_');
  const folder = join(workspace, 'exports', `${stem}-${record.id.slice(0, 8)}`);
  for (let n = 1; ; n++) {
    const out = join(folder, `${stem}-mask${n === 1 ? '' : `-${n}`}.nii.gz`);
    if (!existsSync(out)) return out;
  }
}

/** `protect` refuses targets that would replace a source image (confinement/source-protection). */
export async function exportCaseMask(cases: CaseStore, images: OpenImages, request: ExportMaskRequest,
  protect: (targets: string[]) => Promise<void>): Promise<ExportMaskResult> {
  const record = await cases.get(request.caseId);
  const image = await images.get(request.caseId);
  const out = request.out ? resolve(request.out) : nextExportPath(cases.root, record);
  // A 2D case also gets a PNG beside its NIfTI, for tools that expect one.
  const png = image.size[2] === 1 && !out.toLowerCase().endsWith('.png') ? out.replace(IMAGE_EXTENSION, '') + '.png' : null;
  await protect(png ? [out, png] : [out]);
  const problem = await exportTargetProblem(out, record.source, !IMAGE_EXTENSION.test(record.source), request.besideSource === true);
  if (problem) throw new UserError(`Not exported: ${problem}.`);
  try {
    if (!request.out) await makeFolder(dirname(out));
    // Names and colours: Slicer's segment fields in a .seg.nrrd, a labels.json sidecar otherwise.
    const main = await writeLabelmap(out, request.labelmap, image, { segments: request.labels ?? record.labels });
    const written = [main.out];
    if (png) written.push((await writeLabelmap(png, request.labelmap, image)).out);
    if (main.labelsFile) written.push(main.labelsFile);
    if (!request.download) return { written };
    const files = await Promise.all(written.map(async (f) => ({ name: basename(f), bytes: new Uint8Array(await readFile(f)) })));
    return { written, files };
  } catch (e) {
    throw writeError(e, `the folder ${dirname(out)}`, `export the mask of ${record.name}`);
  }
}
