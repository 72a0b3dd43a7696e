// Push through the TypeScript client's PushConnection (the official SignalR client, bundled): the hub URL is
// /api/agent, whose negotiate answers with SignalR Service's URL and a token. It reconnects forever; after every
// (re)connect `connected` runs, so the page catches up with what push missed while it was away.
import { allPushEventNames } from './livechat-client.js';

export function connectRealtime(api, { events, connected, unauthorized }, onState) {
  const push = api.client.push({ reconnectEveryMs: 10_000 });
  push.on((name, payload) => events[name]?.(payload), allPushEventNames.filter(name => events[name]));
  push.onState(state => (state === 'unauthorized' ? unauthorized() : onState(state)));
  push.onConnected(() => Promise.resolve(connected()).catch(() => { /* the next reconnect or poll tries again */ }));
  push.start();
  return { stop: () => push.stop() };
}
