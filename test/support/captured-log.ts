/**
 * @module test/support/captured-log
 * A logger whose lines a test reads back: pino writing its JSON lines into an array, at the level
 * asked, for a server started with it (`startTestApp({ start: { logger } })`).
 */
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';

/** A line as pino writes it: its level number, its message and whatever fields it carried. */
export type LogLine = { level: number; msg: string } & Record<string, any>;

export function capturedLog(level: pino.LevelWithSilent = 'info'): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return { logger: pino({ level }, sink), lines };
}
