// A desktop machine agent: online while it runs, answers each chat an agent starts on this machine.
import { LiveChatError, MachineChatClient } from '@livechat/client';

const client = new MachineChatClient({ baseUrl: process.env.BASE_URL, machineToken: process.env.MACHINE_TOKEN });
const watching = new Map(); // ticketId → its message watch

async function beat() {
  try {
    await client.heartbeat();
    const { sessions } = await client.getUpdates(); // cheap: 304 while nothing changed
    for (const { ticketId, ticketRef } of sessions) {
      if (watching.has(ticketId)) continue;
      console.log(`chat started on ticket #${ticketRef}`);
      watching.set(ticketId, client.watchMessages(ticketId, null, async message => {
        console.log(`${message.isFromMachine ? 'me' : message.authorName}: ${message.body}`);
        if (message.isFromMachine || message.readByMachineAt) return;
        await client.markRead(ticketId, [message.id]);
        await client.postMessage(ticketId, `Recebido: "${message.body}"`); // retried on failures, stored once
      }));
    }
    for (const [ticketId, watch] of watching) {
      if (sessions.some(s => s.ticketId === ticketId)) continue;
      console.log('chat ended');
      watch.stop();
      watching.delete(ticketId);
    }
  } catch (e) {
    if (!(e instanceof LiveChatError && e.isTransient)) throw e; // 401: token revoked or expired
  }
}

await beat();
setInterval(beat, 5_000); // a real agent beats every minute and gets sessionStarted pushed (client.push())
console.log('machine agent running; Ctrl+C stops it');
