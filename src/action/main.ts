import { tmpdir } from 'node:os';
import * as core from '@actions/core';
import { describeError } from '../errors';
import { LocalExecutor } from '../exec/local';
import { Redactor } from '../exec/redact';
import { systemClock } from '../engine/context';
import type { RunResult } from '../engine/result';
import { runCommand } from '../engine/run';
import { summaryToMarkdown } from '../engine/summary';
import { createRunDockerConfig, removeRunDockerConfig } from '../registry/docker-config';
import { type DeploymentRecord, startDeployment } from './deployments';
import { githubContext, maskSecrets, readInputs } from './inputs';
import { actionReporter } from './reporter';
import { DOCKER_CONFIG_DIR, IS_POST, type StateStore, stateCleanupRecorder } from './state';

async function publish(result: RunResult): Promise<void> {
  const outputs: Record<string, string> = {
    ...result.outputs,
    result: result.status,
    'rolled-back': String(result.status === 'rolled-back'),
  };
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value);
  await core.summary.addRaw(summaryToMarkdown(result.summary)).write();
  if (result.status !== 'success') core.setFailed(`${result.summary.title}`);
}

/** The action's main step: read inputs once, run the engine, publish what it returns. */
export async function runMain(state: StateStore, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  state.set(IS_POST, 'true');
  const reporter = actionReporter();
  const redactor = new Redactor();
  try {
    const inputs = readInputs((name) => core.getInput(name), githubContext(env));
    maskSecrets(inputs, redactor);
    const settings = inputs.settings;
    // Recorded against the environment the engine resolves (the input, or the manifest's only one).
    let deployment: DeploymentRecord | undefined;
    const recordDeployment = async (environment: string): Promise<void> => {
      deployment = await startDeployment({
        token: settings.githubToken,
        repository: env.GITHUB_REPOSITORY,
        sha: settings.sha,
        environment,
        description: `stack-deploy ${settings.command}${settings.version === undefined ? '' : ` ${settings.version}`}`,
        logUrl: settings.runUrl,
      });
    };
    const tempDir = env.RUNNER_TEMP ?? tmpdir();
    // docker login and logout of this run go to a config of its own, never the runner's.
    const dockerConfig = await createRunDockerConfig(tempDir, env);
    state.set(DOCKER_CONFIG_DIR, dockerConfig);
    let result: RunResult;
    try {
      const runEnv = { ...env, DOCKER_CONFIG: dockerConfig };
      result = await runCommand({
        settings: inputs.settings,
        reporter,
        redactor,
        clock: systemClock,
        local: new LocalExecutor(redactor, runEnv),
        cleanup: stateCleanupRecorder(state),
        tempDir,
        env: runEnv,
        onEnvironment: settings.command === 'deploy' || settings.command === 'rollback' ? recordDeployment : undefined,
      });
    } finally {
      await removeRunDockerConfig(dockerConfig);
      state.set(DOCKER_CONFIG_DIR, '');
    }
    // Assigned in recordDeployment, which the engine may have called.
    await (deployment as DeploymentRecord | undefined)?.finish(result.status);
    await publish(result);
  } catch (error) {
    // Only bad inputs reach here: the engine reports its own failures as results.
    const report = redactor.redact(describeError(error));
    core.setOutput('result', 'invalid');
    core.setOutput('rolled-back', 'false');
    core.setFailed(report);
  }
}
