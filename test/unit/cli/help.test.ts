import { describe, expect, test } from 'vitest';
import { COMMAND_HELP, USAGE } from '../../../src/cli/help';
import { CLI_ONLY_COMMANDS, COMMANDS } from '../../../src/engine/settings';

describe('help', () => {
  test.each([...COMMANDS, ...CLI_ONLY_COMMANDS])('%s is listed in the usage and has a help text of its own', (name) => {
    expect(USAGE).toMatch(new RegExp(`^  ${name} `, 'mu'));
    expect(COMMAND_HELP[name]).toMatch(new RegExp(`^Usage: stack-deploy ${name}\\b`, 'u'));
  });
});
