import { describeMessagesInterop } from '../messages/django-interop.js';
import { django32 } from '../messages/django-runtimes.js';
import { mustSkip } from './harness.js';

const found = await django32();
if (typeof found === 'string') mustSkip('Messages interop with Django 3.2', found);
describeMessagesInterop(typeof found === 'string' ? null : found);
