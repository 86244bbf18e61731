import { describe, expect, test } from 'vitest';
import { summaryToMarkdown, summaryToText } from '../../../src/engine/summary';

const summary = {
  title: 'stack-deploy: production',
  lines: ['2 services deployed'],
  tables: [{ header: ['Service', 'Image'], rows: [['api', 'a|b'], ['web', 'multi\nline']] }],
};

describe('summaries', () => {
  test('markdown escapes table cells', () => {
    expect(summaryToMarkdown(summary)).toBe(
      '## stack-deploy: production\n\n2 services deployed\n\n| Service | Image |\n| --- | --- |\n| api | a\\|b |\n| web | multi<br>line |\n',
    );
  });

  test('markdown shows details as a code block that cannot be closed early', () => {
    expect(summaryToMarkdown({ title: 't', lines: [], tables: [], details: 'x\n```\ny' })).toBe("## t\n\n```text\nx\n'''\ny\n```\n");
  });

  test('text aligns columns', () => {
    expect(summaryToText({ title: 'T', lines: [], tables: [{ header: ['A', 'Long'], rows: [['xyz', '1']] }] })).toBe('T\n\nA    Long\nxyz  1\n');
  });
});
