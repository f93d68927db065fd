// Calling itk-wasm from the I/O worker: its console chatter captured (the useful line kept for the
// message), real paths (it cannot follow symlinks), and its Image converted to a VolumeImage with a
// UserError when that fails.
import { realpathSync } from 'node:fs';
import { basename } from 'node:path';
import type { Image } from 'itk-wasm';
import { UserError } from '../../shared/errors';
import type { DicomSeriesMetadata } from '../../shared/dicom';
import type { VolumeImage } from '../../shared/image';
import { fromItkImage } from './itk-image';

export interface ReadResult {
  image: VolumeImage;
  /** Things the user should know (another series was skipped, irregular slices, …); empty when none. */
  warnings: string[];
  /** Patient, study, series and per-slice instances, for DICOM reads. */
  dicom?: DicomSeriesMetadata;
}

/**
 * Run one itk-wasm call with its console chatter (decoder messages, "Exception while running
 * pipeline") captured instead of printed; the captured text helps explain a failure.
 */
export async function quietly<T>(fn: () => Promise<T>): Promise<{ value?: T; error?: unknown; log: string }> {
  const lines: string[] = [];
  const saved = { log: console.log, error: console.error, warn: console.warn, info: console.info };
  const capture = (...args: unknown[]) => { lines.push(args.map(String).join(' ')); };
  console.log = console.error = console.warn = console.info = capture;
  try {
    return { value: await fn(), log: lines.join('\n') };
  } catch (error) {
    return { error, log: lines.join('\n') };
  } finally {
    Object.assign(console, saved);
  }
}

/** The most useful line of what itk-wasm printed, for a message (empty when nothing useful). */
export function reasonFrom(log: string, error: unknown): string {
  const fromError = error instanceof Error ? error.message : '';
  const lines = `${fromError}\n${log}`.split('\n').map((l) => l.trim())
    .filter((l) => l && !/^(stdout|stderr):?$/.test(l) && !/Exception while running pipeline|Build module in Debug mode/.test(l));
  const line = lines.find((l) => /error|unsupported|invalid|cannot|could not|fail/i.test(l)) ?? '';
  return line.replace(/^(stderr|stdout|exception):\s*/i, '').replace(/\s+/g, ' ').slice(0, 160);
}

export const nameOf = (path: string) => basename(path) || path;

/**
 * itk-wasm mounts a file's folder into its WASM file system and cannot follow a symlink on the way
 * (a file under a linked folder reads as "not a valid image"): hand it the real path. Messages keep
 * the path the user gave.
 */
export const itkPath = (path: string) => realpathSync(path);

export function convertItkImage(abs: string, itk: Image, options: { photo: boolean; modality: string }): ReadResult {
  try {
    return fromItkImage(itk, options);
  } catch (e) {
    throw new UserError(`Cannot open ${nameOf(abs)}: ${(e as Error).message}.`);
  }
}
