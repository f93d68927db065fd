// Which files the Electron page may use: what the user picked in a native dialog this session
// (an image or folder to open; a file to save an export to), the sources of the workspace's cases
// (reopened from recent), the workspace and the model store. Everything else, however the page
// names it, is refused: a compromised page cannot read or write what the user can.
import type { FileAccess } from '../core/confinement/path-guard';
import { caseSources } from '../core/confinement/source-protection';
import { resolveReal } from '../core/confinement/real-path';
import type { CaseStore } from '../core/workspace/case-store';

/** What the user picked in dialogs this session, by real path. */
export class DialogGrants {
  readonly reads = new Set<string>();
  readonly writes = new Set<string>();

  async grantRead(path: string): Promise<void> {
    this.reads.add(await resolveReal(path));
  }

  async grantWrite(path: string): Promise<void> {
    this.writes.add(await resolveReal(path));
  }
}

export interface DesktopAccessOptions {
  grants: DialogGrants;
  cases: CaseStore;
  workspace: string;
  modelStore: string;
  /** The app's own files (its resources folder when packaged): read, never written. */
  appFiles: string;
}

export function desktopAccess({ grants, cases, workspace, modelStore, appFiles }: DesktopAccessOptions): FileAccess {
  return {
    roots: async () => ({
      readable: [workspace, modelStore, appFiles, ...grants.reads, ...await caseSources(cases)],
      writable: [...grants.writes],
      neverWritten: [modelStore, appFiles],
    }),
    caseSource: (id) => cases.get(id).then((record) => record.source, () => null),
    hint: { read: 'Choose it with Open… (the app opens only files you pick).', write: 'Choose where to save it in the Export dialog.' },
  };
}
