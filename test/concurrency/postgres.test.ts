import { postgresTestStore } from '../services/sql-stores.js';
import { describeConcurrency } from './driver.js';

describeConcurrency({
  name: 'postgres',
  ...(await postgresTestStore('django_session_cc_pg', 'PostgreSQL concurrency tests')),
});
