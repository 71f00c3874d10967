import { ScenarioError } from "./errors.js";

/*
 * A scenario's JSON text, from a file or pasted into a page: parsed, or one line saying where the
 * syntax breaks. No file system here, so a browser uses the same words as the CLI.
 */

/** The JSON value of `text` (a leading byte-order mark is ignored); a ScenarioError naming `source`, line and column when it is not JSON. */
export function parseJsonText(text: string, source: string): unknown {
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  try {
    return JSON.parse(body);
  } catch (error) {
    const found = findJsonError(body);
    if (!found) throw new ScenarioError([`invalid JSON (${(error as Error).message})`], source);
    const { line, column } = lineAndColumn(body, found.offset);
    throw new ScenarioError([`invalid JSON at line ${line}, column ${column}: ${found.message}`], source);
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
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

/**
 * The first syntax error in a JSON text, with its offset: JSON.parse's own messages differ
 * between Node versions and do not always give a position, so the text is scanned again.
 */
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
  const value = (): void => {
    space();
    const c = text[i];
    if (c === "{") {
      i++;
      space();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        space();
        if (text[i] !== '"') fail("a property name in double quotes");
        string();
        space();
        if (text[i] !== ":") fail('":"');
        i++;
        value();
        space();
        if (text[i] === "}") break;
        if (text[i] !== ",") fail('"," or "}"');
        i++;
      }
      i++;
    } else if (c === "[") {
      i++;
      space();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (;;) {
        value();
        space();
        if (text[i] === "]") break;
        if (text[i] !== ",") fail('"," or "]"');
        i++;
      }
      i++;
    } else if (c === '"') string();
    else {
      for (const word of ["true", "false", "null"]) {
        if (text.startsWith(word, i)) {
          i += word.length;
          return;
        }
      }
      NUMBER.lastIndex = i;
      if (!NUMBER.test(text)) fail("a value");
      i = NUMBER.lastIndex;
    }
  };
  try {
    value();
    space();
    if (i < text.length) fail("the end of the file after the value");
    return null;
  } catch (error) {
    if (error instanceof JsonSyntax) return { offset: error.offset, message: error.message };
    throw error;
  }
}
