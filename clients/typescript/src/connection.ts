import { LiveChatError, errorOf } from './errors.js';

/** A token, or a function asked for one before every call (so a panel can refresh it). */
export type TokenSource = string | (() => string | Promise<string>);

export interface ClientOptions {
  /** The service, e.g. `http://127.0.0.1:7071` (without `/api`). */
  baseUrl: string;
  /** The fetch to call the service with (default: the global one). */
  fetch?: typeof fetch;
  /** How posts are retried on transient failures (always with the same clientMessageId). */
  retry?: RetryPolicy;
}

export interface RetryPolicy {
  /** Tries in all, the first included (default 5). */
  maxAttempts?: number;
  /** The first wait in ms, doubled each try, ±20 % (default 200); the service's Retry-After wins. */
  firstDelayMs?: number;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface PostOptions extends CallOptions {
  /** Attachment ids from upload(). */
  attachmentIds?: string[];
  /** The post's idempotency key (default: a new one); every retry sends the same. */
  clientMessageId?: string;
}

/** HTTP calls to the service with one caller's token; every failure becomes a LiveChatError. */
export class Connection {
  readonly baseUrl: string;
  readonly #token: () => Promise<string>;
  readonly #fetch: typeof fetch;
  readonly #retry: Required<RetryPolicy>;
  readonly #lastAnswers = new Map<string, { etag: string; answer: unknown }>();

  constructor(options: ClientOptions, token: TokenSource) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#token = async () => (typeof token === 'string' ? token : await token());
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#retry = { maxAttempts: options.retry?.maxAttempts ?? 5, firstDelayMs: options.retry?.firstDelayMs ?? 200 };
  }

  token(): Promise<string> {
    return this.#token();
  }

  /** One call: the JSON answer, or the LiveChatError the service (or the network) gave. */
  async send<T>(method: string, path: string, body?: unknown, options: CallOptions = {}): Promise<T> {
    return (await this.#exchange<T>(method, path, body, null, options.signal)).answer as T;
  }

  /** A GET the service answers with an ETag: the last answer's tag goes as If-None-Match, and a 304 returns that answer. */
  async getConditional<T>(path: string, options: CallOptions = {}): Promise<T> {
    const last = this.#lastAnswers.get(path);
    const { answer, etag, notModified } = await this.#exchange<T>('GET', path, undefined, last?.etag ?? null, options.signal);
    if (notModified && last) return last.answer as T;
    if (etag) this.#lastAnswers.set(path, { etag, answer });
    return answer as T;
  }

  /** A raw answer (a file): the response, its body unread. */
  async download(path: string, options: CallOptions = {}): Promise<Response> {
    const response = await this.#call('GET', path, undefined, null, options.signal);
    if (!response.ok) throw await errorOf(response);
    return response;
  }

  /**
   * Posts a message, retried on transient failures with one clientMessageId: a post whose answer was lost is
   * recognised by the service and stored once.
   */
  postMessage<T>(path: string, body: string, options: PostOptions = {}): Promise<T> {
    const request = {
      body,
      clientMessageId: options.clientMessageId ?? newClientMessageId(),
      attachments: (options.attachmentIds ?? []).map(storageId => ({ storageId })),
    };
    return this.retrying(() => this.send<T>('POST', path, request, options), options.signal);
  }

  /** Retries a call on transient failures with exponential back-off or the service's Retry-After. */
  async retrying<T>(call: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (e) {
        if (!(e instanceof LiveChatError) || !e.isTransient || attempt >= this.#retry.maxAttempts) throw e;
        const backOff = this.#retry.firstDelayMs * 2 ** (attempt - 1) * (0.8 + Math.random() * 0.4);
        await delay(e.retryAfter !== null ? e.retryAfter * 1000 : backOff, signal);
      }
    }
  }

  async #exchange<T>(method: string, path: string, body: unknown, ifNoneMatch: string | null, signal?: AbortSignal) {
    const response = await this.#call(method, path, body, ifNoneMatch, signal);
    if (response.status === 304 && ifNoneMatch) return { answer: undefined as T | undefined, etag: ifNoneMatch, notModified: true };
    if (!response.ok) throw await errorOf(response);
    const text = await response.text();
    return { answer: (text ? JSON.parse(text) : undefined) as T, etag: response.headers.get('etag'), notModified: false };
  }

  async #call(method: string, path: string, body: unknown, ifNoneMatch: string | null, signal?: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${await this.#token()}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (ifNoneMatch) headers['if-none-match'] = ifNoneMatch;
    try {
      return await this.#fetch(`${this.baseUrl}/${path}`, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal,
      });
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      throw new LiveChatError(0, 'unreachable', e instanceof Error ? e.message : String(e));
    }
  }
}

/** Waits, or rejects with the signal's reason when it is aborted first. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A path segment as the service routes it. */
export const seg = encodeURIComponent;

/** `?name=value&…` of the parameters that are set. */
export function query(parameters: Record<string, string | number | null | undefined>): string {
  const set = Object.entries(parameters).filter(([, v]) => v !== null && v !== undefined);
  return set.length === 0 ? '' : '?' + set.map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join('&');
}

/** A new clientMessageId: 32 hex characters. */
export function newClientMessageId(): string {
  return globalThis.crypto.randomUUID().replaceAll('-', '');
}
