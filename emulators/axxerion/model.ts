/** The tenant's objects as the emulator keeps them; times are epoch milliseconds on the tenant's clock. */

export interface Area {
  id: string;
  reference: string;
  name: string;
  email: string;
  property: string;
  capacity: number | null;
  reservable: boolean;
}

export interface Person {
  email: string;
  name: string;
}

export interface Participant {
  email: string;
  name: string;
  required: boolean;
  /** Not a person of the tenant: Workplace records such a participant as a visitor. */
  visitor: boolean;
}

export type ItemStatus = 'Confirmed' | 'Rejected';

export interface ReservationItem {
  id: string;
  areaReference: string;
  status: ItemStatus;
}

export type ReservationStatus = 'Confirmed' | 'Cancelled';

export interface Reservation {
  id: string;
  reference: string;
  externalReference: string;
  seriesExternalReference: string;
  occurrenceOriginalStart: number | null;
  subject: string;
  start: number;
  end: number;
  timeZone: string;
  requestorEmail: string;
  participants: Participant[];
  status: ReservationStatus;
  items: ReservationItem[];
  createdAt: number;
  updateTime: number;
  updatedBy: string;
}

export type ImportStatus = 'Pending' | 'Processed' | 'Failed';

export interface ImportLogEntry {
  id: string;
  datasource: string;
  action: string;
  correlationId: string;
  externalReference: string;
  status: ImportStatus;
  error: string;
  warning: string;
  reservationId: string;
  created: number;
  processed: number | null;
}
