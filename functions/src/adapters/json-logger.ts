import type { LogFields, Logger } from '../ports/logger.js';

type Severity = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';
export interface LogEntry extends LogFields {
  severity: Severity;
  message: string;
}

/**
 * One JSON object per line in the shape Cloud Logging parses from a function's stdout: `severity`
 * and `message` become the entry's own fields, `logging.googleapis.com/trace` links it to the trace,
 * and the rest lands in `jsonPayload` where `caseId` and `step` can be filtered on.
 */
export class JsonLogger implements Logger {
  constructor(
    private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
    private readonly base: LogFields = {},
  ) {}

  debug(message: string, fields?: LogFields): void {
    this.emit('DEBUG', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.emit('INFO', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.emit('WARNING', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.emit('ERROR', message, fields);
  }

  with(fields: LogFields): Logger {
    return new JsonLogger(this.write, { ...this.base, ...fields });
  }

  private emit(severity: Severity, message: string, fields: LogFields = {}): void {
    const { trace, ...rest } = { ...this.base, ...fields };
    const entry: Record<string, unknown> = { severity, message, ...rest };
    if (trace) entry['logging.googleapis.com/trace'] = trace;
    for (const [key, value] of Object.entries(entry)) if (value instanceof Error) entry[key] = describeError(value);
    this.write(JSON.stringify(entry));
  }
}

function describeError(error: Error): Record<string, unknown> {
  return { name: error.name, message: error.message, stack: error.stack, code: (error as { code?: unknown }).code };
}

