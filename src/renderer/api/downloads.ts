// Files the engine handed back (an export in browser mode) saved through the browser's own
// download, so a user of browser mode gets the mask on their machine, not only on the server's.
import type { UploadedFile } from '../../shared/api';

const mimeOf = (name: string) => (name.endsWith('.json') ? 'application/json' : 'application/octet-stream');

/** Saves one blob under `name` through the browser's download. */
export async function downloadBlob(name: string, blob: Blob): Promise<void> {
  const url = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement('a'), { href: url, download: name, rel: 'noopener' });
  document.body.append(link);
  link.click();
  link.remove();
  // The browser reads the blob when the download starts; give it that moment before revoking.
  await new Promise((resolve) => setTimeout(resolve, 100));
  URL.revokeObjectURL(url);
}

export async function downloadFiles(files: UploadedFile[]): Promise<void> {
  for (const file of files) await downloadBlob(file.name, new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: mimeOf(file.name) }));
}
