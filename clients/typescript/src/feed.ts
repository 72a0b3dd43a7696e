import type { ChatMessage, MessageList } from './contracts.js';
import { PushEventNames } from './events.js';
import type { PushConnection } from './realtime.js';
import { wakeLoop } from './wake.js';

export interface WatchOptions {
  /** Stops the watch. */
  signal?: AbortSignal;
  /** Poll interval while push is down, in ms (default 3000). */
  pollEveryMs?: number;
  /** A read from the cursor now and then while push works, in case an event was lost, in ms (default 30000). */
  safetyPollEveryMs?: number;
}

export interface MessageWatch {
  /** The cursor after the last message delivered: give it as `since` to resume later. */
  readonly cursor: string | null;
  /** Ends when the watch stops (its signal aborted, or stop()). */
  readonly done: Promise<void>;
  stop(): void;
}

/**
 * A ticket's messages, each delivered once and in order, read forward from a cursor. Pushed messageCreated events
 * only wake the reader, and so does every (re)connect, which is how messages sent while push was down are caught
 * up; while push is down the reader polls. Nothing is delivered from a push payload itself.
 */
export function watchMessages(
  push: PushConnection,
  readAfter: (cursor: string | null, signal: AbortSignal) => Promise<MessageList>,
  ticketId: string,
  since: string | null,
  onMessage: (message: ChatMessage) => void | Promise<void>,
  options: WatchOptions = {},
): MessageWatch {
  const delivered = new Set<string>();
  let cursor = since;

  async function drain(signal: AbortSignal) {
    for (;;) {
      const page = await readAfter(cursor, signal);
      for (const message of page.messages) {
        if (delivered.has(message.id)) continue;
        delivered.add(message.id);
        await onMessage(message);
      }
      if (delivered.size > 10_000) delivered.clear(); // the cursor alone already prevents repeats
      if (page.nextCursor === null || page.nextCursor === cursor || page.messages.length === 0) return;
      cursor = page.nextCursor;
    }
  }

  const loop = wakeLoop(push, options, 3000,
    wake => push.on((_, payload) => { if (payload?.ticketId === ticketId) wake(); }, [PushEventNames.messageCreated]),
    drain);

  return {
    get cursor() { return cursor; },
    done: loop.done,
    stop: loop.stop,
  };
}
