import type { GraphEmulator } from '../../emulators/graph/server';
import type { WorkplaceEmulator } from '../../emulators/workplace/server';

/**
 * A room in both emulators as the sync core's tests and the backfill bench want it: an Exchange room
 * mailbox that keeps subjects (docs/deploy.md: DeleteSubject off) and its Workplace room, in UTC.
 */
export function addRoomToEmulators(
  graph: Pick<GraphEmulator, 'directory'>,
  workplace: Pick<WorkplaceEmulator, 'addRoom'>,
  { email, workplaceRoomId }: { email: string; workplaceRoomId: string },
): void {
  graph.directory.add({
    email,
    displayName: email,
    kind: 'room',
    room: { deleteSubject: false, addOrganizerToSubject: false },
  });
  workplace.addRoom({ id: workplaceRoomId, name: email, email, timeZone: 'UTC' });
}
