// Masks are written by exports and segmentations; none may replace an image the user's work came
// from (a case's source file, or a file inside a source folder), whoever asks: CLI, browser mode
// or app. Compared by real path, so a link or a second spelling of the same file is caught too.
import { existsSync } from 'node:fs';
import { UserError } from '../../shared/errors';
import type { CaseStore } from '../workspace/case-store';
import { isUnder, resolveReal } from './real-path';

/** Every image a case in the workspace was opened from. */
export async function caseSources(cases: CaseStore): Promise<string[]> {
  return (await cases.recent(Number.POSITIVE_INFINITY)).map((c) => c.source);
}

/**
 * A check that refuses a target replacing one of `sources`. The sources' real paths are resolved once,
 * so a batch checks each of its outputs against them without re-reading the workspace.
 */
export async function sourceGuard(sources: string[]): Promise<(target: string) => Promise<void>> {
  const realSources = await Promise.all(sources.map((s) => resolveReal(s)));
  return async (target) => {
    const real = await resolveReal(target);
    const source = realSources.find((s) => real === s || (isUnder(real, s) && existsSync(real)));
    if (source === undefined) return;
    throw new UserError(real === source
      ? `${target} is the image a case was opened from: masks are never written over a source image. Choose another file name.`
      : `${target} is a file of the image folder ${source}: masks are never written over a source image. Choose another file name.`);
  };
}
