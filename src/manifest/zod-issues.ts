import type { z } from 'zod';
import type { IssuePath, PathIssue } from './issues';
import { allowedKeysAt } from './schema-keys';
import { didYouMean } from './suggest';

function stringParam(params: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = params?.[name];
  return typeof value === 'string' ? value : undefined;
}

function withHint(issue: PathIssue, hint: string | undefined): PathIssue {
  return hint === undefined ? issue : { ...issue, hint };
}

/**
 * The one union branch that accepted the type of the value (so its issues say what is wrong
 * inside it), if there is exactly one.
 */
function matchingUnionBranch(branches: readonly (readonly z.core.$ZodIssue[])[]): readonly z.core.$ZodIssue[] | undefined {
  const typeMatches = branches.filter((branch) => !branch.some((inner) => inner.path.length === 0 && inner.code === 'invalid_type'));
  return typeMatches.length === 1 ? typeMatches[0] : undefined;
}

/**
 * zod's issues as path issues: one per unknown key (pointing at the key, with a "did you mean"
 * against the keys allowed there), invalid record keys pointing at the key, and hints or key
 * targets carried by custom issues, and union failures reduced to the branch that applies. Messages were already worded by the error map.
 */
export function pathIssuesFromZod(
  issues: readonly z.core.$ZodIssue[],
  schema: z.core.$ZodType,
  parentPath: IssuePath = [],
): PathIssue[] {
  return issues.flatMap((issue): PathIssue[] => {
    const ownPath = issue.path.filter((segment): segment is string | number => typeof segment !== 'symbol');
    const path = [...parentPath, ...ownPath];
    switch (issue.code) {
      case 'invalid_union': {
        const relevant = matchingUnionBranch(issue.errors);
        if (relevant !== undefined) return pathIssuesFromZod(relevant, schema, path);
        return [{ path, message: issue.message, target: 'value' }];
      }
      case 'unrecognized_keys': {
        const allowed = allowedKeysAt(schema, path);
        return issue.keys.map((key) =>
          withHint({ path: [...path, key], message: issue.message, target: 'key' }, didYouMean(key, allowed)),
        );
      }
      case 'invalid_key':
        return [{ path, message: issue.message, target: 'key' }];
      case 'custom': {
        const target = stringParam(issue.params, 'target') === 'key' ? 'key' : 'value';
        return [withHint({ path, message: issue.message, target }, stringParam(issue.params, 'hint'))];
      }
      default:
        return [{ path, message: issue.message, target: 'value' }];
    }
  });
}
