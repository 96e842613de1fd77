// Filters, in the order the user wrote them (the spec asks implementations to honour it).
import type { ServiceRef } from './refs.js';

export interface HeaderValue {
  /** Lower-cased. */
  name: string;
  value: string;
}

export interface HeaderModifierIR {
  set: HeaderValue[];
  add: HeaderValue[];
  /** Lower-cased names. */
  remove: string[];
}

export type PathModifierIR =
  | { type: 'ReplaceFullPath'; value: string }
  /** Replaces the part matched by the rule's PathPrefix match. */
  | { type: 'ReplacePrefixMatch'; value: string };

export type RedirectStatus = 301 | 302 | 303 | 307 | 308;

/** A fraction of requests; percent filters are stored as n/100. */
export interface FractionIR {
  numerator: number;
  denominator: number;
}

export interface MirrorTargetIR {
  service: ServiceRef;
  port: number;
}

export interface CorsIR {
  allowOrigins: string[];
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  allowCredentials: boolean;
  /** Seconds; the spec's default is 5. */
  maxAge: number;
}

export type HttpFilterIR =
  | ({ type: 'RequestHeaderModifier' } & HeaderModifierIR)
  | ({ type: 'ResponseHeaderModifier' } & HeaderModifierIR)
  | {
      type: 'RequestRedirect';
      scheme?: 'http' | 'https';
      hostname?: string;
      port?: number;
      path?: PathModifierIR;
      statusCode: RedirectStatus;
    }
  | { type: 'URLRewrite'; hostname?: string; path?: PathModifierIR }
  | { type: 'RequestMirror'; target: MirrorTargetIR; fraction: FractionIR }
  | ({ type: 'CORS' } & CorsIR);

export type HttpFilterType = HttpFilterIR['type'];
