// The LiveChat HTTP API as the console uses it: the TypeScript client (@livechat/client, bundled into
// livechat-client.js when the Function App is built) with the page's origin and the agent's token. Every failure
// reaches the page as an Error whose message is the service's Portuguese `detail`, with its `status` and `code`.
import { AgentChatClient, LiveChatError } from './livechat-client.js';

const offline = 'Sem conexão com o servidor. Tentando de novo…';

export function createApi(token, onUnauthorized) {
  // no-store: every answer is read fresh, never from the browser's cache.
  const client = new AgentChatClient({ baseUrl: location.origin, token, fetch: (url, init) => fetch(url, { ...init, cache: 'no-store' }) });

  async function call(promise) {
    try {
      return await promise;
    } catch (error) {
      if (!(error instanceof LiveChatError)) throw error;
      const shown = Object.assign(new Error(error.status === 0 ? offline : error.detail || `HTTP ${error.status}`),
        { status: error.status, code: error.code });
      if (error.status === 401) onUnauthorized(shown);
      throw shown;
    }
  }

  return {
    client,
    sessions: () => call(client.listSessions()),
    ticketSession: ticketId => call(client.getTicketSession(ticketId)),
    history: ticketId => call(client.getHistory(ticketId)),
    messages: (ticketId, after) => call(client.listMessages(ticketId, after, 200)),
    startSession: ticketId => call(client.startSession(ticketId)),
    endSession: sessionId => call(client.endSession(sessionId)),
    // Retried by the client on transient failures with the same clientMessageId: a lost answer stores one message.
    post: (ticketId, { body, clientMessageId, attachmentIds }) => call(client.postMessage(ticketId, body, { clientMessageId, attachmentIds })),
    markRead: (ticketId, messageIds) => call(client.markRead(ticketId, messageIds)),
    typing: ticketId => call(client.typing(ticketId)),
    /** The file straight to Blob Storage through a create-only URL; progress in percent; the attachment id. */
    upload: (file, onPercent) => call(client.upload(file, { onProgress: (sent, total) => onPercent(Math.round((sent / total) * 100)) })),
  };
}
