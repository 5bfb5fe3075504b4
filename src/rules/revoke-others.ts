import { ownRefusal } from '../liveness.js';
import type { Epochs, SessionRecord } from '../store-records.js';

/** The fields of a stored row the rule reads. */
export type OthersRow = Pick<SessionRecord, 'id' | 'kind' | 'tenantId' | 'createdAt' | 'expiresAt' | 'revokedAt'>;

/** What "sign out my other devices" is decided from. */
export interface OthersFacts<Row extends OthersRow = SessionRecord> {
  readonly sessions: Iterable<Row>;
  readonly epochs: Epochs;
  /** The epochs of each tenant the user's rows belong to, by tenant id. */
  readonly tenantEpochs?: ReadonlyMap<string, Epochs> | undefined;
}

/** The sessions "sign out my other devices" ends: every live one of the kinds but the one kept, judged on rows read in the same atomic step as the write. */
export function othersToRevoke<Row extends OthersRow>(facts: OthersFacts<Row>, keepSessionId: string, kinds: readonly string[], at: number): Row[] {
  return [...facts.sessions].filter(
    (row) =>
      row.id !== keepSessionId &&
      kinds.includes(row.kind) &&
      // A row without a tenant finds none (the map's keys are text), and ownRefusal reads no tenant epochs for it anyway.
      ownRefusal(row, { epochs: facts.epochs, tenantEpochs: facts.tenantEpochs?.get(row.tenantId as string) }, at) === undefined,
  );
}
