// The LiveChat HTTP API as the console uses it: same origin, the agent's token in the Authorization header, every
// failure an ApiError carrying the service's problem+json (its stable `code` and Portuguese `detail`).

export class ApiError extends Error {
  constructor(status, problem, retryAfterSeconds = null) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.code = problem.code || (status === 0 ? 'network_error' : 'http_error');
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** The service or the network failed, not the request: worth the same request again. */
  get transient() {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500 || this.code === 'message_in_progress';
  }
}

const offline = () => new ApiError(0, { detail: 'Sem conexão com o servidor. Tentando de novo…' });

// A post may have been stored although its answer was lost (a network error) or late (503 at the deadline): it is
// sent again, with the same clientMessageId, so the service recognises it instead of storing it twice.
const postAttempts = 5;
async function retried(send) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (!(error instanceof ApiError) || !error.transient || attempt >= postAttempts) throw error;
      const wait = error.retryAfterSeconds ? error.retryAfterSeconds * 1000 : 250 * 2 ** (attempt - 1);
      await new Promise(resolve => setTimeout(resolve, wait));
    }
  }
}

export function createApi(token, onUnauthorized) {
  async function call(method, path, body) {
    const headers = { Authorization: `Bearer ${token}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response;
    try {
      response = await fetch(`/api/${path}`, { method, headers, cache: 'no-store', body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw offline();
    }
    const text = await response.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch { /* not JSON: an empty 404 of the host, a proxy's page */ }
    if (!response.ok) {
      const error = new ApiError(response.status, data ?? {}, Number(response.headers.get('Retry-After')) || null);
      if (response.status === 401) onUnauthorized(error);
      throw error;
    }
    return data;
  }
  const id = value => encodeURIComponent(value);
  return {
    sessions: () => call('GET', 'agent/chat/sessions'),
    ticketSession: ticketId => call('GET', `tickets/${id(ticketId)}/chat/session`),
    history: ticketId => call('GET', `tickets/${id(ticketId)}/chat/history`),
    messages: (ticketId, after) => call('GET', `tickets/${id(ticketId)}/chat/messages?limit=200${after ? `&after=${id(after)}` : ''}`),
    startSession: ticketId => call('POST', `tickets/${id(ticketId)}/chat/session`),
    endSession: sessionId => call('POST', `chat/sessions/${id(sessionId)}/end`),
    post: (ticketId, message) => retried(() => call('POST', `tickets/${id(ticketId)}/chat/messages`, message)),
    markRead: (ticketId, messageIds) => call('POST', `tickets/${id(ticketId)}/chat/read`, { messageIds }),
    typing: ticketId => call('POST', `tickets/${id(ticketId)}/chat/typing`),
    uploadUrl: file => call('POST', 'agent/uploads', { fileName: file.name, contentType: file.type || 'application/octet-stream', size: file.size }),
  };
}

/** PUTs the file straight to Blob Storage with the upload ticket's URL and headers; progress in percent. */
export function upload(ticket, file, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open(ticket.method, ticket.uploadUrl);
    for (const [name, value] of Object.entries(ticket.headers)) request.setRequestHeader(name, value);
    request.upload.onprogress = e => { if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100)); };
    request.onload = () => (request.status >= 200 && request.status < 300
      ? resolve()
      : reject(new ApiError(request.status, { detail: `O armazenamento recusou o arquivo (HTTP ${request.status}).` })));
    request.onerror = () => reject(offline());
    request.send(file);
  });
}
