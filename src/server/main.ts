// `npm run web`: serves the built renderer and the StudioApi on 127.0.0.1 and prints the URL
// (with its access token) to open in a browser.
import { join } from 'node:path';
import { createStudio } from '../core/studio';
import { appRoot } from '../core/paths';
import { startStudioServer } from './http-transport';

import type { StudioEvent } from '../shared/api';

const port = Number(process.env.MEDSEG_PORT ?? 0);
// The studio is created before the server exists; events queue through this late-bound sink.
let broadcast: (event: StudioEvent) => void = () => {};
const studio = createStudio({ emit: (event) => broadcast(event) });
const started = await startStudioServer({ studio, staticDir: join(appRoot(), 'out', 'renderer'), port });
broadcast = started.broadcast;
console.log(`MedSeg Studio (browser mode): ${started.url}`);
console.log(`Files allowed under: ${roots.join(', ')}`);
