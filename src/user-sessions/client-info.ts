/**
 * What an application records about the browser of a session (user agent, IP address), kept in the
 * session data so every store carries it and `sessionsOf` can show it. Django ignores the extra key.
 * @module
 */
import type { Session } from '../core/session.js';

/** Session data key of the recorded client (see {@link recordClient}). */
export const CLIENT_KEY = '_sessionkit_client';

/** Longest user agent kept, in characters (longer ones are cut). */
export const MAX_USER_AGENT_LENGTH = 512;

/** Longest IP address text kept (an IPv6 address with a zone fits). */
const MAX_IP_LENGTH = 64;

/** The client of a session, as the application saw it. */
export interface ClientInfo {
  /** The `User-Agent` request header. */
  userAgent?: string | null | undefined;
  /** The client's IP address (e.g. Express's `req.ip`, behind your trusted proxies). */
  ip?: string | null | undefined;
}

/** A client as stored in the session (`null` when unknown). */
export interface StoredClient {
  userAgent: string | null;
  ip: string | null;
}

const clean = (value: unknown, max: number): string | null =>
  typeof value === 'string' && value !== '' ? value.slice(0, max) : null;

/** The client recorded in session data, or `null`. */
export function clientOf(data: Record<string, unknown>): StoredClient | null {
  const value = data[CLIENT_KEY];
  if (typeof value !== 'object' || value === null) return null;
  const { userAgent, ip } = value as Record<string, unknown>;
  return { userAgent: clean(userAgent, MAX_USER_AGENT_LENGTH), ip: clean(ip, MAX_IP_LENGTH) };
}

/**
 * Record the browser of `session` (call it where the user logs in, or on every request: the session
 * is modified only when the values changed, so an unchanged client costs no save).
 * @example
 * await recordClient(req.session, { userAgent: req.get('user-agent'), ip: req.ip });
 */
export async function recordClient<Data extends object>(
  session: Session<Data>,
  client: ClientInfo,
): Promise<void> {
  const next: StoredClient = {
    userAgent: clean(client.userAgent, MAX_USER_AGENT_LENGTH),
    ip: clean(client.ip, MAX_IP_LENGTH),
  };
  const current = clientOf((await session.toObject()) as Record<string, unknown>);
  if (current?.userAgent === next.userAgent && current?.ip === next.ip) return;
  const key = CLIENT_KEY as keyof Data & string;
  await session.set(key, next as Data[keyof Data & string]);
}
