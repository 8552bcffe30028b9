// A fast stand-in for Telegram's Bot API for benchmarks: answers every method at once with a
// well-formed result and counts the calls. (Tests use the full simulator in sim/telegram.)
import { createServer, type Server } from 'node:http';

export type StandIn = { apiRoot: string; calls: Map<string, number>; close(): Promise<void> };

export async function startTelegramStandIn(): Promise<StandIn> {
  const calls = new Map<string, number>();
  let messageId = 1;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const method = (req.url ?? '').split('/').pop() ?? '';
      calls.set(method, (calls.get(method) ?? 0) + 1);
      let body: Record<string, unknown> = {};
      try {
        body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : {};
      } catch {
        body = {};
      }
      let result: unknown = true;
      if (method === 'getMe') {
        result = {
          id: 7000000001,
          is_bot: true,
          first_name: 'Kattoo',
          username: 'kattoo_bench_bot',
          can_join_groups: true,
          can_read_all_group_messages: false,
          supports_inline_queries: false,
        };
      } else if (/^(send|edit)/.test(method)) {
        result = {
          message_id: messageId++,
          date: Math.floor(Date.now() / 1000),
          chat: { id: Number(body.chat_id ?? 1), type: 'private', first_name: 'x' },
          text: typeof body.text === 'string' ? body.text : '',
        };
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, result }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    apiRoot: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
