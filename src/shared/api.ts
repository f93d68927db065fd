// The one contract every host (Electron IPC, browser-mode HTTP, CLI) speaks: StudioApi and its
// events (contract/studio-api.ts), the request and result types by concern, and the kind of every
// argument (contract/method-arguments.ts, which must declare every method and each of its
// arguments' fields: a missing one is a type error). Transports walk STUDIO_METHODS, so a new
// method is added to the contract and to core/studio.ts, never in three transports. Callers import
// all of it from this file.
import type { StudioApi } from './contract/studio-api';
import { STUDIO_METHOD_ARGUMENTS } from './contract/method-arguments';

export type * from './contract/models';
export type * from './contract/segmentation';
export type * from './contract/cases';
export type { StudioApi, StudioEvent } from './contract/studio-api';
export { STUDIO_METHOD_ARGUMENTS, type ValueKind, type ValueKinds } from './contract/method-arguments';

export const STUDIO_METHODS = Object.keys(STUDIO_METHOD_ARGUMENTS) as (keyof StudioApi)[];
