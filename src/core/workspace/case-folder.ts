// One case's folder: its record (case.json), its content-named work files, and `set-aside/`, where
// damaged or superseded-by-a-new-grid files are moved (never overwritten, never deleted) so the
// user or support can still recover them.
import { readFile, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { makeFolder, writeFileAtomic } from './atomic-file';
import { RecordProblem, WORK_FILE_PATTERN, recordProblem, upgradeVersion1, type CaseRecord } from './case-record';
import { decodeWork, encodeWork, workFileName, type DecodedWork, type Work, type WorkHeader } from './work-file';

const gunzipAsync = promisify(gunzip);
export const RECORD_FILE = 'case.json';
/** Format 1 kept the labelmap and provenance in two files, written one after the other. */
const LEGACY_WORK_FILES = ['labelmap.u8.gz', 'provenance.u8.gz'] as const;
/** A format-2 record is a few KB; anything this large is a format-1 record holding voxels. */
const LARGEST_PLAIN_RECORD = 4 * 2 ** 20;

export type RecordRead =
  | { kind: 'missing' }
  | { kind: 'ok'; record: CaseRecord }
  | { kind: 'legacy'; record: CaseRecord; savedAt: string | null }
  | { kind: 'damaged'; problem: string };

export class CaseFolder {
  constructor(readonly path: string, readonly id: string) {}

  async readRecord(): Promise<RecordRead> {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(join(this.path, RECORD_FILE));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
      return { kind: 'damaged', problem: `it cannot be read (${(e as Error).message})` };
    }
    try {
      if (bytes.length > LARGEST_PLAIN_RECORD) return { kind: 'legacy', ...upgradeVersion1(bytes, this.id) };
      let parsed: Partial<CaseRecord>;
      try {
        parsed = JSON.parse(new TextDecoder().decode(bytes));
      } catch (e) {
        throw new RecordProblem(`it is not valid JSON (${bytes.length === 0 ? 'the file is empty' : (e as Error).message})`);
      }
      const looksLegacy = typeof parsed === 'object' && parsed !== null && parsed.format === undefined && 'geometry' in parsed;
      if (looksLegacy) return { kind: 'legacy', ...upgradeVersion1(bytes, this.id) };
      const problem = recordProblem(parsed, this.id);
      if (problem) throw new RecordProblem(problem);
      return { kind: 'ok', record: parsed as CaseRecord };
    } catch (e) {
      if (e instanceof RecordProblem) return { kind: 'damaged', problem: e.message };
      throw e;
    }
  }

  /** Validates, then replaces the record atomically: a crash leaves the old record or the new one. */
  async writeRecord(record: CaseRecord): Promise<void> {
    const problem = recordProblem(record, this.id);
    if (problem) throw new RecordProblem(`refusing to write an invalid case record: ${problem}`);
    await makeFolder(this.path);
    await writeFileAtomic(join(this.path, RECORD_FILE), JSON.stringify(record, null, 2));
  }

  async readWork(file: string, voxels: number): Promise<DecodedWork> {
    return decodeWork(await readFile(join(this.path, file)), voxels);
  }

  /** Writes a work file (named by its content) and returns its name; the record must be written after. */
  async writeWork(work: Work, meta: Omit<WorkHeader, 'sections'>): Promise<string> {
    const bytes = await encodeWork(work, meta);
    const name = workFileName(bytes);
    await makeFolder(this.path);
    await writeFileAtomic(join(this.path, name), bytes);
    return name;
  }

  async removeWork(file: string): Promise<void> {
    await rm(join(this.path, file), { force: true }).catch(() => undefined);
  }

  /** Work files the record does not name: left by a crash between a work file and its record. */
  async strayWorkFiles(current: string | null): Promise<string[]> {
    const names = await readdir(this.path).catch(() => [] as string[]);
    return names.filter((n) => WORK_FILE_PATTERN.test(n) && n !== current);
  }

  /** Moves a file into set-aside/ under a time-stamped name and returns where it went. */
  async setAside(file: string): Promise<string> {
    const dir = join(this.path, 'set-aside');
    await makeFolder(dir);
    const target = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${file}`);
    await rename(join(this.path, file), target);
    return target;
  }

  /** A format-1 case's labelmap and provenance, for migration; null when they are missing or damaged. */
  async readLegacyWork(voxels: number): Promise<Work | null> {
    try {
      const [labelmap, provenance] = await Promise.all(LEGACY_WORK_FILES.map(async (f) => new Uint8Array(await gunzipAsync(await readFile(join(this.path, f))))));
      return labelmap.length === voxels && provenance.length === voxels ? { labelmap, provenance } : null;
    } catch {
      return null;
    }
  }

  async legacyWorkFiles(): Promise<string[]> {
    const names = await readdir(this.path).catch(() => [] as string[]);
    return LEGACY_WORK_FILES.filter((f) => names.includes(f));
  }

  async removeLegacyWork(): Promise<void> {
    await Promise.all(LEGACY_WORK_FILES.map((f) => rm(join(this.path, f), { force: true })));
  }
}
