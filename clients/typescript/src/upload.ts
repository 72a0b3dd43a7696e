import type { UploadTicket } from './contracts.js';
import type { CallOptions, Connection } from './connection.js';
import { LiveChatError, errorOf } from './errors.js';

/** A file's bytes: a Blob or File (browsers, Node), bytes, or a stream of bytes (with `size`). */
export type UploadSource = Blob | Uint8Array | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

export interface UploadOptions extends CallOptions {
  /** The file's name (default: a File's own name). */
  fileName?: string;
  /** Its media type (default: a Blob's own type, or implied by the name's extension). */
  contentType?: string;
  /** Its size in bytes: needed for a stream, known for the others. */
  size?: number;
  /** Called as bytes go out, and with sent = total at the end. */
  onProgress?: (sent: number, total: number) => void;
}

/**
 * Asks the service for a create-only upload URL, then PUTs the bytes straight to Blob Storage (the service never
 * sees them). Returns the attachment id a message then cites.
 */
export async function upload(connection: Connection, path: string, source: UploadSource, options: UploadOptions): Promise<string> {
  const blob = typeof Blob !== 'undefined' && source instanceof Blob ? source : null;
  const fileName = options.fileName ?? (blob && 'name' in blob ? String(blob.name) : undefined);
  const size = options.size ?? blob?.size ?? (source instanceof Uint8Array ? source.byteLength : undefined);
  if (!fileName) throw new LiveChatError(400, 'validation_failed', 'upload: fileName is required (or give a File).');
  if (size === undefined) throw new LiveChatError(400, 'validation_failed', 'upload: size is required for a stream.');
  const contentType = options.contentType || blob?.type || undefined;
  const ticket = await connection.send<UploadTicket>('POST', path, { fileName, contentType, size }, options);

  if (blob && typeof XMLHttpRequest !== 'undefined') await putWithXhr(ticket, blob, options);
  else await putWithFetch(ticket, source, size, options);
  options.onProgress?.(size, size);
  return ticket.attachmentId;
}

/** Browsers: XMLHttpRequest reports upload progress (fetch cannot stream a body over HTTP/1.1 there). */
function putWithXhr(ticket: UploadTicket, blob: Blob, options: UploadOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(ticket.method, ticket.uploadUrl);
    for (const [name, value] of Object.entries(ticket.headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = e => options.onProgress?.(e.loaded, blob.size);
    xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? resolve()
      : reject(new LiveChatError(xhr.status, xhr.status === 412 || xhr.status === 409 ? 'upload_exists' : `http_${xhr.status}`, xhr.statusText)));
    xhr.onerror = () => reject(new LiveChatError(0, 'unreachable', 'the upload did not reach Blob Storage'));
    const abort = () => xhr.abort();
    options.signal?.addEventListener('abort', () => { abort(); reject(options.signal!.reason); }, { once: true });
    xhr.send(blob);
  });
}

/** Node: the bytes as a stream with a Content-Length (Blob Storage takes no chunked upload), counted as they go. */
async function putWithFetch(ticket: UploadTicket, source: UploadSource, size: number, options: UploadOptions): Promise<void> {
  let sent = 0;
  const chunks = chunksOf(source);
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) return controller.close();
      sent += next.value.byteLength;
      options.onProgress?.(sent, size);
      controller.enqueue(next.value);
    },
  });
  let response: Response;
  try {
    response = await fetch(ticket.uploadUrl, {
      method: ticket.method,
      headers: { ...ticket.headers, 'content-length': String(size) },
      body,
      signal: options.signal,
      duplex: 'half',
    } as RequestInit);
  } catch (e) {
    if (options.signal?.aborted) throw options.signal.reason;
    throw new LiveChatError(0, 'unreachable', e instanceof Error ? e.message : String(e));
  }
  if (!response.ok) throw await errorOf(response);
}

const ChunkSize = 64 * 1024;

async function* chunksOf(source: UploadSource): AsyncGenerator<Uint8Array> {
  if (source instanceof Uint8Array) {
    for (let at = 0; at < source.byteLength; at += ChunkSize) yield source.subarray(at, at + ChunkSize);
  } else if (typeof Blob !== 'undefined' && source instanceof Blob) {
    for (let at = 0; at < source.size; at += ChunkSize) yield new Uint8Array(await source.slice(at, at + ChunkSize).arrayBuffer());
  } else if (source instanceof ReadableStream) {
    const reader = source.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } else {
    yield* source as AsyncIterable<Uint8Array>;
  }
}
