/** Structured fields every log line may carry; `caseId` and `step` make one case's story searchable. */
export interface LogFields {
  caseId?: string;
  step?: string;
  /** `projects/P/traces/T`, from the request or message that caused this work. */
  trace?: string;
  [key: string]: unknown;
}

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  with(fields: LogFields): Logger;
}
