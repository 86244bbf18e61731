import { register } from 'node:module';

/**
 * Loads GitHub's workflow parser (@actions/workflow-parser) in the test process.
 *
 * The package imports its JSON schemas without `with { type: 'json' }`, which Node refuses
 * (ERR_IMPORT_ATTRIBUTE_MISSING) and vitest does not fix, because it leaves dependencies in
 * node_modules to Node. Instead of a change to the shared vitest config, this registers a Node
 * resolve hook that adds the JSON import attribute to the package's own .json imports, and
 * nothing else. (With `server.deps.inline: ['@actions/workflow-parser']` in the vitest config,
 * vite loads the package itself and the hook is never asked.)
 */
const HOOKS = `
export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  const attributes = context.importAttributes ?? {};
  if (result.url.endsWith('.json') && result.url.includes('/@actions/workflow-parser/') && attributes.type === undefined) {
    return { ...result, importAttributes: { ...attributes, type: 'json' } };
  }
  return result;
}
`;

let registered = false;

function registerJsonHook(): void {
  if (registered) return;
  register(`data:text/javascript,${encodeURIComponent(HOOKS)}`);
  registered = true;
}

export type WorkflowParser = typeof import('@actions/workflow-parser');
export type ActionParser = typeof import('@actions/workflow-parser/actions/index');

export async function loadWorkflowParser(): Promise<{ workflows: WorkflowParser; actions: ActionParser }> {
  registerJsonHook();
  const [workflows, actions] = await Promise.all([import('@actions/workflow-parser'), import('@actions/workflow-parser/actions/index')]);
  return { workflows, actions };
}
