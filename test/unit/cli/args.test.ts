import { describe, expect, test } from 'vitest';
import { parseCli } from '../../../src/cli/args';

describe('parseCli', () => {
  test.each([
    [[], { command: 'help', manifest: undefined, json: false }],
    [['validate'], { command: 'validate', manifest: undefined }],
    [['validate', '-f', 'x.yml'], { command: 'validate', manifest: 'x.yml' }],
    [['check', '--manifest=y.yml', '-e', 'prod'], { command: 'check', manifest: 'y.yml', environment: 'prod' }],
    [
      ['deploy', '--services', 'api,web', '--version', '1.2.3', '-i', 'k', '--known-hosts', 'kh', '--env-file', '.env', '--ref', 'refs/tags/v1', '--json'],
      { command: 'deploy', services: 'api,web', version: '1.2.3', identity: 'k', knownHosts: 'kh', envFile: '.env', ref: 'refs/tags/v1', json: true },
    ],
    [['deploy', '--lock-timeout', '2m'], { lockTimeout: '2m' }],
    [['-V'], { showToolVersion: true }],
    [['check', '--help'], { command: 'check', help: true }],
  ])('%j', (argv, expected) => {
    expect(parseCli(argv)).toMatchObject(expected);
  });

  test.each([
    [['launch'], '"launch" is not a command'],
    [['validate', 'extra'], 'unexpected argument "extra"'],
    [['validate', '--frobnicate'], "Unknown option '--frobnicate'"],
    [['validate', '-f'], "Option '-f, --manifest <value>' argument missing"],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseCli(argv)).toThrow(message);
  });
});
