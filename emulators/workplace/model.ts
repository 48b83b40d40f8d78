/** The resources as the contract (docs/workplace-api.yaml) defines them. */

export interface Room {
  id: string;
  name: string;
  email?: string;
  capacity?: number;
  timeZone: string;
}

export type LineStatus = 'confirmed' | 'declined' | 'pending';

export interface Person {
  email: string;
  name?: string;
}

export interface Participant extends Person {
  required?: boolean;
}

export interface Exception {
  originalStart: string;
  cancelled?: boolean;
  start?: string;
  end?: string;
  subject?: string;
}

export interface ReservationInput {
  subject: string;
  start: string;
  end: string;
  timeZone: string;
  responsible?: Person | null;
  participants?: Participant[];
  lines: { roomId: string; status?: LineStatus }[];
  recurrence?: { rrule: string } | null;
  exceptions?: Exception[];
  source?: 'workplace' | 'exchange';
  externalRef?: string | null;
}

export interface Reservation {
  id: string;
  version: number;
  subject: string;
  start: string;
  end: string;
  timeZone: string;
  responsible: Person | null;
  participants: Participant[];
  lines: { roomId: string; status: LineStatus }[];
  recurrence: { rrule: string } | null;
  exceptions: Exception[];
  source: 'workplace' | 'exchange';
  externalRef: string | null;
  cancelled: boolean;
  createdAt: string;
  updatedAt: string;
}
