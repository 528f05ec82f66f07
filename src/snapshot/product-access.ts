/**
 * A user's `productAccess` entries between their two forms: objects (`ProductActivity`), and the
 * flat list a snapshot holds (`ProductAccess`, see types.ts for why it is flat).
 */
import type { ProductAccess, ProductActivity } from './types.js';

/** The flat list of these entries, in their order. */
export function productAccessOf(entries: Iterable<ProductActivity>): ProductAccess {
  const access: Array<string | null> = [];
  for (const entry of entries) access.push(entry.id, entry.key, entry.lastActive);
  return access;
}

/** The entries of a flat list as objects, in their order. */
export function activityEntries(access: ProductAccess): ProductActivity[] {
  const entries: ProductActivity[] = [];
  for (let k = 0; k + 2 < access.length; k += 3) {
    entries.push({ id: access[k]!, key: access[k + 1], lastActive: access[k + 2] });
  }
  return entries;
}
