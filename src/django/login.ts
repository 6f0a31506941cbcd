/**
 * Django logins in a shared session: read the user that `django.contrib.auth.login()` stored, honour it
 * only while its password hash still matches (Django's `get_user`), and log a user in the way Django does.
 * @module
 */
import type { SessionData } from '../core/codec.js';
import type { Session } from '../core/session.js';
import { constantTimeCompare } from '../signing/salted-hmac.js';
import { checkDjangoSessionAuthHash, djangoSessionAuthHash } from './auth-hash.js';

/** Session key of the user's primary key (`django.contrib.auth.SESSION_KEY`). */
export const DJANGO_USER_ID_KEY = '_auth_user_id';
/** Session key of the authentication backend (`BACKEND_SESSION_KEY`). */
export const DJANGO_BACKEND_KEY = '_auth_user_backend';
/** Session key of the session auth hash (`HASH_SESSION_KEY`). */
export const DJANGO_HASH_KEY = '_auth_user_hash';
/** Django's default authentication backend. */
export const DJANGO_MODEL_BACKEND = 'django.contrib.auth.backends.ModelBackend';

/** The login Django's `auth.login()` stored in a session. */
export interface DjangoUser {
  /** `_auth_user_id`: the user's primary key, as text (Django stores `pk.value_to_string(user)`). */
  userId: string;
  /** `_auth_user_backend`: dotted path of the backend that authenticated the user. */
  backend: string;
  /** `_auth_user_hash`: {@link djangoSessionAuthHash} of the password at login time (`''` if none). */
  hash: string;
}

/** Options of {@link getDjangoUser}. */
export interface GetDjangoUserOptions {
  /** Accept only logins made by these backends (Django's `AUTHENTICATION_BACKENDS`). @default any backend */
  backends?: readonly string[];
}

/** Options of {@link authenticateDjangoSession}. */
export interface AuthenticateDjangoSessionOptions {
  /**
   * The user's current password hash (`auth_user.password`), or `null`/`undefined` when the user does
   * not exist or may not log in (Django's `ModelBackend` refuses `is_active = false`).
   */
  getPasswordHash(
    userId: string,
    backend: string,
  ): Promise<string | null | undefined> | string | null | undefined;
  /** Django's `AUTHENTICATION_BACKENDS`. @default ['django.contrib.auth.backends.ModelBackend'] */
  backends?: readonly string[];
}

/** A user to log in with {@link loginDjangoUser}. */
export interface DjangoLoginUser {
  /** The user's primary key. */
  userId: string | number;
  /** The user's current password hash (`auth_user.password`), from which the session hash is derived. */
  passwordHash: string;
  /** Backend recorded in the session. @default 'django.contrib.auth.backends.ModelBackend' */
  backend?: string;
}

/** A session of any data shape, seen as plain session data (the keys used here are Django's). */
type AnySession<Data extends object> = Session<Data> | SessionData;

function asSession<Data extends object>(value: AnySession<Data>): Session | null {
  const candidate = value as Partial<Session>;
  return typeof candidate.toObject === 'function' && typeof candidate.cycleKey === 'function'
    ? (value as unknown as Session)
    : null;
}

async function dataOf<Data extends object>(value: AnySession<Data>): Promise<Record<string, unknown>> {
  const session = asSession(value);
  return session ? session.toObject() : (value as SessionData);
}

/**
 * The user Django's `auth.login()` stored in `session` (a {@link Session} or its plain data), or `null`
 * when nobody is logged in. This only **reads** the session: before trusting the login, check the hash
 * with {@link verifyDjangoSessionAuthHash} or use {@link authenticateDjangoSession}.
 * @example
 * const user = await getDjangoUser(req.session); // { userId: '1', backend: 'django.contrib…', hash: '…' }
 */
export async function getDjangoUser<Data extends object>(
  session: AnySession<Data>,
  options: GetDjangoUserOptions = {},
): Promise<DjangoUser | null> {
  const data = await dataOf(session);
  const id = data[DJANGO_USER_ID_KEY];
  const backend = data[DJANGO_BACKEND_KEY];
  const hash = data[DJANGO_HASH_KEY];
  const userId = typeof id === 'number' && Number.isFinite(id) ? String(id) : id;
  if (typeof userId !== 'string' || userId === '' || typeof backend !== 'string') return null;
  if (options.backends && !options.backends.includes(backend)) return null;
  return { userId, backend, hash: typeof hash === 'string' ? hash : '' };
}

/**
 * Django's `auth.get_user(request)` for a Node service: the logged-in user, or `null`. A session whose
 * hash no longer matches the password (it was changed, or the session is forged) is flushed, exactly
 * as Django does. A hash made with a key now in `secretKeyFallbacks` is accepted, and the session is
 * then moved to a new key and re-hashed with the current key (Django ≥ 5.0, ticket #34384).
 * Unknown backends and unknown users give `null` without touching the session.
 * @example
 * const user = await authenticateDjangoSession(req.session, {
 *   getPasswordHash: async (id) => (await db.query('SELECT password FROM auth_user WHERE id = $1 AND is_active', [id])).rows[0]?.password,
 * });
 */
export async function authenticateDjangoSession<Data extends object>(
  typedSession: Session<Data>,
  options: AuthenticateDjangoSessionOptions,
): Promise<DjangoUser | null> {
  const session = typedSession as unknown as Session;
  const user = await getDjangoUser(session, { backends: options.backends ?? [DJANGO_MODEL_BACKEND] });
  if (user === null) return null;
  const passwordHash = await options.getPasswordHash(user.userId, user.backend);
  if (typeof passwordHash !== 'string') return null;
  const { secretKey, secretKeyFallbacks } = session.settings;
  const match = checkDjangoSessionAuthHash(user.hash, passwordHash, secretKey, secretKeyFallbacks);
  if (match === null) {
    await session.flush();
    return null;
  }
  if (match === 'fallback') {
    const hash = djangoSessionAuthHash(passwordHash, secretKey);
    await session.cycleKey();
    await session.set(DJANGO_HASH_KEY, hash);
    return { ...user, hash };
  }
  return user;
}

/**
 * Django's `auth.login(request, user)` on a sessionkit session, so a Node service can log users in for
 * the Django site too: the session moves to a new key (against fixation), or is flushed first when it
 * belonged to another user or to an older password; then the three `_auth_user_*` keys are set.
 * Save the session afterwards (the adapters do it for you).
 */
export async function loginDjangoUser<Data extends object>(
  typedSession: Session<Data>,
  user: DjangoLoginUser,
): Promise<DjangoUser> {
  const session = typedSession as unknown as Session;
  const userId = String(user.userId);
  const backend = user.backend ?? DJANGO_MODEL_BACKEND;
  const hash = djangoSessionAuthHash(user.passwordHash, session.settings.secretKey);
  if (await session.has(DJANGO_USER_ID_KEY)) {
    const storedHash = await session.get(DJANGO_HASH_KEY);
    const sameUser = String(await session.get(DJANGO_USER_ID_KEY)) === userId;
    if (!sameUser || !constantTimeCompare(typeof storedHash === 'string' ? storedHash : '', hash)) {
      await session.flush();
    }
  } else {
    await session.cycleKey();
  }
  await session.update({
    [DJANGO_USER_ID_KEY]: userId,
    [DJANGO_BACKEND_KEY]: backend,
    [DJANGO_HASH_KEY]: hash,
  });
  return { userId, backend, hash };
}
