// The workspace: one folder per case (keyed by its source path) holding case.json (geometry and
// metadata, never voxels) and one content-named work file per save (labelmap + provenance).
// Writes to one case run one at a time; a damaged file is reported, set aside and never
// overwritten, and the rest of the case and the other cases stay usable.
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { CaseSplit, CaseSummary, SaveCaseRequest } from '../../shared/api';
import type { Geometry } from '../../shared/image';
import type { LabelDefinition } from '../../shared/manifest';
import { voxelCount } from '../../shared/image';
import { UserError } from '../../shared/errors';
import { CASE_FORMAT, saveRequestProblem, summaryOf, type CaseRecord } from './case-record';
import { CaseFolder, RECORD_FILE } from './case-folder';
import { KeyedLock } from './keyed-lock';
import { WorkDamage, type Work } from './work-file';
import { readOnlyReason, writeError } from './write-errors';

export type { CaseRecord } from './case-record';
export type SavedWork = Work;

export const DEFAULT_LABELS: LabelDefinition[] = [{ value: 1, name: 'label 1', color: '#e6194b' }];

export interface OpenedRecord {
  record: CaseRecord;
  work: Work | null;
  /** What the user should know: damaged files set aside, work recovered, saving off. */
  warnings: string[];
  /** Why saving is off for this case (read-only or full workspace), or null. */
  readOnly: string | null;
}

export interface OpenOptions {
  /** How the case is shown (default: the source's file or folder name). */
  name?: string;
  /** The DICOM series read from a folder. */
  seriesUid?: string;
  /**
   * Set when the caller chose the series (rather than the folder's default): the folder's default
   * (largest) series, asked only when the folder's case cannot tell which series it is.
   */
  defaultSeries?: () => Promise<string | undefined>;
}

/** All review decisions share one key: the split of a new review depends on every other case's. */
const REVIEW_KEY = '*review*';

const sameSize = (a: Geometry, b: Geometry) => a.size.every((n, i) => n === b.size[i]);
const plainWork = ({ labelmap, provenance }: Work): Work => ({ labelmap, provenance });
const plainGeometry = ({ size, spacing, origin, direction }: Geometry): Geometry => ({ size, spacing, origin, direction });

export class CaseStore {
  private readonly lock = new KeyedLock();

  constructor(readonly root: string) {}

  /** How messages name the workspace. */
  private get where(): string {
    return `the workspace ${this.root}`;
  }

  static caseId(source: string): string {
    return createHash('sha256').update(resolve(source)).digest('hex').slice(0, 16);
  }

  private folder(id: string): CaseFolder {
    if (!/^[0-9a-f]{16}$/.test(id)) throw new UserError(`No such case: ${id}`);
    return new CaseFolder(join(this.root, 'cases', id), id);
  }

  /** The case's record; format-1 records are migrated on the way (under the case's lock). */
  private async current(folder: CaseFolder, warnings: string[]): Promise<CaseRecord | { damaged: string } | null> {
    const read = await folder.readRecord();
    if (read.kind === 'missing') return null;
    if (read.kind === 'damaged') return { damaged: read.problem };
    if (read.kind === 'ok') return read.record;
    const record = read.record;
    const legacy = read.savedAt ? await folder.readLegacyWork(voxelCount(record.geometry)) : null;
    try {
      if (legacy) {
        record.work = await folder.writeWork(legacy, { size: record.geometry.size, labels: record.labels, proposedBy: record.proposedBy, savedAt: read.savedAt! });
        record.savedAt = read.savedAt;
      } else if (read.savedAt) {
        for (const f of await folder.legacyWorkFiles()) warnings.push(`The labelmap saved by an earlier version (${f}) is damaged; it was ${await this.setAside(folder, f)}.`);
      }
      await folder.writeRecord(record);
      await folder.removeLegacyWork();
    } catch (e) {
      if (!readOnlyReason(e, this.where)) throw e;
      warnings.push('This case was saved by an earlier version; its labelmap will be brought over when the workspace can be written.');
    }
    return record;
  }

  /** The record of a case that must exist (inside the case's lock). */
  private async existing(folder: CaseFolder): Promise<CaseRecord> {
    const found = await this.current(folder, []);
    if (found && 'damaged' in found) throw new UserError(`The record of case ${folder.id} is damaged (${found.damaged}); open its image again to repair it.`);
    if (!found) throw new UserError(`No such case: ${folder.id}. Open the image again.`);
    return found;
  }

  get(id: string): Promise<CaseRecord> {
    return this.lock.run(id, () => this.existing(this.folder(id)));
  }

  /** Moves a damaged file out of the way and says where it went (or why it stayed). */
  private async setAside(folder: CaseFolder, file: string): Promise<string> {
    try {
      return `set aside as ${await folder.setAside(file)}`;
    } catch (e) {
      if (!readOnlyReason(e, this.where)) throw e;
      return 'left where it is (the workspace cannot be written)';
    }
  }

