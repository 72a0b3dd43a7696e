import type { AgentSession, ChatMessage, MessageList, TicketSession } from './contracts.js';
import { PushEventNames } from './events.js';
import type { PushConnection, PushOptions } from './realtime.js';
import { wakeLoop } from './wake.js';

export interface ViewOptions extends PushOptions {
  /** Stops the view. */
  signal?: AbortSignal;
  /** Refresh interval while push is down, in ms (default 5000). */
  pollEveryMs?: number;
  /** A refresh now and then while push works, in case an event was lost, in ms (default 30000). */
  safetyPollEveryMs?: number;
  /** How long "typing…" shows after the last typing event, in ms (default 4000). */
  typingForMs?: number;
}

export interface View<T> {
  /** The current state (also what the listener was last called with). */
  readonly snapshot: T;
  /** Ends when the view stops; rejects with the LiveChatError that stopped it (e.g. 401, 403, 404). */
  readonly done: Promise<void>;
  stop(): void;
}

export type SessionsView = View<AgentSession[]>;

export interface TicketChat {
  /** The ticket's active session (sessionId null when none), its unread count and whether the machine is online. */
  session: TicketSession | null;
  /** The messages read so far, oldest first, with their read ticks (readByMachineAt, readByAgentAt). */
  messages: ChatMessage[];
  /** The person at the machine is typing. */
  machineTyping: boolean;
}

export type TicketChatView = View<TicketChat>;

/** A view refreshed by wakeLoop (push hints, (re)connects, polls); the listener is called whenever its state changes. */
function runView<T>(push: PushConnection, options: ViewOptions, initial: T,
  refresh: (signal: AbortSignal, state: ViewState<T>) => Promise<void>,
  subscribe: (state: ViewState<T>, wake: () => void) => () => void,
  listener: (value: T) => void): View<T> {
  const state: ViewState<T> = {
    value: initial,
    publish(next: T) {
      if (JSON.stringify(next) === JSON.stringify(this.value)) return;
      this.value = next;
      listener(next);
    },
  };
  const loop = wakeLoop(push, options, 5000, wake => subscribe(state, wake), signal => refresh(signal, state));
  return { get snapshot() { return state.value; }, done: loop.done, stop: loop.stop };
}

interface ViewState<T> {
  value: T;
  publish(next: T): void;
}

export function watchSessions(push: PushConnection, list: (signal: AbortSignal) => Promise<AgentSession[]>,
  listener: (sessions: AgentSession[]) => void, options: ViewOptions = {}): SessionsView {
  const hints = [PushEventNames.sessionStarted, PushEventNames.sessionEnded, PushEventNames.unreadChanged, PushEventNames.messageCreated];
  return runView<AgentSession[]>(push, options, [],
    async (signal, state) => state.publish(await list(signal)),
    (_, wake) => push.on(wake, hints),
    listener);
}

export function watchTicketChat(push: PushConnection, ticketId: string,
  read: { session: (signal: AbortSignal) => Promise<TicketSession>; messages: (after: string | null, signal: AbortSignal) => Promise<MessageList> },
  listener: (chat: TicketChat) => void, options: ViewOptions = {}): TicketChatView {
  let cursor: string | null = null;
  let typingTimer: ReturnType<typeof setTimeout> | undefined;

  return runView<TicketChat>(push, options, { session: null, messages: [], machineTyping: false },
    async (signal, state) => {
      const session = await read.session(signal);
      let messages = state.value.messages;
      // Forward from the last cursor first, so a burst longer than one window is not skipped…
      while (cursor !== null) {
        const page = await read.messages(cursor, signal);
        messages = merge(messages, page.messages);
        if (page.messages.length === 0 || page.nextCursor === null || page.nextCursor === cursor) break;
        cursor = page.nextCursor;
      }
      // …then the newest window, so edits, deletes and read ticks that push did not bring converge.
      const window = await read.messages(null, signal);
      const first = window.messages[0];
      messages = merge(first ? messages.filter(m => before(m, first)) : messages, window.messages);
      cursor = window.nextCursor ?? cursor;
      state.publish({ ...state.value, session, messages });
    },
    (state, wake) => {
      const offEvents = push.on((event, p) => {
        if (p?.ticketId !== ticketId) return;
        switch (event) {
          case PushEventNames.messagesRead: {
            const field = p.readBy === 'machine' ? 'readByMachineAt' : 'readByAgentAt';
            const ids = new Set<string>(p.messageIds);
            state.publish({ ...state.value, messages: state.value.messages.map(m => ids.has(m.id) ? { ...m, [field]: p.readAt } : m) });
            break;
          }
          case PushEventNames.messageDeleted:
            state.publish({
              ...state.value,
              messages: state.value.messages.map(m => m.id === p.messageId ? { ...m, body: '', attachments: [], deletedAt: p.deletedAt } : m),
            });
            break;
          case PushEventNames.typing:
            if (!p.fromMachine) return;
            clearTimeout(typingTimer);
            typingTimer = setTimeout(() => state.publish({ ...state.value, machineTyping: false }), options.typingForMs ?? 4000);
            state.publish({ ...state.value, machineTyping: true });
            break;
          default:
            if (event === PushEventNames.messageCreated && p.isFromMachine === true) state.publish({ ...state.value, machineTyping: false });
            wake();
        }
      });
      return () => { offEvents(); clearTimeout(typingTimer); };
    },
    listener);
}

function before(a: ChatMessage, b: ChatMessage): boolean {
  return a.createdAt < b.createdAt || (a.createdAt === b.createdAt && a.id < b.id);
}

/** The messages of both lists, each once (the newer copy), in (createdAt, id) order. */
function merge(known: ChatMessage[], read: ChatMessage[]): ChatMessage[] {
  if (read.length === 0) return known;
  const byId = new Map(known.map(m => [m.id, m]));
  for (const m of read) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
}
