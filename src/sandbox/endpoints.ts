// The one list of tracking endpoints (docs/protocol.md §5): the route table, the rules, fault injection and
// the console all take their names from here.
export const TRACK_ENDPOINTS = ['click', 'lead', 'sale', 'refund'] as const;

export type EventType = (typeof TRACK_ENDPOINTS)[number];

/** A real endpoint name, never an inherited property such as `toString` or `__proto__`. */
export function isTrackEndpoint(name: string): name is EventType {
  return (TRACK_ENDPOINTS as readonly string[]).includes(name);
}

/** The 500 body of each endpoint when the sandbox itself fails (docs/protocol.md §5.1–protocol §5.4). */
export const FAILURE_MESSAGES: Readonly<Record<EventType, string>> = {
  click: 'Click tracking failed',
  lead: 'Lead tracking failed',
  sale: 'Sale tracking failed',
  refund: 'Refund tracking failed',
};
