// Regular expressions in routes are RE2 syntax: matching stays linear-time in the proxy, whatever
// a route author writes. Checked once here so an invalid pattern is a status condition, not a
// proxy crash.
import { RE2JS } from 're2js';

/** undefined when the pattern compiles; otherwise why not. */
export function re2Problem(pattern: string): string | undefined {
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
