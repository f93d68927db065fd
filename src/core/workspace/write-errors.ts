// What a failed write means for the user. Workspace saves and exports write beside their target
// and rename, so a write that fails has changed nothing: the message can say so.
import { UserError, isUserError } from '../../shared/errors';

const READ_ONLY_CODES = new Set(['EROFS', 'EACCES', 'EPERM']);
const FULL_CODES = new Set(['ENOSPC', 'EDQUOT']);

/**
 * Why saving is off when `e` is a read-only or full disk (null otherwise); `where` names the place
 * ("the workspace /home/…").
 */
export function readOnlyReason(e: unknown, where: string): string | null {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code && READ_ONLY_CODES.has(code)) return `${where} is read-only (${code}), so saving is off: the image can be viewed and edited, and the mask exported to a writable folder`;
  if (code && FULL_CODES.has(code)) return `disk full: ${where} has no space left, so saving is off until some is freed`;
  return null;
}

/** A failed write as a UserError that says nothing was changed; other errors pass through unchanged. */
export function writeError(e: unknown, where: string, what: string): unknown {
  if (isUserError(e)) return e;
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code && FULL_CODES.has(code)) return new UserError(`Cannot ${what}: disk full: nothing was changed (free space on the disk of ${where} and try again).`);
  if (code && READ_ONLY_CODES.has(code)) return new UserError(`Cannot ${what}: ${where} is read-only (${code}); nothing was changed.`);
  return e;
}
