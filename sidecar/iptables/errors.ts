// Stable error codes of `sidelane iptables`: a bad plan (refused before anything touches the
// kernel) or a backend that failed. The init container's log shows the code, so an operator can
// tell a typo in an annotation from a node without iptables.

export const IptablesErrorCode = {
  /** A port is not an integer in 1-65535. */
  BadPort: 'SIDELANE_ERR_IPTABLES_BAD_PORT',
  /** An IP range is not an IPv4 or IPv6 address with an optional /prefix. */
  BadCidr: 'SIDELANE_ERR_IPTABLES_BAD_CIDR',
  /** A UID or GID is not a non-negative integer. */
  BadId: 'SIDELANE_ERR_IPTABLES_BAD_ID',
  /** A flag value is not one of the accepted words (--backend, --ipv6). */
  BadChoice: 'SIDELANE_ERR_IPTABLES_BAD_CHOICE',
  /** Neither iptables-nft nor iptables-legacy works here (or the one asked for does not). */
  NoBackend: 'SIDELANE_ERR_IPTABLES_NO_BACKEND',
  /** IPv6 rules were asked for (--ipv6 on) but ip6tables is missing or IPv6 is disabled. */
  NoIpv6: 'SIDELANE_ERR_IPTABLES_NO_IPV6',
  /** iptables-restore (or -save) exited non-zero; the message carries its stderr. */
  CommandFailed: 'SIDELANE_ERR_IPTABLES_COMMAND_FAILED',
} as const;

export type IptablesErrorCode = (typeof IptablesErrorCode)[keyof typeof IptablesErrorCode];

/** One problem of a plan: which flag (or plan field), the value given, and why it is refused. */
export interface PlanProblem {
  code: IptablesErrorCode;
  /** The flag it came from, without the leading dashes, e.g. `exclude-outbound-ports`. */
  field: string;
  value: string;
  message: string;
}

export class IptablesError extends Error {
  readonly code: IptablesErrorCode;
  /** Every problem when the error is a refused plan; empty otherwise. */
  readonly problems: readonly PlanProblem[];

  constructor(code: IptablesErrorCode, message: string, problems: readonly PlanProblem[] = [], options?: ErrorOptions) {
    super(message, options);
    this.name = 'IptablesError';
    this.code = code;
    this.problems = problems;
  }
}
