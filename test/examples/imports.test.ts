/**
 * Examples are written as users write them (issue 16): they import `sessionkit/...` through the
 * package's own `exports`, never the repository's `src/`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));

function sourceFiles(): string[] {
  return readdirSync(EXAMPLES, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.[cm]?[jt]sx?$/.test(file))
    .map((file) => join(EXAMPLES, file));
}

/** Every module specifier a file imports or re-exports, static or dynamic. */
function specifiers(source: string): string[] {
  const found = source.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g);
  return [...found].map((match) => match[1]!);
}

describe('examples', () => {
  it('import sessionkit through its package exports, never from src/', () => {
    const files = sourceFiles();
    expect(files.length).toBeGreaterThan(5);
    const fromSource = files.flatMap((file) =>
      specifiers(readFileSync(file, 'utf8'))
        .filter((specifier) => /(^|\/)src(\/|$)/.test(specifier))
        .map((specifier) => `${file}: ${specifier}`),
    );
    expect(fromSource).toEqual([]);
  });

  it('import only entries the package exports', async () => {
    const { exports } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      exports: Record<string, unknown>;
    };
    const used = sourceFiles().flatMap((file) =>
      specifiers(readFileSync(file, 'utf8')).filter((s) => s === 'sessionkit' || s.startsWith('sessionkit/')),
    );
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((s) => !(s.replace(/^sessionkit/, '.') in exports))).toEqual([]);
  });
});
