import { mysqlTestStore } from '../services/sql-stores.js';
import { describeConcurrency } from './driver.js';

describeConcurrency({
  name: 'mysql',
  ...(await mysqlTestStore('django_session_cc_mysql', 'MariaDB concurrency tests')),
});
