// Gateway API PathPrefix semantics, shared by matching and by ReplacePrefixMatch rewrites so both
// agree on what "the matched prefix" is. The spec: a prefix matches whole path elements and "when
// specified, a trailing `/` is ignored": /abc matches /abc, /abc/ and /abc/def, not /abcd.

/** The prefix with its trailing slashes dropped; '' for "/", which matches every path. */
export function prefixStem(prefix: string): string {
  let end = prefix.length;
  while (end > 0 && prefix.charCodeAt(end - 1) === 0x2f /* '/' */) end--;
  return prefix.slice(0, end);
}

/** Whether `path` lies under `prefix`, element by element. */
export function pathHasPrefix(path: string, prefix: string): boolean {
  const stem = prefixStem(prefix);
  if (!path.startsWith(stem)) return false;
  // The stem must end on an element boundary of the path.
  return path.length === stem.length || path.charCodeAt(stem.length) === 0x2f;
}

/**
 * What follows the matched prefix in `path` ('' or starting with '/'), or undefined when the path
 * is not under the prefix.
 */
export function pathAfterPrefix(path: string, prefix: string): string | undefined {
  return pathHasPrefix(path, prefix) ? path.slice(prefixStem(prefix).length) : undefined;
}
