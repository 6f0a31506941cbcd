import { postgresTestStore } from '../services/sql-stores.js';
import { describeTouch } from './driver.js';

describeTouch({
  name: 'postgres',
  ...(await postgresTestStore('django_session_touch_pg', 'PostgreSQL touch tests')),
});
