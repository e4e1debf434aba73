import { JsonLogger, type LogEntry } from '../functions/src/adapters/json-logger.js';

/** Keeps entries in memory: the local stack's quiet mode and tests that check what was logged. */
export class MemoryLogger extends JsonLogger {
  readonly entries: LogEntry[];
  constructor(entries: LogEntry[] = []) {
    super((line) => entries.push(JSON.parse(line) as LogEntry));
    this.entries = entries;
  }
}
