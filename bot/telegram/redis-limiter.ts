// Telegram's limits are the bot's, not the process's: with REDIS_URL every instance reserves its sends
// on the same schedules in Redis. One script call per send reserves the bot's and the chat's slot
// atomically, by Redis's own clock (instances' clocks may differ); the ioredis client given here
// should pipeline automatically, so the sends of one tick travel together. When Redis does not answer,
// the process falls back to its own limits (said once per outage) rather than stopping sends.
import type { Redis } from 'ioredis';
import type { Logger } from '../../core/logger.ts';
import { chatRule, type Limiter, memoryLimiter, type Rules } from './limits.ts';

// The twin of `take` in limits.ts. KEYS: the bot's schedule, the chat's. ARGV: the bot's interval and
// tolerance, the chat's, whether there is a chat. Times in ms; a key lives until its slot is past.
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local gi, gt, ci, ct = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local tatG = tonumber(redis.call('GET', KEYS[1])) or now
local at = math.max(now, tatG - gt)
local tatC = now
if ARGV[5] == '1' then
  tatC = tonumber(redis.call('GET', KEYS[2])) or now
  local chatAt = math.max(now, tatC - ct)
  if chatAt > at then return {0, math.ceil(chatAt - now)} end
end
local g = math.max(tatG, at) + gi
redis.call('SET', KEYS[1], string.format('%.3f', g), 'PX', math.ceil(g - now) + 1000)
if ARGV[5] == '1' then
  local c = math.max(tatC, at) + ci
  redis.call('SET', KEYS[2], string.format('%.3f', c), 'PX', math.ceil(c - now) + 1000)
end
return {1, math.ceil(at - now)}
`;

type WithTake = Redis & {
  kattooTelegramTake(global: string, chat: string, ...args: (string | number)[]): Promise<[number, number]>;
};

export function redisLimiter(
  redis: Redis,
  rules: Rules,
  opts: { botId: string; log?: Logger; fallback?: Limiter },
): Limiter {
  const r = redis as WithTake;
  if (!(r as Partial<WithTake>).kattooTelegramTake)
    redis.defineCommand('kattooTelegramTake', { numberOfKeys: 2, lua: TAKE });
  const fallback = opts.fallback ?? memoryLimiter(rules);
  // one hash slot per bot (Redis Cluster keeps a script's keys together)
  const prefix = `kattoo:telegram:{${opts.botId}}:`;
  let down = false;
  return {
    async take(chatId) {
      const rule = chatId === undefined ? undefined : chatRule(rules, chatId);
      try {
        const [reserved, wait] = await r.kattooTelegramTake(
          `${prefix}global`,
          `${prefix}chat:${chatId ?? ''}`,
          rules.global.interval,
          rules.global.tolerance,
          rule?.interval ?? 0,
          rule?.tolerance ?? 0,
          rule ? '1' : '0',
        );
        if (down) opts.log?.info('outbound limits: Redis answers again; limits shared across instances');
        down = false;
        return { reserved: reserved === 1, wait };
      } catch (e) {
        if (!down)
          opts.log?.warn(
            { err: String(e) },
            'outbound limits: Redis unreachable; this process keeps its own limits until it answers',
          );
        down = true;
        return fallback.take(chatId);
      }
    },
  };
}
