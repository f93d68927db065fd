// What a failed workspace write means for the user. Every save writes beside its target and
// renames, so a write that fails has changed nothing: the message can say so.
import { UserError, isUserError } from '../../shared/errors';

const READ_ONLY_CODES = new Set(['EROFS', 'EACCES', 'EPERM']);
const FULL_CODES = new Set(['ENOSPC', 'EDQUOT']);

/** Why saving is off in a read-only workspace, or null when `e` is not that. */
export function readOnlyReason(e: unknown, root: string): string | null {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code && READ_ONLY_CODES.has(code)) return `the workspace ${root} is read-only (${code}), so saving is off: the image can be viewed and edited, and the mask exported to a writable folder`;
  if (code && FULL_CODES.has(code)) return `disk full: the workspace ${root} has no space left, so saving is off until some is freed`;
  return null;
}

/** A failed workspace write as a UserError; other errors pass through unchanged. */
export function workspaceWriteError(e: unknown, root: string, what: string): unknown {
  if (isUserError(e)) return e;
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code && FULL_CODES.has(code)) return new UserError(`Cannot ${what}: disk full: nothing was changed (free space on the workspace disk, ${root}, and try again).`);
  const readOnly = readOnlyReason(e, root);
  return readOnly ? new UserError(`Cannot ${what}: ${readOnly}; nothing was changed.`) : e;
}
