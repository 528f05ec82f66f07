/**
 * What `license-policy init` learned about the organisation: the facts a starter policy is
 * written from. Read by `read-survey.ts`, rendered by `render.ts` (pure), so that the rendering
 * can be tested from a hand-built survey without any network.
 */
import type { Directory, Resource } from '../snapshot/types.js';

/** One workspace (a product on a site) and how many seats it holds today. */
export interface SurveyResource extends Omit<Resource, 'governed'> {
  /**
   * Billable licensed seats: accounts of type `atlassian`, active account and membership, not a
   * service account, holding `atlassian/user` or `atlassian/admin` here (SPEC §3 "Licensed").
   */
  seats: number;
  /** Service and app accounts holding a seat role here: not billed, never acted on. */
  nonHumanHolders: number;
}

/** One role grant of a group, on one resource. */
export interface SurveyGrant {
  resourceId: string;
  roles: string[];
}

/** A group that grants a licence (a seat role) on at least one resource. */
export interface SurveyGroup {
  /** Bare uuid. */
  id: string;
  directoryId: string;
  name: string;
  /** Created by identity-provider sync (`externalSynced`, or `managedBy: external`). */
  idpSynced: boolean;
  /** `managementAccess.modifiable: false`: members cannot be changed through the API. */
  locked: boolean;
  /** Members, when Atlassian reported the count. */
  members: number | null;
  /** Every role the group grants, on every resource (sorted by resource id). */
  grants: SurveyGrant[];
}

export interface AdminCounts {
  /** Distinct accounts with an admin platform role or the product admin role anywhere. */
  total: number;
  orgAdmins: number;
  siteAdmins: number;
  userAccessAdmins: number;
  /** Admins with no admin platform role: product admins (`atlassian/admin`) only. */
  productAdminsOnly: number;
  /** Admins who hold a billable seat somewhere (they stay protected by `exclude.admins`). */
  licensed: number;
}

export interface ServiceAccountCounts {
  /** Service accounts the service-accounts API listed; null when that API was refused. */
  listed: number | null;
  /** Service accounts holding product access (seat roles) on some resource. */
  withAccess: number;
  /** Accounts of another type than `atlassian` (apps) holding product access. */
  appAccountsWithAccess: number;
}

export interface OrgSurvey {
  orgId: string;
  orgName: string | null;
  directories: Directory[];
  /** Every workspace, sorted by product, then site. */
  resources: SurveyResource[];
  /** Groups granting a seat role on some resource, sorted by name, then id. */
  groups: SurveyGroup[];
  /**
   * Groups that grant roles on a resource but no seat role anywhere (guest, customer,
   * contributor, ...), by product: not listed one by one.
   */
  nonSeatGroupsByProduct: Record<string, number>;
  admins: AdminCounts;
  serviceAccounts: ServiceAccountCounts;
  /** What the read noticed that the admin should know (fallbacks). */
  warnings: string[];
}
