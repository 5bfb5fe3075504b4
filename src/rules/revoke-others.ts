import { ownRefusal } from '../liveness.js';
import type { Epochs, FederatedIdentity, SessionRecord } from '../store-records.js';

/** The fields of a stored row the rule reads. */
export type OthersRow = Pick<SessionRecord, 'id' | 'kind' | 'tenantId' | 'createdAt' | 'expiresAt' | 'revokedAt' | 'federated' | 'deviceKey' | 'impersonatorId'>;

/** What "sign out my other devices" is decided from. */
export interface OthersFacts<Row extends OthersRow = SessionRecord> {
  readonly sessions: Iterable<Row>;
  readonly epochs: Epochs;
  /** The epochs of each tenant the user's rows belong to, by tenant id. */
  readonly tenantEpochs?: ReadonlyMap<string, Epochs> | undefined;
}

/** Which of a user's sessions a sign-out of some of them ends: `everyKind` ends kinds no longer declared too; `tenantId` only that tenant's (`orNoTenant`: and those in no tenant); `identities` only those signed in through one of them (`iss`, `sub` and `sid` alike); `device` only the user's own on that device, in any tenant (never a support session); `sessionId` that one whatever the rest says. */
export interface OthersScope {
  readonly keepSessionId?: string | undefined;
  readonly kinds: readonly string[];
  readonly everyKind?: boolean | undefined;
  readonly tenantId?: string | undefined;
  readonly orNoTenant?: boolean | undefined;
  readonly identities?: readonly FederatedIdentity[] | undefined;
  readonly device?: { readonly deviceKey: string } | undefined;
  readonly sessionId?: string | undefined;
}

/** Whether a session of tenant `tenantId` (none: `undefined`) is in the scope's tenant: any, when it names none; else that one, and with `orNoTenant` none too. */
export const inTenantScope = (tenantId: string | undefined, scope: Pick<OthersScope, 'tenantId' | 'orNoTenant'>): boolean => scope.tenantId === undefined || tenantId === scope.tenantId || (scope.orNoTenant === true && tenantId === undefined);

/** The sessions "sign out my other devices" (or a tenant admin's sign-out of the user) ends: every live one in `scope` but the one kept, judged on rows read in the same atomic step as the write. */
export function othersToRevoke<Row extends OthersRow>(facts: OthersFacts<Row>, scope: OthersScope, at: number): Row[] {
  const { keepSessionId, kinds, everyKind, identities, device } = scope;
  const inScope = (row: Row): boolean =>
    (everyKind === true || kinds.includes(row.kind)) &&
    inTenantScope(row.tenantId, scope) &&
    (identities === undefined || identities.some(({ iss, sub, sid }) => row.federated?.iss === iss && row.federated.sub === sub && row.federated.sid === sid)) &&
    (device === undefined || (row.deviceKey === device.deviceKey && row.impersonatorId === undefined));
  return [...facts.sessions].filter(
    (row) =>
      row.id !== keepSessionId &&
      (row.id === scope.sessionId || inScope(row)) &&
      // A row without a tenant finds none (the map's keys are text), and ownRefusal reads no tenant epochs for it anyway.
      ownRefusal(row, { epochs: facts.epochs, tenantEpochs: facts.tenantEpochs?.get(row.tenantId as string) }, at) === undefined,
  );
}
