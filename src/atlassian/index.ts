/** The Atlassian client and the directory snapshot: what the rest of the product calls. */
export {
  AtlassianClient,
  PAGE_SIZE,
  type AtlassianClientOptions,
  type ReadOptions,
  type WriteResult,
} from './client.js';
export { AtlassianApiError, type AtlassianErrorKind } from './errors.js';
export {
  AtlassianHttp,
  DEFAULT_BASE_URL,
  DEFAULT_CONCURRENCY,
  type AtlassianHttpOptions,
  type HttpCounters,
  type RetryPolicy,
} from './http.js';
export { bareGroupId, groupAri, parseResourceAri } from './ids.js';
export { operationRequest, type WriteRequest } from './operations.js';
export {
  addCandidateReads,
  readApiTokenUse,
  readCurrentSeats,
  readSnapshot,
  readUserRoles,
  type ApiTokenUse,
  type CandidateReadRequest,
  type ReadCurrentSeatsOptions,
  type ReadSnapshotOptions,
  type ReadUserRolesOptions,
  type SnapshotProgress,
} from './snapshot-reader.js';