  /**
   * The case of `source`: one per file, and for a DICOM folder one per series. The folder's default
   * series keeps the folder's own case (as before series were told apart), chosen by its UID or
   * not, first or later; another chosen series gets a case of its own.
   */
  private async caseIdFor(source: string, seriesUid: string | undefined, defaultSeries: OpenOptions['defaultSeries']): Promise<string> {
    const byPath = CaseStore.caseId(source);
    if (!defaultSeries || !seriesUid) return byPath;
    const read = await this.folder(byPath).readRecord();
    const pathSeries = read.kind === 'ok' || read.kind === 'legacy' ? read.record.seriesUid : undefined;
    const folderSeries = pathSeries ?? await defaultSeries();
    return folderSeries === seriesUid ? byPath : CaseStore.caseId(`${resolve(source)}#series=${seriesUid}`);
  }

  /** Registers (or re-opens) the case for `source`; saved work comes back when the grid is the same. */
  async open(source: string, geometry: Geometry, { name = basename(source), seriesUid, defaultSeries }: OpenOptions = {}): Promise<OpenedRecord> {
    const id = await this.caseIdFor(source, seriesUid, defaultSeries);
    return this.lock.run(id, async () => {
      const folder = this.folder(id);
      const warnings: string[] = [];
      const found = await this.current(folder, warnings);
      let previous = found && !('damaged' in found) ? found : null;
      let work: Work | null = null;
      let recovered: Omit<CaseRecord, 'format' | 'id' | 'name' | 'source' | 'openedAt' | 'geometry'> | null = null;
      if (found && 'damaged' in found) {
        warnings.push(`The case record was damaged (${found.damaged}); it was ${await this.setAside(folder, RECORD_FILE)}.`);
        ({ work, recovered } = await this.recoverWork(folder, geometry, warnings));
      } else if (previous?.work && !sameSize(previous.geometry, geometry)) {
        warnings.push(`The image's grid changed since the last save (${previous.geometry.size.join('×')}, now ${geometry.size.join('×')}); ` +
          `the saved labelmap does not fit it and was ${await this.setAside(folder, previous.work)}.`);
        previous = { ...previous, work: null, savedAt: null, proposedBy: null, reviewed: false };
      } else if (previous?.work) {
        const loaded = await this.loadWork(folder, previous, warnings);
        work = loaded.work;
        previous = loaded.record;
      }
      const record: CaseRecord = {
        format: CASE_FORMAT, id, name, source: resolve(source), ...(seriesUid ? { seriesUid } : {}), openedAt: new Date().toISOString(),
        savedAt: null, proposedBy: null, reviewed: false, split: null, labels: DEFAULT_LABELS, work: null,
        ...recovered, ...(previous && { savedAt: previous.savedAt, proposedBy: previous.proposedBy, reviewed: previous.reviewed, split: previous.split, labels: previous.labels, work: previous.work }),
        geometry: plainGeometry(geometry),
      };
      let readOnly: string | null = null;
      try {
        await folder.writeRecord(record);
        for (const stray of await folder.strayWorkFiles(record.work)) await folder.removeWork(stray);
      } catch (e) {
        readOnly = readOnlyReason(e, this.where);
        if (!readOnly) throw e;
        warnings.push(`Saving is off: ${readOnly}.`);
      }
      return { record, work, warnings, readOnly };
    });
  }

  /** The saved work of a case whose record was damaged: the newest intact work file on its grid. */
  private async recoverWork(folder: CaseFolder, geometry: Geometry, warnings: string[]) {
    const voxels = voxelCount(geometry);
    const candidates = await Promise.all((await folder.strayWorkFiles(null)).map((f) => folder.readWork(f, voxels).then((w) => ({ f, w }), () => null)));
    const best = candidates.filter((c) => c !== null && c.w.damaged.length === 0).sort((a, b) => b!.w.header.savedAt.localeCompare(a!.w.header.savedAt))[0];
    if (!best) return { work: null, recovered: null };
    const { labels, proposedBy, savedAt } = best.w.header;
    warnings.push(`The labelmap saved ${savedAt} was recovered from ${best.f}.`);
    return { work: plainWork(best.w), recovered: { labels, proposedBy, savedAt, work: best.f, reviewed: false, split: null } };
  }

