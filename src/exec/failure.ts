import type { Command } from '../commands/command';
import { StackDeployError, tailLines } from '../errors';
import { toShellString } from './quote';
import type { Redactor } from './redact';

/** How a command is shown in logs and errors: quoted, secrets masked, stdin summarised. */
export function displayCommand(cmd: Command, redactor: Redactor): string {
  const line = redactor.redact(toShellString(cmd.argv));
  if (cmd.stdin === undefined) return line;
  return cmd.stdinIsSecret === true ? `${line} (secret on stdin)` : `${line} (${Buffer.byteLength(cmd.stdin)} bytes on stdin)`;
}

export const OUTPUT_TAIL_LINES = 50;

export function commandFailure(
  host: string,
  cmd: Command,
  redactor: Redactor,
  outcome: { exitCode: number; stdout: string; stderr: string; reason?: string },
  where: { service?: string; step?: string },
): StackDeployError {
  const output = outcome.stderr.trim() !== '' ? outcome.stderr : outcome.stdout;
  const program = cmd.argv[0] ?? 'command';
  const message = outcome.reason ?? `${program} exited with code ${outcome.exitCode}`;
  return new StackDeployError(message, {
    host,
    service: where.service,
    step: where.step,
    command: displayCommand(cmd, redactor),
    exitCode: outcome.exitCode,
    outputTail: redactor.redact(tailLines(output, OUTPUT_TAIL_LINES)),
  });
}
