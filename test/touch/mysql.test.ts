import { mysqlTestStore } from '../services/sql-stores.js';
import { describeTouch } from './driver.js';

describeTouch({
  name: 'mysql',
  ...(await mysqlTestStore('django_session_touch_mysql', 'MariaDB touch tests')),
});
