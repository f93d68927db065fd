// `npm run web [-- --root DIR ...] [--port N]`: serves the built renderer and the StudioApi on
// 127.0.0.1 and prints the URL (with its access token) to open in a browser.
import { delimiter, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { StudioEvent } from '../shared/api';
import { createStudio } from '../core/studio';
import { appRoot, medsegHome } from '../core/paths';
import { startStudioServer } from './http-transport';
import { guardPaths } from './path-guard';

const { values } = parseArgs({ options: { root: { type: 'string', multiple: true }, port: { type: 'string' } } });
const port = Number(values.port ?? process.env.MEDSEG_PORT ?? 0);
// Files the page may name: configured roots (default: the folder the server was started in), the
// user's MedSeg home (workspace, uploads) and the bundled sample.
const roots = [
  ...(values.root ?? process.env.MEDSEG_ROOTS?.split(delimiter).filter(Boolean) ?? [process.cwd()]),
  medsegHome(), join(appRoot(), 'resources'),
];
// The studio is created before the server exists; events reach pages through this late-bound sink.
let broadcast: (event: StudioEvent) => void = () => {};
const studio = guardPaths(createStudio({ emit: (event) => broadcast(event) }), roots);
const started = await startStudioServer({ studio, staticDir: join(appRoot(), 'out', 'renderer'), port, token: process.env.MEDSEG_TOKEN });
broadcast = started.broadcast;
console.log(`MedSeg Studio (browser mode): ${started.url}`);
console.log(`Files allowed under: ${roots.join(', ')}`);
