// Public face of the IR: types plus the functions that keep it honest.
export * from './refs.js';
export * from './service.js';
export * from './matches.js';
export * from './filters.js';
export * from './backends.js';
export * from './routes.js';
export * from './endpoints.js';
export * from './status.js';
export * from './mesh.js';
