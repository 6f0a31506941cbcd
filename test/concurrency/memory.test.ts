import { createMemoryStore } from '../../src/stores/memory.js';
import { describeConcurrency } from './driver.js';

describeConcurrency({ name: 'memory', createStore: () => createMemoryStore() });
