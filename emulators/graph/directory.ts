import { randomUUID } from 'node:crypto';
import { GraphError } from './errors';

export interface RoomPolicy {
  /** Exchange's DeleteSubject: the room's copy loses the organizer's subject. */
  deleteSubject: boolean;
  /** Exchange's AddOrganizerToSubject: the room's copy's subject becomes the organizer's name. */
  addOrganizerToSubject: boolean;
  bookingWindowInDays: number;
  /**
   * Exchange's EnforceSchedulingHorizon: on, a series that runs past the booking window is declined; off,
   * it is accepted with its meetings cut at the window's end.
   */
  enforceSchedulingHorizon: boolean;
  allowConflicts: boolean;
}

export interface DirectoryUser {
  id: string;
  email: string;
  displayName: string;
  kind: 'person' | 'room';
  room?: RoomPolicy & { placeId: string };
}

/** Exchange's defaults for a room mailbox's calendar processing (Set-CalendarProcessing). */
export const DEFAULT_ROOM_POLICY: RoomPolicy = {
  deleteSubject: true,
  addOrganizerToSubject: true,
  bookingWindowInDays: 180,
  enforceSchedulingHorizon: true,
  allowConflicts: false,
};

export class Directory {
  private readonly users = new Map<string, DirectoryUser>();
  /** The same users by e-mail: every Graph request names its mailbox, often by e-mail (10,000 rooms in a bench). */
  private readonly byEmail = new Map<string, DirectoryUser>();

  add(input: {
    email: string;
    displayName: string;
    kind: 'person' | 'room';
    room?: Partial<RoomPolicy>;
  }): DirectoryUser {
    const email = input.email.toLowerCase();
    if (this.find(email))
      throw new GraphError(409, 'Conflict', `A user with e-mail '${email}' already exists.`);
    const user: DirectoryUser = {
      id: randomUUID(),
      email,
      displayName: input.displayName,
      kind: input.kind,
      ...(input.kind === 'room'
        ? { room: { ...DEFAULT_ROOM_POLICY, ...input.room, placeId: randomUUID() } }
        : {}),
    };
    this.users.set(user.id, user);
    this.byEmail.set(email, user);
    return user;
  }

  /** By object id or by e-mail (UPN), case-insensitively, as `/users/{id | userPrincipalName}`. */
  find(idOrEmail: string): DirectoryUser | undefined {
    const key = idOrEmail.toLowerCase();
    return this.users.get(key) ?? this.byEmail.get(key);
  }

  /** A mailbox for `/users/{x}/...`: Exchange's error when it cannot be resolved. */
  mailbox(idOrEmail: string): DirectoryUser {
    const user = this.find(idOrEmail);
    if (!user) throw new GraphError(404, 'ErrorInvalidUser', `The requested user '${idOrEmail}' is invalid.`);
    return user;
  }

  all(): DirectoryUser[] {
    return [...this.users.values()];
  }

  clear(): void {
    this.users.clear();
    this.byEmail.clear();
  }
}

/** `GET /users/{id}` as Entra ID answers it (the properties returned without `$select`). */
export function userResource(user: DirectoryUser): Record<string, unknown> {
  return {
    '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users/$entity',
    businessPhones: [],
    displayName: user.displayName,
    givenName: null,
    jobTitle: null,
    mail: user.email,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    surname: null,
    userPrincipalName: user.email,
    id: user.id,
  };
}

/** A room as `/places/microsoft.graph.room` lists it; its id is the place's, not the user's. */
export function roomResource(user: DirectoryUser): Record<string, unknown> {
  return {
    id: user.room?.placeId,
    emailAddress: user.email,
    displayName: user.displayName,
    address: null,
    geoCoordinates: null,
    phone: null,
    nickname: user.displayName,
    label: null,
    capacity: null,
    building: null,
    floorLabel: null,
    floorNumber: null,
    isManaged: true,
    isWheelChairAccessible: false,
    bookingType: 'standard',
    tags: [],
    audioDeviceName: null,
    videoDeviceName: null,
    displayDeviceName: null,
  };
}

/**
 * The mailbox's default calendar as `GET /users/{id | userPrincipalName}/calendar` returns it (the
 * fields Graph v1.0 documents; roomsync reads `owner`). Reading it needs only Calendars.Read(Write),
 * so it is how the app checks that it can reach a room's calendar at all.
 */
export function calendarResource(user: DirectoryUser): Record<string, unknown> {
  return {
    '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#users('${user.email}')/calendar/$entity`,
    id: `AAMkCalendar-${user.id}`,
    name: 'Calendar',
    color: 'auto',
    hexColor: '',
    isDefaultCalendar: true,
    changeKey: 'nfZyf7VcrEKLNoU37KWlkQAAA0x0+w==',
    canShare: true,
    canViewPrivateItems: true,
    canEdit: true,
    allowedOnlineMeetingProviders: ['teamsForBusiness'],
    defaultOnlineMeetingProvider: 'teamsForBusiness',
    isTallyingResponses: true,
    isRemovable: false,
    owner: { name: user.displayName, address: user.email },
  };
}
