/**
 * A fake model provider on 127.0.0.1 (node:http), for tests and the bench. It speaks
 *  - OpenAI chat completions (POST /v1/chat/completions, SSE, usage in the final chunk when
 *    stream_options.include_usage is set; tool calls),
 *  - Anthropic Messages (POST /v1/messages, SSE: message_start, content_block_start/delta/stop,
 *    message_delta with usage, message_stop, and `error` events; tool_use blocks),
 *  - model lists: GET /v1/models in OpenAI's shape, or Anthropic's when anthropic-version is sent,
 *  - OpenAI embeddings (POST /v1/embeddings): deterministic bag-of-words vectors (fakeEmbedding),
 *    failures injected with enqueueEmbedding.
 * Replies are scripted (text in chunks with delays, a remember tool call) and every failure a
 * person can hit can be injected. It records each request's API key.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { fakeEmbedding } from './fakeEmbedding';

export type Dialect = 'openai' | 'anthropic';

export interface RecordedRequest {
  method: string;
  path: string;
  dialect: Dialect;
  /** Bearer token or x-api-key; null when none was sent. */
  apiKey: string | null;
  body: any;
  at: number;
}

export type Script =
  | { kind: 'reply'; chunks: string[]; delayMs?: number; firstDelayMs?: number; usage?: { input: number; output: number } }
  /** The model calls the remember tool; the follow-up request (with the tool result) gets `then`. */
  | { kind: 'remember'; fact: string }
  /** The model calls tool `name` with `args`; the follow-up request (with the tool result) gets the text `then`. */
  | { kind: 'tool'; name: string; args: unknown; then?: string }
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  /** Close the socket without an answer (connection reset). */
  | { kind: 'reset' }
  /** Stream some chunks, then the provider's error event; `thenReset` drops the connection instead. */
  | { kind: 'midstream-error'; chunks: string[]; delayMs?: number; thenReset?: boolean };

export const reply = (text: string, opts: { chunkSize?: number; delayMs?: number; firstDelayMs?: number } = {}): Script => ({
  kind: 'reply',
  chunks: chunk(text, opts.chunkSize ?? 4),
  delayMs: opts.delayMs ?? 0,
  firstDelayMs: opts.firstDelayMs,
});

export function chunk(text: string, size: number): string[] {
  const chars = [...text];
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out;
}

/** The error bodies real providers send, including ones that echo part of the key (never to be shown). */
export function failureScript(
  code: 'auth' | 'forbidden' | 'rate' | 'model' | 'context' | 'server' | 'reset' | 'midstream',
  dialect: Dialect,
  key = 'sk-unknown',
): Script {
  const err = (type: string, message: string, extra: Record<string, unknown> = {}) =>
    dialect === 'anthropic' ? { type: 'error', error: { type, message } } : { error: { message, type, ...extra } };
  switch (code) {
    case 'auth':
      return { kind: 'status', status: 401, body: err('authentication_error', `Incorrect API key provided: ${key}`, { code: 'invalid_api_key' }) };
    case 'forbidden':
      return { kind: 'status', status: 403, body: err('permission_error', `Key ${key} may not use this model`) };
    case 'rate':
      return { kind: 'status', status: 429, headers: { 'retry-after': '7' }, body: err('rate_limit_error', 'Rate limit reached') };
    case 'model':
      return { kind: 'status', status: 404, body: err('not_found_error', 'model: no-such-model does not exist', { code: 'model_not_found' }) };
    case 'context':
      return dialect === 'anthropic'
        ? { kind: 'status', status: 400, body: err('invalid_request_error', 'prompt is too long: 250000 tokens > 200000 maximum') }
        : { kind: 'status', status: 400, body: err('invalid_request_error', "This model's maximum context length is 8192 tokens.", { code: 'context_length_exceeded' }) };
    case 'server':
      return { kind: 'status', status: 500, body: err('api_error', `Internal error at https://user:${key}@internal.invalid/x`) };
    case 'reset':
      return { kind: 'reset' };
    case 'midstream':
      return { kind: 'midstream-error', chunks: ['Partial ', 'answer '], delayMs: 5 };
  }
}

