import { createMemoryStore } from '../../src/stores/memory.js';
import { describeTouch } from './driver.js';

describeTouch({ name: 'memory', createStore: () => createMemoryStore() });
