import type {
  AgentSession, ChatHistory, ChatMessage, MarkReadResult, MessageAudit, MessageChange, MessageList, NegotiateResult, OkResult,
  PostMessageResult, StartSessionResult, TicketSession, TypingResult,
} from './contracts.js';
import { Connection, query, seg, type CallOptions, type ClientOptions, type PostOptions, type TokenSource } from './connection.js';
import { watchMessages, type MessageWatch, type WatchOptions } from './feed.js';
import { PushConnection, type PushOptions } from './realtime.js';
import { upload, type UploadOptions, type UploadSource } from './upload.js';
import { watchSessions, watchTicketChat, type SessionsView, type TicketChatView, type ViewOptions } from './views.js';

/** The agent panel's side, authenticated by the helpdesk's token (asked for before every call, so it can be refreshed). */
export class AgentChatClient {
  readonly #api: Connection;

  constructor(options: ClientOptions & { token: TokenSource }) {
    this.#api = new Connection(options, options.token);
  }

  /** Starts the ticket's live chat (the machine must be online), or returns its active session. */
  startSession(ticketId: string, options?: CallOptions): Promise<StartSessionResult> {
    return this.#api.send('POST', `api/tickets/${seg(ticketId)}/chat/session`, undefined, options);
  }

  /** The ticket's active session and whether its machine is online. */
  getTicketSession(ticketId: string, options?: CallOptions): Promise<TicketSession> {
    return this.#api.send('GET', `api/tickets/${seg(ticketId)}/chat/session`, undefined, options);
  }

  endSession(sessionId: string, options?: CallOptions): Promise<OkResult> {
    return this.#api.send('POST', `api/chat/sessions/${seg(sessionId)}/end`, undefined, options);
  }

  /** The tenant's active sessions, with the agents' unread counts. */
  listSessions(options?: CallOptions): Promise<AgentSession[]> {
    return this.#api.send('GET', 'api/agent/chat/sessions', undefined, options);
  }

  /** The ticket's sessions, newest first, with their messages (`before`: a page's nextBefore). */
  getHistory(ticketId: string, before?: number | null, options?: CallOptions): Promise<ChatHistory> {
    return this.#api.send('GET', `api/tickets/${seg(ticketId)}/chat/history${query({ before })}`, undefined, options);
  }

  /** The ticket's newest messages, or those after `after` (a nextCursor). */
  listMessages(ticketId: string, after?: string | null, limit?: number, options?: CallOptions): Promise<MessageList> {
    return this.#api.send('GET', `api/tickets/${seg(ticketId)}/chat/messages${query({ after, limit })}`, undefined, options);
  }

  /** Posts a message, retried on transient failures with one clientMessageId, so it is stored once. */
  postMessage(ticketId: string, body: string, options: PostOptions = {}): Promise<PostMessageResult> {
    return this.#api.postMessage(`api/tickets/${seg(ticketId)}/chat/messages`, body, options);
  }


  /** Marks the machine's messages read. */
  markRead(ticketId: string, messageIds: string[], options?: CallOptions): Promise<MarkReadResult> {
    return this.#api.send('POST', `api/tickets/${seg(ticketId)}/chat/read`, { messageIds }, options);
  }

  /** Edits one of the agent's own messages (within the edit window, session active). */
  editMessage(ticketId: string, messageId: string, body: string, options?: CallOptions): Promise<MessageChange> {
    return this.#api.send('PATCH', `api/tickets/${seg(ticketId)}/chat/messages/${seg(messageId)}`, { body }, options);
  }

  /** Deletes one of the agent's own messages, leaving a tombstone. */
  deleteMessage(ticketId: string, messageId: string, options?: CallOptions): Promise<MessageChange> {
    return this.#api.send('DELETE', `api/tickets/${seg(ticketId)}/chat/messages/${seg(messageId)}`, undefined, options);
  }

  /** A message's earlier bodies (ADMIN, MANAGER). */
  getMessageEdits(ticketId: string, messageId: string, options?: CallOptions): Promise<MessageAudit> {
    return this.#api.send('GET', `api/tickets/${seg(ticketId)}/chat/messages/${seg(messageId)}/edits`, undefined, options);
  }

  /** Tells the machine the agent is typing (pushed at most every 2 s). */
  typing(ticketId: string, options?: CallOptions): Promise<TypingResult> {
    return this.#api.send('POST', `api/tickets/${seg(ticketId)}/chat/typing`, undefined, options);
  }

  /** The ticket's whole chat as a file: its name, media type and bytes. */
  async downloadTranscript(ticketId: string, format: 'json' | 'txt' | 'csv' = 'json', options?: CallOptions)
    : Promise<{ fileName: string; contentType: string; body: Blob }> {
    const response = await this.#api.download(`api/tickets/${seg(ticketId)}/chat/transcript${query({ format })}`, options);
    const disposition = response.headers.get('content-disposition') ?? '';
    const fileName = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? `transcript.${format}`;
    return { fileName, contentType: response.headers.get('content-type') ?? '', body: await response.blob() };
  }

  /** Uploads a file straight to Blob Storage; returns the attachment id to cite in postMessage. */
  upload(source: UploadSource, options: UploadOptions = {}): Promise<string> {
    return upload(this.#api, 'api/agent/uploads', source, options);
  }

  /** The SignalR Service URL and access token for this agent. */
  negotiate(options?: CallOptions): Promise<NegotiateResult> {
    return this.#api.send('POST', 'api/agent/negotiate', undefined, options);
  }

  /** A push connection of this agent: its tenant's events as they come (hints only; reconnects on its own). */
  push(options?: PushOptions): PushConnection {
    return new PushConnection(this.#api, 'api/agent', options);
  }

  /** Each message of the ticket once and in order from `since` (null: the newest window) until stopped. */
  watchMessages(ticketId: string, since: string | null, onMessage: (message: ChatMessage) => void | Promise<void>,
    options: WatchOptions & PushOptions = {}): MessageWatch {
    return watchMessages(this.push(options), (cursor, signal) => this.listMessages(ticketId, cursor, undefined, { signal }),
      ticketId, since, onMessage, options);
  }

  /** The tenant's active sessions with their unread counts, kept up to date: `listener` is called on every change. */
  watchSessions(listener: (sessions: AgentSession[]) => void, options: ViewOptions = {}): SessionsView {
    return watchSessions(this.push(options), signal => this.listSessions({ signal }), listener, options);
  }

  /** A ticket's chat kept up to date (session, messages with read ticks, the machine typing): `listener` on every change. */
  watchTicketChat(ticketId: string, listener: (chat: TicketChatView['snapshot']) => void, options: ViewOptions = {}): TicketChatView {
    return watchTicketChat(this.push(options), ticketId, {
      session: signal => this.getTicketSession(ticketId, { signal }),
      messages: (after, signal) => this.listMessages(ticketId, after, undefined, { signal }),
    }, listener, options);
  }
}