export interface FakeProvider {
  /** http://127.0.0.1:PORT/v1: the base URL for every dialect. */
  baseUrl: string;
  port: number;
  requests: RecordedRequest[];
  /** Chat requests only (not model lists or embeddings). */
  chatRequests(): RecordedRequest[];
  /** Requests to /v1/embeddings. */
  embeddingRequests(): RecordedRequest[];
  /** Failures (status or reset scripts) for the next embedding requests, in order; then vectors again. */
  enqueueEmbedding(...scripts: Extract<Script, { kind: 'status' | 'reset' }>[]): void;
  /** Embedding models it knows; others answer 404 model_not_found. */
  embeddingModels: string[];
  /** Scripts for the next chat requests, in order; when none is queued, `handler` decides. */
  enqueue(...scripts: Script[]): void;
  /** Decides the reply when nothing is queued (default: a short fixed answer). */
  handler: (req: RecordedRequest) => Script;
  models: string[];
  /** Open SSE responses (a test can wait for one to start). */
  openStreams(): number;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startFakeProvider(opts: { port?: number } = {}): Promise<FakeProvider> {
  const queue: Script[] = [];
  const embeddingQueue: Script[] = [];
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let open = 0;
  const fake: FakeProvider = {
    baseUrl: '',
    port: 0,
    requests,
    chatRequests: () => requests.filter((r) => r.method === 'POST' && r.path !== '/v1/embeddings'),
    embeddingRequests: () => requests.filter((r) => r.path === '/v1/embeddings'),
    enqueueEmbedding: (...s) => embeddingQueue.push(...s),
    embeddingModels: ['fake-embed', 'fake-embed-2'],
    enqueue: (...s) => queue.push(...s),
    handler: () => reply('Hello from the fake provider.'),
    models: ['fake-small', 'fake-large'],
    openStreams: () => open,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };

  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const dialect: Dialect = req.headers['anthropic-version'] || req.headers['x-api-key'] ? 'anthropic' : 'openai';
    const auth = req.headers.authorization;
    const apiKey = (req.headers['x-api-key'] as string | undefined) ?? (auth?.startsWith('Bearer ') ? auth.slice(7) : null);
    const path = (req.url ?? '').split('?')[0]!;
    const record: RecordedRequest = { method: req.method ?? '', path, dialect, apiKey, body, at: Date.now() };
    requests.push(record);
    if (req.method === 'GET' && path === '/v1/models') return sendModels(res, dialect, fake.models);
    if (req.method === 'POST' && path === '/v1/embeddings') {
      const failure = embeddingQueue.shift();
      return failure ? play(failure, 'openai', body, req, res, false) : sendEmbeddings(res, body, fake.embeddingModels);
    }
    if (req.method !== 'POST' || (path !== '/v1/chat/completions' && path !== '/v1/messages')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found' } }));
      return;
    }
    const isToolFollowUp = hasToolResult(body, dialect);
    const script = queue.shift() ?? fake.handler(record);
    // The model's follow-up, once the tool result comes back, answers from the same script.
    if ((script.kind === 'remember' || script.kind === 'tool') && !isToolFollowUp) queue.unshift(script);
    open++;
    try {
      await play(script, dialect, body, req, res, isToolFollowUp);
    } finally {
      open--;
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  fake.port = (server.address() as AddressInfo).port;
  fake.baseUrl = `http://127.0.0.1:${fake.port}/v1`;
  return fake;
}

function readBody(req: IncomingMessage): Promise<any> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      const text = Buffer.concat(parts).toString('utf8');
      try {
        resolve(text ? JSON.parse(text) : null);
      } catch {
        resolve(text);
      }
    });
  });
}

function hasToolResult(body: any, dialect: Dialect): boolean {
  const messages: any[] = body?.messages ?? [];
  if (dialect === 'openai') return messages.some((m) => m.role === 'tool');
  return messages.some((m) => Array.isArray(m.content) && m.content.some((c: any) => c.type === 'tool_result'));
}

function sendModels(res: ServerResponse, dialect: Dialect, models: string[]): void {
  const data =
    dialect === 'anthropic'
      ? { data: models.map((id) => ({ type: 'model', id, display_name: `Fake ${id}`, created_at: '2025-01-01T00:00:00Z' })), has_more: false }
      : { object: 'list', data: models.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'fake' })) };
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(data));
}

/** OpenAI's embeddings answer: one vector per input, in order; the model id seeds the vectors. */
function sendEmbeddings(res: ServerResponse, body: any, models: string[]): void {
  const model = String(body?.model ?? '');
  if (!models.includes(model)) {
    const error = { message: `The model \`${model}\` does not exist`, type: 'invalid_request_error', code: 'model_not_found' };
    return void res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error }));
  }
  const inputs: string[] = Array.isArray(body?.input) ? body.input : [String(body?.input ?? '')];
  const data = inputs.map((text, index) => ({ object: 'embedding', index, embedding: fakeEmbedding(text, model) }));
  const tokens = inputs.reduce((n, t) => n + t.split(/\s+/).length, 0);
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } }));
}

