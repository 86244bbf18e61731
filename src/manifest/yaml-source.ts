import { isAlias, isCollection, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, YAMLError } from 'yaml';
import type { IssuePath, ManifestIssue, PathIssue } from './issues';
import { formatPath } from './issues';

/** An issue with its position in the source, before the file name is attached. */
export type LocatedIssue = Omit<ManifestIssue, 'file'>;

/** A parsed YAML document with what is needed to map data paths back to lines and columns. */
export interface YamlSource {
  readonly document: Document.Parsed;
  readonly lineCounter: LineCounter;
}

export type YamlReadResult =
  | { readonly ok: false; readonly issues: LocatedIssue[] }
  | { readonly ok: true; readonly source: YamlSource; readonly isEmpty: boolean; readonly duplicateKeys: LocatedIssue[] };

const PARSER_MESSAGES: Readonly<Record<string, string>> = {
  MULTIPLE_DOCS: 'expected one YAML document, found several (separated by "---")',
  TAB_AS_INDENT: 'tabs are not allowed for indentation: use spaces',
};

/** The parser's message in the manifest's style: no trailing period, no API advice, lowercase start. */
function cleanParserMessage(error: YAMLError): string {
  const known = PARSER_MESSAGES[error.code];
  if (known !== undefined) return known;
  const text = error.message.split('\n')[0]?.replace(/\.$/u, '') ?? error.message;
  return `invalid YAML: ${text.charAt(0).toLowerCase()}${text.slice(1)}`;
}

function positionOf(lineCounter: LineCounter, offset: number): { line: number; column: number } {
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

function findDuplicateKeys(node: unknown, path: IssuePath, lineCounter: LineCounter, found: LocatedIssue[]): void {
  if (isMap(node)) {
    const firstLineByKey = new Map<string, number>();
    for (const pair of node.items) {
      const key = keyText(pair.key);
      const keyStart = isNode(pair.key) ? (pair.key.range?.[0] ?? 0) : 0;
      const firstLine = firstLineByKey.get(key);
      if (firstLine === undefined) {
        firstLineByKey.set(key, positionOf(lineCounter, keyStart).line);
      } else {
        found.push({
          ...positionOf(lineCounter, keyStart),
          path: formatPath([...path, key]),
          message: `duplicate key "${key}"`,
          hint: `first defined on line ${firstLine}`,
        });
      }
      findDuplicateKeys(pair.value, [...path, key], lineCounter, found);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => findDuplicateKeys(item, [...path, index], lineCounter, found));
  }
}

/** Parses YAML text; syntax errors come back as located issues, duplicate keys are reported but not fatal. */
export function readYaml(text: string): YamlReadResult {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  if (document.errors.length > 0) {
    const issues = document.errors.map((error) => ({
      ...positionOf(lineCounter, error.pos[0]),
      path: '',
      message: cleanParserMessage(error),
    }));
    return { ok: false, issues };
  }
  const duplicateKeys: LocatedIssue[] = [];
  findDuplicateKeys(document.contents, [], lineCounter, duplicateKeys);
  const isEmpty = document.contents === null || (isScalar(document.contents) && document.contents.value === null);
  return { ok: true, source: { document, lineCounter }, isEmpty, duplicateKeys };
}

function startOf(node: unknown): number | undefined {
  return isNode(node) ? node.range?.[0] : undefined;
}

/** Whether a value node carries no source text (`key:` with nothing after it). */
function isBlankValue(node: unknown): boolean {
  if (!isNode(node)) return true;
  if (isCollection(node)) return false;
  const range = node.range;
  return range === undefined || range === null || range[0] === range[1];
}

/**
 * Where an issue found at a data path is in the source: the value for a bad value, the key for
 * an unknown or misplaced key, the parent mapping's key for a missing key (1:1 for the root).
 */
export function locateIssue(source: YamlSource, issue: PathIssue): LocatedIssue {
  const { document, lineCounter } = source;
  let node: unknown = document.contents;
  let keyNode: unknown;
  let resolvedDepth = 0;
  for (const segment of issue.path) {
    const current: unknown = isAlias(node) ? node.resolve(document) : node;
    if (isMap(current)) {
      const pair = current.items.findLast((candidate) => keyText(candidate.key) === String(segment));
      if (pair === undefined) break;
      node = pair.value;
      keyNode = pair.key;
    } else if (isSeq(current) && typeof segment === 'number' && segment < current.items.length) {
      node = current.items[segment];
      keyNode = undefined;
    } else {
      break;
    }
    resolvedDepth += 1;
  }
  const located = { path: formatPath(issue.path), message: issue.message, ...(issue.hint === undefined ? {} : { hint: issue.hint }) };
  if (resolvedDepth === 0 && issue.path.length > 0) return { line: 1, column: 1, ...located };
  const pointAtKey = resolvedDepth < issue.path.length || issue.target === 'key' || isBlankValue(node);
  const offset = (pointAtKey ? startOf(keyNode) : undefined) ?? startOf(node) ?? 0;
  return { ...positionOf(lineCounter, offset), ...located };
}
