// Which files a browser-mode page may use: the folders the user named (--root, MEDSEG_ROOTS; by
// default the folder the server started in) and the workspace, read and written; the model store
// and the app's own files (the bundled sample, shipped models), read only. Cases opened from other
// files (by the CLI, the app) are neither listed nor usable from the page.
import { join } from 'node:path';
import type { StudioApi, StudioEvent } from '../shared/api';
import { createStudio } from '../core/studio';
import { CaseStore } from '../core/workspace/case-store';
import { confineStudio, type FileAccess } from '../core/confinement/path-guard';

export interface BrowserModeOptions {
  /** Folders the user allowed. */
  roots: string[];
  /** MEDSEG_HOME: the workspace and the user's model store live here. */
  home: string;
  /** The app's own folder (package.json): never written. */
  appRoot: string;
  emit?: (event: StudioEvent) => void;
}

function browserModeAccess({ roots, home, appRoot }: BrowserModeOptions): FileAccess & { workspace: string; modelStore: string } {
  const workspace = join(home, 'workspace');
  const modelStore = join(home, 'models');
  const cases = new CaseStore(workspace);
  return {
    workspace, modelStore,
    roots: () => ({ readable: [modelStore, appRoot], writable: [...roots, workspace], neverWritten: [modelStore, appRoot] }),
    caseSource: (id) => cases.get(id).then((record) => record.source, () => null),
    hint: {
      read: 'Start `npm run web -- --root <folder>` (or set MEDSEG_ROOTS) to allow a folder, or drop the files onto the page.',
      write: 'Write into a folder given with `npm run web -- --root <folder>` (or MEDSEG_ROOTS).',
    },
  };
}

/** The engine as a browser-mode page may use it. */
export function browserModeStudio(options: BrowserModeOptions): StudioApi {
  const access = browserModeAccess(options);
  return confineStudio(createStudio({ workspace: access.workspace, models: { user: access.modelStore }, emit: options.emit }), access);
}
