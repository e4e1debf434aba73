/**
 * Errors of the Workflows language and of deployment.
 *
 * A runtime error is a Workflows value (usually a map with `message` and `tags`, or whatever a
 * `raise` step raised), carried through JavaScript by {@link WorkflowError} so that `try`/`except`
 * can catch it and an uncaught one can fail the execution with that value as its payload.
 */
import { type Value, type WfMap, wfMap } from './values.js';

/** The documented error tags the runner raises. */
export type ErrorTag =
  | 'KeyError'
  | 'IndexError'
  | 'TypeError'
  | 'ValueError'
  | 'ZeroDivisionError'
  | 'HttpError'
  | 'ConnectionError'
  | 'ConnectionFailedError'
  | 'TimeoutError'
  | 'RecursionError'
  | 'ResourceLimitError'
  | 'SystemError'
  | 'UnhandledBranchError'
  | 'AuthError'
  | 'ParallelNestingError';

/** A raised Workflows value travelling through the interpreter as a JavaScript exception. */
export class WorkflowError extends Error {
  /** Where the error was raised, innermost first, for `error.stackTrace` and `error.context`. */
  readonly trace: { step: string; routine: string }[] = [];

  constructor(readonly value: Value) {
    super(describe(value));
    this.name = 'WorkflowError';
  }
}

function describe(v: Value): string {
  if (typeof v === 'string') return v;
  if (v instanceof Map) {
    const m = v.get('message');
    if (typeof m === 'string') return m;
  }
  return 'workflow error';
}

/** Builds the documented error map `{message, tags, ...extra}`. */
export function errorValue(tags: ErrorTag[], message: string, extra: Record<string, Value> = {}): WfMap {
  return wfMap({ message, tags: [...tags], ...extra });
}

/** Shorthand for raising an error map with one or more tags. */
export function raise(tag: ErrorTag | ErrorTag[], message: string, extra: Record<string, Value> = {}): never {
  throw new WorkflowError(errorValue(Array.isArray(tag) ? tag : [tag], message, extra));
}

/**
 * An error no `except` may catch: the error-types table says an internally raised
 * ResourceLimitError "can't be caught and causes immediate execution failure". It still fails
 * the execution with its error map as the payload.
 */
export class UncatchableError extends WorkflowError {}

/** Raises an error map that fails the execution at once, past every `try`. */
export function raiseUncatchable(tag: ErrorTag, message: string): never {
  throw new UncatchableError(errorValue([tag], message));
}

/** True when a caught value is a Workflows error map carrying `tag`. */
export function hasTag(v: Value, tag: string): boolean {
  if (!(v instanceof Map)) return false;
  const tags = v.get('tags');
  return Array.isArray(tags) && tags.includes(tag);
}

/** Deployment rejected the source: the message names the step (or subworkflow) at fault. */
export class DeployError extends Error {
  constructor(
    message: string,
    readonly step?: string,
  ) {
    super(message);
    this.name = 'DeployError';
  }
}

/**
 * Thrown through the interpreter when an execution is cancelled. It is not a WorkflowError,
 * so no `except` can catch it: a cancelled execution stops where it is.
 */
export class CancelledSignal extends Error {
  constructor() {
    super('execution cancelled');
    this.name = 'CancelledSignal';
  }
}