  /** Loads the record's work file; a damaged one is set aside (and the record updated) with a warning. */
  private async loadWork(folder: CaseFolder, record: CaseRecord, warnings: string[]): Promise<{ work: Work | null; record: CaseRecord }> {
    const file = record.work!;
    const cleared = { ...record, work: null, savedAt: null };
    try {
      const decoded = await folder.readWork(file, voxelCount(record.geometry));
      if (decoded.damaged.length === 0) return { work: plainWork(decoded), record };
      // The labelmap is intact: keep it, saved again with the provenance marked unknown.
      warnings.push(`The provenance saved with ${record.name} was damaged, so which voxels were drawn by hand is unknown (they now count as not edited); ` +
        `the labelmap itself is restored. The damaged file was ${await this.setAside(folder, file)}.`);
      const savedAt = new Date().toISOString();
      const meta = { size: record.geometry.size, labels: record.labels, proposedBy: record.proposedBy, savedAt };
      const work = await folder.writeWork(decoded, meta).catch((e) => { if (readOnlyReason(e, this.where)) return null; throw e; });
      return { work: plainWork(decoded), record: work ? { ...record, work, savedAt } : record };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        warnings.push(`The saved labelmap of ${record.name} (${file}) is missing; the case opens without it.`);
        return { work: null, record: cleared };
      }
      if (!(e instanceof WorkDamage)) throw e;
      warnings.push(`The saved labelmap of ${record.name} (saved ${record.savedAt}) is damaged: ${e.message}; it was ${await this.setAside(folder, file)} ` +
        'and the case opens without it.');
      return { work: null, record: cleared };
    }
  }

  /** The saved labelmap and provenance of a case, or null when it has none; damage is an error here. */
  work(id: string): Promise<SavedWork | null> {
    return this.lock.run(id, async () => {
      const folder = this.folder(id);
      const warnings: string[] = [];
      const record = await this.current(folder, warnings);
      if (!record || 'damaged' in record || !record.work) return null;
      const loaded = await this.loadWork(folder, record, warnings);
      if (loaded.record !== record) await folder.writeRecord(loaded.record);
      if (warnings.length > 0 && !loaded.work) throw new UserError(warnings.join(' '));
      return loaded.work;
    });
  }

  /** Autosave: one new work file, then the record that names it; the old work file goes last. */
  save(request: SaveCaseRequest): Promise<CaseSummary> {
    return this.lock.run(String(request?.caseId), async () => {
      const folder = this.folder(request.caseId);
      const record = await this.existing(folder);
      const problem = saveRequestProblem(request, voxelCount(record.geometry));
      if (problem) throw new UserError(`Cannot save ${record.name}: ${problem}.`);
      const what = `save ${record.name}`;
      const proposedBy = request.proposedBy === undefined ? record.proposedBy : request.proposedBy;
      const savedAt = new Date().toISOString();
      let work: string | null = null;
      try {
        work = await folder.writeWork(request, { size: record.geometry.size, labels: request.labels, proposedBy, savedAt });
        const updated: CaseRecord = { ...record, labels: request.labels, savedAt, proposedBy, work };
        await folder.writeRecord(updated);
        if (record.work && record.work !== work) await folder.removeWork(record.work);
        return summaryOf(updated);
      } catch (e) {
        if (work && work !== record.work) await folder.removeWork(work);
        throw writeError(e, this.where, what);
      }
    });
  }

  /**
   * Marks a case ready for training, or not. The first review fixes its split for good, so a
   * held-out case never leaks into training: every fifth reviewed case, starting with the second,
   * is held out (2nd, 7th, 12th, …), unless the caller names the split.
   */
  review(id: string, reviewed: boolean, split?: CaseSplit): Promise<CaseSummary> {
    return this.lock.run(REVIEW_KEY, () => this.lock.run(id, async () => {
      const folder = this.folder(id);
      const record = await this.existing(folder);
      if (reviewed && !record.savedAt) throw new UserError(`Case ${record.name} has no saved mask to review yet.`);
      let assigned = split ?? record.split ?? null;
      if (reviewed && assigned === null) {
        const others = (await this.records()).filter((r) => r.id !== id && r.split);
        const heldOut = others.filter((r) => r.split === 'validation').length;
        assigned = heldOut < Math.ceil(others.length / 5) ? 'validation' : 'train';
      }
      const updated: CaseRecord = { ...record, reviewed, split: assigned };
      try {
        await folder.writeRecord(updated);
      } catch (e) {
        throw writeError(e, this.where, `mark ${record.name} as ${reviewed ? 'reviewed' : 'not reviewed'}`);
      }
      return summaryOf(updated);
    }));
  }

  /**
   * Every readable record, read without waiting for running saves (renames make each read whole).
   * A damaged record is left for its case's next open to report and set aside.
   */
  private async records(): Promise<CaseRecord[]> {
    const ids = (await readdir(join(this.root, 'cases')).catch(() => [] as string[])).filter((id) => /^[0-9a-f]{16}$/.test(id));
    const records = await Promise.all(ids.map(async (id) => {
      const read = await this.folder(id).readRecord().catch(() => null);
      if (read?.kind === 'ok') return read.record;
      // A format-1 record lists as saved; its work is migrated when the case is next used.
      return read?.kind === 'legacy' ? { ...read.record, savedAt: read.savedAt } : null;
    }));
    return records.filter((r): r is CaseRecord => r !== null);
  }

  async recent(limit = 20): Promise<CaseSummary[]> {
    return (await this.records()).sort((a, b) => b.openedAt.localeCompare(a.openedAt)).slice(0, limit).map(summaryOf);
  }

  /** Every reviewed case, in a stable order (by id), with its grid and labels. */
  async reviewed(): Promise<CaseRecord[]> {
    return (await this.records()).filter((r) => r.reviewed).sort((a, b) => a.id.localeCompare(b.id));
  }
}
