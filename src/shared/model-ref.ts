// "id@version": how every host and the engine name a model version. Parsed and formatted here
// only. Both parts are names, never paths: a version names a folder in the model store, so a
// ref with a path character in it must never reach the file system.
import { UserError } from './errors';

export interface ModelRef {
  id: string;
  /** null: the model's current version. */
  version: string | null;
}

/** Letters and digits first, then letters, digits, '.', '_', '+' or '-': no '/', '\', '..' or '@'. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/;

/** Whether `text` may name a model id or a version. */
export const isModelName = (text: string): boolean => NAME.test(text) && !text.includes('..');

/** Why `text` is not a model ref, or null when it is one. */
export function modelRefProblem(text: unknown, options: { versionRequired?: boolean } = {}): string | null {
  if (typeof text !== 'string') return 'a model ref must be a string';
  const example = 'e.g. dra-unet-liver-ct or dra-unet-liver-ct@1.1.0';
  const parts = text.split('@');
  if (parts.length > 2) return `"${text}" has more than one '@' (${example})`;
  if (!isModelName(parts[0])) return `"${parts[0]}" is not a model id: letters, digits, '.', '_', '+' or '-' (${example})`;
  if (parts.length === 2 && !isModelName(parts[1])) return `"${parts[1]}" is not a version: letters, digits, '.', '_', '+' or '-' (${example})`;
  if (options.versionRequired && parts.length === 1) return `name the version as id@version (e.g. dra-unet-liver-ct@1.1.0), not "${text}"`;
  return null;
}

/** Parses "id" or "id@version"; throws (with what a ref looks like) on anything else. */
export function parseModelRef(text: string, options: { versionRequired?: boolean } = {}): ModelRef {
  const problem = modelRefProblem(text, options);
  if (problem) throw new UserError(`Not a model ref: ${problem}.`);
  const [id, version = null] = text.split('@');
  return { id, version };
}

export function formatModelRef(id: string, version: string): string {
  return `${id}@${version}`;
}
