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
export * from './tls.js';
export * from './problems.js';
export { validate } from './validate.js';
export { normalize } from './normalize.js';
export { canonicalJson } from './canonical-json.js';
export { irVersion } from './version.js';
export { equal } from './equal.js';
export { redact, REDACTED, PINO_REDACT_PATHS } from './redact.js';
export { canonicalIp, searchNames, serviceFqdn } from './dns.js';
