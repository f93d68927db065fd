// Files a page hands over (drop, picker) become a folder of the workspace named by their content,
// so the same drop opens the same case again. An upload that does not open as an image is removed:
// a failed drop leaves nothing behind.
import { rm, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { dirname, join, resolve, sep } from 'node:path';
import type { UploadedFile } from '../../shared/api';
import { UserError } from '../../shared/errors';
import { makeFolder, writeFileAtomic } from './atomic-file';
import { writeError } from './write-errors';

/** Stores `files` under <workspace>/uploads/<hash>/, opens the result with `open`, and cleans up if that fails. */
export async function openUpload<T>(workspace: string, files: UploadedFile[], open: (path: string) => Promise<T>): Promise<T> {
  if (files.length === 0) throw new UserError('Nothing to open: no files were dropped.');
  const hash = createHash('sha256');
  for (const f of files) hash.update(f.name).update(f.bytes);
  const folder = join(workspace, 'uploads', hash.digest('hex').slice(0, 16));
  const targets = files.map((f) => {
    const target = resolve(folder, f.name);
    if (!target.startsWith(folder + sep)) throw new UserError(`Refusing a file name that leaves its folder: ${f.name}`);
    return target;
  });
  // An earlier identical drop is an open case already: never remove what it opened from.
  const existed = await stat(folder).then(() => true, () => false);
  try {
    for (const [i, f] of files.entries()) {
      await makeFolder(dirname(targets[i]));
      const existing = await stat(targets[i]).catch(() => null);
      if (!existing || existing.size !== f.bytes.length) await writeFileAtomic(targets[i], f.bytes);
    }
    return await open(openedPath(folder, files));
  } catch (e) {
    if (!existed) await rm(folder, { recursive: true, force: true });
    throw writeError(e, `the workspace ${workspace}`, 'store the dropped files');
  }
}

/** One file opens as a file; several (a DICOM series) open as their common folder. */
function openedPath(folder: string, files: UploadedFile[]): string {
  if (files.length === 1) return resolve(folder, files[0].name);
  const first = files[0].name.split('/');
  return first.length > 1 && files.every((f) => f.name.startsWith(first[0] + '/')) ? join(folder, first[0]) : folder;
}
