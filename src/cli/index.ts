#!/usr/bin/env node
import { version as toolVersion } from '../../package.json';
import { runCli } from './main';
import { processTerminal } from './terminal';

void runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  toolVersion,
  terminal: processTerminal(process.env),
}).then((code) => {
  process.exitCode = code;
});
