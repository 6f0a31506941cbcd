import { memcachedTestStore } from '../services/cache-stores.js';
import { describeTouch } from './driver.js';

describeTouch({
  name: 'memcached',
  realTime: true,
  ...(await memcachedTestStore(`sessionkit.test.touch.${process.pid}.`, 'memcached touch tests')),
});
