// `npm run web [-- --root DIR ...] [--port N]`: serves the built renderer and the StudioApi on
// 127.0.0.1 and prints the URL (with its access token) to open in a browser.
import { delimiter, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { StudioEvent } from '../shared/api';
import { appRoot, medsegHome } from '../core/paths';
import { startStudioServer } from './http-transport';
import { browserModeStudio } from './browser-access';

const { values } = parseArgs({ options: { root: { type: 'string', multiple: true }, port: { type: 'string' } } });
const port = Number(values.port ?? process.env.MEDSEG_PORT ?? 0);
const roots = values.root ?? process.env.MEDSEG_ROOTS?.split(delimiter).filter(Boolean) ?? [process.cwd()];
// The studio is created before the server exists; events reach pages through this late-bound sink.
let broadcast: (event: StudioEvent) => void = () => {};
const studio = browserModeStudio({ roots, home: medsegHome(), appRoot: appRoot(), emit: (event) => broadcast(event) });
const started = await startStudioServer({ studio, staticDir: join(appRoot(), 'out', 'renderer'), port, token: process.env.MEDSEG_TOKEN });
broadcast = started.broadcast;
console.log(`MedSeg Studio (browser mode): ${started.url}`);
console.log(`Files allowed under: ${roots.join(', ')} and the workspace (${join(medsegHome(), 'workspace')}); the app's own files and the model store read only.`);
