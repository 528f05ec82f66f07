/** The contract helper must catch real deviations, or the contract test proves nothing. */
import { describe, expect, it } from '@jest/globals';
import { findOperation, validateAgainstOpenApi } from '../../contract/openapi.js';

const USERS_SEARCH = '/admin/v2/orgs/{orgId}/directories/{directoryId}/users/search';

describe('validateAgainstOpenApi', () => {
  it('accepts a spec-shaped users/search page and rejects wrong types and enum values', () => {
    const ok = validateAgainstOpenApi('POST', USERS_SEARCH, 200, {
      data: [
        {
          accountId: 'a',
          accountType: 'atlassian',
          managementSource: null,
          productAccess: [{ id: 'x', lastActiveTimestamp: '2026-01-01T00:00:00.123456789Z' }],
        },
      ],
      links: { next: 'c' },
    });
    expect(ok.errors).toEqual([]);
    const bad = validateAgainstOpenApi('POST', USERS_SEARCH, 200, {
      data: [
        {
          accountId: 5,
          accountStatus: 'gone',
          productAccess: [{ lastActiveTimestamp: 'yesterday' }],
        },
      ],
    });
    expect(bad.valid).toBe(false);
    expect(bad.issues.map((i) => `${i.instancePath} ${i.keyword}`).sort()).toEqual([
      '/data/0/accountId type',
      '/data/0/accountStatus enum',
      '/data/0/productAccess/0/lastActiveTimestamp format',
    ]);
    expect(validateAgainstOpenApi('POST', USERS_SEARCH, 200, { links: {} }).errors).toEqual([
      "/ must have required property 'data'",
    ]);
  });

  it('validates request bodies against the operation requestBody', () => {
    expect(
      validateAgainstOpenApi('POST', USERS_SEARCH, 'request', {
        limit: 100,
        expand: ['productAccess'],
      }).valid,
    ).toBe(true);
    const tooMany = validateAgainstOpenApi('POST', USERS_SEARCH, 'request', {
      accountIds: Array.from({ length: 11 }, String),
    });
    expect(tooMany.errors).toEqual(['/accountIds must NOT have more than 10 items']);
    const revoke = '/admin/v1/orgs/{orgId}/users/{userId}/roles/revoke';
    expect(validateAgainstOpenApi('POST', revoke, 'request', { resource: 'ari:x' }).valid).toBe(
      false,
    );
  });

  it('keeps nullable and drops $ref siblings as OpenAPI 3.0 means them', () => {
    // MultiDirectoryGroupDetails.data.counts has `type: "GroupCounts"` beside its $ref.
    const group = '/admin/v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}';
    expect(
      validateAgainstOpenApi('GET', group, 200, { data: { id: 'g', counts: { users: 1 } } }).errors,
    ).toEqual([]);
    expect(
      validateAgainstOpenApi('GET', group, 200, { data: { counts: { users: 'many' } } }).valid,
    ).toBe(false);
    const roles =
      '/admin/v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}/role-assignments';
    expect(
      validateAgainstOpenApi('GET', roles, 200, {
        data: [{ directoryId: null, userDirectoryStatus: null }],
      }).errors,
    ).toEqual([]);
  });

  it('fails a status the operation does not declare, and a body on a 204', () => {
    const membership =
      '/admin/v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/memberships/{accountId}';
    expect(validateAgainstOpenApi('DELETE', membership, 204, undefined).valid).toBe(true);
    expect(validateAgainstOpenApi('DELETE', membership, 204, { ok: true }).valid).toBe(false);
    expect(validateAgainstOpenApi('DELETE', membership, 418, undefined).valid).toBe(false);
    const undocumentedError = validateAgainstOpenApi('DELETE', membership, 403, { errors: [] });
    expect([undocumentedError.valid, undocumentedError.unchecked]).toEqual([true, true]);
  });

  it('finds operations in both specs, by sandbox or spec path, whatever the parameter names', () => {
    expect(findOperation('GET', '/users/{id}/manage/api-tokens')?.api).toBe('user-management');
    expect(findOperation('post', '/v2/orgs/{x}/workspaces')?.path).toBe(
      '/v2/orgs/{orgId}/workspaces',
    );
    expect(
      findOperation('GET', '/admin/api-access/v1/orgs/{orgId}/service-accounts'),
    ).toBeUndefined();
    const tokens = validateAgainstOpenApi('GET', '/users/{account_id}/manage/api-tokens', 200, [
      { id: 't', label: 'CLI' },
    ]);
    expect(tokens.errors).toEqual(["/0 must have required property 'createdAt'"]);
  });
});
