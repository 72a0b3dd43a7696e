// The LiveChat HTTP API as the console uses it: same origin, the agent's token in the Authorization header, every
// failure an ApiError carrying the service's problem+json (its stable `code` and Portuguese `detail`).

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.code = problem.code || (status === 0 ? 'network_error' : 'http_error');
  }
}

const offline = () => new ApiError(0, { detail: 'Sem conexão com o servidor. Tentando de novo…' });

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
      const error = new ApiError(response.status, data ?? {});
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
    post: (ticketId, message) => call('POST', `tickets/${id(ticketId)}/chat/messages`, message),
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
