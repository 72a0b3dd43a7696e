// Every call of both clients against the running service, and the LiveChatError each kind of failure becomes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LiveChatError, MachineChatClient } from '../dist/index.js';
import { agent, baseUrl, chat, machine, ticket } from './harness.mjs';

test('every call of the machine client', async () => {
  const { machine: m, agent: a, ticketId, sessionId } = await chat();
  const me = await m.client.me();
  assert.equal(me.machineId, m.id);
  assert.equal((await m.client.heartbeat()).ok, true);

  const { messageId: fromAgent } = await a.client.postMessage(ticketId, 'Olá, aqui é o suporte');
  const updates = await m.client.getUpdates();
  assert.deepEqual([updates.hasActiveSessions, updates.totalUnread], [true, 1]);
  assert.strictEqual(await m.client.getUpdates(), updates, 'an unchanged poll (304) returns the last answer');
  assert.equal((await m.client.getSessions())[0].sessionId, sessionId);

  const posted = await m.client.postMessage(ticketId, 'A impressora não liga');
  const page = await m.client.listMessages(ticketId);
  assert.deepEqual(page.messages.map(x => x.id), [fromAgent, posted.messageId]);
  assert.equal((await m.client.markRead(ticketId, [fromAgent])).processed, 1);
  assert.equal((await m.client.getUpdates()).totalUnread, 0);

  assert.notEqual((await m.client.editMessage(ticketId, posted.messageId, 'A impressora não liga de jeito nenhum')).editedAt, null);
  assert.equal((await m.client.typing(ticketId)).pushed, true);
  assert.notEqual((await m.client.deleteMessage(ticketId, posted.messageId)).deletedAt, null);
  const negotiated = await m.client.negotiate();
  assert.ok(negotiated.url.startsWith('http') && negotiated.accessToken.length > 0);
  assert.deepEqual((await m.client.listMessages(ticketId, page.nextCursor)).messages, []);
});

test('every call of the agent client, the token asked for before each', async () => {
  const { agent: a, machine: m, ticketId, sessionId } = await chat();
  assert.equal((await a.client.startSession(ticketId)).isNew, false, 'a second start returns the active session');
  assert.equal((await a.client.getTicketSession(ticketId)).sessionId, sessionId);
  assert.ok((await a.client.listSessions()).some(s => s.sessionId === sessionId));

  const fromMachine = await m.client.postMessage(ticketId, 'Preciso de ajuda');
  const mine = await a.client.postMessage(ticketId, 'Vamos ver');
  const list = await a.client.listMessages(ticketId);
  assert.equal(list.unreadCount, 1);
  assert.equal((await a.client.markRead(ticketId, [fromMachine.messageId])).processed, 1);
  await a.client.editMessage(ticketId, mine.messageId, 'Vamos ver isso agora');
  await a.client.deleteMessage(ticketId, mine.messageId);
  assert.equal((await a.client.typing(ticketId)).pushed, true);
  assert.ok((await a.client.negotiate()).accessToken.length > 0);

  const admin = await agent('ADMIN');
  const audit = await admin.client.getMessageEdits(ticketId, mine.messageId);
  assert.deepEqual(audit.edits.map(e => e.body), ['Vamos ver'], 'the earlier body');
  assert.notEqual(audit.deletedAt, null);

  const transcript = await a.client.downloadTranscript(ticketId, 'txt');
  assert.match(transcript.fileName, /\.txt$/);
  assert.match(await transcript.body.text(), /Preciso de ajuda/);

  assert.equal((await a.client.endSession(sessionId)).ok, true);
  const history = await a.client.getHistory(ticketId);
  assert.equal(history.sessions[0].sessionId, sessionId);
  assert.equal(history.sessions[0].status, 'ENDED');
  assert.ok(a.asked.count >= 14, `the token function was asked ${a.asked.count} times`);
});

test('each failure is a LiveChatError with status, code, detail and whether to retry', async () => {
  const caught = async call => {
    try {
      await call();
    } catch (e) {
      assert.ok(e instanceof LiveChatError, `${e} is not a LiveChatError`);
      return e;
    }
    assert.fail('the call did not fail');
  };
  const stranger = new MachineChatClient({ baseUrl, machineToken: 'not-a-token' });
  const unauthorized = await caught(() => stranger.getUpdates());
  assert.deepEqual([unauthorized.status, unauthorized.isTransient], [401, false]);
  assert.match(unauthorized.code, /^machine_token_/);

  const collaborator = await agent('COLLABORATOR');
  const { ticketId } = await chat();
  const forbidden = await caught(() => collaborator.client.listMessages(ticketId));
  assert.deepEqual([forbidden.status, forbidden.code], [403, 'forbidden_role']);
  assert.ok(forbidden.detail.length > 0);

  const a = await agent();
  const missing = await caught(() => a.client.getTicketSession('no-such-ticket'));
  assert.deepEqual([missing.status, missing.code], [404, 'ticket_not_found']);

  const offline = await machine({ online: false });
  const conflict = await caught(async () => a.client.startSession(await ticket(offline.id)));
  assert.deepEqual([conflict.status, conflict.code], [409, 'machine_offline']);

  const limited = await caught(async () => { for (let i = 0; i < 20; i++) await a.client.negotiate(); });
  assert.deepEqual([limited.status, limited.code, limited.isTransient], [429, 'rate_limited', true]);
  assert.ok(limited.retryAfter > 0);

  const unreachable = await caught(() => new MachineChatClient({ baseUrl: 'http://127.0.0.1:9', machineToken: 'x' }).me());
  assert.deepEqual([unreachable.status, unreachable.code, unreachable.isTransient], [0, 'unreachable', true]);
});

test('a call takes an AbortSignal', async () => {
  const { machine: m } = await chat();
  const stop = new AbortController();
  stop.abort(new Error('stopped by the caller'));
  await assert.rejects(m.client.getSessions({ signal: stop.signal }), /stopped by the caller/);
});
