/*
 * JSON text read for a person: the first syntax error with its line and column, found by a scan
 * of our own, because JSON.parse's messages differ between Node versions and do not always give a
 * position. The scan keeps its own stack, so a list nested 100,000 deep cannot overflow the call
 * stack.
 */

class JsonSyntax extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;
const OBJECT = 0;
const ARRAY = 1;

/** The first syntax error in a JSON text, with its offset; null when the text is valid JSON. */
export function findJsonError(text: string): { offset: number; message: string } | null {
  let i = 0;
  const fail = (expected: string): never => {
    const found = i >= text.length ? "the end of the file" : JSON.stringify(text[i]);
    throw new JsonSyntax(i, `expected ${expected}, found ${found}`);
  };
  const space = () => {
    while (i < text.length && " \t\n\r".includes(text[i]!)) i++;
  };
  const string = () => {
    i++; // the opening quote
    for (;;) {
      if (i >= text.length) fail('a closing "');
      const c = text.charCodeAt(i);
      if (c === 34) break;
      if (c < 32) fail('a closing " (or an escape like \\n)');
      if (c === 92) {
        ESCAPE.lastIndex = i;
        if (!ESCAPE.test(text)) fail('an escape like \\n, \\" or \\u00e9');
        i = ESCAPE.lastIndex;
      } else i++;
    }
    i++;
  };
  /** A property name and its colon; the value follows. */
  const member = () => {
    space();
    if (text[i] !== '"') fail("a property name in double quotes");
    string();
    space();
    if (text[i] !== ":") fail('":"');
    i++;
  };
  const scalar = () => {
    for (const word of ["true", "false", "null"]) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    if (text[i] === '"') {
      string();
      return;
    }
    NUMBER.lastIndex = i;
    if (!NUMBER.test(text)) fail("a value");
    i = NUMBER.lastIndex;
  };
  const stack: number[] = [];
  try {
    let wantValue = true;
    for (;;) {
      if (wantValue) {
        space();
        const c = text[i];
        if (c === "{" || c === "[") {
          i++;
          space();
          if (text[i] === (c === "{" ? "}" : "]")) {
            i++;
            wantValue = false;
          } else {
            stack.push(c === "{" ? OBJECT : ARRAY);
            if (c === "{") member();
          }
          continue;
        }
        scalar();
        wantValue = false;
        continue;
      }
      const top = stack.at(-1);
      if (top === undefined) break;
      space();
      const close = top === OBJECT ? "}" : "]";
      if (text[i] === close) {
        i++;
        stack.pop();
        continue;
      }
      if (text[i] !== ",") fail(`"," or "${close}"`);
      i++;
      if (top === OBJECT) member();
      wantValue = true;
    }
    space();
    if (i < text.length) fail("the end of the file after the value");
    return null;
  } catch (error) {
    if (error instanceof JsonSyntax) return { offset: error.offset, message: error.message };
    throw error;
  }
}

/** The 1-based line and column of an offset in a text. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Parses JSON text (a leading byte-order mark skipped), or returns the one-line problem:
 * "invalid JSON at line 3, column 7: expected "," or "}", found "]"".
 */
export function parseJsonText(text: string): { ok: true; value: unknown } | { ok: false; problem: string } {
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch (error) {
    const found = findJsonError(body);
    if (!found) return { ok: false, problem: `invalid JSON (${(error as Error).message})` };
    const { line, column } = lineAndColumn(body, found.offset);
    return { ok: false, problem: `invalid JSON at line ${line}, column ${column}: ${found.message}` };
  }
}
