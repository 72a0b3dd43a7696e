import type {
  ChatMessage, HeartbeatResult, MachineEnrollment, MachineSession, MachineUpdates, MarkReadResult, MessageChange, MessageList,
  NegotiateResult, PostMessageResult, TypingResult,
} from './contracts.js';
import { Connection, query, seg, type CallOptions, type ClientOptions, type PostOptions } from './connection.js';
import { watchMessages, type MessageWatch, type WatchOptions } from './feed.js';
import { PushConnection, type PushOptions } from './realtime.js';
import { upload, type UploadOptions, type UploadSource } from './upload.js';

/** The desktop machine agent's side, authenticated by its machine token. */
export class MachineChatClient {
  readonly #api: Connection;

  constructor(options: ClientOptions & { machineToken: string }) {
    this.#api = new Connection(options, options.machineToken);
  }

  /** The machine is online for 5 minutes. */
  heartbeat(options?: CallOptions): Promise<HeartbeatResult> {
    return this.#api.send('POST', 'api/machine/heartbeat', undefined, options);
  }

  /** Whether the token is valid, and for which machine (nothing written). */
  me(options?: CallOptions): Promise<MachineEnrollment> {
    return this.#api.send('GET', 'api/machine/me', undefined, options);
  }

  /** The cheap poll: active sessions and unread totals (revalidated with If-None-Match). */
  getUpdates(options?: CallOptions): Promise<MachineUpdates> {
    return this.#api.getConditional('api/machine/chat/updates', options);
  }

  /** The machine's active sessions (revalidated with If-None-Match). */
  getSessions(options?: CallOptions): Promise<MachineSession[]> {
    return this.#api.getConditional('api/machine/chat/sessions', options);
  }

  /** The active session's newest messages, or those after `since` (a nextCursor). */
  listMessages(ticketId: string, since?: string | null, limit?: number, options?: CallOptions): Promise<MessageList> {
    return this.#api.send('GET', `api/machine/tickets/${seg(ticketId)}/chat/messages${query({ since, limit })}`, undefined, options);
  }

  /** Posts a message, retried on transient failures with one clientMessageId, so it is stored once. */
  postMessage(ticketId: string, body: string, options: PostOptions = {}): Promise<PostMessageResult> {
    return this.#api.postMessage(`api/machine/tickets/${seg(ticketId)}/chat/messages`, body, options);
  }


  /** Marks the agent's messages read. */
  markRead(ticketId: string, messageIds: string[], options?: CallOptions): Promise<MarkReadResult> {
    return this.#api.send('POST', `api/machine/tickets/${seg(ticketId)}/chat/read`, { messageIds }, options);
  }

  /** Edits one of the machine's messages (within the edit window, session active). */
  editMessage(ticketId: string, messageId: string, body: string, options?: CallOptions): Promise<MessageChange> {
    return this.#api.send('PATCH', `api/machine/tickets/${seg(ticketId)}/chat/messages/${seg(messageId)}`, { body }, options);
  }

  /** Deletes one of the machine's messages, leaving a tombstone. */
  deleteMessage(ticketId: string, messageId: string, options?: CallOptions): Promise<MessageChange> {
    return this.#api.send('DELETE', `api/machine/tickets/${seg(ticketId)}/chat/messages/${seg(messageId)}`, undefined, options);
  }

  /** Tells the agent the person at the machine is typing (pushed at most every 2 s). */
  typing(ticketId: string, options?: CallOptions): Promise<TypingResult> {
    return this.#api.send('POST', `api/machine/tickets/${seg(ticketId)}/chat/typing`, undefined, options);
  }

  /** Uploads a file straight to Blob Storage; returns the attachment id to cite in postMessage. */
  upload(source: UploadSource, options: UploadOptions = {}): Promise<string> {
    return upload(this.#api, 'api/machine/uploads', source, options);
  }

  /** The SignalR Service URL and access token for this machine (what the SignalR client negotiates). */
  negotiate(options?: CallOptions): Promise<NegotiateResult> {
    return this.#api.send('POST', 'api/machine/negotiate', undefined, options);
  }

  /** A push connection of this machine: every event as it comes (hints only; reconnects on its own). */
  push(options?: PushOptions): PushConnection {
    return new PushConnection(this.#api, 'api/machine', options);
  }

  /**
   * Calls onMessage for each message of the ticket's active session, once and in order, from `since` (null: the
   * newest window) until stopped: woken by push, caught up after every reconnect, polling while push is down.
   */
  watchMessages(ticketId: string, since: string | null, onMessage: (message: ChatMessage) => void | Promise<void>,
    options: WatchOptions & PushOptions = {}): MessageWatch {
    return watchMessages(this.push(options), (cursor, signal) => this.listMessages(ticketId, cursor, undefined, { signal }),
      ticketId, since, onMessage, options);
  }
}
