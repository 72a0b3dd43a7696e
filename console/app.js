// The agent console: sign in with a token, the tenant's active sessions with unread badges, one ticket's chat.
// Everything shown comes from the HTTP API; push (realtime.js) only says when to ask again, so a missed event is
// made good by the next catch-up (after every reconnect, and every 10 s while push is down).
import { createApi } from './api.js';
import { connectRealtime } from './realtime.js';

const $ = id => document.getElementById(id);
const TOKEN_KEY = 'livechat.agentToken';
const END_REASONS = {
  maquina_offline: 'máquina offline', inatividade_chat: 'inatividade', ticket_sem_maquina: 'ticket sem máquina',
  maquina_revogada: 'máquina revogada',
};
const CONNECTION = {
  connecting: 'Conectando…', online: 'Conectado — tempo real', reconnecting: 'Reconectando…',
  offline: 'Sem conexão — tentando de novo',
  noNetwork: 'Sem rede — aguardando',
};
const time = new Intl.DateTimeFormat('pt-BR', { hour: '2-digit', minute: '2-digit' });
const dateTime = new Intl.DateTimeFormat('pt-BR', { dateStyle: 'short', timeStyle: 'short' });

let api = null;
let realtime = null;
let realtimeState = 'offline';
let sessions = [];
let chat = null; // { ticketId, session, messages: Map, cursor, attachment, sendKey }
let lastTypingSent = 0;
let typingTimer = 0;

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : value);
  }
  node.append(...children.filter(c => c !== null && c !== undefined));
  return node;
}

// ---- sign in / out ----

/** #token=…[&ticket=…]: a link that signs in (and opens a ticket), as ./run.sh prints one. */
function readFragment() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  // Out of the address bar and the history at once: the fragment never reached the server, and now stays nowhere.
  if (location.hash) history.replaceState(null, '', location.pathname);
  return { token: fragment.get('token'), ticket: fragment.get('ticket') };
}

