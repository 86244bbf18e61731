import type { Command } from '../../../src/commands/command';
import { inspectHostCommand } from '../../../src/deploy/host-inspect';
import { hostPaths } from '../../../src/deploy/plan';
import {
  acquireLockCommand,
  endRolloutCommand,
  handOverLockCommand,
  preflightCommand,
  readRunCommand,
  releaseLockCommand,
  renewLeaseCommand,
  startTransactionCommand,
  uploadAndPullCommand,
} from '../../../src/deploy/remote-commands';

/**
 * Every host program a deploy or rollback sends, by name: fake hosts tell them apart by their
 * text, which is fixed (only their arguments vary).
 */
const ANY_PATHS = hostPaths({ path: '', runId: '' });
export const PROGRAMS = {
  preflight: preflightCommand(ANY_PATHS),
  inspect: inspectHostCommand(ANY_PATHS, { name: '' }, []),
  lock: acquireLockCommand('', '', '', 0),
  uploadAndPull: uploadAndPullCommand(ANY_PATHS, Buffer.alloc(0), '', []),
  readRun: readRunCommand(''),
  start: startTransactionCommand(ANY_PATHS, ''),
  release: releaseLockCommand('', ''),
  handOver: handOverLockCommand('', '', ''),
  endRollout: endRolloutCommand(ANY_PATHS, '', ''),
  renew: renewLeaseCommand('', '', 0),
} satisfies Record<string, Command>;
export type Program = keyof typeof PROGRAMS;

/** Which host program `cmd` is. */
export function programOf(cmd: Pick<Command, 'argv'>): Program | undefined {
  return (Object.keys(PROGRAMS) as Program[]).find((name) => PROGRAMS[name].argv[2] === cmd.argv[2]);
}