/** Writes one SSE event unless the client went away (cancel); returns whether it is still there. */
function sse(res: ServerResponse, data: unknown, event?: string): boolean {
  if (res.destroyed || res.writableEnded) return false;
  res.write(`${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
  return true;
}

async function play(script: Script, dialect: Dialect, body: any, req: IncomingMessage, res: ServerResponse, isToolFollowUp: boolean): Promise<void> {
  if (script.kind === 'reset') {
    req.socket.destroy();
    return;
  }
  if (script.kind === 'status') {
    res.writeHead(script.status, { 'content-type': 'application/json', ...script.headers }).end(JSON.stringify(script.body ?? {}));
    return;
  }
  const model = String(body?.model ?? 'fake');
  const inputTokens = script.kind === 'reply' ? (script.usage?.input ?? 12) : 12;
  const w = dialect === 'openai' ? openaiWriter(res, model, !!body?.stream_options?.include_usage) : anthropicWriter(res, model, inputTokens);
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  w.start();
  if (script.kind === 'remember' && !isToolFollowUp) {
    w.toolCall('remember', { fact: script.fact });
    return void res.end();
  }
  if (script.kind === 'remember') {
    w.text('I will remember that.');
    w.finish({ input: 20, output: 5 });
    return void res.end();
  }
  if (script.kind === 'tool') {
    if (isToolFollowUp) w.text(script.then ?? 'Done.');
    else w.toolCall(script.name, script.args);
    if (isToolFollowUp) w.finish({ input: 20, output: 5 });
    return void res.end();
  }
  const chunks = script.chunks;
  for (let i = 0; i < chunks.length; i++) {
    const delay = i === 0 ? (script.kind === 'reply' ? script.firstDelayMs ?? script.delayMs : script.delayMs) : script.delayMs;
    if (delay) await sleep(delay);
    if (!w.text(chunks[i]!)) return;
  }
  if (script.kind === 'midstream-error') {
    if (script.thenReset) return void req.socket.destroy();
    w.error();
    return void res.end();
  }
  w.finish(script.usage ?? { input: 12, output: chunks.length });
  res.end();
}

interface Writer {
  start(): void;
  text(t: string): boolean;
  toolCall(name: string, args: unknown): void;
  finish(usage: { input: number; output: number }): void;
  error(): void;
}

function openaiWriter(res: ServerResponse, model: string, includeUsage: boolean): Writer {
  const base = { id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model };
  const choice = (delta: unknown, finish: string | null = null) => ({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
  const end = (usage: { input: number; output: number }, reason: string) => {
    sse(res, choice({}, reason));
    if (includeUsage) sse(res, { ...base, choices: [], usage: { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output } });
    sse(res, '[DONE]');
  };
  return {
    start: () => sse(res, choice({ role: 'assistant', content: '' })),
    text: (t) => sse(res, choice({ content: t })),
    toolCall: (name, args) => {
      sse(res, choice({ tool_calls: [{ index: 0, id: 'call_fake_1', type: 'function', function: { name, arguments: JSON.stringify(args) } }] }));
      end({ input: 15, output: 8 }, 'tool_calls');
    },
    finish: (usage) => end(usage, 'stop'),
    error: () => sse(res, { error: { message: 'The server had an error while processing your request.', type: 'server_error' } }),
  };
}

/** Anthropic sends input tokens in message_start and output tokens in message_delta. */
function anthropicWriter(res: ServerResponse, model: string, inputTokens: number): Writer {
  let blockOpen = false;
  const openText = () => {
    if (blockOpen) return;
    blockOpen = true;
    sse(res, { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start');
  };
  const end = (usage: { input: number; output: number }, reason: string) => {
    if (blockOpen) sse(res, { type: 'content_block_stop', index: 0 }, 'content_block_stop');
    sse(res, { type: 'message_delta', delta: { stop_reason: reason, stop_sequence: null }, usage: { output_tokens: usage.output } }, 'message_delta');
    sse(res, { type: 'message_stop' }, 'message_stop');
  };
  return {
    start: () =>
      sse(
        res,
        {
          type: 'message_start',
          message: { id: 'msg_fake', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: inputTokens, output_tokens: 1 } },
        },
        'message_start',
      ),
    text: (t) => {
      openText();
      return sse(res, { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: t } }, 'content_block_delta');
    },
    toolCall: (name, args) => {
      sse(res, { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_fake_1', name, input: {} } }, 'content_block_start');
      sse(res, { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: JSON.stringify(args) } }, 'content_block_delta');
      blockOpen = true;
      end({ input: 15, output: 8 }, 'tool_use');
    },
    finish: (usage) => end(usage, 'end_turn'),
    error: () => sse(res, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, 'error'),
  };
}
