// Choosing the TLSRoute rule for a connection by the SNI of its ClientHello. The most specific
// name wins: an exact name, then the longest matching wildcard, then a rule with no hostnames.
// `*.example.com` matches one or more labels (a.example.com, a.b.example.com) but not
// example.com: the suffix-match reading the Gateway API gives route and listener hostnames.
import type { TlsRouteTable, TlsRuleIR } from '../../src/ir/index.js';

export interface SniChoice {
  rule: TlsRuleIR;
  /** Position of `rule` in `table.rules`. */
  index: number;
  /** How the rule was chosen; `host` is the sniHosts entry that matched. */
  by: { kind: 'exact'; host: string } | { kind: 'wildcard'; host: string } | { kind: 'any' };
}

/**
 * The rule for `sni` (as sent; compared case-insensitively, a trailing dot ignored), or undefined
 * when none takes it. An empty `sni` (client sent none) only finds a rule without hostnames.
 * Ties keep table order, so the translator's ordering (oldest route first) decides them.
 */
export function chooseSni(table: TlsRouteTable, sni: string): SniChoice | undefined {
  const name = sni.toLowerCase().replace(/\.$/, '');
  let best: { choice: SniChoice; score: number } | undefined;
  table.rules.forEach((rule, index) => {
    const found = bestHostOf(rule, name);
    if (found && (!best || found.score > best.score)) best = { choice: { rule, index, by: found.by }, score: found.score };
  });
  return best?.choice;
}

// Scores: exact beats any wildcard, a longer wildcard suffix beats a shorter one, catch-all is last.
const EXACT = Number.MAX_SAFE_INTEGER;
const ANY = 0;

function bestHostOf(rule: TlsRuleIR, name: string): { score: number; by: SniChoice['by'] } | undefined {
  if (rule.sniHosts.length === 0) return { score: ANY, by: { kind: 'any' } };
  let best: { score: number; by: SniChoice['by'] } | undefined;
  for (const host of rule.sniHosts) {
    const h = host.toLowerCase();
    let score: number | undefined;
    let kind: 'exact' | 'wildcard' = 'exact';
    if (h.startsWith('*.')) {
      const suffix = h.slice(1); // ".example.com"
      // At least one whole label before the suffix.
      if (name.length > suffix.length && name.endsWith(suffix)) {
        score = suffix.length;
        kind = 'wildcard';
      }
    } else if (name !== '' && h === name) {
      score = EXACT;
    }
    if (score !== undefined && (!best || score > best.score)) best = { score, by: { kind, host } };
  }
  return best;
}
