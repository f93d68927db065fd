// Masks in and out of the open case. In: an existing mask file put in place of the labelmap as
// one undo step (the engine checks it against the case's grid and refuses another grid with the
// reason). Out: the labelmap with its label names and colours, to a file the engine writes (the
// workspace's exports folder unless told otherwise), downloaded through the browser in browser
// mode, or where the user picked in the desktop app's save dialog (its page may write nowhere else).
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { DicomSegResult, ExportMaskResult } from '../../shared/api';
import { caseStem } from '../../shared/image-names';
import { downloadFiles } from '../api/downloads';
import { hostDialogs } from '../api/host-dialogs';
import { studio } from '../api/studio-client';
import { useNoticeStore } from './notice-store';
import { useOpenCaseStore } from './open-case-store';

export interface MaskExportOptions {
  /** The file to write; the workspace's exports folder when absent. */
  out?: string;
  /** The user agreed to write into the source image's folder (asked, or picked there in a dialog). */
  besideSource?: boolean;
  /** Also hand the written files to the browser as downloads. */
  download?: boolean;
}

const fileName = (path: string) => path.replace(/[\\/]+$/, '').split(/[\\/]/).pop() ?? path;

export const useMaskIoStore = defineStore('maskIo', () => {
  const notices = useNoticeStore();
  const cases = useOpenCaseStore();
  const host = hostDialogs();
  /** The mask being read, or null. */
  const loading = ref<string | null>(null);

  /** The case the engine knows (an image shown only in the page has nothing to load onto or export). */
  function engineCase() {
    const labelmap = cases.labelmap, summary = cases.summary;
    return labelmap && summary && !cases.local ? { labelmap, summary } : null;
  }

  /** "<source>-mask.nii.gz": after the source file or folder, not the display name (which may name the patient). */
  function suggestedName(dicomSeg: boolean): string {
    return `${caseStem(fileName(cases.summary?.source ?? 'case'))}${dicomSeg ? '-seg.dcm' : '-mask.nii.gz'}`;
  }

  /** Reads `path` onto the open case; `voxelOrder` takes its voxels in file order when only its header disagrees. */
  async function loadMask(path: string, voxelOrder = false): Promise<boolean> {
    const c = engineCase();
    if (!c) return false;
    loading.value = fileName(path);
    try {
      await cases.save(); // the engine matches a DICOM SEG's segments to the label names it has
      const mask = await studio().loadMask({ caseId: c.summary.id, mask: path, voxelOrder });
      if (cases.summary?.id !== c.summary.id) return false; // another case opened meanwhile
      const changed = cases.applyLoadedMask(fileName(path), mask.labelmap, mask.labels);
      for (const warning of mask.warnings) notices.warning(warning);
      const named = Object.entries(mask.counts).map(([value, n]) => `${mask.labels.find((l) => l.value === Number(value))?.name ?? `label ${value}`}: ${n}`);
      notices.info(`Loaded ${fileName(path)} (${named.join(', ') || 'no labelled voxel'}; ${changed} voxels changed, one undo step).`);
      return true;
    } catch (e) {
      notices.error(e, 'Could not load the mask');
      return false;
    } finally {
      loading.value = null;
    }
  }

  /** The desktop app: the native open dialog, then loadMask. */
  async function pickAndLoadMask(): Promise<boolean> {
    try {
      const picked = await host?.pickImage('file');
      return picked ? await loadMask(picked) : false;
    } catch (e) {
      notices.error(e, 'Could not load the mask');
      return false;
    }
  }

  /** The desktop app's save dialog, starting at the suggested name; null when the user cancelled. */
  async function pickExportTarget(dicomSeg: boolean): Promise<string | null> {
    try {
      return (await host?.pickExportTarget(suggestedName(dicomSeg))) ?? null;
    } catch (e) {
      notices.error(e, 'Could not open the save dialog');
      return null;
    }
  }

  async function exportMask({ out, besideSource = false, download = false }: MaskExportOptions): Promise<ExportMaskResult | null> {
    const c = engineCase();
    if (!c) return null;
    try {
      await cases.save();
      const result = await studio().exportMask({
        caseId: c.summary.id, labelmap: c.labelmap.labels, labels: cases.labels.map((l) => ({ ...l })), besideSource, download, ...(out ? { out } : {}),
      });
      if (download && result.files) await downloadFiles(result.files);
      return result;
    } catch (e) {
      notices.error(e, 'Export failed');
      return null;
    }
  }

  /** A DICOM SEG over the series the case came from; each segment's algorithm type from the provenance. */
  async function exportDicomSeg(out: string): Promise<DicomSegResult | null> {
    const c = engineCase();
    if (!c) return null;
    try {
      await cases.save();
      return await studio().exportDicomSeg({
        caseId: c.summary.id, labelmap: c.labelmap.labels, provenance: c.labelmap.provenance, labels: cases.labels.map((l) => ({ ...l })), out,
      });
    } catch (e) {
      notices.error(e, 'DICOM SEG export failed');
      return null;
    }
  }

  return { desktop: host !== null, loading, suggestedName, loadMask, pickAndLoadMask, pickExportTarget, exportMask, exportDicomSeg };
});
