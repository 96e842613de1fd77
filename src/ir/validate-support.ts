// Building blocks of `validate()`: a collector that keeps every problem (never stopping at the
// first), and the checks several parts of the IR share (ports, sorted lists, regexes, header
// names). Kept apart so validate.ts and validate-routes.ts read as lists of rules.
import { RE2JS } from 're2js';
import type { IrProblem, IrProblemCode } from './problems.js';

export class ProblemCollector {
  readonly #problems: IrProblem[] = [];

  report(path: string, code: IrProblemCode, message: string): void {
    this.#problems.push({ path, code, message });
  }

  /**
   * Runs `check` and turns a TypeError (an IR that does not have the declared shape, e.g. received
   * over the wire) into an IR_MALFORMED problem at `path`, so one broken entry does not hide the
   * problems of its siblings.
   */
  guard(path: string, check: () => void): void {
    try {
      check();
    } catch (err) {
      if (!(err instanceof TypeError)) throw err;
      this.report(path, 'IR_MALFORMED', `unexpected shape: ${err.message}`);
    }
  }

  /** The list at `path`, or an empty one (and a problem) when the value is not a list. */
  list<T>(value: readonly T[] | undefined, path: string): readonly T[] {
    if (Array.isArray(value)) return value as readonly T[];
    this.report(path, 'IR_MALFORMED', 'expected a list');
    return [];
  }

  get problems(): IrProblem[] {
    return [...this.#problems];
  }
}

export function isPort(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}

// Not a type predicate: callers hold numbers that may still be fractional or negative, and the
// failing branch must keep them typed as numbers for the message.
export function isNonNegativeInteger(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

export function checkPort(problems: ProblemCollector, value: unknown, path: string): void {
  if (!isPort(value)) {
    problems.report(path, 'IR_INVALID_PORT', `port ${String(value)} is not an integer in 1..65535`);
  }
}

/** Namespaces and names are typed as unknown: the IR may come from the wire, and a missing name
 * must be a problem, not a crash. */
export function checkName(problems: ProblemCollector, value: unknown, path: string, what: string): void {
  if (typeof value !== 'string' || value === '') problems.report(path, 'IR_INVALID_REF', `${what} is empty`);
}

export function checkRef(
  problems: ProblemCollector,
  ref: { namespace: unknown; name: unknown },
  path: string,
): void {
  checkName(problems, ref.namespace, `${path}.namespace`, 'namespace');
  checkName(problems, ref.name, `${path}.name`, 'name');
}

export interface OrderCodes {
  unsorted: IrProblemCode;
  duplicate: IrProblemCode;
}

/**
 * Checks that `items` are sorted by `compare` and that no two have the same `key`. An unsorted
 * list is one problem (at the first item out of place); every duplicate is its own problem.
 */
export function checkSortedUnique<T>(
  problems: ProblemCollector,
  items: readonly T[],
  path: string,
  order: { compare: (a: T, b: T) => number; key: (item: T) => string; codes: OrderCodes; what: string },
): void {
  problems.guard(path, () => {
    checkOrder(problems, items, path, order);
  });
}

function checkOrder<T>(
  problems: ProblemCollector,
  items: readonly T[],
  path: string,
  order: { compare: (a: T, b: T) => number; key: (item: T) => string; codes: OrderCodes; what: string },
): void {
  const seen = new Map<string, number>();
  let unsortedReported = false;
  items.forEach((item, index) => {
    const key = order.key(item);
    const first = seen.get(key);
    if (first === undefined) seen.set(key, index);
    else {
      problems.report(
        `${path}[${index}]`,
        order.codes.duplicate,
        `${order.what} ${key} appears again (first at ${path}[${first}])`,
      );
    }
    const previous = index > 0 ? items[index - 1] : undefined;
    if (!unsortedReported && previous !== undefined && order.compare(previous, item) > 0) {
      unsortedReported = true;
      problems.report(
        `${path}[${index}]`,
        order.codes.unsorted,
        `${order.what} ${key} comes after ${order.key(previous)}; the list must be sorted`,
      );
    }
  });
}

/** Only checks that the list is sorted (duplicates are allowed, e.g. repeated header names). */
export function checkSorted<T>(
  problems: ProblemCollector,
  items: readonly T[],
  path: string,
  compare: (a: T, b: T) => number,
  code: IrProblemCode,
): void {
  for (let index = 1; index < items.length; index++) {
    const [previous, current] = [items[index - 1], items[index]] as [T, T];
    if (compare(previous, current) > 0) {
      problems.report(`${path}[${index}]`, code, 'the list must be sorted by name');
      return;
    }
  }
}

/** Regexes are RE2 syntax so the proxy can compile every one of them, in linear time. */
export function checkRegex(problems: ProblemCollector, pattern: string, path: string): void {
  try {
    RE2JS.compile(pattern);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    problems.report(path, 'IR_INVALID_REGEX', `not a valid RE2 regular expression: ${why}`);
  }
}

// RFC 9110 field-name: a token.
const HEADER_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function checkHeaderName(problems: ProblemCollector, name: unknown, path: string): void {
  if (typeof name !== 'string' || !HEADER_TOKEN.test(name)) {
    problems.report(path, 'IR_INVALID_HEADER_NAME', `${JSON.stringify(name)} is not an HTTP header name`);
  } else if (name !== name.toLowerCase()) {
    problems.report(path, 'IR_HEADER_NAME_NOT_LOWERCASE', `header name ${name} must be lower-cased`);
  }
}
