// The request a user asks `sidelane explain` about, written the way they would type it for curl:
// `GET http://reviews.bookinfo:9080/api -H version:v2`, or `reviews:9080/api -H 'version: v2'`.
// Parsing only: no name resolution (that is explain-resolve.ts).
import type { NameValue } from '../../sidecar/route/request.js';

export interface ParsedRequest {
  method: string;
  scheme: 'http' | 'https';
  /** Lower-cased; IPv6 literals without brackets. */
  host: string;
  /** The port the client dials: it selects the Service port. */
  port: number;
  /** Whether the port was written, or is the scheme's default. */
  portGiven: boolean;
  /** Path and query as the client sends them, e.g. `/api?x=1` (never empty). */
  target: string;
  /** In order, as given; a `host` header is added (as curl does) unless one was given. */
  headers: NameValue[];
}

/** A request the user wrote that cannot be understood; the CLI exits with code 2 on it. */
export class RequestSyntaxError extends Error {
  override name = 'RequestSyntaxError';
}

const METHOD = /^[A-Za-z]+$/;
const STANDARD_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'];
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Parses `[METHOD] URL [-H header]… [-X METHOD]`, given either as one string (split like a shell
 * would, honouring quotes: `GET http://a/ -H 'x: 1'`) or as words a shell already split, which are
 * taken as they are (so `-H`, `version: v2` keeps its space).
 */
export function parseRequest(input: string | readonly string[]): ParsedRequest {
  const tokens = typeof input === 'string' ? shellSplit(input) : input;
  const positionals: string[] = [];
  const headers: NameValue[] = [];
  let methodOption: string | undefined;
  const rest = [...tokens];
  for (let token = rest.shift(); token !== undefined; token = rest.shift()) {
    const valueOf = (option: string): string => {
      const value = rest.shift();
      if (value === undefined) throw new RequestSyntaxError(`${option} needs a value`);
      return value;
    };
    if (token === '-H' || token === '--header') headers.push(parseHeader(valueOf(token)));
    else if (token.startsWith('--header=')) headers.push(parseHeader(token.slice('--header='.length)));
    else if (token.startsWith('-H')) headers.push(parseHeader(token.slice(2)));
    else if (token === '-X' || token === '--request') methodOption = parseMethod(valueOf(token));
    else if (token.startsWith('-') && token.length > 1) throw new RequestSyntaxError(`unknown option ${token} in the request (only -H/--header and -X/--request are understood)`);
    else positionals.push(token);
  }

  let method: string | undefined;
  let url: string;
  const [first, second] = positionals;
  if (first === undefined) {
    throw new RequestSyntaxError('no URL given: write e.g. "GET http://reviews.bookinfo:9080/api"');
  } else if (positionals.length === 1) {
    url = first;
  } else if (positionals.length === 2 && second !== undefined && METHOD.test(first)) {
    method = parseMethod(first);
    url = second;
  } else {
    throw new RequestSyntaxError(`expected [METHOD] URL, got ${positionals.map((p) => JSON.stringify(p)).join(' ')}`);
  }
  if (method !== undefined && methodOption !== undefined && method !== methodOption) {
    throw new RequestSyntaxError(`two methods given: ${method} and -X ${methodOption}`);
  }

  const parsedUrl = parseUrl(url);
  if (!headers.some(([name]) => name.toLowerCase() === 'host')) {
    const authorityHost = parsedUrl.host.includes(':') ? `[${parsedUrl.host}]` : parsedUrl.host;
    const defaultPort = parsedUrl.scheme === 'https' ? 443 : 80;
    headers.unshift(['host', parsedUrl.port === defaultPort ? authorityHost : `${authorityHost}:${parsedUrl.port}`]);
  }
  return { method: method ?? methodOption ?? 'GET', ...parsedUrl, headers };
}

function parseMethod(word: string): string {
  if (!METHOD.test(word)) throw new RequestSyntaxError(`not an HTTP method: ${JSON.stringify(word)}`);
  // Methods are case-sensitive on the wire, but "get" typed here surely means GET.
  const upper = word.toUpperCase();
  return STANDARD_METHODS.includes(upper) ? upper : word;
}

