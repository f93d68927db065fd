// Where the app's own files and the user's model store live.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding package.json (the repo in development, the app's resources when packaged). */
export function appRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the app root (no package.json above core)');
    dir = parent;
  }
  return dir;
}

/**
 * An entry module beside the caller (`from` is its `import.meta.url`): the built `<stem>.js` where the
 * bundle ships one (electron.vite.config.ts makes each worker an entry of its own), else the `.ts`
 * source (tsx, vitest).
 */
export function entryBeside(from: string, stem: string): URL {
  const js = new URL(`./${stem}.js`, from);
  return existsSync(fileURLToPath(js)) ? js : new URL(`./${stem}.ts`, from);
}

/** The user's MedSeg home: MEDSEG_HOME, else the per-OS app-data folder. */
export function medsegHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MEDSEG_HOME) return env.MEDSEG_HOME;
  if (process.platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'MedSeg Studio');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'MedSeg Studio');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'medseg-studio');
}
