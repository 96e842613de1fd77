// What HTTPRoute and GRPCRoute rules share once matches are checked: per-backend filters and the
// direct 500 a rule gives when it carries an ExtensionRef we cannot resolve.
import type { DirectFailureIR, HttpBackendIR } from '../ir/index.js';
import { resolveBackend, type BackendRefInput } from './backends.js';
import { translateFilters, type FilterContext, type FilterInput } from './filters.js';

/** The backends of one rule, or why the rule must be dropped. */
export function translateRuleBackends(
  refs: (BackendRefInput & { filters?: FilterInput[] })[] | undefined,
  filterCtx: FilterContext,
): { ok: true; backends: HttpBackendIR[] } | { ok: false; message: string } {
  const backends: HttpBackendIR[] = [];
  for (const [i, ref] of (refs ?? []).entries()) {
    const where = `${filterCtx.where} backendRef ${i}`;
    const backend = resolveBackend(ref, filterCtx.backends, filterCtx.problems, where);
    if (backend.kind === 'Invalid') {
      backends.push(backend);
      continue;
    }
    const filters = translateFilters(ref.filters, { ...filterCtx, where });
    if (!filters.ok) return { ok: false, message: `backendRef ${i}: ${filters.message}` };
    // Like a rule-level ExtensionRef, an unresolvable one on a backend must not be skipped:
    // that backend's share of requests is answered 500.
    backends.push(
      filters.unresolvedExtension === undefined
        ? { ...backend, filters: filters.filters }
        : { kind: 'Invalid', weight: backend.weight, reason: 'InvalidKind', message: `ExtensionRef ${filters.unresolvedExtension} is not implemented` },
    );
  }
  return { ok: true, backends };
}

export function unresolvedFilterFailure(extension: string): DirectFailureIR {
  return { status: 500, code: 'SIDELANE_ERR_UNRESOLVED_FILTER', message: `ExtensionRef ${extension} is not implemented by Sidelane` };
}
