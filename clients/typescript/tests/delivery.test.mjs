// What the client promises beyond one call: a post stored once whatever the network does, a message feed that
// misses nothing and repeats nothing across a SignalR outage, uploads straight to Blob Storage, live views.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LiveChatError } from '../dist/index.js';
import { chat, signalR, until } from './harness.mjs';

test('a post whose response was lost is retried with its clientMessageId and stored once', async () => {
  let dropped = 0;
  // The request reaches the service and is stored; its answer never comes back, as when a connection drops.
  const dropFirstAnswer = async (url, init) => {
    const response = await fetch(url, init);
    if (init?.method === 'POST' && String(url).endsWith('/chat/messages') && dropped++ === 0) throw new TypeError('fetch failed: socket hang up');
    return response;
  };
  const { machine: m, agent: a, ticketId } = await chat({ machine: { fetch: dropFirstAnswer } });
  const posted = await m.client.postMessage(ticketId, 'Só uma vez');
  assert.equal(dropped, 2, 'the first answer was dropped, the retry answered');
  const stored = (await a.client.listMessages(ticketId)).messages.filter(x => x.body === 'Só uma vez');
  assert.deepEqual(stored.map(x => x.id), [posted.messageId]);
});

test('watchMessages delivers each message once and in order through a SignalR outage, polling meanwhile', async () => {
  const { machine: m, agent: a, ticketId } = await chat();
  const seen = [];
  const watch = m.client.watchMessages(ticketId, null, message => { seen.push(message.body); },
    { pollEveryMs: 300, safetyPollEveryMs: 60000, reconnectEveryMs: 500 });
  const post = async (...bodies) => { for (const body of bodies) await a.client.postMessage(ticketId, body); };
  try {
    await post('1', '2', '3');
    await until(() => seen.length === 3, 15000, 'the first three through push');
    await signalR.stop();
    try {
      // While SignalR is down an agent's negotiate cannot join its tenant's group: a 503 to retry later.
      const refused = await a.client.negotiate().catch(e => e);
      assert.ok(refused instanceof LiveChatError && refused.status === 503 && refused.isTransient, String(refused));
      await post('4', '5', '6');
      await until(() => seen.length === 6, 15000, 'messages 4 to 6 by polling while SignalR is down');
    } finally {
      await signalR.start();
    }
    await post('7', '8', '9');
    await until(() => seen.length === 9, 20000, 'messages 7 to 9 after SignalR came back');
    assert.deepEqual(seen, ['1', '2', '3', '4', '5', '6', '7', '8', '9']);
    assert.ok(watch.cursor);
  } finally {
    watch.stop();
    await watch.done;
  }
});

test('an upload goes straight to Blob Storage with progress up to 100 %, and the bytes read back are the same', async () => {
  const { machine: m, agent: a, ticketId } = await chat();
  const bytes = new TextEncoder().encode('linha de log\n'.repeat(30_000)); // 390 KB: several chunks
  const progress = [];
  const attachmentId = await m.client.upload(bytes, { fileName: 'log.txt', contentType: 'text/plain', onProgress: (sent, total) => progress.push([sent, total]) });
  assert.ok(progress.length > 2, `${progress.length} progress reports`);
  assert.deepEqual(progress.at(-1), [bytes.byteLength, bytes.byteLength]);
  assert.ok(progress.every(([sent], i) => i === 0 || sent >= progress[i - 1][0]), 'progress only grows');

  await m.client.postMessage(ticketId, 'o log', { attachmentIds: [attachmentId] });
  const [attachment] = (await a.client.listMessages(ticketId)).messages.at(-1).attachments;
  const readBack = new Uint8Array(await (await fetch(attachment.url)).arrayBuffer());
  assert.equal(attachment.size, bytes.byteLength);
  assert.deepEqual(readBack, bytes);
});

test('the reactive views follow sessions, messages, read ticks and typing', async () => {
  const { agent: a, machine: m, ticketId, sessionId } = await chat();
  const sessionsSeen = [];
  const sessions = a.client.watchSessions(list => sessionsSeen.push(list), { pollEveryMs: 500, reconnectEveryMs: 500 });
  const chatView = a.client.watchTicketChat(ticketId, () => {}, { pollEveryMs: 500, reconnectEveryMs: 500 });
  try {
    await until(() => sessions.snapshot.some(s => s.sessionId === sessionId), 15000, 'the session in the list');
    const posted = await m.client.postMessage(ticketId, 'Oi');
    await until(() => sessions.snapshot.find(s => s.sessionId === sessionId)?.unreadCount === 1, 15000, 'the unread count');
    await until(() => chatView.snapshot.messages.some(x => x.id === posted.messageId), 15000, 'the message in the chat view');

    const mine = await a.client.postMessage(ticketId, 'Olá!');
    await m.client.markRead(ticketId, [mine.messageId]);
    await until(() => chatView.snapshot.messages.find(x => x.id === mine.messageId)?.readByMachineAt, 15000, 'the read tick');

    // Typing is pushed only (never stored): sent again until the view's connection, perhaps still starting, hears it.
    await until(async () => { await m.client.typing(ticketId); return chatView.snapshot.machineTyping; }, 15000, 'the machine typing');
    assert.equal(chatView.snapshot.session.sessionId, sessionId);
    assert.ok(sessionsSeen.length >= 2, 'the listener was called on each change');
  } finally {
    sessions.stop();
    chatView.stop();
    await Promise.all([sessions.done, chatView.done]);
  }
});
