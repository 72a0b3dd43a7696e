/** The names of the push events (docs/realtime.md); the service's own are tested to be these. */
export const PushEventNames = {
  /** A chat started (both sides). */
  sessionStarted: 'sessionStarted',
  /** A chat ended, by an agent or the sweep (both sides). */
  sessionEnded: 'sessionEnded',
  /** A message was stored (both sides). */
  messageCreated: 'messageCreated',
  /** Messages were marked read (both sides). */
  messagesRead: 'messagesRead',
  /** The receiving side's unread count changed. */
  unreadChanged: 'unreadChanged',
  /** The other side is typing. */
  typing: 'typing',
  /** A message was edited (both sides). */
  messageUpdated: 'messageUpdated',
  /** A message was deleted (both sides). */
  messageDeleted: 'messageDeleted',
} as const;

export type PushEventName = (typeof PushEventNames)[keyof typeof PushEventNames];

export const allPushEventNames: readonly PushEventName[] = Object.values(PushEventNames);
