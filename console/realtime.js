// Push from SignalR Service with the official browser client (signalr.min.js, a global). The hub URL is /api/agent:
// its negotiate answers with SignalR Service's URL and a token, which the client follows. The connection retries
// forever, backing off to 10 s; after every (re)connect `connected` runs, so the page catches up with what push
// missed while it was away.

const backoff = attempt => Math.min(10_000, 500 * 2 ** attempt);
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

export function connectRealtime(token, { events, connected, unauthorized }, onState) {
  const { signalR } = window;
  if (!signalR) {
    onState('unavailable');
    return { stop() {} };
  }
  const connection = new signalR.HubConnectionBuilder()
    .withUrl(`${location.origin}/api/agent`, { accessTokenFactory: () => token, withCredentials: false })
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: ({ previousRetryCount }) => backoff(previousRetryCount) })
    .configureLogging(signalR.LogLevel.None)
    .build();
  for (const [name, handler] of Object.entries(events)) connection.on(name, handler);

  let stopped = false;
  connection.onreconnecting(() => onState('reconnecting'));
  const caughtUp = () => Promise.resolve(connected()).catch(() => { /* the next reconnect or poll tries again */ });
  connection.onreconnected(() => { onState('online'); caughtUp(); });
  // Automatic reconnects never give up with this policy; this is a close the service asked for, or a failed restart.
  connection.onclose(() => { if (!stopped) start(); });

  // The first start is not covered by automatic reconnects.
  async function start() {
    for (let attempt = 0; !stopped; attempt++) {
      onState(attempt === 0 ? 'connecting' : 'reconnecting');
      try {
        await connection.start();
        onState('online');
        caughtUp();
        return;
      } catch (error) {
        if (stopped) return;
        if (error?.statusCode === 401) { unauthorized(); return; }
        onState('offline');
        await sleep(backoff(attempt));
      }
    }
  }
  start();
  return {
    stop() {
      stopped = true;
      connection.stop();
    },
  };
}
