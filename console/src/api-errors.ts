/**
 * @module console/api-errors
 * Where an API error belongs on a form: the ModelArts code (or the field its message names) picks
 * the field, so the API's own message is shown next to what it is about.
 */
import { DemanagerApiError, isUnauthorized } from '../../src/client/index.js';

export type FormField = 'name' | 'description' | 'profile' | 'flavor' | 'storage' | 'auto_stop' | 'repository' | 'form';

const BY_CODE: Record<string, FormField> = {
  'ModelArts.6301': 'name',
  'ModelArts.6316': 'storage',
  'ModelArts.6317': 'storage',
  'ModelArts.6318': 'storage',
  'ModelArts.6324': 'storage',
  'ModelArts.6331': 'storage',
  'ModelArts.6358': 'storage',
  'ModelArts.6323': 'flavor',
  'ModelArts.6328': 'flavor',
  'ModelArts.6329': 'flavor',
  'ModelArts.6330': 'flavor',
  'ModelArts.6348': 'auto_stop',
  'ModelArts.6349': 'auto_stop',
};

const BY_PROPERTY: [RegExp, FormField][] = [
  [/^name$/, 'name'],
  [/^description$/, 'description'],
  [/^profile_id$/, 'profile'],
  [/^flavor$/, 'flavor'],
  [/^spec\.(storage|extend_storage)/, 'storage'],
  [/^spec\.auto_stop/, 'auto_stop'],
  [/^spec\.repository/, 'repository'],
];

/** The field `error` is about; `name` is what the form sent as the name (6334 covers two fields). */
export function fieldOf(error: DemanagerApiError, name = ''): FormField {
  const byCode = BY_CODE[error.errorCode];
  if (byCode) return byCode;
  if (error.errorCode === 'ModelArts.6334') {
    const character = /The character (.+) is not allowed/su.exec(error.errorMsg)?.[1];
    return character !== undefined && name.includes(character) ? 'name' : 'description';
  }
  const property = /'([\w.]+)'/.exec(error.errorMsg)?.[1];
  for (const [pattern, field] of BY_PROPERTY) if (property && pattern.test(property)) return field;
  return 'form';
}

/** A message for any failure: the API's own words, or what went wrong on the way. */
export function messageOf(error: unknown): string {
  if (error instanceof DemanagerApiError) return `${error.errorMsg} (${error.errorCode})`;
  return error instanceof Error ? error.message : String(error);
}

export { isUnauthorized };

/** A catch handler that shows the failure's message and tells `onFailure` (which signs out on 401). */
export function reporter(
  show: (message: string) => void,
  onFailure: (error: unknown) => void,
): (error: unknown) => void {
  return (error) => {
    show(messageOf(error));
    onFailure(error);
  };
}
