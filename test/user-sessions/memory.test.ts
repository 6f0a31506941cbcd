import { createMemoryStore } from '../../src/stores/memory.js';
import { describeUserSessions } from './scenario.js';

describeUserSessions({
  name: 'memory',
  skip: false,
  setup: () => ({ options: () => ({ store: createMemoryStore(), userSessions: true }) }),
});
