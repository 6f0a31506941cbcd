/**
 * Django's `patch_vary_headers` (`django/utils/cache.py`, spec §5).
 * @module
 */

/**
 * Add `headers` to an existing `Vary` value: split it on `\s*,\s*`, append the names not already
 * present (case-insensitive), keep the order and join with `", "`. If `*` is present the result is `*`.
 * @param existing the current `Vary` value (`null`/empty when absent; an array is joined first).
 * @example patchVary('Accept-Encoding', ['Cookie']) // 'Accept-Encoding, Cookie'
 */
export function patchVary(
  existing: string | readonly string[] | null | undefined,
  headers: readonly string[],
): string {
  const text = Array.isArray(existing)
    ? existing.join(', ')
    : ((existing as string | null | undefined) ?? '');
  const vary = text.trim() === '' ? [] : text.trim().split(/\s*,\s*/);
  const seen = new Set(vary.map((name) => name.toLowerCase()));
  for (const name of headers) {
    if (!seen.has(name.toLowerCase())) {
      vary.push(name);
      seen.add(name.toLowerCase());
    }
  }
  return vary.includes('*') ? '*' : vary.join(', ');
}
