import { LiveChatError } from './errors.js';
import type { PushConnection } from './realtime.js';

/** A wake-up call for a loop that waits: wake() ends the current (or the next) wait early. */
class Waker {
  #pending = false;
  #resolve: (() => void) | undefined;

  wake(): void {
    if (this.#resolve) this.#resolve();
    else this.#pending = true;
  }

  /** Resolves on wake(), after `ms`, or when the signal aborts (never rejects). */
  wait(ms: number, signal?: AbortSignal): Promise<void> {
    if (this.#pending || signal?.aborted) {
      this.#pending = false;
      return Promise.resolve();
    }
    return new Promise(resolve => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.#resolve = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      this.#resolve = done;
    });
  }
}

export interface WakeLoopOptions {
  signal?: AbortSignal;
  pollEveryMs?: number;
  safetyPollEveryMs?: number;
}

/**
 * Runs `step` at once, then again on every wake: a hint `listen` hears, push (re)connecting or dropping, or a poll
 * (every pollEveryMs while push is down, every safetyPollEveryMs while it works, in case an event was lost). A
 * transient LiveChatError (the service or the network down) ends only that step; any other error stops the loop and
 * rejects `done`. The loop starts push and stops it when it ends.
 */
export function wakeLoop(push: PushConnection, options: WakeLoopOptions, defaultPollEveryMs: number,
  listen: (wake: () => void) => () => void, step: (signal: AbortSignal) => Promise<void>): { done: Promise<void>; stop(): void } {
  const stop = new AbortController();
  options.signal?.addEventListener('abort', () => stop.abort(options.signal!.reason), { once: true });
  const waker = new Waker();
  const wake = () => waker.wake();
  const offHints = listen(wake);
  const offConnected = push.onConnected(wake);
  const offDisconnected = push.onDisconnected(wake);
  push.start();
  const done = (async () => {
    try {
      while (!stop.signal.aborted) {
        try {
          await step(stop.signal);
        } catch (e) {
          if (!(e instanceof LiveChatError && e.isTransient) && !stop.signal.aborted) throw e;
        }
        await waker.wait(push.isConnected ? options.safetyPollEveryMs ?? 30000 : options.pollEveryMs ?? defaultPollEveryMs, stop.signal);
      }
    } finally {
      offHints();
      offConnected();
      offDisconnected();
      await push.stop();
    }
  })();
  return { done, stop: () => stop.abort() };
}
