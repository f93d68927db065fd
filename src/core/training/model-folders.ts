// Where models live: shipped ones in the app's models/ folder, imported and fine-tuned ones in the
// user's store. Folder names inside the store come from model ids and versions, which are checked
// names (shared/model-ref.ts), so no ref can name a folder outside the store.
import { join } from 'node:path';
import { UserError } from '../../shared/errors';
import { isModelName } from '../../shared/model-ref';

export interface ModelFolders {
  shipped: string;
  user: string;
}

function checkedName(name: string, what: string): string {
  if (!isModelName(name)) throw new UserError(`"${name}" is not a valid model ${what}: letters, digits, '.', '_', '+' or '-'.`);
  return name;
}

/** The folder of a lineage's fine-tuned versions: <user store>/versions/<model id>. */
export const lineageFolder = (folders: ModelFolders, id: string): string => join(folders.user, 'versions', checkedName(id, 'id'));

/** One version's folder inside its lineage's. */
export const versionFolder = (folders: ModelFolders, id: string, version: string): string =>
  join(lineageFolder(folders, id), checkedName(version, 'version'));
