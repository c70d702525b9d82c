/**
 * @module core/shared/logger
 * The slice of a pino logger the domain uses, so core does not import pino.
 */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A logger that drops everything, for callers whose own output is the report. */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
