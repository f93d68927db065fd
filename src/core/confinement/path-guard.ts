// A page must not read or write arbitrary files, even a compromised one: hosts that serve a page
// (browser mode, the Electron window) wrap the studio in this guard. What is a path and whether it
// is read or written comes from the contract's declarations (shared/api.ts ValueKinds), so a new
// method's paths are confined without a line here. Paths are compared by where they really lead
// (symlinks resolved), and the engine is handed that real path, not the text the page sent.
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { CaseSummary, StudioApi, ValueKind } from '../../shared/api';
import { CONFINED_AS, mapDeclaredValues } from '../../shared/call-checks';
import { MAX_FOLDER_DEPTH } from '../io/dicom-folder';
import { UserError } from '../../shared/errors';
import { isUnder, resolveReal } from './real-path';

/** The folders (or single files) a page may use, as the host sees them at the time of a call. */
export interface AccessRoots {
  /** Read only: a picked image, the model store, the app's own files. */
  readable: string[];
  /** Read and written: folders the user gave the host, files the user picked to save to. */
  writable: string[];
  /** Never written, even where they lie under a writable root: the app's own files, the model store. */
  neverWritten: string[];
}

export interface FileAccess {
  roots(): Promise<AccessRoots> | AccessRoots;
  /** The image a case was opened from, or null when there is no such case. */
  caseSource(caseId: string): Promise<string | null>;
  /** What the user can do about a refused path (a host-specific hint). */
  hint: { read: string; write: string };
}

/** Methods whose results list cases: a page sees only the cases whose source it may read. */
const CASE_LISTS = ['recentCases'] as const satisfies readonly { [M in keyof StudioApi]: Awaited<ReturnType<StudioApi[M]>> extends CaseSummary[] ? M : never }[keyof StudioApi][];

async function realRoots(access: FileAccess): Promise<AccessRoots> {
  const roots = await access.roots();
  const real = (list: string[]) => Promise.all(list.map((r) => resolveReal(r)));
  return { readable: await real(roots.readable), writable: await real(roots.writable), neverWritten: await real(roots.neverWritten) };
}

const readable = (real: string, roots: AccessRoots) => [...roots.readable, ...roots.writable].some((r) => isUnder(real, r));

/** The real path of `value` if the page may use it so; a UserError saying why not otherwise. */
async function checkedPath(value: unknown, mode: 'read' | 'write', roots: AccessRoots, access: FileAccess): Promise<string> {
  if (typeof value !== 'string' || value === '' || value.includes('\0')) {
    throw new UserError(`A file path must be text, not ${value instanceof Uint8Array ? 'bytes' : typeof value}.`);
  }
  const real = await resolveReal(value);
  const shown = real === value ? value : `${value} (which leads to ${real})`;
  if (mode === 'write') {
    if (roots.neverWritten.some((r) => isUnder(real, r))) throw new UserError(`${shown} is part of the app's own files or model store, which are never written. ${access.hint.write}`);
    if (!roots.writable.some((r) => isUnder(real, r))) throw new UserError(`${shown} is outside the folders this page may write to. ${access.hint.write}`);
    return real;
  }
  if (!readable(real, roots)) throw new UserError(`${shown} is outside the files this page may open. ${access.hint.read}`);
  await checkFolderLinks(real, shown, roots, access);
  return real;
}

/** How many entries a folder read may hold before the guard gives up checking it (and refuses it). */
const MAX_CHECKED_ENTRIES = 100_000;

/**
 * A folder read (a DICOM series, a folder of images) opens the files under it by name, following
 * links as deep as the deepest reader goes: every link in that tree must lead inside the roots.
 * Links are checked where they are, not followed out, so a link two levels down is seen too.
 */
async function checkFolderLinks(real: string, shown: string, roots: AccessRoots, access: FileAccess): Promise<void> {
  if (!(await stat(real).catch(() => null))?.isDirectory()) return;
  let seen = 0;
  const walk = async (folder: string, depth: number): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
    seen += entries.length;
    if (seen > MAX_CHECKED_ENTRIES) throw new UserError(`The folder ${shown} holds more than ${MAX_CHECKED_ENTRIES} files and folders; choose the folder of the series or images itself.`);
    for (const entry of entries) {
      const path = join(folder, entry.name);
      let inside = entry.isDirectory();
      if (entry.isSymbolicLink()) {
        const target = await resolveReal(path);
        if (!readable(target, roots)) throw new UserError(`The folder ${shown} links to ${relative(real, path)} outside the files this page may open. ${access.hint.read}`);
        inside = (await stat(target).catch(() => null))?.isDirectory() ?? false;
      }
      if (inside && depth < MAX_FOLDER_DEPTH) await walk(path, depth + 1);
    }
  };
  await walk(real, 0);
}

async function caseReadable(caseId: string, roots: AccessRoots, access: FileAccess): Promise<boolean> {
  const source = await access.caseSource(caseId);
  return source === null || readable(await resolveReal(source), roots);
}

/** The studio with every path, case id and case list of every call confined to what `access` allows. */
export function confineStudio(studio: StudioApi, access: FileAccess): StudioApi {
  const check = async (roots: AccessRoots, kind: ValueKind, value: unknown): Promise<unknown> => {
    const use = CONFINED_AS[kind];
    if (use === 'reads') {
      if (!Array.isArray(value)) throw new UserError('The inputs must be a list of file paths.');
      return Promise.all(value.map((v) => checkedPath(v, 'read', roots, access)));
    }
    if (use === 'read' || use === 'write') return checkedPath(value, use, roots, access);
    // A case opened elsewhere (the CLI, another host) from files this page may not open stays invisible.
    if (use === 'case' && (typeof value !== 'string' || !(await caseReadable(value, roots, access)))) {
      throw new UserError(`No such case: ${String(value)}. Open the image again.`);
    }
    return value;
  };
  return new Proxy(studio, {
    get(target, method: string) {
      const fn = target[method as keyof StudioApi] as (...args: unknown[]) => Promise<unknown>;
      if (typeof fn !== 'function') return fn;
      return async (...args: unknown[]) => {
        const roots = await realRoots(access);
        const checked = await mapDeclaredValues(method as keyof StudioApi, args, (kind, value) => check(roots, kind, value));
        const result = await fn.apply(target, checked);
        if (!(CASE_LISTS as readonly string[]).includes(method)) return result;
        const visible = await Promise.all((result as CaseSummary[]).map((c) => caseReadable(c.id, roots, access)));
        return (result as CaseSummary[]).filter((_, i) => visible[i]);
      };
    },
  });
}
