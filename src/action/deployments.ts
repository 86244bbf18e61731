import * as core from '@actions/core';
import type { RunStatus } from '../engine/result';

export interface DeploymentRequest {
  readonly token?: string;
  /** `owner/repo`. */
  readonly repository?: string;
  readonly sha?: string;
  readonly environment?: string;
  readonly description: string;
  readonly logUrl?: string;
}

export interface DeploymentRecord {
  finish(status: RunStatus): Promise<void>;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Records the run as a GitHub Deployment of the environment (with an in-progress status) when
 * the token may; otherwise says why in one log line and carries on: never a cause of failure.
 */
export async function startDeployment(request: DeploymentRequest): Promise<DeploymentRecord | undefined> {
  const [owner, repo] = (request.repository ?? '').split('/');
  if (request.token === undefined || owner === undefined || repo === undefined || request.sha === undefined || request.environment === undefined) return undefined;
  // The GitHub client is loaded only by the runs that record a deployment.
  const { getOctokit } = await import('@actions/github');
  const octokit = getOctokit(request.token);
  let id: number;
  try {
    const created = await octokit.rest.repos.createDeployment({
      owner,
      repo,
      ref: request.sha,
      environment: request.environment,
      description: request.description,
      auto_merge: false,
      required_contexts: [],
      production_environment: request.environment === 'production',
    });
    if (!('id' in created.data)) {
      core.info(`GitHub Deployments: not recorded (${created.data.message ?? 'no deployment was created'})`);
      return undefined;
    }
    id = created.data.id;
    await octokit.rest.repos.createDeploymentStatus({ owner, repo, deployment_id: id, state: 'in_progress', log_url: request.logUrl });
  } catch (error) {
    core.info(`GitHub Deployments: not recorded (${reason(error)}); give the job "deployments: write" to record them`);
    return undefined;
  }
  return {
    finish: async (status) => {
      try {
        await octokit.rest.repos.createDeploymentStatus({
          owner,
          repo,
          deployment_id: id,
          state: status === 'success' ? 'success' : 'failure',
          log_url: request.logUrl,
          description: status === 'rolled-back' ? 'failed; rolled back to the previous release' : undefined,
          auto_inactive: status === 'success',
        });
      } catch (error) {
        core.info(`GitHub Deployments: the final status was not recorded (${reason(error)})`);
      }
    },
  };
}
