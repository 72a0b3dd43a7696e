// A panel view: the tenant's active chats and one ticket's conversation, redrawn on every change.
import { AgentChatClient, type AgentSession, type TicketChat } from '@livechat/client';

const client = new AgentChatClient({
  baseUrl: process.env.BASE_URL!,
  token: async () => process.env.AGENT_TOKEN!, // asked before every call: return a fresh one when yours expires
});
const ticketId = process.env.TICKET_ID!;

const started = await client.startSession(ticketId); // or the active session, if there is one
console.log(started.isNew ? 'chat started' : 'chat already active');

const sessions = client.watchSessions((list: AgentSession[]) =>
  console.log('active chats:', list.map(s => `#${s.ticketRef} (${s.unreadCount} unread)`).join(', ')));

const chat = client.watchTicketChat(ticketId, (view: TicketChat) => {
  const last = view.messages.at(-1);
  const tick = last && !last.isFromMachine ? (last.readByMachineAt ? ' ✓✓' : ' ✓') : '';
  console.log(`${view.messages.length} messages${view.machineTyping ? ', the client is typing…' : ''}`
    + (last ? ` | last: ${last.authorName}: ${last.body}${tick}` : ''));
});

await client.postMessage(ticketId, 'Olá! Como posso ajudar?');
setTimeout(async () => {
  sessions.stop();
  chat.stop();
  await client.endSession(started.sessionId);
  console.log('chat ended');
}, 20_000);
