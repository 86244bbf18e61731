import { dotenvEntries } from '../compose/dotenv';

/**
 * The values of dotenv text as Compose reads them (see dotenvEntries), so that the value each
 * variable really gets can be registered as a secret before anything is logged. `${VAR}`
 * references are not expanded: the referenced variable is registered on its own.
 */
export function dotenvValues(text: string): string[] {
  return dotenvEntries(text)
    .map(([, value]) => value)
    .filter((value) => value !== '');
}