/** `name:value` or `name: value` (curl's form); the value is trimmed, the name kept as written. */
export function parseHeader(text: string): NameValue {
  const colon = text.indexOf(':');
  if (colon <= 0) throw new RequestSyntaxError(`header ${JSON.stringify(text)} is not name:value`);
  const name = text.slice(0, colon).trim();
  if (!HEADER_NAME.test(name)) throw new RequestSyntaxError(`header name ${JSON.stringify(name)} is not a valid HTTP field name`);
  return [name, text.slice(colon + 1).trim()];
}

type UrlParts = Pick<ParsedRequest, 'scheme' | 'host' | 'port' | 'portGiven' | 'target'>;

/**
 * `http[s]://host[:port][/path][?query]`, or the same without a scheme (then http). Parsed by
 * hand, not with WHATWG URL, which would rewrite the path (dot segments, escapes) before the
 * matcher gets to show what it does with it.
 */
export function parseUrl(url: string): UrlParts {
  let rest = url;
  let scheme: 'http' | 'https' = 'http';
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(rest);
  if (schemeMatch?.[1] !== undefined) {
    const s = schemeMatch[1].toLowerCase();
    if (s !== 'http' && s !== 'https') throw new RequestSyntaxError(`unsupported scheme ${JSON.stringify(s)}: use http or https`);
    scheme = s;
    rest = rest.slice(schemeMatch[0].length);
  }
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const authorityEnd = rest.search(/[/?]/);
  const authority = authorityEnd < 0 ? rest : rest.slice(0, authorityEnd);
  let target = authorityEnd < 0 ? '/' : rest.slice(authorityEnd);
  if (target.startsWith('?')) target = `/${target}`;
  if (/\s/.test(target)) throw new RequestSyntaxError(`the path ${JSON.stringify(target)} contains whitespace: percent-encode it`);

  if (authority === '') throw new RequestSyntaxError(`no host in ${JSON.stringify(url)}`);
  if (authority.includes('@')) throw new RequestSyntaxError(`user info in ${JSON.stringify(url)} is not supported`);
  const hostPort = /^(\[[0-9A-Fa-f:.]+\]|[^:[\]]+)(?::([^:]*))?$/.exec(authority);
  const rawHost = hostPort?.[1];
  if (hostPort === null || rawHost === undefined) throw new RequestSyntaxError(`cannot read host and port from ${JSON.stringify(authority)}`);
  const host = (rawHost.startsWith('[') ? rawHost.slice(1, -1) : rawHost).toLowerCase();
  if (!rawHost.startsWith('[') && !/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?\.?$/.test(host)) {
    throw new RequestSyntaxError(`${JSON.stringify(rawHost)} is not a host name or IP address`);
  }
  const portText = hostPort[2];
  let port = scheme === 'https' ? 443 : 80;
  if (portText !== undefined) {
    if (!/^[0-9]{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      throw new RequestSyntaxError(`port ${JSON.stringify(portText)} is not a number from 1 to 65535`);
    }
    port = Number(portText);
  }
  return { scheme, host, port, portGiven: portText !== undefined, target };
}

/**
 * Splits like a POSIX shell, without expansions: whitespace separates words, '…' is literal,
 * "…" allows \" and \\, a backslash outside quotes escapes the next character.
 */
export function shellSplit(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (ch === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new RequestSyntaxError(`unterminated ' in ${JSON.stringify(text)}`);
      word += text.slice(i + 1, end);
      i = end;
    } else if (ch === '"') {
      let j = i + 1;
      for (; j < text.length && text.charAt(j) !== '"'; j++) {
        const next = text.charAt(j + 1);
        if (text.charAt(j) === '\\' && (next === '"' || next === '\\')) j++;
        word += text.charAt(j);
      }
      if (j >= text.length) throw new RequestSyntaxError(`unterminated " in ${JSON.stringify(text)}`);
      i = j;
    } else if (ch === '\\' && i + 1 < text.length) {
      word += text.charAt(++i);
    } else {
      word += ch;
    }
  }
  if (inWord) words.push(word);
  return words;
}
