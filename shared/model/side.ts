/** The two sides a booking lives on: Exchange (a room's calendar, through Graph) and Workplace. */
export type Side = 'exchange' | 'workplace';
