/**
 * Walks the policy schema key by key, `$ref`s resolved, naming each key by its path as the docs
 * and messages write it: `rules[].neverActive.graceDays`, `products.*.monthlyCostPerUser`.
 */
import { policySchema, type SchemaNode } from './schema.js';

export interface SchemaKey {
  /** `rules[].inactiveDays`; the top-level keys have no dot. */
  path: string;
  /** Path of the mapping that holds the key (`rules[]`), '' for the top level. */
  parent: string;
  name: string;
  node: SchemaNode;
  required: boolean;
}

export function resolveRef(node: SchemaNode, root: SchemaNode = policySchema): SchemaNode {
  if (!node.$ref) return node;
  const name = node.$ref.replace('#/$defs/', '');
  const target = root.$defs?.[name];
  if (!target) throw new Error(`schema: unresolved $ref ${node.$ref}`);
  return resolveRef(target, root);
}

/** Every key of the schema, depth first, in the order written. */
export function schemaKeys(root: SchemaNode = policySchema): SchemaKey[] {
  const keys: SchemaKey[] = [];
  const visitObject = (object: SchemaNode, parent: string) => {
    for (const [name, raw] of Object.entries(object.properties ?? {})) {
      const node = resolveRef(raw, root);
      const path = parent === '' ? name : `${parent}.${name}`;
      keys.push({ path, parent, name, node, required: object.required?.includes(name) ?? false });
      visitValue(node, path);
    }
    if (object.additionalProperties && typeof object.additionalProperties === 'object') {
      visitValue(
        resolveRef(object.additionalProperties, root),
        parent === '' ? '*' : `${parent}.*`,
      );
    }
  };
  const visitValue = (node: SchemaNode, path: string) => {
    if (node.type === 'object') visitObject(node, path);
    if (node.type === 'array' && node.items) visitValue(resolveRef(node.items, root), `${path}[]`);
  };
  visitObject(root, '');
  return keys;
}

/** The mappings (by path) and the keys each allows. */
export function keysByParent(root: SchemaNode = policySchema): Map<string, string[]> {
  const byParent = new Map<string, string[]>();
  for (const key of schemaKeys(root)) {
    byParent.set(key.parent, [...(byParent.get(key.parent) ?? []), key.name]);
  }
  return byParent;
}

/** Schema node for a key path such as `rules[].sites[]` or `products.*`. */
export function schemaAt(path: string, root: SchemaNode = policySchema): SchemaNode | undefined {
  if (path === '') return root;
  let node: SchemaNode | undefined = root;
  for (const part of path.match(/[^.[\]]+|\[\]/g) ?? []) {
    if (!node) return undefined;
    if (part === '[]') node = node.items ? resolveRef(node.items, root) : undefined;
    else if (part === '*')
      node =
        node.additionalProperties && typeof node.additionalProperties === 'object'
          ? resolveRef(node.additionalProperties, root)
          : undefined;
    else node = node.properties?.[part] ? resolveRef(node.properties[part], root) : undefined;
  }
  return node;
}
