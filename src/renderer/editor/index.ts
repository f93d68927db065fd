// The labelmap editor (no Vue, no Konva): labelmap model, undo history, brushes, fills, tools.
export * from './slices';
export * from './intensity';
export * from './labelmap';
export * from './label-rendering';
export * from './change-encoding';
export * from './history';
export * from './brush-strategies';
export * from './distance-transform';
export * from './fill';
export * from './components';
export * from './tools';
export * from './shortcuts';
export * from './tool-controller';
