/**
 * Column labels per report kind and language. Rows are keyed by these labels, never by field codes
 * (notes item 17: `Scheduled from`, `Vendor Invoice #`; Dutch `Naam`, `Referentie`), so an adapter must
 * take them from configuration. A registered report may override any of them.
 */

export const ITEM_COLUMNS = [
  'reservationId',
  'reservationReference',
  'itemId',
  'areaReference',
  'subject',
  'from',
  'until',
  'requestorEmail',
  'status',
  'itemStatus',
  'externalReference',
  'seriesExternalReference',
  'originalStart',
  'updateTime',
  'updatedBy',
] as const;
export const PARTICIPANT_COLUMNS = ['reservationId', 'email', 'name', 'required', 'visitor'] as const;
export const ROOM_COLUMNS = [
  'id',
  'reference',
  'name',
  'email',
  'property',
  'capacity',
  'reservable',
] as const;
export const LOG_COLUMNS = [
  'importItemId',
  'correlationId',
  'action',
  'status',
  'error',
  'warning',
  'reservationId',
  'externalReference',
  'created',
  'processed',
] as const;

export type Language = 'en' | 'nl';
type Labels<C extends readonly string[]> = Record<Language, Record<C[number], string>>;

export const ITEM_LABELS: Labels<typeof ITEM_COLUMNS> = {
  en: {
    reservationId: 'Reservation ID',
    reservationReference: 'Reservation #',
    itemId: 'Item ID',
    areaReference: 'Area reference',
    subject: 'Subject',
    from: 'From',
    until: 'Until',
    requestorEmail: 'Requestor e-mail',
    status: 'Status',
    itemStatus: 'Item status',
    externalReference: 'External reference',
    seriesExternalReference: 'Series reference',
    originalStart: 'Original start',
    updateTime: 'Update time',
    updatedBy: 'Updated by',
  },
  nl: {
    reservationId: 'Reservering ID',
    reservationReference: 'Reservering #',
    itemId: 'Reserveringsitem ID',
    areaReference: 'Referentie ruimte',
    subject: 'Onderwerp',
    from: 'Van',
    until: 'Tot',
    requestorEmail: 'E-mail aanvrager',
    status: 'Status',
    itemStatus: 'Status item',
    externalReference: 'Externe referentie',
    seriesExternalReference: 'Serie referentie',
    originalStart: 'Oorspronkelijke start',
    updateTime: 'Wijzigingsdatum',
    updatedBy: 'Gewijzigd door',
  },
};

export const PARTICIPANT_LABELS: Labels<typeof PARTICIPANT_COLUMNS> = {
  en: {
    reservationId: 'Reservation ID',
    email: 'E-mail',
    name: 'Name',
    required: 'Required',
    visitor: 'Visitor',
  },
  nl: {
    reservationId: 'Reservering ID',
    email: 'E-mail',
    name: 'Naam',
    required: 'Verplicht',
    visitor: 'Bezoeker',
  },
};

export const ROOM_LABELS: Labels<typeof ROOM_COLUMNS> = {
  en: {
    id: 'ID',
    reference: 'Reference',
    name: 'Name',
    email: 'E-mail',
    property: 'Property',
    capacity: 'Capacity',
    reservable: 'Reservable',
  },
  nl: {
    id: 'ID',
    reference: 'Referentie',
    name: 'Naam',
    email: 'E-mail',
    property: 'Vastgoed',
    capacity: 'Capaciteit',
    reservable: 'Reserveerbaar',
  },
};

export const LOG_LABELS: Labels<typeof LOG_COLUMNS> = {
  en: {
    importItemId: 'Import item ID',
    correlationId: 'Correlation ID',
    action: 'Action',
    status: 'Status',
    error: 'Error',
    warning: 'Warning',
    reservationId: 'Reservation ID',
    externalReference: 'External reference',
    created: 'Created',
    processed: 'Processed',
  },
  nl: {
    importItemId: 'Importitem ID',
    correlationId: 'Correlatie ID',
    action: 'Actie',
    status: 'Status',
    error: 'Foutmelding',
    warning: 'Waarschuwing',
    reservationId: 'Reservering ID',
    externalReference: 'Externe referentie',
    created: 'Aangemaakt',
    processed: 'Verwerkt',
  },
};

/** Yes/No as the tenant's language writes booleans (notes §4 item 10). */
export const yesNo = (value: boolean, language: Language): string =>
  language === 'nl' ? (value ? 'Ja' : 'Nee') : value ? 'Yes' : 'No';
