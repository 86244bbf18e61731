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
    [['logs', '-e', 'prod'], { command: 'logs', environment: 'prod', serviceArgs: [], follow: false, since: undefined }],
    [['logs', '-e', 'prod', 'api', 'web', '--follow', '--since', '10m'], { command: 'logs', serviceArgs: ['api', 'web'], follow: true, since: '10m' }],
    [['exec', '-e', 'lab', 'web', '--', 'cat', '/www/index.html'], { command: 'exec', environment: 'lab', exec: { service: 'web', argv: ['cat', '/www/index.html'] } }],
    // After "--" every word is the command's, flags and another "--" included.
    [['exec', 'web', '-e', 'lab', '--', 'ls', '-la', '--', '-e'], { environment: 'lab', exec: { service: 'web', argv: ['ls', '-la', '--', '-e'] } }],
    [['exec', '-e', 'lab', 'web', 'sh'], { exec: { service: 'web', argv: ['sh'] } }],
    [['exec', '--help'], { command: 'exec', help: true, exec: undefined }],
    [['init', '-c', 'compose.yml'], { command: 'init', init: { composeFile: 'compose.yml', force: false } }],
    [
      ['init', '--compose', 'deploy/compose.yml', '-f', 'stack.yml', '-e', 'staging', '--host', 'h.example.com', '--user', 'app', '--path', '/srv/app', '--force'],
      { environment: 'staging', init: { composeFile: 'deploy/compose.yml', host: 'h.example.com', user: 'app', path: '/srv/app', force: true } },
    ],
  ])('%j', (argv, expected) => {
    expect(parseCli(argv)).toMatchObject(expected);
  });

  test.each([
    [['launch'], '"launch" is not a command'],
    [['validate', 'extra'], 'unexpected argument "extra"'],
    [['validate', '--frobnicate'], "Unknown option '--frobnicate'"],
    [['validate', '-f'], "Option '-f, --manifest <value>' argument missing"],
    [['status', '--', 'x'], 'unexpected argument "x"'],
    [['logs', 'api', '--', 'x'], 'unexpected argument "x"'],
    [['exec', '-e', 'lab'], 'exec needs a service and a command'],
    [['init'], 'init needs the compose file to read'],
    [['exec', '-e', 'lab', 'web'], 'exec needs a command to run in "web"'],
    [['exec', '-e', 'lab', 'web', '--'], 'exec needs a command to run in "web"'],
    [['exec', '-e', 'lab', 'web', 'sh', '--', 'ls'], 'unexpected argument "sh" before "--"'],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseCli(argv)).toThrow(message);
  });
});
