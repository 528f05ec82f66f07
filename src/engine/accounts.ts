/** What kind of account a snapshot user is, as the licence rules of SPEC §3 need it. */
import { SERVICE_ACCOUNT_EMAIL_DOMAIN, type SnapshotUser } from '../snapshot/types.js';

const GROUP_ARI_PREFIX = 'ari:cloud:identity::group/';

/** Group ids are bare uuids everywhere in the engine (users/search returns the ARI form). */
export function bareGroupId(id: string): string {
  return id.startsWith(GROUP_ARI_PREFIX) ? id.slice(GROUP_ARI_PREFIX.length) : id;
}

/** Lower-cased domain of an email, or null when the email is hidden. */
export function emailDomainOf(email: string | null): string | null {
  if (email === null) return null;
  const at = email.lastIndexOf('@');
  return at < 0 ? '' : email.slice(at + 1).toLowerCase();
}

export function isActiveMember(user: SnapshotUser): boolean {
  return user.accountStatus === 'active' && user.membershipStatus === 'active';
}

const SERVICE_SUFFIX = `@${SERVICE_ACCOUNT_EMAIL_DOMAIN}`;

export function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 127) return false;
  return true;
}

/** `text` ends with `suffix` (lower-case ASCII) in any case; runs for a million accounts, so no copies. */
function endsWithFolded(text: string, suffix: string): boolean {
  if (!isAscii(text)) return text.toLowerCase().endsWith(suffix);
  const offset = text.length - suffix.length;
  if (offset < 0) return false;
  for (let i = 0; i < suffix.length; i++) {
    let c = text.charCodeAt(offset + i);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== suffix.charCodeAt(i)) return false;
  }
  return true;
}

export function isServiceAccount(
  user: SnapshotUser,
  serviceAccountIds: ReadonlySet<string>,
): boolean {
  return (
    serviceAccountIds.has(user.accountId) ||
    (user.email !== null && endsWithFolded(user.email, SERVICE_SUFFIX))
  );
}

/** A billable seat holder: a person's active account (SPEC §3 "Licensed"). */
export function isPerson(user: SnapshotUser, serviceAccountIds: ReadonlySet<string>): boolean {
  return user.accountType === 'atlassian' && !isServiceAccount(user, serviceAccountIds);
}
