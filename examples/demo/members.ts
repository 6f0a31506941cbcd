/**
 * The demo's member table: a few seeded members with scrypt-hashed passwords, in SQLite.
 */
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import Database from 'better-sqlite3';

/** A member who can log in to the demo. */
export interface Member {
  id: number;
  username: string;
  displayName: string;
}

/** Seeded demo members (username / password). */
export const DEMO_MEMBERS = [
  { username: 'alice', password: 'wonderland', displayName: 'Alice Liddell' },
  { username: 'bob', password: 'builder', displayName: 'Bob the Builder' },
] as const;

function hashPassword(password: string, salt = randomBytes(16)): string {
  return `${salt.toString('hex')}:${scryptSync(password, salt, 32).toString('hex')}`;
}

function checkPassword(password: string, stored: string): boolean {
  const [saltHex, hashHex] = stored.split(':');
  if (!saltHex || !hashHex) return false;
  const expected = Buffer.from(hashHex, 'hex');
  const actual = scryptSync(password, Buffer.from(saltHex, 'hex'), expected.length);
  return timingSafeEqual(actual, expected);
}

/** The member directory. */
export interface Members {
  /** The member with these credentials, or `null`. */
  authenticate(username: string, password: string): Member | null;
  /** The member with this id, or `null`. */
  byId(id: number): Member | null;
  close(): void;
}

/** Open (and seed) the member table in `path` (`:memory:` by default). */
export function openMembers(path = ':memory:'): Members {
  const db = new Database(path);
  db.exec(
    'CREATE TABLE IF NOT EXISTS member (id INTEGER PRIMARY KEY, username TEXT UNIQUE NOT NULL, display_name TEXT NOT NULL, password TEXT NOT NULL)',
  );
  const insert = db.prepare(
    'INSERT INTO member (username, display_name, password) VALUES (?, ?, ?) ON CONFLICT (username) DO NOTHING',
  );
  for (const m of DEMO_MEMBERS) insert.run(m.username, m.displayName, hashPassword(m.password));
  const byName = db.prepare<
    [string],
    { id: number; username: string; display_name: string; password: string }
  >('SELECT * FROM member WHERE username = ?');
  const byId = db.prepare<[number], { id: number; username: string; display_name: string }>(
    'SELECT id, username, display_name FROM member WHERE id = ?',
  );
  return {
    authenticate(username, password) {
      const row = byName.get(username);
      // Hash anyway when the user is unknown, so timing does not reveal which usernames exist.
      const ok = checkPassword(password, row?.password ?? hashPassword('x'));
      return row && ok ? { id: row.id, username: row.username, displayName: row.display_name } : null;
    },
    byId(id) {
      const row = byId.get(id);
      return row ? { id: row.id, username: row.username, displayName: row.display_name } : null;
    },
    close: () => db.close(),
  };
}
