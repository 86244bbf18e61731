import * as core from '@actions/core';
import type { Reporter, SourceLocation } from '../engine/reporter';

function annotation(where: SourceLocation | undefined): core.AnnotationProperties | undefined {
  if (where === undefined) return undefined;
  return { file: where.file, startLine: where.line, startColumn: where.column, title: where.title };
}

/** Reports through workflow commands: log groups, annotations on files and lines. */
export function actionReporter(): Reporter {
  return {
    info: (message) => core.info(message),
    warning: (message, where) => core.warning(message, annotation(where)),
    error: (message, where) => core.error(message, annotation(where)),
    group: (title, work) => core.group(title, work),
  };
}
