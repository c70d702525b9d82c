/**
 * @module console/api-errors
 * Where an API error belongs on a form, and what it says in a person's words: the ModelArts code
 * (or the property its message names) picks the field, down to the one input it is about (the
 * volume size, not the storage type); the API's own message and code stay with it as the detail.
 */
import { DemanagerApiError, isUnauthorized } from '../../src/client/index.js';
import { characterInWords, unescaped } from './character-names.js';
import { nameProblem, OBS_PATH_END, OBS_PATH_MISSING, volumeSizeMessage } from './create-checks.js';

export type FormField =
  | 'name'
  | 'description'
  | 'profile'
  | 'flavor'
  | 'storage_type'
  | 'storage_size'
  | 'storage_path'
  | 'auto_stop'
  | 'repository_url'
  | 'repository_branch'
  | 'form';

/** A problem with one field: what to do, in words, and (for the API's) its own message and code. */
export interface FieldProblem {
  field: FormField;
  message: string;
  detail?: string;
}

const BY_CODE: Record<string, FormField> = {
  'ModelArts.6301': 'name',
  'ModelArts.6316': 'storage_type',
  'ModelArts.6324': 'storage_type',
  'ModelArts.6317': 'storage_path',
  'ModelArts.6318': 'storage_path',
  'ModelArts.6358': 'storage_path',
  'ModelArts.6331': 'storage_size',
  'ModelArts.6323': 'flavor',
  'ModelArts.6328': 'flavor',
  'ModelArts.6329': 'flavor',
  'ModelArts.6330': 'flavor',
  'ModelArts.6348': 'auto_stop',
  'ModelArts.6349': 'auto_stop',
};

/** The property a schema or rule names (`'spec.storage.location.volume_size'`), the first pattern it matches deciding. */
const BY_PROPERTY: [RegExp, FormField][] = [
  [/^name$/, 'name'],
  [/^description$/, 'description'],
  [/^profile_id$/, 'profile'],
  [/^flavor$/, 'flavor'],
  [/^(spec\.storage\.location\.)?volume_size$/, 'storage_size'],
  [/^(spec\.storage\.location\.)?path$/, 'storage_path'],
  [/^spec\.(storage|extend_storage)|^mount_path$/, 'storage_type'],
  [/^spec\.auto_stop/, 'auto_stop'],
  [/^(spec\.)?repository\.branch$/, 'repository_branch'],
  [/^(spec\.)?repository/, 'repository_url'],
];

/** The character a 6334 refusal names, as the API wrote it (itself, or its `\uXXXX` escape). */
function refusedCharacter(error: DemanagerApiError): string | undefined {
  return /The character (.+) is not allowed/su.exec(error.errorMsg)?.[1];
}

/** The field `error` is about; `name` is what the form sent as the name (6334 covers two fields). */
export function fieldOf(error: DemanagerApiError, name = ''): FormField {
  const byCode = BY_CODE[error.errorCode];
  if (byCode) return byCode;
  if (error.errorCode === 'ModelArts.6334') {
    const character = refusedCharacter(error);
    return character !== undefined && name.includes(unescaped(character)) ? 'name' : 'description';
  }
  const property = /'([\w.]+)'/.exec(error.errorMsg)?.[1];
  for (const [pattern, field] of BY_PROPERTY) if (property && pattern.test(property)) return field;
  return 'form';
}

/** The range a message states (`from 5 GB to 4096 GB`, `from 3600 to 86400`), if it states one. */
function rangeIn(message: string): [number, number] | null {
  const [, min, max] = /from (\d+)\D+?(\d+)/.exec(message) ?? [];
  return min && max ? [Number(min), Number(max)] : null;
}

/** What to do about `error` on `field`, in words; null where only the API's own message says it. */
function wordsFor(field: FormField, error: DemanagerApiError, name: string): string | null {
  const code = error.errorCode;
  switch (field) {
    case 'name':
      if (code === 'ModelArts.6301')
        return `An instance named ${name} already exists in this project. Choose another name.`;
      return nameProblem(name) ?? 'Use only letters, digits, _ and -.';
    case 'description': {
      const character = refusedCharacter(error);
      if (character !== undefined) return `The description may not contain ${characterInWords(character)}.`;
      return 'The description may be at most 512 characters.';
    }
    case 'profile':
      return 'Choose an image.';
    case 'flavor':
      return code === 'ModelArts.6328'
        ? 'You may not use this size in this project. Choose another.'
        : code === 'ModelArts.6329'
          ? 'This size is sold out. Choose another.'
          : code === 'ModelArts.6330'
            ? 'This size does not fit the chosen image. Choose another size or image.'
            : 'This size is not offered. Choose another.';
    case 'storage_type':
      return code === 'ModelArts.6324'
        ? 'This size does not offer this storage type. Choose another.'
        : 'Choose a storage type.';
    case 'storage_size': {
      const range = rangeIn(error.errorMsg);
      return range ? volumeSizeMessage(...range) : volumeSizeMessage();
    }
    case 'storage_path':
      return code === 'ModelArts.6317'
        ? OBS_PATH_MISSING
        : code === 'ModelArts.6318'
          ? OBS_PATH_END
          : code === 'ModelArts.6358'
            ? 'Enter a folder inside the bucket, not the bucket itself: for example /bucket/work/.'
            : 'Enter a path that starts with /, without . or .. parts, for example /bucket/work/.';
    case 'auto_stop': {
      const range = rangeIn(error.errorMsg);
      return range ? `Choose from ${range[0] / 3600} to ${range[1] / 3600} hours.` : 'Choose after how many hours.';
    }
    case 'repository_url':
      if (/credential/.test(error.errorMsg))
        return 'Leave the user name and token out of the Git URL: the address is stored and shown in clear.';
      if (/allowedHosts/.test(error.errorMsg))
        return 'The service may not clone from this host. Use another repository.';
      return 'Enter a Git URL starting with https://, or an ssh address such as git@host:team/project.git.';
    case 'repository_branch':
      return 'Enter a branch name as git allows it: no spaces, no .. and not ending with / or .';
    case 'form':
      return null;
  }
}

/** Where `error` belongs and what it says; `name` is the name the form sent. */
export function problemOf(error: unknown, name = ''): FieldProblem {
  if (!(error instanceof DemanagerApiError) || error.status !== 400)
    return { field: 'form', message: messageOf(error) };
  const field = fieldOf(error, name);
  const message = wordsFor(field, error, name);
  return message === null ? { field, message: messageOf(error) } : { field, message, detail: messageOf(error) };
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
