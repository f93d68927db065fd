// Browser mode serves a page, and a page must not read or write arbitrary files: every path in a
// request has to lie under a folder the user configured (MEDSEG_ROOTS, --root) or the workspace.
import { resolve, sep } from 'node:path';
import { METHODS_TAKING_A_PATH, PATH_FIELDS, type StudioApi } from '../shared/api';
import { UserError } from '../shared/errors';

const PATH_KEYS = new Set(PATH_FIELDS);
const BARE_PATH_METHODS = new Set<string>(METHODS_TAKING_A_PATH);

function pathsIn(value: unknown, key: string | null, found: string[]): void {
  if (typeof value === 'string' && key !== null && PATH_KEYS.has(key)) found.push(value);
  else if (Array.isArray(value)) value.forEach((v) => pathsIn(v, key, found));
  else if (value && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    for (const [k, v] of Object.entries(value)) pathsIn(v, k, found);
  }
}

export function isUnder(path: string, roots: string[]): boolean {
  const abs = resolve(path);
  return roots.some((root) => abs === root || abs.startsWith(root.endsWith(sep) ? root : root + sep));
}

/** The studio with every path argument checked against `roots`. */
export function guardPaths(studio: StudioApi, roots: string[]): StudioApi {
  const allowed = roots.map((r) => resolve(r));
  return new Proxy(studio, {
    get(target, method: string) {
      const fn = target[method as keyof StudioApi] as (...args: unknown[]) => Promise<unknown>;
      if (typeof fn !== 'function') return fn;
      return (...args: unknown[]) => {
        const paths: string[] = [];
        if (BARE_PATH_METHODS.has(method) && typeof args[0] === 'string') paths.push(args[0]);
        args.forEach((a) => pathsIn(a, null, paths));
        const outside = paths.find((p) => !isUnder(p, allowed));
        if (outside) {
          return Promise.reject(new UserError(`Browser mode may only use files under ${allowed.join(', ')}; ${outside} is outside. ` +
            'Start `npm run web -- --root <folder>` (or set MEDSEG_ROOTS) to allow a folder.'));
        }
        return fn.apply(target, args);
      };
    },
  });
}
