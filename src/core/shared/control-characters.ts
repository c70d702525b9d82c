/**
 * @module core/shared/control-characters
 * Characters that steer a terminal or reorder text instead of being read: the C0 controls, DEL,
 * the C1 controls (U+0080–U+009F; U+009B alone starts an escape sequence on some terminals) and the
 * bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069), which make text display
 * other than it is. The API refuses them in names and descriptions, and the CLI escapes any it
 * would print, so that a value stored by an older release cannot drive the reader's terminal.
 */
import { DomainError } from './errors.js';

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const CONTROL_ALL = new RegExp(CONTROL.source, 'g');

/** The first control character in `text`, or undefined. */
export function firstControlCharacter(text: string): string | undefined {
  return CONTROL.exec(text)?.[0];
}

/** A control character as `\u001b`: readable, and inert in a terminal. */
export function escapedCharacter(ch: string): string {
  return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** `text` with every control character written as its `\uXXXX` escape. */
export function escapeControlCharacters(text: string): string {
  return text.replace(CONTROL_ALL, escapedCharacter);
}

/** The same, line breaks kept: for text of several lines (indented JSON) whose lines are ours. */
export function escapeControlCharactersInLines(text: string): string {
  return text.split('\n').map(escapeControlCharacters).join('\n');
}

/** Refuses a free-text identity field (a project's or an access key's description) that holds one. */
export function checkFreeText(text: string | undefined, field: string): void {
  const control = text === undefined ? undefined : firstControlCharacter(text);
  if (control !== undefined)
    throw new DomainError('IAM.0004', `${field} may not hold the control character ${escapedCharacter(control)}`);
}
