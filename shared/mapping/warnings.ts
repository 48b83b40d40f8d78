/** Something a mapping worked around rather than refused (the sync logs it with the booking's ids). */
export interface MappingWarning {
  code: 'unknownTimeZone' | 'attendeeWithoutAddress' | 'malformedOccurrenceId';
  path: string;
  message: string;
}

export type WarningSink = (warning: MappingWarning) => void;

export const ignoreWarnings: WarningSink = () => undefined;
