import { HubConnection, HubConnectionBuilder, HubConnectionState, LogLevel } from '@microsoft/signalr';
import type { Connection } from './connection.js';
import { allPushEventNames, type PushEventName } from './events.js';

/** Where a push connection stands: what a page shows as its connection status. */
export type PushState = 'connecting' | 'online' | 'reconnecting' | 'offline' | 'unauthorized';

export interface PushOptions {
  /** The longest wait before a connection that could not start (or was closed) is tried again, in ms (default 15000); the first tries come sooner. */
  reconnectEveryMs?: number;
}

/**
 * One caller's push connection through the official SignalR client (WebSockets, falling back as it does): it
 * negotiates through the service (`POST {base}/negotiate`), reconnects forever, and tells its listeners when it
 * (re)connects so they catch up on what they missed. Events are only hints: state is always read from the API.
 */
export class PushConnection {
  readonly #hub: HubConnection;
  readonly #reconnectEveryMs: number;
  readonly #onConnected = new Set<() => void>();
  readonly #onDisconnected = new Set<() => void>();
  readonly #onState = new Set<(state: PushState) => void>();
  #state: PushState = 'offline';
  #failedStarts = 0;
  #stopped = false;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(connection: Connection, hubPath: 'api/machine' | 'api/agent', options: PushOptions = {}) {
    this.#reconnectEveryMs = options.reconnectEveryMs ?? 15000;
    this.#hub = new HubConnectionBuilder()
      .withUrl(`${connection.baseUrl}/${hubPath}`, { accessTokenFactory: () => connection.token() })
      .withAutomaticReconnect({ nextRetryDelayInMilliseconds: c => Math.min(30000, 1000 * 2 ** Math.min(c.previousRetryCount, 5)) })
      .configureLogging(LogLevel.None)
      .build();
    this.#hub.onreconnected(() => this.#connected());
    this.#hub.onreconnecting(() => {
      this.#setState('reconnecting');
      this.#disconnected();
    });
    this.#hub.onclose(() => {
      if (this.#stopped) return;
      this.#setState('reconnecting');
      this.#disconnected();
      this.#scheduleStart();
    });
  }

  get state(): PushState {
    return this.#state;
  }

  /** Calls `handler` with each new state; 'unauthorized' (the token was refused) is final. */
  onState(handler: (state: PushState) => void): () => void {
    this.#onState.add(handler);
    return () => this.#onState.delete(handler);
  }

  get isConnected(): boolean {
    return this.#hub.state === HubConnectionState.Connected;
  }

  /** Calls `handler` with each event of these names (all when none are given); returns the unsubscribe. */
  on(handler: (event: PushEventName, payload: any) => void, names: readonly PushEventName[] = allPushEventNames): () => void {
    const handlers = names.map(name => [name, (payload: unknown) => handler(name, payload)] as const);
    for (const [name, h] of handlers) this.#hub.on(name, h);
    return () => { for (const [name, h] of handlers) this.#hub.off(name, h); };
  }

  /** Calls `handler` after every (re)connect. */
  onConnected(handler: () => void): () => void {
    this.#onConnected.add(handler);
    return () => this.#onConnected.delete(handler);
  }

  /** Calls `handler` when the connection drops (a waiting reader should start polling now, not after its long wait). */
  onDisconnected(handler: () => void): () => void {
    this.#onDisconnected.add(handler);
    return () => this.#onDisconnected.delete(handler);
  }

  /** Starts connecting in the background; a failed start is tried again every reconnectEveryMs until stop(). */
  start(): void {
    void this.#tryStart();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#setState('offline');
    clearTimeout(this.#retryTimer);
    await this.#hub.stop();
  }

  async #tryStart() {
    if (this.#stopped || this.#hub.state !== HubConnectionState.Disconnected) return;
    this.#setState(this.#failedStarts === 0 ? 'connecting' : 'reconnecting');
    try {
      await this.#hub.start();
      if (this.#stopped) await this.#hub.stop();
      else this.#connected();
    } catch (e) {
      if (this.#stopped) return;
      this.#failedStarts++;
      if ((e as { statusCode?: number })?.statusCode === 401) {
        this.#stopped = true;
        this.#setState('unauthorized');
        return;
      }
      this.#setState('offline');
      this.#scheduleStart();
    }
  }

  #setState(state: PushState) {
    if (state === this.#state) return;
    this.#state = state;
    for (const handler of this.#onState) handler(state);
  }

  #scheduleStart() {
    if (this.#stopped) return;
    clearTimeout(this.#retryTimer);
    // Soon at first, then backing off to reconnectEveryMs.
    const wait = Math.min(this.#reconnectEveryMs, 500 * 2 ** Math.min(this.#failedStarts, 10));
    this.#retryTimer = setTimeout(() => void this.#tryStart(), wait);
  }

  #connected() {
    this.#failedStarts = 0;
    this.#setState('online');
    for (const handler of this.#onConnected) handler();
  }

  #disconnected() {
    if (!this.#stopped) for (const handler of this.#onDisconnected) handler();
  }
}