async function signIn(token, ticket = null) {
  realtime?.stop();
  api = createApi(token, error => signOut(error.message));
  try {
    sessions = await api.sessions();
  } catch (error) {
    signOut(error.message);
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  $('sign-in').hidden = true;
  $('workspace').hidden = false;
  $('sign-out').hidden = false;
  renderSessions();
  realtime = connectRealtime(api, { events, connected: catchUp, unauthorized: () => signOut('Sessão expirada. Entre de novo.') }, setConnection);
  if (ticket) await openTicket(ticket);
}

function signOut(message = '') {
  sessionStorage.removeItem(TOKEN_KEY);
  realtime?.stop();
  realtime = null;
  api = null;
  chat = null;
  setConnection('offline');
  $('workspace').hidden = true;
  $('sign-out').hidden = true;
  $('sign-in').hidden = false;
  $('sign-in-error').textContent = message;
  $('token').value = '';
  $('token').focus();
}

function setConnection(state) {
  realtimeState = state;
  showConnection();
}

/** The browser's own word on the network comes first: a WebSocket may look alive for a while after it dropped. */
function showConnection() {
  const state = navigator.onLine ? realtimeState : 'noNetwork';
  $('connection').textContent = CONNECTION[state];
  $('connection').dataset.state = state;
}

// ---- sessions ----

async function refreshSessions() {
  sessions = await api.sessions();
  renderSessions();
}

function renderSessions() {
  const list = $('session-list');
  list.replaceChildren(...sessions.map(s => el('li', {},
    el('button', {
      type: 'button', class: 'session', 'data-ticket': s.ticketId, 'aria-current': chat?.ticketId === s.ticketId ? 'true' : null,
      onclick: () => report(openTicket(s.ticketId), 'open-error'),
    },
    el('span', { class: 'ref', text: `#${s.ticketRef}` }),
    el('span', { class: 'subject', text: s.ticketSubject }),
    s.unreadCount > 0 ? el('span', { class: 'badge', text: String(s.unreadCount), 'aria-label': `${s.unreadCount} não lidas` }) : null))));
  $('no-sessions').hidden = sessions.length > 0;
}

function setUnread(sessionId, unreadCount) {
  const session = sessions.find(s => s.sessionId === sessionId);
  if (!session) return refreshSessions();
  session.unreadCount = unreadCount;
  renderSessions();
}

// ---- one ticket's chat ----

async function openTicket(ticketId) {
  const [current, history] = await Promise.all([api.ticketSession(ticketId), api.history(ticketId)]);
  $('open-error').textContent = '';
  $('chat-error').textContent = '';
  chat = { ticketId, session: current.sessionId ? current : null, machineOnline: current.machineOnline, messages: new Map(), cursor: null, attachment: null, sendKey: null };
  $('chat-title').textContent = `#${current.ticketRef} — ${current.ticketSubject}`;
  renderEarlier(history.sessions.filter(s => s.sessionId !== chat.session?.sessionId));
  $('messages').replaceChildren();
  $('typing').textContent = '';
  $('placeholder').hidden = true;
  $('chat').hidden = false;
  renderChatState();
  renderSessions();
  if (chat.session) {
    await loadNewMessages();
    $('message').focus();
  }
}

function renderChatState() {
  const active = Boolean(chat.session);
  $('chat-status').textContent = active
    ? `Sessão ativa com ${chat.session.agentName} desde ${dateTime.format(chat.session.startedAt)} · máquina ${chat.machineOnline ? 'online' : 'offline'}`
    : `Sem sessão ativa · máquina ${chat.machineOnline ? 'online' : 'offline'}`;
  $('composer').hidden = !active;
  $('end-session').hidden = !active;
  $('end-session').textContent = 'Encerrar sessão';
  $('start-session').hidden = active;
}

function renderEarlier(ended) {
  $('earlier').replaceChildren(...ended.slice().reverse().map(s => el('details', { class: 'earlier-session' },
    el('summary', {
      text: `Sessão de ${dateTime.format(s.startedAt)} com ${s.agentName} — ${s.messageCount} mensagens, `
        + (s.endReason ? `encerrada por ${END_REASONS[s.endReason] ?? s.endReason}` : 'encerrada pelo agente'),
    }),
    el('ol', { class: 'messages' }, ...s.messages.map(renderMessage)))));
}

/** Fetches what came after the cursor (the newest window first time), page by page, and shows it. */
async function loadNewMessages() {
  const ticketId = chat.ticketId;
  for (;;) {
    const page = await api.messages(ticketId, chat.cursor);
    if (chat?.ticketId !== ticketId) return;
    for (const message of page.messages) if (message.sessionId === chat.session?.sessionId) showMessage(message);
    if (page.nextCursor) chat.cursor = page.nextCursor;
    if (page.messages.length < 200 || !page.nextCursor) break;
  }
  await markRead();
}

function showMessage(message) {
  const node = renderMessage(message);
  const existing = $('messages').querySelector(`[data-id="${CSS.escape(message.id)}"]`);
  chat.messages.set(message.id, message);
  if (existing) existing.replaceWith(node);
  else {
    $('messages').append(node);
    scrollToNewest();
  }
  if (message.isFromMachine) $('typing').textContent = '';
}

/** Also when a picture has loaded, which makes its message taller. */
function scrollToNewest() {
  const log = $('messages').parentElement;
  log.scrollTop = log.scrollHeight;
}

function renderMessage(message) {
  const side = message.isFromMachine ? 'from-machine' : 'from-agent';
  const read = message.isFromMachine ? null : message.readByMachineAt
    ? el('span', { class: 'ticks read', text: '✓✓ Lida', title: `Lida em ${dateTime.format(message.readByMachineAt)}` })
    : el('span', { class: 'ticks', text: '✓ Enviada' });
  const body = message.deletedAt
    ? el('p', { class: 'body deleted', text: '(mensagem apagada)' })
    : el('p', { class: 'body', text: message.body }, message.editedAt ? el('span', { class: 'edited', text: ' (editada)' }) : null);
  return el('li', { class: `message ${side}`, 'data-id': message.id },
    el('p', { class: 'meta' },
      el('span', { class: 'author', text: message.authorName }), ' ',
      el('time', { datetime: new Date(message.createdAt).toISOString(), text: time.format(message.createdAt) }), ' ', read),
    body,
    message.attachments.length ? el('ul', { class: 'attachments' }, ...message.attachments.map(renderAttachment)) : null);
}

function renderAttachment(attachment) {
  const label = `${attachment.name} (${Math.max(1, Math.round(attachment.size / 1024))} KB)`;
  if (!attachment.url) return el('li', { text: `${label} — indisponível` });
  return el('li', {},
    attachment.type.startsWith('image/') ? el('img', { src: attachment.url, alt: attachment.name, class: 'preview', onload: scrollToNewest }) : null,
    el('a', { href: attachment.url, target: '_blank', rel: 'noopener noreferrer', text: label }));
}

/** Marks the machine's unread messages read while the chat is on screen (not in a background tab). */
async function markRead() {
  const open = chat;
  if (!open?.session || document.visibilityState !== 'visible') return;
  const unread = [...open.messages.values()].filter(m => m.isFromMachine && !m.readByAgentAt);
  for (let i = 0; i < unread.length; i += 50) await api.markRead(open.ticketId, unread.slice(i, i + 50).map(m => m.id));
  for (const message of unread) message.readByAgentAt = Date.now();
  // Everything shown is read; the service's unreadChanged follows (and corrects this if more came meanwhile).
  if (unread.length > 0) setUnread(open.session.sessionId, 0);
}

async function catchUp() {
  if (!api) return;
  await refreshSessions();
  if (!chat) return;
  const current = await api.ticketSession(chat.ticketId);
  if (current.sessionId !== (chat.session?.sessionId ?? null)) return openTicket(chat.ticketId); // started or ended meanwhile
  if (chat.session) await loadNewMessages();
}

// ---- composer ----

async function send() {
  const target = chat;
  // A file still uploading goes with this message: sending waits for it (and sends nothing if it fails).
  if (target?.uploading) {
    $('send').disabled = true;
    $('send').textContent = 'Aguardando anexo…';
    const uploaded = await target.uploading;
    $('send').textContent = 'Enviar';
    $('send').disabled = false;
    if (!uploaded || chat !== target) return;
  }
  const body = $('message').value.trim();
  if (!chat?.session || (!body && !chat.attachment)) return;
  // One key per message, kept until it is stored: a retry after a lost answer is recognised, not posted twice.
  chat.sendKey ??= randomKey();
  const message = { body, clientMessageId: chat.sendKey, attachmentIds: chat.attachment ? [chat.attachment.attachmentId] : undefined };
  $('send').disabled = true;
  try {
    await api.post(chat.ticketId, message);
    chat.sendKey = null;
    chat.attachment = null;
    $('message').value = '';
    $('pending').replaceChildren();
    $('composer-error').textContent = '';
    await loadNewMessages();
  } catch (error) {
    $('composer-error').textContent = error.message;
  } finally {
    $('send').disabled = false;
    $('message').focus();
  }
}

function randomKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return 'web-' + Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
}

