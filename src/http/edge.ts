import type { Socket } from 'node:net';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../domain/errors.js';
import { JSON_DEPTH_MAX } from '../limits.js';
import { errorBody } from './error-response.js';

/**
 * What the server refuses before any route sees a request: bodies nested too deep, text no
 * database can keep (NUL, lone UTF-16 surrogates) in a body, a path or a query, compressed
 * bodies, and everything Node's HTTP parser rejects (oversized headers, malformed framing, a
 * body that never completes). Each is a 4xx in DR's envelope naming what was wrong.
 */

/**
 * How deep the JSON text nests (objects and arrays), counted in one pass over the text before
 * it is parsed, so that nothing downstream (parsers, the idempotency fingerprint, validation)
 * ever walks a deeper value. Stops counting past `max`.
 */
export function jsonDepthOver(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i += 1; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth += 1;
      if (depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth -= 1;
  }
  return false;
}

/** Why a string cannot be kept as sent, or undefined when it can. */
export function unkeepable(text: string): string | undefined {
  if (text.includes('\u0000')) return 'holds a NUL character (U+0000)';
  if (!(text as string & { isWellFormed(): boolean }).isWellFormed())
    return 'holds a lone UTF-16 surrogate (not a Unicode character)';
  return undefined;
}

const memberPath = (path: string, key: string) =>
  /^[A-Za-z_$][\w$]*$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;

/**
 * The first string (member names included) of a parsed body that cannot be kept, as the
 * parameter to name and the reason. Iterative: the depth is already bounded, but a wide value
 * must not cost a frame per member either.
 */
export function findUnkeepable(value: unknown): { parameter: string; why: string } | undefined {
  const stack: { value: unknown; path: string }[] = [{ value, path: '' }];
  while (stack.length > 0) {
    const { value: v, path } = stack.pop() as { value: unknown; path: string };
    if (typeof v === 'string') {
      const why = unkeepable(v);
      if (why) return { parameter: path || 'body', why };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: `${path}[${i}]` });
    } else if (typeof v === 'object' && v !== null) {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, member] = entries[i] as [string, unknown];
        const at = memberPath(path, key);
        const why = unkeepable(key);
        if (why) return { parameter: at, why: `has a member name that ${why}` };
        stack.push({ value: member, path: at });
      }
    }
  }
  return undefined;
}

/** The checks of a JSON body's text and value, as the content-type parser runs them. */
export function checkJsonText(text: string): AppError | undefined {
  if (jsonDepthOver(text, JSON_DEPTH_MAX))
    return new AppError(
      'invalid_parameter',
      'body',
      `The request body nests objects and arrays deeper than ${JSON_DEPTH_MAX} levels.`,
    );
  return undefined;
}

export function checkJsonValue(value: unknown): AppError | undefined {
  const found = findUnkeepable(value);
  return found
    ? new AppError('invalid_parameter', found.parameter, `'${found.parameter}' ${found.why}.`)
    : undefined;
}

/** A path or query that cannot be kept: NUL or lone surrogates after percent-decoding. */
export function checkUrl(request: FastifyRequest): AppError | undefined {
  const [path = ''] = request.url.split('?', 1);
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return new AppError('invalid_parameter', 'path', 'The request path is not valid percent-encoded UTF-8.');
  }
  const why = unkeepable(decoded);
  if (why) return new AppError('invalid_parameter', 'path', `The request path ${why}.`);
  const query = request.query;
  if (typeof query === 'object' && query !== null) {
    for (const [name, value] of Object.entries(query)) {
      for (const text of [name, ...(Array.isArray(value) ? value : [value])]) {
        if (typeof text !== 'string') continue;
        const bad = unkeepable(text);
        if (bad) return new AppError('invalid_parameter', name, `The query parameter '${name}' ${bad}.`);
      }
    }
  }
  return undefined;
}

/** Bodies are plain JSON: a Content-Encoding other than identity is refused (415). */
export function checkContentEncoding(request: FastifyRequest): AppError | undefined {
  const encoding = request.headers['content-encoding'];
  if (encoding === undefined) return undefined;
  const codings = String(encoding)
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  if (codings.length === 0) return undefined;
  return new AppError(
    'unsupported_encoding',
    'Content-Encoding',
    `Request bodies are not decoded: send plain JSON without Content-Encoding (not '${codings.join(', ')}').`,
  );
}

/** Every value a request sent for a header, from the raw headers (Node joins duplicates). */
export function headerValues(request: FastifyRequest, name: string): string[] {
  const raw = request.raw.rawHeaders;
  const values: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]?.toLowerCase() === name) values.push(raw[i + 1] ?? '');
  }
  return values;
}

/** Node's HTTP parser's refusals, in DR's terms. */
function clientErrorOf(code: string | undefined): { status: number; reason: string; error: AppError } {
  switch (code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        reason: 'Request Timeout',
        error: new AppError(
          'request_timeout',
          'body',
          'The request was not received in time (its headers or body never completed); the connection is closed.',
        ),
      };
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        reason: 'Request Header Fields Too Large',
        error: new AppError(
          'header_too_large',
          'headers',
          'The request line and headers are larger than the server accepts (16 KB).',
        ),
      };
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
    case 'HPE_INVALID_CONTENT_LENGTH':
    case 'HPE_INVALID_TRANSFER_ENCODING':
    case 'HPE_INVALID_CHUNK_SIZE':
      return {
        status: 400,
        reason: 'Bad Request',
        error: new AppError(
          'invalid_format',
          'Content-Length',
          'The request body is framed ambiguously (Content-Length and Transfer-Encoding, two lengths, or a bad chunk).',
        ),
      };
    case 'HPE_INVALID_HEADER_TOKEN':
    case 'HPE_INVALID_CONSTANT':
    case 'HPE_LF_EXPECTED':
    case 'HPE_CR_EXPECTED':
      return {
        status: 400,
        reason: 'Bad Request',
        error: new AppError('invalid_format', 'headers', 'A request header is malformed.'),
      };
    default:
      return {
        status: 400,
        reason: 'Bad Request',
        error: new AppError('invalid_format', 'request', 'The request is not valid HTTP/1.1.'),
      };
  }
}

/**
 * Fastify's clientErrorHandler: answers in DR's envelope (when nothing has been answered on the
 * connection yet) and closes the connection, as Node itself would.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, reason, error: appError } = clientErrorOf(error.code);
  const response = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !response?.headersSent) {
    const body = JSON.stringify(errorBody(appError));
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
