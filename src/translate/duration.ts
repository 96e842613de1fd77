// Gateway API durations (GEP-2257): 1 to 4 pairs of digits and a unit (h, m, s, ms), e.g.
// "1h30m", "500ms". Parsed here because the API server only checks the pattern, and files do
// not even get that.
const PART = /([0-9]{1,5})(h|ms|m|s)/y;
const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };

/** Milliseconds, or undefined when the text is not a Gateway API duration. */
export function parseDuration(text: string): number | undefined {
  if (text.length === 0) return undefined;
  PART.lastIndex = 0;
  let total = 0;
  let parts = 0;
  while (PART.lastIndex < text.length) {
    const m = PART.exec(text);
    if (!m) return undefined;
    total += Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? 0);
    parts += 1;
  }
  return parts >= 1 && parts <= 4 ? total : undefined;
}
