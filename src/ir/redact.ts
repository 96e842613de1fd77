// `redact()`: a copy of any value that is safe to log or dump. Secret material (private keys,
// tokens, passwords, Secret data) is replaced by "[REDACTED]"; everything else is kept so the log
// still explains what happened. Works on IR values and on raw Kubernetes objects alike.

export const REDACTED = '[REDACTED]';

/** Field names whose string (or binary) value is secret; compared lower-cased, without - and _. */
const SECRET_FIELDS: ReadonlySet<string> = new Set([
  'privatekey',
  'privatekeypem',
  'key',
  'tls.key',
  'token',
  'accesstoken',
  'refreshtoken',
  'bearertoken',
  'idtoken',
  'password',
  'passwd',
  'passphrase',
  'secret',
  'clientsecret',
  'apikey',
]);

/** Header names whose value is a credential, in `{ name, value }` pairs (IR header modifiers). */
const SECRET_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
]);

// kubectl apply keeps the whole applied object, Secret data included, in this annotation.
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

// PEM private keys in any field, whatever it is called ("PRIVATE KEY", "RSA PRIVATE KEY", …).
const PEM_PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;

/**
 * Paths for pino's `redact` option, a first line of defence when an object is logged without
 * `redact()`. Pino's wildcards match one level each, so these cover secret fields up to two
 * levels deep and Secret data under a `secret` key; prefer `redact(value)` for whole objects.
 */
export const PINO_REDACT_PATHS: readonly string[] = [
  ...['privateKey', 'privateKeyPem', 'key', 'token', 'password', '["tls.key"]'].flatMap((field) => {
    const suffix = field.startsWith('[') ? field : `.${field}`;
    return [field, `*${suffix}`, `*.*${suffix}`];
  }),
  // A gateway listener, a list of them or their port logged whole: the certificates sit deeper.
  '*.certificates[*].privateKeyPem',
  '*.*.certificates[*].privateKeyPem',
  'listeners[*].certificates[*].privateKeyPem',
  '*.listeners[*].certificates[*].privateKeyPem',
  'secret.data',
  'secret.stringData',
  '*.secret.data',
  '*.secret.stringData',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
];

/**
 * Deep copy of `value` with secret material replaced by "[REDACTED]". Binary data (Buffer,
 * typed arrays) is replaced too: in a log it is unreadable anyway and is usually key material or
 * Secret data. The result has the input's shape, except that binary fields become strings.
 */
export function redact<T>(value: T): T {
  // The copy mirrors `value` field by field; only strings stand in for secrets and binaries.
  return copy(value, new WeakSet()) as T;
}

function isSecretField(name: string): boolean {
  return SECRET_FIELDS.has(name.toLowerCase().replace(/[-_]/g, ''));
}

function isBinary(value: unknown): boolean {
  return ArrayBuffer.isView(value) || value instanceof ArrayBuffer;
}

function copy(value: unknown, ancestors: WeakSet<object>): unknown {
  if (typeof value === 'string') return PEM_PRIVATE_KEY.test(value) ? REDACTED : value;
  if (value === null || typeof value !== 'object') return value;
  if (isBinary(value)) return REDACTED;
  if (ancestors.has(value)) return '[Circular]';
  ancestors.add(value);
  try {
    return copyObject(value, ancestors);
  } finally {
    ancestors.delete(value);
  }
}

function copyObject(value: object, ancestors: WeakSet<object>): unknown {
  if (Array.isArray(value)) return value.map((item: unknown) => copy(item, ancestors));
  if (value instanceof Date) return new Date(value.getTime());
  if (value instanceof Map) {
    return new Map(
      [...value].map(([key, item]: [unknown, unknown]) => [
        key,
        typeof key === 'string' && isSecretField(key) && isSecretLeaf(item) ? REDACTED : copy(item, ancestors),
      ]),
    );
  }
  if (value instanceof Set) return new Set([...value].map((item: unknown) => copy(item, ancestors)));

  const source = value as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  // An Error's name and message are not enumerable, but they are what a log needs.
  if (value instanceof Error) {
    result.name = value.name;
    result.message = copy(value.message, ancestors);
  }
  const secretLike = isSecretLike(source);
  const secretHeader = typeof source.name === 'string' && SECRET_HEADERS.has(source.name.toLowerCase());
  for (const [key, item] of Object.entries(source)) {
    if (isSecretField(key) && isSecretLeaf(item)) result[key] = REDACTED;
    else if (secretHeader && key === 'value' && isSecretLeaf(item)) result[key] = REDACTED;
    else if (secretLike && (key === 'data' || key === 'stringData')) result[key] = redactMapValues(item);
    else if (secretLike && key === 'metadata') result[key] = redactLastApplied(copy(item, ancestors));
    else result[key] = copy(item, ancestors);
  }
  return result;
}

/** Strings and binaries are redacted whole; objects under a secret-sounding name are walked
 * (e.g. a projected volume's `token: { expirationSeconds }` holds no secret). */
function isSecretLeaf(value: unknown): boolean {
  return typeof value === 'string' || isBinary(value);
}

/**
 * A Kubernetes Secret, typed or not: `kind: Secret`, or `stringData`, or `data` next to a `type`
 * (objects listed from the API carry no kind; Secrets always have a type, ConfigMaps never do).
 */
function isSecretLike(value: Record<string, unknown>): boolean {
  if (value.kind === 'Secret') return true;
  if (value.kind !== undefined && value.kind !== null) return false;
  return value.stringData !== undefined || (value.data !== undefined && typeof value.type === 'string');
}

/** Keeps the keys (which entries exist is useful), hides every value. */
function redactMapValues(map: unknown): unknown {
  if (map === null || typeof map !== 'object') return map === undefined || map === null ? map : REDACTED;
  return Object.fromEntries(Object.keys(map).map((key) => [key, REDACTED]));
}

function redactLastApplied(metadata: unknown): unknown {
  if (metadata === null || typeof metadata !== 'object') return metadata;
  const annotations = (metadata as { annotations?: unknown }).annotations;
  if (annotations === null || typeof annotations !== 'object' || !(LAST_APPLIED in annotations)) return metadata;
  return { ...metadata, annotations: { ...annotations, [LAST_APPLIED]: REDACTED } };
}
