import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readLab } from '../lab/lab';
import { DeployFixture } from './deploy-fixture';

/** A stand-in for the GitHub REST API on 127.0.0.1 that records what it is asked. */
interface Recorded {
  readonly method: string;
  readonly url: string;
  readonly body: Record<string, unknown>;
  readonly authorization: string;
}

let server: Server;
let api: string;
let deny = false;
const requests: Recorded[] = [];

function readBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => resolve(text === '' ? {} : (JSON.parse(text) as Record<string, unknown>)));
  });
}

beforeAll(async () => {
  server = createServer((request, response) => {
    void readBody(request).then((body) => {
      requests.push({ method: request.method ?? '', url: request.url ?? '', body, authorization: request.headers.authorization ?? '' });
      response.setHeader('content-type', 'application/json');
      if (deny) {
        response.statusCode = 403;
        response.end(JSON.stringify({ message: 'Resource not accessible by integration' }));
        return;
      }
      response.statusCode = 201;
      response.end(JSON.stringify(request.url?.endsWith('/deployments') === true ? { id: 77, url: 'x' } : { id: 1, state: body.state }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('GitHub Deployments', () => {
  const lab = readLab();
  const stack = new DeployFixture(lab);
  afterAll(() => stack.cleanup());

  // Asynchronous, so that this process's stand-in API can answer while the action runs.
  function deploy(version: string, inputs: Record<string, string> = { environment: 'lab' }) {
    return stack.deploy(version, { ...inputs, 'github-token': 'ghs_fake_token_1234' }, { GITHUB_API_URL: api });
  }

  test('a deploy is recorded as a deployment of the environment, in progress then successful', async () => {
    requests.length = 0;
    stack.setWeb('v1');
    const run = await deploy('1.0.0');
    expect(run.exitCode, run.stdout).toBe(0);
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST /repos/acme/shop/deployments',
      'POST /repos/acme/shop/deployments/77/statuses',
      'POST /repos/acme/shop/deployments/77/statuses',
    ]);
    expect(requests[0]?.body).toMatchObject({ environment: 'lab', auto_merge: false, required_contexts: [] });
    expect(requests[0]?.body.ref).toMatch(/^[0-9a-f]{40}$/u);
    expect(requests[1]?.body).toMatchObject({ state: 'in_progress', log_url: 'https://github.com/acme/shop/actions/runs/4242' });
    expect(requests[2]?.body).toMatchObject({ state: 'success' });
    expect(requests[0]?.authorization).toBe('token ghs_fake_token_1234');
  });

  test('without permission it is skipped with one line, and the deploy still succeeds', async () => {
    requests.length = 0;
    deny = true;
    stack.setWeb('v2');
    const run = await deploy('2.0.0');
    deny = false;
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.stdout).toContain('GitHub Deployments: not recorded (Resource not accessible by integration');
    expect(requests).toHaveLength(1);
  });

  test('without the environment input, the deployment names the manifest\'s only environment', async () => {
    requests.length = 0;
    stack.setWeb('v3');
    const run = await deploy('3.0.0', {});
    expect(run.exitCode, run.stdout).toBe(0);
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST /repos/acme/shop/deployments',
      'POST /repos/acme/shop/deployments/77/statuses',
      'POST /repos/acme/shop/deployments/77/statuses',
    ]);
    expect(requests[0]?.body).toMatchObject({ environment: 'lab' });
    expect(requests[2]?.body).toMatchObject({ state: 'success' });
  });
});
