// The workspace: one folder per case (keyed by its source path) holding case.json and the autosaved
// labelmap + provenance. Autosave is raw gzip (fast, exact); exports go through the verified writers.
import { mkdir, readFile, readdir, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { CaseSplit, CaseSummary, SaveCaseRequest, UploadedFile } from '../../shared/api';
import type { Geometry } from '../../shared/image';
import type { LabelDefinition } from '../../shared/manifest';
import { voxelCount } from '../../shared/image';
import { UserError } from '../../shared/errors';
import { writeFileAtomic } from './atomic-file';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

export interface CaseRecord extends CaseSummary {
  geometry: Geometry;
  labels: LabelDefinition[];
}

export interface SavedWork {
  labelmap: Uint8Array;
  provenance: Uint8Array;
}

export const DEFAULT_LABELS: LabelDefinition[] = [{ value: 1, name: 'label 1', color: '#e6194b' }];

export class CaseStore {
  constructor(readonly root: string) {}

  static caseId(source: string): string {
    return createHash('sha256').update(resolve(source)).digest('hex').slice(0, 16);
  }

  private folder(id: string): string {
    if (!/^[0-9a-f]{16}$/.test(id)) throw new UserError(`No such case: ${id}`);
    return join(this.root, 'cases', id);
  }

  async get(id: string): Promise<CaseRecord> {
    try {
      return JSON.parse(await readFile(join(this.folder(id), 'case.json'), 'utf8')) as CaseRecord;
    } catch {
      throw new UserError(`No such case: ${id}. Open the image again.`);
    }
  }

  /** Registers (or re-opens) the case for `source`; the geometry must match what was saved before. */
  async open(source: string, geometry: Geometry): Promise<{ record: CaseRecord; work: SavedWork | null }> {
    const id = CaseStore.caseId(source);
    const folder = this.folder(id);
    await mkdir(folder, { recursive: true });
    let previous: CaseRecord | null = null;
    try { previous = await this.get(id); } catch { /* a new case */ }
    const sameGrid = previous && previous.geometry.size.every((n, i) => n === geometry.size[i]);
    const record: CaseRecord = {
      id, name: basename(source), source: resolve(source), openedAt: new Date().toISOString(),
      savedAt: sameGrid ? previous!.savedAt : null, proposedBy: sameGrid ? previous!.proposedBy : null,
      reviewed: sameGrid ? previous!.reviewed : false, split: previous?.split ?? null,
      geometry, labels: previous?.labels ?? DEFAULT_LABELS,
    };
    await writeFileAtomic(join(folder, 'case.json'), JSON.stringify(record, null, 2));
    return { record, work: sameGrid && record.savedAt ? await this.loadWork(id, voxelCount(geometry)) : null };
  }

  /** The autosaved labelmap and provenance of a case, or null when it has none. */
  async work(id: string): Promise<SavedWork | null> {
    const record = await this.get(id);
    return record.savedAt ? this.loadWork(id, voxelCount(record.geometry)) : null;
  }

  private async loadWork(id: string, voxels: number): Promise<SavedWork | null> {
    const folder = this.folder(id);
    try {
      const [labelmap, provenance] = await Promise.all(
        ['labelmap.u8.gz', 'provenance.u8.gz'].map(async (f) => new Uint8Array(await gunzipAsync(await readFile(join(folder, f))))),
      );
      return labelmap.length === voxels && provenance.length === voxels ? { labelmap, provenance } : null;
    } catch {
      return null;
    }
  }

  async save(request: SaveCaseRequest): Promise<CaseSummary> {
    const record = await this.get(request.caseId);
    const voxels = voxelCount(record.geometry);
    for (const [name, buffer] of [['labelmap', request.labelmap], ['provenance', request.provenance]] as const) {
      if (!(buffer instanceof Uint8Array) || buffer.length !== voxels) {
        throw new UserError(`Cannot save: the ${name} has ${buffer?.length ?? 0} voxels, the image ${voxels}.`);
      }
    }
    const folder = this.folder(record.id);
    // level 1: autosave runs often on volumes of 50+ MB; labelmaps compress well even so.
    const [labels, provenance] = await Promise.all([gzipAsync(request.labelmap, { level: 1 }), gzipAsync(request.provenance, { level: 1 })]);
    await writeFileAtomic(join(folder, 'labelmap.u8.gz'), labels);
    await writeFileAtomic(join(folder, 'provenance.u8.gz'), provenance);
    const updated: CaseRecord = {
      ...record, labels: request.labels, savedAt: new Date().toISOString(),
      proposedBy: request.proposedBy === undefined ? record.proposedBy : request.proposedBy,
    };
    await writeFileAtomic(join(folder, 'case.json'), JSON.stringify(updated, null, 2));
    return summaryOf(updated);
  }

  /**
   * Marks a case ready for training, or not. The first review fixes its split for good, so a
   * held-out case never leaks into training: every fifth reviewed case, starting with the second,
   * is held out (2nd, 7th, 12th, …), unless the caller names the split.
   */
  async review(id: string, reviewed: boolean, split?: CaseSplit): Promise<CaseSummary> {
    const record = await this.get(id);
    if (reviewed && !record.savedAt) throw new UserError(`Case ${record.name} has no saved mask to review yet.`);
    let assigned = split ?? record.split ?? null;
    if (reviewed && assigned === null) {
      const others = (await this.records()).filter((r) => r.id !== id && r.split);
      const heldOut = others.filter((r) => r.split === 'validation').length;
      assigned = heldOut < Math.ceil(others.length / 5) ? 'validation' : 'train';
    }
    const updated: CaseRecord = { ...record, reviewed, split: assigned };
    await writeFileAtomic(join(this.folder(id), 'case.json'), JSON.stringify(updated, null, 2));
    return summaryOf(updated);
  }

  private async records(): Promise<CaseRecord[]> {
    let ids: string[] = [];
    try { ids = await readdir(join(this.root, 'cases')); } catch { return []; }
    const records = await Promise.all(ids.map((id) => this.get(id).catch(() => null)));
    return records.filter((r): r is CaseRecord => r !== null);
  }

  async recent(limit = 20): Promise<CaseSummary[]> {
    return (await this.records()).sort((a, b) => b.openedAt.localeCompare(a.openedAt)).slice(0, limit).map(summaryOf);
  }

  /** Every reviewed case, in a stable order (by id), with its grid and labels. */
  async reviewed(): Promise<CaseRecord[]> {
    return (await this.records()).filter((r) => r.reviewed).sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Stores uploaded files under uploads/<content hash>/ and returns the path to open (file or folder). */
  async storeUpload(files: UploadedFile[]): Promise<string> {
    if (files.length === 0) throw new UserError('Nothing to open: no files were dropped.');
    const hash = createHash('sha256');
    for (const f of files) hash.update(f.name).update(f.bytes);
    const folder = join(this.root, 'uploads', hash.digest('hex').slice(0, 16));
    for (const f of files) {
      const target = resolve(folder, f.name);
      if (!target.startsWith(folder + sep)) throw new UserError(`Refusing a file name that leaves its folder: ${f.name}`);
      await mkdir(dirname(target), { recursive: true });
      const existing = await stat(target).catch(() => null);
      if (!existing || existing.size !== f.bytes.length) await writeFileAtomic(target, f.bytes);
    }
    // One file opens as a file; several (a DICOM series) open as their common folder.
    if (files.length === 1) return resolve(folder, files[0].name);
    const first = files[0].name.split('/');
    return first.length > 1 && files.every((f) => f.name.startsWith(first[0] + '/')) ? join(folder, first[0]) : folder;
  }
}

function summaryOf({ id, name, source, openedAt, savedAt, proposedBy, reviewed, split }: CaseRecord): CaseSummary {
  return { id, name, source, openedAt, savedAt, proposedBy, reviewed, split: split ?? null };
}
