// `npm run web`: serves the built renderer and the StudioApi on 127.0.0.1 and prints the URL
// (with its access token) to open in a browser.
import { join } from 'node:path';
import { createStudio } from '../core/studio';
import { appRoot } from '../core/paths';
import { startStudioServer } from './http-transport';

const port = Number(process.env.MEDSEG_PORT ?? 0);
const started = await startStudioServer({ studio: createStudio(), staticDir: join(appRoot(), 'out', 'renderer'), port });
console.log(`MedSeg Studio (browser mode): ${started.url}`);
