/**
 * A strict JSON parser that also accepts Python's `NaN`, `Infinity` and `-Infinity` tokens
 * (`json.loads` with its defaults). Used only when `JSON.parse` refuses the text.
 * @module
 */

const WHITESPACE = /[ \t\n\r]*/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/y;
// A complete string token; its content is decoded (and validated) by JSON.parse.
// biome-ignore lint/suspicious/noControlCharactersInRegex: raw control characters are invalid in JSON strings.
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const LITERALS: ReadonlyArray<readonly [string, unknown]> = [
  ['true', true],
  ['false', false],
  ['null', null],
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
];

class Parser {
  #text: string;
  #pos = 0;

  constructor(text: string) {
    this.#text = text;
  }

  parse(): unknown {
    const value = this.#value();
    this.#skipWhitespace();
    if (this.#pos !== this.#text.length) this.#fail('Extra data');
    return value;
  }

  #fail(what: string): never {
    throw new SyntaxError(`${what} at position ${this.#pos}`);
  }

  #skipWhitespace(): void {
    WHITESPACE.lastIndex = this.#pos;
    WHITESPACE.exec(this.#text);
    this.#pos = WHITESPACE.lastIndex;
  }

  #match(pattern: RegExp): string | null {
    pattern.lastIndex = this.#pos;
    const found = pattern.exec(this.#text);
    if (found === null) return null;
    this.#pos = pattern.lastIndex;
    return found[0];
  }

  #value(): unknown {
    this.#skipWhitespace();
    const char = this.#text[this.#pos];
    if (char === '{') return this.#object();
    if (char === '[') return this.#array();
    if (char === '"') return this.#string();
    for (const [token, value] of LITERALS) {
      if (this.#text.startsWith(token, this.#pos)) {
        this.#pos += token.length;
        return value;
      }
    }
    const number = this.#match(NUMBER);
    if (number === null) this.#fail('Expecting value');
    return Number(number);
  }

  #string(): string {
    const token = this.#match(STRING);
    if (token === null) this.#fail('Invalid string');
    return JSON.parse(token) as string;
  }

  #array(): unknown[] {
    this.#pos++;
    const items: unknown[] = [];
    this.#skipWhitespace();
    if (this.#text[this.#pos] === ']') {
      this.#pos++;
      return items;
    }
    for (;;) {
      items.push(this.#value());
      this.#skipWhitespace();
      const char = this.#text[this.#pos++];
      if (char === ']') return items;
      if (char !== ',') this.#fail("Expecting ',' delimiter");
    }
  }

  #object(): Record<string, unknown> {
    this.#pos++;
    const object: Record<string, unknown> = {};
    this.#skipWhitespace();
    if (this.#text[this.#pos] === '}') {
      this.#pos++;
      return object;
    }
    for (;;) {
      this.#skipWhitespace();
      if (this.#text[this.#pos] !== '"') this.#fail('Expecting property name enclosed in double quotes');
      const key = this.#string();
      this.#skipWhitespace();
      if (this.#text[this.#pos++] !== ':') this.#fail("Expecting ':' delimiter");
      // defineProperty keeps a "__proto__" key an own data property, as JSON.parse does.
      Object.defineProperty(object, key, {
        value: this.#value(),
        writable: true,
        enumerable: true,
        configurable: true,
      });
      this.#skipWhitespace();
      const char = this.#text[this.#pos++];
      if (char === '}') return object;
      if (char !== ',') this.#fail("Expecting ',' delimiter");
    }
  }
}

/**
 * Parse `text` as strict JSON extended with Python's `NaN`, `Infinity` and `-Infinity` tokens.
 * @throws {SyntaxError} on invalid input (the caller wraps it).
 */
export function parsePythonJson(text: string): unknown {
  return new Parser(text).parse();
}
