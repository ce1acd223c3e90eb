import type { z } from 'zod';

/**
 * The reason zod gives for one issue, in words a user can act on. zod says only "Invalid key in
 * record" for a key that breaks the key's own rule (a source or field name with a dash); the rule's
 * own message sits in the nested issues, so it is used instead.
 */
export function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_key') {
    const key = issue.path[issue.path.length - 1];
    const reasons = issue.issues.map((inner) => inner.message).join('; ');
    return `the name ${JSON.stringify(String(key))} ${reasons || 'is not allowed here'}`;
  }
  return issue.message;
}
