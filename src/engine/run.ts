import { describeError, StackDeployError } from '../errors';
import type { RunContext } from './context';
import type { RunResult } from './result';

/**
 * Runs one command to its end and never throws: every failure becomes a `failed` result whose
 * summary says where it happened and what to do next. Each command's module is loaded when it
 * runs, so a run loads only the code (and the libraries) of its own command.
 */
export async function runCommand(context: RunContext): Promise<RunResult> {
  const { settings, reporter } = context;
  try {
    switch (settings.command) {
      case 'validate': {
        const { validate } = await import('./validate');
        return await validate(settings.manifest, reporter, settings.envFile);
      }
      case 'check': {
        const { check } = await import('./check');
        return await check(context);
      }
      case 'build': {
        const { build } = await import('./build-command');
        return await build(context);
      }
      case 'deploy': {
        const { deploy } = await import('./deploy');
        return await deploy(context);
      }
      case 'rollback': {
        const { rollback } = await import('./rollback');
        return await rollback(context);
      }
      case 'status': {
        const { status } = await import('./status');
        return await status(context);
      }
      case 'unlock': {
        const { unlock } = await import('./unlock');
        return await unlock(context);
      }
      case 'plan': {
        const { plan } = await import('./plan');
        return await plan(context);
      }
      case 'logs': {
        const { logs } = await import('./logs');
        return await logs(context);
      }
      case 'exec': {
        const { execInService } = await import('./exec-in-service');
        return await execInService(context);
      }
      case 'init': {
        const { init } = await import('./init');
        return await init(context);
      }
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