/** Uploads the file as the pending attachment; chat.uploading holds the upload until it ends (true when it worked). */
function attach(file) {
  const target = chat;
  const uploading = uploadAttachment(target, file).finally(() => { if (target.uploading === uploading) target.uploading = null; });
  target.uploading = uploading;
  return uploading;
}

async function uploadAttachment(target, file) {
  const progress = $('upload-progress');
  $('composer-error').textContent = '';
  $('pending').replaceChildren(el('span', { text: `📎 ${file.name} — enviando…` }));
  progress.value = 0;
  progress.hidden = false;
  try {
    const attachmentId = await api.upload(file, percent => { progress.value = percent; });
    if (chat !== target) return false; // another chat was opened meanwhile
    const ticket = { attachmentId, fileName: file.name };
    chat.attachment = ticket;
    chat.sendKey = null;
    $('pending').replaceChildren(el('span', { text: `📎 ${ticket.fileName}` }),
      el('button', { type: 'button', class: 'link', 'aria-label': `Remover anexo ${ticket.fileName}`, text: '✕', onclick: clearAttachment }));
    return true;
  } catch (error) {
    if (chat === target) {
      $('pending').replaceChildren();
      $('composer-error').textContent = `O anexo ${file.name} não foi enviado: ${error.message}`;
    }
    return false;
  } finally {
    progress.hidden = true;
    $('file').value = '';
  }
}

