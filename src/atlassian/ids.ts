/**
 * Identifier forms that differ between Atlassian APIs, normalised in one place.
 *
 * Group ids: `users/search` returns `ari:cloud:identity::group/<uuid>`, the group APIs the bare
 * `<uuid>`. The snapshot and every write use the bare form.
 *
 * Resource ids are ARIs, `ari:cloud:<owner>::<type>/<id>` (`ari:cloud:jira-software::site/<siteId>`):
 * the owner segment is the policy's product key and the trailing segment the site (cloud) id.
 */

const GROUP_ARI_PREFIX = 'ari:cloud:identity::group/';

/** The bare uuid of a group, whichever form Atlassian returned. */
export function bareGroupId(id: string): string {
  return id.startsWith(GROUP_ARI_PREFIX) ? id.slice(GROUP_ARI_PREFIX.length) : id;
}

/** The ARI form of a group id, whichever form it is given in. */
export function groupAri(id: string): string {
  return GROUP_ARI_PREFIX + bareGroupId(id);
}

/** The parts of a resource ARI, or null when the id is not an ARI. */
export function parseResourceAri(
  id: string,
): { owner: string; resourceType: string; resourceId: string } | null {
  const match = /^ari:cloud:([^:]+):[^:]*:([^/]+)\/(.+)$/.exec(id);
  if (!match) return null;
  return { owner: match[1], resourceType: match[2], resourceId: match[3] };
}

/**
 * A path segment: percent-encoded, except `:` which RFC 3986 allows in a segment and which
 * account ids (`712020:…`) contain.
 */
export function pathSegment(value: string): string {
  return encodeURIComponent(value).replace(/%3A/gi, ':');
}
