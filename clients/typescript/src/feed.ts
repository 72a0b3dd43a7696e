import { LiveChatError } from './errors.js';
import type { ChatMessage, MessageList } from './contracts.js';
import { PushEventNames } from './events.js';
import type { PushConnection } from './realtime.js';
import { Waker } from './wake.js';

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
  const stop = new AbortController();
  options.signal?.addEventListener('abort', () => stop.abort(options.signal!.reason), { once: true });
  const waker = new Waker();
  const delivered = new Set<string>();
  let cursor = since;

  const offEvents = push.on((_, payload) => { if (payload?.ticketId === ticketId) waker.wake(); }, [PushEventNames.messageCreated]);
  const offConnected = push.onConnected(() => waker.wake());
  const offDisconnected = push.onDisconnected(() => waker.wake());
  push.start();

  async function drain() {
    try {
      for (;;) {
        const page = await readAfter(cursor, stop.signal);
        for (const message of page.messages) {
          if (delivered.has(message.id)) continue;
          delivered.add(message.id);
          await onMessage(message);
        }
        if (delivered.size > 10_000) delivered.clear(); // the cursor alone already prevents repeats
        if (page.nextCursor === null || page.nextCursor === cursor || page.messages.length === 0) return;
        cursor = page.nextCursor;
      }
    } catch (e) {
      // The service or the network is down: the next poll or push tries again from the same cursor.
      if (!(e instanceof LiveChatError && e.isTransient) && !stop.signal.aborted) throw e;
    }
  }

  const done = (async () => {
    try {
      while (!stop.signal.aborted) {
        await drain();
        const wait = push.isConnected ? options.safetyPollEveryMs ?? 30000 : options.pollEveryMs ?? 3000;
        await waker.wait(wait, stop.signal);
      }
    } finally {
      offEvents();
      offConnected();
      offDisconnected();
      await push.stop();
    }
  })();

  return {
    get cursor() { return cursor; },
    done,
    stop: () => stop.abort(),
  };
}
