// One-line descriptions of IR matches in the Gateway API's words, for `sidelane explain`, debug
// logs and config dumps: `path PathPrefix "/api", method GET, header version = "v2"`.
import type { HttpMatchIR, StringMatch } from '../../src/ir/index.js';

export function describeMatch(match: HttpMatchIR): string {
  const parts: string[] = [];
  if (match.path) parts.push(`path ${match.path.type} ${JSON.stringify(match.path.value)}`);
  if (match.grpc?.service) parts.push(`gRPC service ${describeValue(match.grpc.service)}`);
  if (match.grpc?.method) parts.push(`gRPC method ${describeValue(match.grpc.method)}`);
  if (match.method !== undefined) parts.push(`method ${match.method}`);
  for (const h of match.headers) parts.push(`header ${h.name} ${describeValue(h)}`);
  for (const q of match.queryParams) parts.push(`query ${q.name} ${describeValue(q)}`);
  return parts.length === 0 ? 'any request' : parts.join(', ');
}

function describeValue(m: StringMatch): string {
  return `${m.type === 'Exact' ? '=' : '~'} ${JSON.stringify(m.value)}`;
}
