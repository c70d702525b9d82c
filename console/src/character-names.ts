/**
 * @module console/character-names
 * A character as a person names it ("a space", "a tab"), for messages that refuse one: the
 * character itself is invisible when it is white space, and easy to miss when it is punctuation.
 */

const NAMES: Record<string, string> = {
  ' ': 'a space',
  '\t': 'a tab',
  '\n': 'a line break',
  '\r': 'a carriage return',
  '\u00a0': 'a non-breaking space',
  '/': 'a slash (/)',
  '\\': 'a backslash (\\)',
  '.': 'a full stop (.)',
  ',': 'a comma (,)',
  ':': 'a colon (:)',
  ';': 'a semicolon (;)',
  '&': 'an ampersand (&)',
  '<': 'a less-than sign (<)',
  '>': 'a greater-than sign (>)',
  '"': 'a double quote (")',
  "'": "an apostrophe (')",
  '@': 'an at sign (@)',
  '#': 'a hash sign (#)',
  '+': 'a plus sign (+)',
  '*': 'an asterisk (*)',
  '?': 'a question mark (?)',
  '!': 'an exclamation mark (!)',
};

/** The API writes a control character as its `\uXXXX` escape: the character it stands for. */
export function unescaped(text: string): string {
  const escaped = /^\\u([0-9a-f]{4})$/i.exec(text);
  return escaped ? String.fromCharCode(Number.parseInt(escaped[1] ?? '0', 16)) : text;
}

/** `ch` (one character, or the API's `\uXXXX` escape of one) in words. */
export function characterInWords(ch: string): string {
  const character = unescaped(ch);
  const named = NAMES[character];
  if (named) return named;
  const code = `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  // An invisible character is named by its code alone: quoting it would show nothing.
  return /[\p{Cc}\p{Cf}\p{Z}]/u.test(character)
    ? `the invisible character ${code}`
    : `the character “${character}” (${code})`;
}
