import { z } from 'zod';
import type { Profile } from './profile';
import type { Store } from './store';
import { cancelReservation, saveChange } from './writes';

/**
 * Another writer on the same rooms (notes §4 items 23-24): a person or a second integration such as
 * Spacewell's own Router sync, editing reservations directly, with its own `Updated by`.
 */

export const WRITER_ACTIONS = ['move', 'retitle', 'participants', 'cancel'] as const;

export const writerSchema = z
  .object({
    rooms: z.array(z.string().min(1)).min(1),
    everyMs: z.number().int().min(10),
    by: z.string().min(1).default('SpacewellRouter'),
    actions: z
      .array(z.enum(WRITER_ACTIONS))
      .min(1)
      .default([...WRITER_ACTIONS]),
  })
  .strict();

export type WriterConfig = z.infer<typeof writerSchema>;

export interface WriterEdit {
  reservationId: string;
  action: (typeof WRITER_ACTIONS)[number];
}

export class OtherWriter {
  config: WriterConfig | undefined;
  edits: WriterEdit[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: { store: Store; profile: () => Profile; random: () => number }) {}

  start(config: WriterConfig): void {
    this.stop();
    this.config = config;
    this.timer = setInterval(() => this.step(), config.everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One edit of a live reservation in the writer's rooms (the configured ones, or `config`); undefined when none. */
  step(config: WriterConfig | undefined = this.config): WriterEdit | undefined {
    if (!config) return undefined;
    const { store, random } = this.deps;
    const candidates = [...store.reservations.values()].filter(
      (reservation) =>
        reservation.status === 'Confirmed' &&
        reservation.items.some((item) => config.rooms.includes(item.areaReference)),
    );
    const target = candidates[Math.floor(random() * candidates.length)];
    const action = config.actions[Math.floor(random() * config.actions.length)];
    if (!target || !action) return undefined;
    if (action === 'cancel') cancelReservation(store, this.deps.profile(), target, config.by);
    else if (action === 'retitle')
      saveChange(store, { ...target, subject: `${target.subject} (edited)` }, config.by);
    else if (action === 'participants') {
      const guest = {
        email: `guest${this.edits.length + 1}@example.org`,
        name: 'Guest',
        required: false,
        visitor: true,
      };
      saveChange(store, { ...target, participants: [...target.participants, guest] }, config.by);
    } else {
      const shift = (random() < 0.5 ? -30 : 30) * 60_000;
      const moved = { ...target, start: target.start + shift, end: target.end + shift };
      const taken = moved.items.some(
        (item) =>
          item.status === 'Confirmed' && store.conflict(item.areaReference, moved.start, moved.end, moved.id),
      );
      if (taken) return undefined;
      saveChange(store, moved, config.by);
    }
    const edit = { reservationId: target.id, action };
    this.edits.push(edit);
    return edit;
  }

  reset(): void {
    this.stop();
    this.config = undefined;
    this.edits = [];
  }
}
