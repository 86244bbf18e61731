import { describeError, StackDeployError } from '../errors';
import { build } from './build-command';
import { check } from './check';
import { deploy } from './deploy';
import { execInService } from './exec-in-service';
import { init } from './init';
import { logs } from './logs';
import { plan } from './plan';
import { rollback } from './rollback';
import { status } from './status';
import { unlock } from './unlock';
import type { RunContext } from './context';
import type { RunResult } from './result';
import { validate } from './validate';

/**
 * Runs one command to its end and never throws: every failure becomes a `failed` result whose
 * summary says where it happened and what to do next.
 */
export async function runCommand(context: RunContext): Promise<RunResult> {
  const { settings, reporter } = context;
  try {
    switch (settings.command) {
      case 'validate':
        return await validate(settings.manifest, reporter, settings.envFile);
      case 'check':
        return await check(context);
      case 'build':
        return await build(context);
      case 'deploy':
        return await deploy(context);
      case 'rollback':
        return await rollback(context);
      case 'status':
        return await status(context);
      case 'unlock':
        return await unlock(context);
      case 'plan':
        return await plan(context);
      case 'logs':
        return await logs(context);
      case 'exec':
        return await execInService(context);
      case 'init':
        return await init(context);
      default: {
        const unknown: never = settings.command;
        throw new StackDeployError(`the command "${String(unknown)}" is not a command`);
      }
    }
  } catch (error) {
    const report = context.redactor.redact(describeError(error));
    reporter.error(report);
    return {
      status: 'failed',
      outputs: {},
      summary: { title: `stack-deploy ${settings.command} failed`, lines: [], tables: [], details: report },
    };
  }
}
