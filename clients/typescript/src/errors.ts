/**
 * Every failure of a call: the service's problem (`status`, its stable `code`, `detail`), or the network's
 * (`status` 0, code `unreachable`). A call cancelled through its AbortSignal rejects with the signal's reason instead.
 */
export class LiveChatError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    /** Seconds the service asked to wait (Retry-After), if it did. */
    readonly retryAfter: number | null = null,
  ) {
    super(`${status || 'network'} ${code}: ${detail}`);
    this.name = 'LiveChatError';
  }

  /** Worth retrying unchanged: the network, 408, 429, 5xx, or a retried post whose first try is still being stored. */
  get isTransient(): boolean {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500 || this.code === 'message_in_progress';
  }
}

/** What a problem+json answer carries; anything else becomes `http_<status>`. */
export async function errorOf(response: Response): Promise<LiveChatError> {
  const retryAfter = Number(response.headers.get('retry-after'));
  const wait = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null;
  try {
    const problem = await response.json() as { code?: unknown; detail?: unknown };
    if (typeof problem.code === 'string') return new LiveChatError(response.status, problem.code, String(problem.detail ?? ''), wait);
  } catch {
    // not JSON: described by its status below
  }
  return new LiveChatError(response.status, `http_${response.status}`, response.statusText, wait);
}
