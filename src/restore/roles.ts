/**
 * Which roles a restore may give back (SPEC §9). **Safety:** restore never adds anyone to a group
 * that grants an admin or platform role, and never assigns one directly. Both lists are
 * allow-lists, so a role Atlassian adds later is refused until someone decides it is safe.
 */

/** Roles a group may grant for a membership in it to be given back. */
export const RESTORABLE_GROUP_ROLES: ReadonlySet<string> = new Set([
  'atlassian/user',
  'atlassian/guest',
  'atlassian/customer',
  'atlassian/contributor',
  'atlassian/basic',
  'atlassian/stakeholder',
  'atlassian/viewer',
]);

/** The only role restore assigns directly: product access without product administration. */
export const RESTORABLE_DIRECT_ROLES: ReadonlySet<string> = new Set(['atlassian/user']);

/** The roles of `roles` that restore must not give back through a group, sorted. */
export function unsafeGroupRoles(roles: Iterable<string>): string[] {
  return [...new Set([...roles].filter((role) => !RESTORABLE_GROUP_ROLES.has(role)))].sort();
}
