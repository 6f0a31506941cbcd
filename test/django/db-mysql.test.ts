import mysql from 'mysql2/promise';
import { createMysqlStore } from '../../src/stores/mysql.js';
import { djangoProblem, mustSkip, pythonModuleProblem } from './harness.js';
import { describeDjangoDatabase } from './shared-db.js';

const SERVER = process.env.SESSIONKIT_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
/** A database of its own: Django's table name is fixed, so it cannot share `test` with the store tests. */
const DATABASE = 'sessionkit_django';

const server = new URL(SERVER);
const connection = {
  host: server.hostname,
  port: Number(server.port || 3306),
  user: decodeURIComponent(server.username),
  password: decodeURIComponent(server.password),
};

async function mariadbProblem(): Promise<string | null> {
  const driver = await pythonModuleProblem('MySQLdb', 'python3-mysqldb');
  if (driver) return driver;
  try {
    await (await mysql.createConnection({ ...connection, connectTimeout: 2000 })).end();
    return null;
  } catch (error) {
    return `no MariaDB server answers at ${SERVER} (${(error as Error).message})`;
  }
}

const skip = mustSkip('Django interop tests on MariaDB', (await djangoProblem()) ?? (await mariadbProblem()));

describeDjangoDatabase({
  name: 'MariaDB',
  skip,
  async setup() {
    const admin = await mysql.createConnection(connection);
    await admin.query(`CREATE DATABASE IF NOT EXISTS ${DATABASE} CHARACTER SET utf8mb4`);
    await admin.end();
    const reader = mysql.createPool({ ...connection, database: DATABASE, connectionLimit: 1 });
    const url = new URL(SERVER);
    url.pathname = `/${DATABASE}`;
    return {
      db: { engine: 'mysql', name: DATABASE, ...connection },
      createStore: () => createMysqlStore({ url: url.href }),
      async passwordHash(userId) {
        const [rows] = await reader.query<mysql.RowDataPacket[]>(
          'SELECT password FROM auth_user WHERE id = ? AND is_active',
          [userId],
        );
        return (rows[0]?.password as string | undefined) ?? null;
      },
      close: () => reader.end(),
    };
  },
});
