// RE2 regular expressions for route matches. Every Gateway API RegularExpression match here is a
// full match (anchored at both ends, as Envoy's safe_regex does), and RE2 keeps matching linear in
// the input whatever the user wrote. A pattern that does not compile never matches: failing
// closed beats crashing the proxy or routing traffic somewhere the user did not ask for.
import { RE2JS } from 're2js';

export type AnchoredRegex =
  | { ok: true; pattern: string; test(input: string): boolean }
  | { ok: false; pattern: string; error: string };

export function compileAnchored(pattern: string): AnchoredRegex {
  try {
    const re = RE2JS.compile(pattern);
    return { ok: true, pattern, test: (input) => re.testExact(input) };
  } catch (err) {
    return { ok: false, pattern, error: err instanceof Error ? err.message : String(err) };
  }
}
