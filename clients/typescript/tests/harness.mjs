// What the tests share: the service the xunit fixture (LiveChat.Tests/Clients/TypeScriptClientTests.cs) started,
// provisioning through its API as the tenant's ADMIN, and the fixture's control endpoint.
import { AgentChatClient, MachineChatClient } from '../dist/index.js';

export const baseUrl = required('LIVECHAT_BASE_URL');
const adminToken = required('LIVECHAT_ADMIN_TOKEN');
const tenant = required('LIVECHAT_TENANT');
const control = required('LIVECHAT_TEST_CONTROL');

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: these tests run from LiveChat.Tests (./test.sh), which starts the service.`);
  return value;
}

async function api(method, path, body, token = adminToken) {
  const response = await fetch(`${baseUrl}/${path}`, {
    method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body && JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? null : response.json();
}

const unique = () => Math.random().toString(16).slice(2, 10);

/** A panel user of the tenant (AGENT unless told) and its client; `token` counts how often the client asked. */
export async function agent(role = 'AGENT', clientOptions = {}) {
  const id = `${tenant}-${role.toLowerCase()}-${unique()}`;
  await api('PUT', `api/manage/users/${id}`, { role, name: `${role} ${id.slice(-4)}`, email: `${id}@example.test` });
  const token = await (await fetch(`${control}/token/${id}`, { method: 'POST' })).text();
  const asked = { count: 0 };
  const client = new AgentChatClient({ baseUrl, token: async () => { asked.count++; return token; }, ...clientOptions });
  return { id, token, asked, client };
}

/** A machine registered through the API (online unless told otherwise) and its client. */
export async function machine({ online = true, ...clientOptions } = {}) {
  const issued = await api('POST', 'api/manage/machines', { hostname: `PC-${unique()}` });
  const client = new MachineChatClient({ baseUrl, machineToken: issued.machineToken, ...clientOptions });
  if (online) await client.heartbeat();
  return { id: issued.machineId, token: issued.machineToken, client };
}

/** A ticket of the tenant, linked to the machine. */
export async function ticket(machineId, subject = 'Impressora não imprime') {
  const requester = `${tenant}-requester`;
  await api('PUT', `api/manage/users/${requester}`, { role: 'COLLABORATOR', name: 'Requester' });
  return (await api('POST', 'api/manage/tickets', { reference: Math.floor(Math.random() * 1e6), subject, requesterId: requester, machineId })).id;
}

/** An agent and an online machine chatting on a ticket. */
export async function chat(options = {}) {
  const a = await agent('AGENT', options.agent);
  const m = await machine(options.machine);
  const ticketId = await ticket(m.id);
  const started = await a.client.startSession(ticketId);
  return { agent: a, machine: m, ticketId, sessionId: started.sessionId };
}

export const signalR = {
  stop: () => fetch(`${control}/signalr/stop`, { method: 'POST' }),
  start: () => fetch(`${control}/signalr/start`, { method: 'POST' }),
};

/** Waits until `check` returns something truthy (checked every 50 ms), or fails after `ms`. */
export async function until(check, ms = 15000, what = 'the condition') {
  for (const end = Date.now() + ms; Date.now() < end;) {
    const value = await check();
    if (value) return value;
    await new Promise(r => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