function clearAttachment() {
  chat.attachment = null;
  chat.sendKey = null;
  $('pending').replaceChildren();
  $('message').focus();
}

function typed() {
  if (!chat?.session) return;
  chat.sendKey = null; // another text: another message
  if (Date.now() - lastTypingSent < 2000) return;
  lastTypingSent = Date.now();
  api.typing(chat.ticketId).catch(() => { /* only a hint */ });
}

// ---- push ----

const forOpenSession = e => chat?.session && e.sessionId === chat.session.sessionId;

const handlers = {
  sessionStarted: e => { refreshSessions(); if (chat?.ticketId === e.ticketId && !chat.session) openTicket(e.ticketId); },
  sessionEnded: e => {
    refreshSessions();
    if (forOpenSession(e)) openTicket(e.ticketId);
  },
  messageCreated: e => { if (forOpenSession(e)) loadNewMessages(); },
  messageUpdated: e => { if (forOpenSession(e)) reloadWindow(); },
  messageDeleted: e => { if (forOpenSession(e)) reloadWindow(); },
  unreadChanged: e => setUnread(e.sessionId, e.unreadCount),
  messagesRead: e => {
    if (!forOpenSession(e) || e.readBy !== 'machine') return;
    for (const id of e.messageIds) {
      const message = chat.messages.get(id);
      if (message) showMessage({ ...message, readByMachineAt: e.readAt });
    }
  },
  typing: e => {
    if (!e.fromMachine || chat?.ticketId !== e.ticketId) return;
    $('typing').textContent = `${e.name} está digitando…`;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => { $('typing').textContent = ''; }, 4000);
  },
};

// A failed fetch after an event is not shown: the next catch-up (reconnect, or every 10 s without push) repairs it.
const events = Object.fromEntries(Object.entries(handlers).map(([name, handle]) => [name, e => Promise.resolve(handle(e)).catch(() => {})]));

/** An edit or a deletion: the newest window again, so the changed message shows as it is now. */
async function reloadWindow() {
  chat.cursor = null;
  await loadNewMessages();
}

// ---- wiring ----

/** Shows a failure (the service's Portuguese detail) next to what the agent was doing. */
function report(promise, where) {
  Promise.resolve(promise).catch(error => { $(where).textContent = error.message; });
}

$('sign-in-form').addEventListener('submit', e => { e.preventDefault(); report(signIn($('token').value.trim()), 'sign-in-error'); });
$('sign-out').addEventListener('click', () => signOut());
$('open-ticket').addEventListener('submit', e => { e.preventDefault(); report(openTicket($('ticket-id').value.trim()), 'open-error'); });
$('composer').addEventListener('submit', e => { e.preventDefault(); report(send(), 'composer-error'); });
$('message').addEventListener('keydown', e => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); report(send(), 'composer-error'); }
});
$('message').addEventListener('input', typed);
$('file').addEventListener('change', () => { if ($('file').files[0]) report(attach($('file').files[0]), 'composer-error'); });
$('start-session').addEventListener('click', () => report(api.startSession(chat.ticketId).then(() => openTicket(chat.ticketId)), 'chat-error'));
$('end-session').addEventListener('click', () => {
  const button = $('end-session');
  if (button.dataset.confirm !== 'yes') {
    button.dataset.confirm = 'yes';
    button.textContent = 'Confirmar encerramento';
    setTimeout(() => { button.dataset.confirm = ''; button.textContent = 'Encerrar sessão'; }, 5000);
    return;
  }
  button.dataset.confirm = '';
  report(api.endSession(chat.session.sessionId).then(() => openTicket(chat.ticketId)), 'chat-error');
});
window.addEventListener('offline', showConnection);
// Back on the network: catch up at once rather than wait for SignalR to notice (or for the next event).
window.addEventListener('online', () => { showConnection(); if (api) catchUp().catch(() => {}); });
document.addEventListener('visibilitychange', () => report(markRead(), 'chat-error'));
setInterval(() => { if (api && realtimeState !== 'online') catchUp().catch(() => {}); }, 10_000);

const fragment = readFragment();
const token = fragment.token ?? sessionStorage.getItem(TOKEN_KEY);
if (token) report(signIn(token, fragment.ticket), 'open-error');
else signOut();
