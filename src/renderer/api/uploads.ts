// Files the user hands over (file picker, folder picker, drag and drop) as UploadedFile[] for
// openUploadedCase: name = path inside the chosen/dropped folder, bytes = the file's contents.
import type { UploadedFile } from '../../shared/api';

async function toUploaded(file: File, name: string): Promise<UploadedFile> {
  return { name, bytes: new Uint8Array(await file.arrayBuffer()) };
}

/** From an <input type=file> (with or without webkitdirectory). */
export async function filesFromInput(list: FileList | null): Promise<UploadedFile[]> {
  const files = [...(list ?? [])];
  return Promise.all(files.map((f) => toUploaded(f, f.webkitRelativePath || f.name)));
}

function readAllEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  // readEntries returns at most ~100 entries per call: read until it returns none.
  return new Promise((resolve, reject) => {
    const all: FileSystemEntry[] = [];
    const next = () => reader.readEntries((batch) => {
      if (batch.length === 0) resolve(all);
      else { all.push(...batch); next(); }
    }, reject);
    next();
  });
}

async function walk(entry: FileSystemEntry, prefix: string, out: { file: File; name: string }[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ file, name: prefix + entry.name });
  } else if (entry.isDirectory) {
    for (const child of await readAllEntries((entry as FileSystemDirectoryEntry).createReader())) {
      await walk(child, `${prefix}${entry.name}/`, out);
    }
  }
}

/** From a drop: files and whole folders (a DICOM series folder keeps its relative paths). */
export async function filesFromDrop(transfer: DataTransfer): Promise<UploadedFile[]> {
  const entries = [...transfer.items]
    .filter((item) => item.kind === 'file')
    .map((item) => item.webkitGetAsEntry?.() ?? null);
  if (entries.length > 0 && entries.every((e) => e !== null)) {
    const found: { file: File; name: string }[] = [];
    for (const entry of entries) await walk(entry!, '', found);
    return Promise.all(found.map(({ file, name }) => toUploaded(file, name)));
  }
  return filesFromInput(transfer.files);
}
