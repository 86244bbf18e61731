/**
 * GitHub's workflow parser (@actions/workflow-parser). It imports its JSON schemas without
 * import attributes, which plain Node refuses; the vitest config inlines the package so that
 * vite loads it (server.deps.inline).
 */
export type WorkflowParser = typeof import('@actions/workflow-parser');
export type ActionParser = typeof import('@actions/workflow-parser/actions/index');

export async function loadWorkflowParser(): Promise<{ workflows: WorkflowParser; actions: ActionParser }> {
  const [workflows, actions] = await Promise.all([import('@actions/workflow-parser'), import('@actions/workflow-parser/actions/index')]);
  return { workflows, actions };
}
