/**
 * @module cli/password-input
 * Reads a password without echoing it: from the terminal with a prompt, or — when stdin is not a
 * terminal, as in scripts — the first line of stdin.
 */
import { InterruptedError, UsageError } from './cli-errors.js';
import { readFirstLine } from './stdin.js';

const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const BACKSPACES = new Set(['\u007f', '\b']);

/** Prompts on stderr and reads keystrokes in raw mode, so nothing is echoed. */
export function promptHidden(prompt: string, input: NodeJS.ReadStream = process.stdin): Promise<string> {
  return new Promise((resolve, reject) => {
    process.stderr.write(prompt);
    let value = '';
    const wasRaw = input.isRaw;
    const done = (error?: Error) => {
      input.off('data', onData);
      input.setRawMode(wasRaw);
      input.pause();
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: Buffer | string) => {
      for (const char of chunk.toString()) {
        if (char === '\r' || char === '\n' || char === CTRL_D) return done();
        if (char === CTRL_C) return done(new InterruptedError('interrupted'));
        if (BACKSPACES.has(char)) value = value.slice(0, -1);
        else value += char;
      }
    };
    input.setRawMode(true);
    input.setEncoding('utf8');
    input.resume();
    input.on('data', onData);
  });
}

/**
 * The password from, in order: the flag, the environment variable, a prompt on a terminal, or
 * the first line of stdin. An empty result is a usage error.
 */
export async function obtainPassword(options: {
  flag?: string | undefined;
  env?: string | undefined;
  prompt: string;
}): Promise<string> {
  let password = options.flag ?? options.env;
  if (password === undefined) {
    password = process.stdin.isTTY ? await promptHidden(options.prompt) : await readFirstLine();
  }
  if (!password)
    throw new UsageError('no password given (use --password, DEMANAGER_PASSWORD, the prompt, or a line on stdin)');
  return password;
}
