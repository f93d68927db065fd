// Where a path really leads: symlinks resolved, for files that exist and for ones about to be
// written (the nearest existing folder above them resolved, the rest appended; a dangling link
// followed to where it points). Guards compare these, never the text a caller sent.
import { lstat, readlink, realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';

/** As many links as the OS follows before it gives up (ELOOP). */
const MAX_LINKS = 40;

export async function resolveReal(path: string, links = 0): Promise<string> {
  const absolute = resolve(path);
  try {
    return await realpath(absolute);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const parent = dirname(absolute);
    if ((code !== 'ENOENT' && code !== 'ENOTDIR') || parent === absolute || links > MAX_LINKS) return absolute;
    const info = await lstat(absolute).catch(() => null);
    if (info?.isSymbolicLink()) return resolveReal(resolve(parent, await readlink(absolute)), links + 1);
    return join(await resolveReal(parent, links), basename(absolute));
  }
}

/** Whether `path` is `root` or lies inside it (both absolute; no prefix matches of sibling names). */
export function isUnder(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}
