/**
 * `sessionkit/django`: share live sessions and logins with a Django site. Point sessionkit at the same
 * `SECRET_KEY`, cookie and `django_session` table (or `SESSION_FILE_PATH`, or signed cookies) as Django
 * and both read and write the same sessions; these helpers add Django's settings mapping and its login
 * rules (`auth.login()` / `auth.get_user()`), so a Node service can honour Django logins safely.
 *
 * @example
 * import { createSessionManager } from 'sessionkit';
 * import { authenticateDjangoSession } from 'sessionkit/django';
 * const sessions = createSessionManager({ secretKey: process.env.DJANGO_SECRET_KEY!, store: 'postgres://app@db/app' });
 * const session = sessions.open(cookies.sessionid);
 * const user = await authenticateDjangoSession(session, {
 *   getPasswordHash: async (id) => (await pool.query('SELECT password FROM auth_user WHERE id = $1 AND is_active', [id])).rows[0]?.password,
 * });
 * if (user) console.log(`logged in on the Django site as user ${user.userId}`);
 * @module
 */
export {
  checkDjangoSessionAuthHash,
  djangoSessionAuthHash,
  SESSION_AUTH_HASH_SALT,
  type SessionAuthHashMatch,
  verifyDjangoSessionAuthHash,
} from './auth-hash.js';
export {
  type AuthenticateDjangoSessionOptions,
  authenticateDjangoSession,
  DJANGO_BACKEND_KEY,
  DJANGO_HASH_KEY,
  DJANGO_MODEL_BACKEND,
  DJANGO_USER_ID_KEY,
  type DjangoLoginUser,
  type DjangoUser,
  type GetDjangoUserOptions,
  getDjangoUser,
  loginDjangoUser,
} from './login.js';
export { type DjangoDatabaseSettings, type DjangoSettings, fromDjangoSettings } from './settings.js';
