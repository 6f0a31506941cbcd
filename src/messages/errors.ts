/**
 * The error `sessionkit/messages` throws for a message it cannot store.
 * @module
 */
import { SessionError } from '../core/errors.js';

/** A message to add has a non-integer level, a text that is not a string, or non-text extra tags. */
export class InvalidMessage extends SessionError {
  override readonly code = 'ERR_INVALID_MESSAGE';
  static override readonly code = 'ERR_INVALID_MESSAGE';
}
