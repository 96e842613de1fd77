// One load of the manifests in file mode: read, translate, check. The result is either a config
// ready to apply or everything that stops it from being applied; what to do with either (apply,
// keep the last good one, report) is the watcher's decision, not this step's.
import type { IgnoredObject, ManifestError } from '../api/objects.js';
import {
  irVersion,
  normalize,
  validate,
  type GatewayAddressIR,
  type GatewayClassStatusIR,
  type GatewayStatusIR,
  type IrProblem,
  type MeshIR,
  type RouteStatusIR,
} from '../ir/index.js';
import { DEFAULT_CLUSTER_DOMAIN, translate } from '../translate/index.js';
import { loadManifestFiles } from './filesource.js';

/** A translated configuration, as handed to the config server. */
export interface ConfigUpdate {
  /** Normalized. */
  ir: MeshIR;
  /** `irVersion(ir)`: equal versions mean equal IRs. */
  version: string;
  statuses: RouteStatusIR[];
  /** Our GatewayClasses' status (Accepted or why not), sorted by name. */
  gatewayClassStatuses: GatewayClassStatusIR[];
  /** Status of the Gateways of our classes (listeners, conditions), sorted by namespace, name. */
  gatewayStatuses: GatewayStatusIR[];
  /** Objects used with a caveat (duplicates, fields an older API version allowed). */
  warnings: ManifestError[];
  /** Well-formed objects of kinds Sidelane does not read. */
  ignored: IgnoredObject[];
  /** Every manifest file read, in the order read. */
  files: string[];
}

/** Why a load was not applied. At least one of `errors` and `irProblems` is non-empty. */
export interface LoadFailure {
  /** Unreadable paths, unparsable documents, unusable objects (and a translator that threw). */
  errors: ManifestError[];
  /** Problems `validate()` found in the translated IR: a translator bug, never the user's input. */
  irProblems: IrProblem[];
  warnings: ManifestError[];
  files: string[];
}

export type LoadOutcome = { ok: true; update: ConfigUpdate } | ({ ok: false } & LoadFailure);

export interface LoadSettings {
  paths: string[];
  defaultNamespace: string;
  clusterDomain?: string;
  /** Reported as every Gateway's status.addresses (file mode: where `sidelane run` serves them). */
  gatewayAddresses?: readonly GatewayAddressIR[];
}

/**
 * Reads and translates every path. Any manifest error fails the whole load, even when the other
 * files are fine: a half-applied edit (the routes of one file gone because its YAML is broken)
 * would change traffic in ways nobody asked for.
 */
export async function loadConfig(settings: LoadSettings): Promise<LoadOutcome> {
  let warnings: ManifestError[] = [];
  let files: string[] = [];
  const failed = (errors: ManifestError[], irProblems: IrProblem[] = []): LoadOutcome => ({
    ok: false,
    errors,
    irProblems,
    warnings,
    files,
  });
  try {
    const loaded = await loadManifestFiles(settings.paths, settings.defaultNamespace);
    ({ warnings, files } = loaded);
    if (loaded.errors.length > 0) return failed(loaded.errors);
    const clusterDomain = settings.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
    const { ir, statuses, gatewayClassStatuses, gatewayStatuses } = translate(loaded.snapshot, {
      clusterDomain,
      ...(settings.gatewayAddresses === undefined ? {} : { gatewayAddresses: settings.gatewayAddresses }),
    });
    // Checked in the form the proxies will receive.
    const normalized = normalize(ir);
    const irProblems = validate(normalized);
    if (irProblems.length > 0) return failed([], irProblems);
    return {
      ok: true,
      update: {
        ir: normalized,
        version: irVersion(normalized),
        statuses,
        gatewayClassStatuses,
        gatewayStatuses,
        warnings,
        ignored: loaded.ignored,
        files,
      },
    };
  } catch (err) {
    // The translator is total by design; if it throws anyway, the last good config must stay.
    const message = err instanceof Error ? err.message : String(err);
    return failed([{ source: settings.paths.join(', '), message: `translation failed: ${message}` }]);
  }
}
