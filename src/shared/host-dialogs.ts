// What only the desktop app offers beside the StudioApi: native dialogs. The Electron page may
// name only files the user picked in one of these (or reopened from recent cases), the workspace
// and the model store, so a path typed into the page, or sent by a compromised page, is refused
// until the user has picked it. Exposed by the preload as `window.studioHost`; browser mode has none.

export interface HostDialogs {
  /** Asks the user for an image file or a DICOM folder; the page may then open it. null: cancelled. */
  pickImage(kind: 'file' | 'folder'): Promise<string | null>;
  /** A save dialog for an export, starting at `suggestedPath`; the picked file becomes writable. null: cancelled. */
  pickExportTarget(suggestedPath: string): Promise<string | null>;
}

export const HOST_DIALOG_METHODS = ['pickImage', 'pickExportTarget'] as const satisfies readonly (keyof HostDialogs)[];
export const hostDialogChannel = (method: keyof HostDialogs) => `host:${method}`;
