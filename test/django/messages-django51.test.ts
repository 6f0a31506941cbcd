import { describeMessagesInterop } from '../messages/django-interop.js';
import { django51 } from '../messages/django-runtimes.js';
import { mustSkip } from './harness.js';

const found = await django51();
if (typeof found === 'string') mustSkip('Messages interop with Django 5.1.7', found);
describeMessagesInterop(typeof found === 'string' ? null : found);
