import type { StorageClients } from '../storage';
import { ConflictRepository, type ConflictRecord } from './conflicts';
import { DeliveryRepository, type DeliveryRecord } from './deliveries';
import { DeltaStateRepository, type DeltaStateRecord } from './delta-state';
import { LinkRepository, type LinkRecord } from './links';
import { RoomRepository, type RoomRecord } from './rooms';
import { RoomStatusRepository, type RoomOutcome, type RoomStatusRecord } from './room-status';
import { SubscriptionRepository, type SubscriptionRecord } from './subscriptions';
import { JsonTable } from './table';
import { WebhookRefusalRepository, type RefusalRecord } from './webhook-refusals';

export { concurrentUpdate, tableKey, type Versioned } from './table';
export type { ConflictRecord, DeliveryRecord, DeltaStateRecord, LinkRecord, RoomRecord, SubscriptionRecord };
export type { RoomOutcome, RoomStatusRecord };
export type { DeclineSeen, LagBasis } from './room-status';
export { columnsOf } from './room-status';
export {
  ConflictRepository,
  DeliveryRepository,
  DeltaStateRepository,
  LinkRepository,
  RoomRepository,
  RoomStatusRepository,
  SubscriptionRepository,
};
export { DELIVERY_RETENTION_DAYS } from './deliveries';
export {
  REFUSAL_REASONS,
  summarizeRefusals,
  WebhookRefusalRepository,
  type RefusalReason,
  type RefusalRecord,
  type RefusalSummary,
} from './webhook-refusals';

/** Table names; one table per kind of record, so each can be read and cleared on its own. */
export const TABLES = {
  rooms: 'rooms',
  links: 'links',
  linkIndex: 'linkindex',
  subscriptions: 'subscriptions',
  deltaState: 'deltastate',
  conflicts: 'conflicts',
  /** Workplace webhook deliveryIds already accepted (repeats are answered, not queued). */
  deliveries: 'deliveries',
  /** How each room's sync is going, one row per room, for the status page (room-status.ts). */
  roomStatus: 'roomstatus',
  /** Workplace webhooks refused for their signature or timestamp, per instance and hour (webhook-refusals.ts). */
  webhookRefusals: 'webhookrefusals',
} as const;

export interface Store {
  rooms: RoomRepository;
  links: LinkRepository;
  subscriptions: SubscriptionRepository;
  deltaState: DeltaStateRepository;
  conflicts: ConflictRepository;
  deliveries: DeliveryRepository;
  roomStatus: RoomStatusRepository;
  webhookRefusals: WebhookRefusalRepository;
  /** Creates the tables that do not exist yet (at start-up; cheap when they do). */
  ensure(): Promise<void>;
}

export function createStore(storage: StorageClients): Store {
  const rooms = new JsonTable<RoomRecord>(storage.table(TABLES.rooms));
  const links = new JsonTable<LinkRecord>(storage.table(TABLES.links));
  const linkIndex = new JsonTable<{ linkId: string; room?: string }>(storage.table(TABLES.linkIndex));
  const subscriptions = new JsonTable<SubscriptionRecord>(storage.table(TABLES.subscriptions));
  const deltaState = new JsonTable<DeltaStateRecord>(storage.table(TABLES.deltaState));
  const conflicts = new JsonTable<ConflictRecord>(storage.table(TABLES.conflicts));
  const deliveries = new JsonTable<DeliveryRecord>(storage.table(TABLES.deliveries));
  const roomStatus = new RoomStatusRepository(storage.table(TABLES.roomStatus));
  const webhookRefusals = new JsonTable<RefusalRecord>(storage.table(TABLES.webhookRefusals));
  return {
    rooms: new RoomRepository(rooms),
    links: new LinkRepository(links, linkIndex),
    subscriptions: new SubscriptionRepository(subscriptions),
    deltaState: new DeltaStateRepository(deltaState),
    conflicts: new ConflictRepository(conflicts),
    deliveries: new DeliveryRepository(deliveries),
    roomStatus,
    webhookRefusals: new WebhookRefusalRepository(webhookRefusals),
    async ensure() {
      await Promise.all(
        [
          rooms,
          links,
          linkIndex,
          subscriptions,
          deltaState,
          conflicts,
          deliveries,
          roomStatus,
          webhookRefusals,
        ].map((t) => t.ensure()),
      );
    },
  };
}
