import type { Reservation, ReservationItem } from './model';
import type { Profile } from './profile';
import type { Store } from './store';

/** Writes every writer shares (the import logic, a person on Workplace's screens, another integration). */

/** Stores a changed reservation with a fresh UpdateTime and who changed it. */
export function saveChange(store: Store, reservation: Reservation, updatedBy: string): void {
  store.saveReservation({ ...reservation, updateTime: store.stamp(), updatedBy });
}

/** Cancels as the profile says: a status that stays visible, or a hard delete (notes §4 item 13). */
export function cancelReservation(
  store: Store,
  profile: Profile,
  reservation: Reservation,
  by: string,
): void {
  if (profile.cancelMode === 'delete') store.deleteReservation(reservation.id);
  else saveChange(store, { ...reservation, status: 'Cancelled' }, by);
}

/** The new item list for these areas, keeping the item id (and object) of an area already reserved. */
export function itemsFor(
  store: Store,
  existing: ReservationItem[],
  areas: { areaReference: string; status: ReservationItem['status'] }[],
): ReservationItem[] {
  return areas.map(({ areaReference, status }) => ({
    id: existing.find((item) => item.areaReference === areaReference)?.id ?? store.nextId(),
    areaReference,
    status,
  }));
}

/** Whether two versions differ only in their participants (which may leave UpdateTime as it was). */
export function onlyParticipantsDiffer(before: Reservation, after: Reservation): boolean {
  const strip = ({ participants: _p, updateTime: _u, updatedBy: _b, ...rest }: Reservation) => rest;
  return (
    JSON.stringify(strip(before)) === JSON.stringify(strip(after)) &&
    JSON.stringify(before.participants) !== JSON.stringify(after.participants)
  );
}
