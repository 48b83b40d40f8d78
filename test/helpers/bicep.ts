/**
 * Just enough of a Bicep reader for offline checks of infra/ (the Bicep compiler is a .NET program that
 * no npm package ships, see infra/README.md): top-level declarations with their decorators, object and
 * array literals, strings with their `${…}` parts; any other expression is kept as its tokens. It
 * throws on what it does not understand rather than guessing, so a check built on it fails loudly.
 */

export type Token =
  | { kind: 'ident'; text: string; line: number }
  | { kind: 'number'; text: string; line: number }
  | { kind: 'string'; text: string; parts: StringPart[]; line: number }
  | { kind: 'punct'; text: string; line: number }
  | { kind: 'newline'; text: '\n'; line: number };

/** A string literal's pieces: literal text, or the tokens of one `${…}` interpolation. */
export type StringPart = string | Token[];

export type Node =
  | { kind: 'object'; entries: Map<string, Node>; line: number }
  | { kind: 'array'; items: Node[]; line: number }
  | { kind: 'string'; parts: StringPart[]; line: number }
  | { kind: 'expr'; tokens: Token[]; line: number };

export interface Decorator {
  name: string;
  args: Token[];
}

export interface ParamDecl {
  name: string;
  type: string;
  defaultValue: Node | undefined;
  decorators: Decorator[];
}

export interface ResourceDecl {
  symbol: string;
  /** `Microsoft.Web/sites@2024-04-01` */
  type: string;
  existing: boolean;
  condition: Token[] | undefined;
  body: Node;
}

export interface ModuleDecl {
  symbol: string;
  path: string;
  condition: Token[] | undefined;
  body: Node;
}

export interface BicepFile {
  params: Map<string, ParamDecl>;
  vars: Map<string, Node>;
  resources: ResourceDecl[];
  modules: ModuleDecl[];
  outputs: Map<string, { type: string; value: Node }>;
  /** Every string literal in the file, interpolations included. */
  strings: StringPart[][];
}

// Longest first: '==' before '='.
const PUNCT = [
  ...['==', '!=', '>=', '<=', '&&', '||', '??', '.?', '::', '=>'],
  ...['{', '}', '[', ']', '(', ')', '.', ',', ':', ';', '?', '=', '!', '<', '>'],
  ...['+', '-', '*', '/', '%', '@', '|', '&'],
];
const CLOSE: Record<string, string> = { '{': '}', '[': ']', '(': ')' };

class BicepSyntaxError extends Error {
  constructor(message: string, line: number) {
    super(`line ${line}: ${message}`);
    this.name = 'BicepSyntaxError';
  }
}

/** Tokens of Bicep source; comments dropped, newlines kept (they end declarations and entries). */
export function tokenize(source: string): Token[] {
  let pos = 0;
  let line = 1;

  function scan(stopAtBrace: boolean): Token[] {
    const tokens: Token[] = [];
    let depth = 0;
    while (pos < source.length) {
      const c = source.charAt(pos);
      if (c === '\n') {
        tokens.push({ kind: 'newline', text: '\n', line });
        line++;
        pos++;
      } else if (c === ' ' || c === '\t' || c === '\r') {
        pos++;
      } else if (source.startsWith('//', pos)) {
        while (pos < source.length && source.charAt(pos) !== '\n') pos++;
      } else if (source.startsWith('/*', pos)) {
        const end = source.indexOf('*/', pos + 2);
        if (end < 0) throw new BicepSyntaxError('unterminated comment', line);
        line += source.slice(pos, end).split('\n').length - 1;
        pos = end + 2;
      } else if (source.startsWith("'''", pos)) {
        throw new BicepSyntaxError('multi-line strings are not read here', line);
      } else if (c === "'") {
        tokens.push(scanString());
      } else if (/[A-Za-z_]/.test(c)) {
        const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(pos));
        const text = m?.[0] ?? c;
        tokens.push({ kind: 'ident', text, line });
        pos += text.length;
      } else if (/[0-9]/.test(c)) {
        const m = /^[0-9]+/.exec(source.slice(pos));
        const text = m?.[0] ?? c;
        tokens.push({ kind: 'number', text, line });
        pos += text.length;
      } else {
        const text = PUNCT.find((p) => source.startsWith(p, pos));
        if (text === undefined) throw new BicepSyntaxError(`unexpected character ${JSON.stringify(c)}`, line);
        if (stopAtBrace) {
          if (text === '{') depth++;
          if (text === '}') {
            if (depth === 0) {
              pos++;
              return tokens;
            }
            depth--;
          }
        }
        tokens.push({ kind: 'punct', text, line });
        pos += text.length;
      }
    }
    if (stopAtBrace) throw new BicepSyntaxError('unterminated ${ in a string', line);
    return tokens;
  }

  function scanString(): Token {
    const start = line;
    pos++; // opening quote
    const parts: StringPart[] = [];
    let text = '';
    let literal = '';
    while (pos < source.length) {
      const c = source.charAt(pos);
      if (c === "'") {
        pos++;
        if (literal !== '') parts.push(literal);
        return { kind: 'string', text, parts, line: start };
      }
      if (c === '\n') throw new BicepSyntaxError('newline in a string', line);
      if (c === '\\') {
        const next = source.charAt(pos + 1);
        const escaped = (
          { n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'", $: '$' } as Record<string, string>
        )[next];
        if (escaped === undefined) throw new BicepSyntaxError(`unknown escape \\${next}`, line);
        literal += escaped;
        text += escaped;
        pos += 2;
      } else if (source.startsWith('${', pos)) {
        if (literal !== '') parts.push(literal);
        literal = '';
        pos += 2;
        const inner = scan(true);
        parts.push(inner);
        text += '${' + inner.map((t) => t.text).join(' ') + '}';
      } else {
        literal += c;
        text += c;
        pos++;
      }
    }
    throw new BicepSyntaxError('unterminated string', start);
  }

  return scan(false);
}

/** Throws unless every (, [ and { outside strings and comments is closed by its partner, in order. */
export function checkBalanced(source: string): void {
  const stack: Token[] = [];
  const visit = (tokens: Token[]): void => {
    for (const token of tokens) {
      if (token.kind === 'string') {
        for (const part of token.parts) if (typeof part !== 'string') visit(part);
        continue;
      }
      if (token.kind !== 'punct') continue;
      if (token.text in CLOSE) stack.push(token);
      else if (Object.values(CLOSE).includes(token.text)) {
        const open = stack.pop();
        if (!open || CLOSE[open.text] !== token.text) {
          throw new BicepSyntaxError(
            `${token.text} closes ${open ? `${open.text} of line ${open.line}` : 'nothing'}`,
            token.line,
          );
        }
      }
    }
  };
  visit(tokenize(source));
  const open = stack.pop();
  if (open) throw new BicepSyntaxError(`${open.text} is never closed`, open.line);
}

/** The literal text of a string node or token without interpolations; undefined otherwise. */
export function literalOf(node: Node | Token | undefined): string | undefined {
  if (!node || node.kind !== 'string') return undefined;
  const texts = node.parts.filter((part): part is string => typeof part === 'string');
  return texts.length === node.parts.length ? texts.join('') : undefined;
}

export function tokensText(tokens: Token[]): string {
  return tokens.map((t) => (t.kind === 'string' ? `'${t.text}'` : t.text)).join(' ');
}

export function parseBicep(source: string): BicepFile {
  const tokens = tokenize(source);
  let i = 0;
  const file: BicepFile = {
    params: new Map(),
    vars: new Map(),
    resources: [],
    modules: [],
    outputs: new Map(),
    strings: [],
  };

  const collectStrings = (list: Token[]): void => {
    for (const t of list) {
      if (t.kind !== 'string') continue;
      file.strings.push(t.parts);
      for (const part of t.parts) if (typeof part !== 'string') collectStrings(part);
    }
  };
  collectStrings(tokens);

  const peek = (): Token | undefined => tokens[i];
  const lineNow = (): number => peek()?.line ?? tokens.at(-1)?.line ?? 0;
  const next = (): Token => {
    const token = tokens[i++];
    if (!token) throw new BicepSyntaxError('unexpected end of file', lineNow());
    return token;
  };
  const expect = (kind: Token['kind'], text?: string): Token => {
    const token = next();
    if (token.kind !== kind || (text !== undefined && token.text !== text)) {
      throw new BicepSyntaxError(`expected ${text ?? kind}, found ${JSON.stringify(token.text)}`, token.line);
    }
    return token;
  };
  const is = (text: string): boolean => {
    const token = peek();
    return token !== undefined && token.kind !== 'string' && token.text === text;
  };
  const skipNewlines = (): void => {
    while (peek()?.kind === 'newline') i++;
  };

  /** The tokens of one bracketed group, brackets included; i is left after the closing one. */
  const group = (): Token[] => {
    const start = i;
    const stack: string[] = [];
    do {
      const token = next();
      if (token.kind !== 'punct') continue;
      if (token.text in CLOSE) stack.push(CLOSE[token.text] ?? '');
      else if (Object.values(CLOSE).includes(token.text)) {
        if (stack.pop() !== token.text) throw new BicepSyntaxError(`unbalanced ${token.text}`, token.line);
      }
    } while (stack.length > 0);
    return tokens.slice(start, i);
  };

  /** An expression up to a newline, comma or closing bracket at its own depth. */
  const expression = (): Token[] => {
    const out: Token[] = [];
    for (;;) {
      const token = peek();
      if (!token || token.kind === 'newline') break;
      if (token.kind === 'punct' && [',', ')', ']', '}'].includes(token.text)) break;
      if (token.kind === 'punct' && token.text in CLOSE) out.push(...group());
      else out.push(next());
    }
    if (out.length === 0) throw new BicepSyntaxError('expected a value', lineNow());
    return out;
  };

  const value = (): Node => {
    const line = lineNow();
    if (is('{')) {
      const start = i;
      const object = objectLiteral();
      if (atValueEnd()) return object;
      i = start; // `{…}.x` and the like: keep it as an expression
    } else if (is('[') && !(tokens[i + 1]?.kind === 'ident' && tokens[i + 1]?.text === 'for')) {
      const start = i;
      const array = arrayLiteral();
      if (atValueEnd()) return array;
      i = start;
    }
    const expr = expression();
    const [only] = expr;
    if (expr.length === 1 && only?.kind === 'string') return { kind: 'string', parts: only.parts, line };
    return { kind: 'expr', tokens: expr, line };
  };

  const atValueEnd = (): boolean => {
    const token = peek();
    return (
      !token ||
      token.kind === 'newline' ||
      (token.kind === 'punct' && [',', ')', ']', '}'].includes(token.text))
    );
  };

  const objectLiteral = (): Node => {
    const line = expect('punct', '{').line;
    const entries = new Map<string, Node>();
    for (;;) {
      skipNewlines();
      if (is('}')) {
        i++;
        return { kind: 'object', entries, line };
      }
      const key = next();
      if (key.kind !== 'ident' && key.kind !== 'string') {
        throw new BicepSyntaxError(`expected a property name, found ${JSON.stringify(key.text)}`, key.line);
      }
      const name = key.kind === 'string' ? literalOf(key) : key.text;
      if (name === undefined)
        throw new BicepSyntaxError('interpolated property names are not read here', key.line);
      if (entries.has(name)) throw new BicepSyntaxError(`property ${name} twice`, key.line);
      expect('punct', ':');
      entries.set(name, value());
      if (is(',')) i++;
      else if (!is('}') && peek()?.kind !== 'newline') {
        throw new BicepSyntaxError(`expected a newline after property ${name}`, lineNow());
      }
    }
  };

  const arrayLiteral = (): Node => {
    const line = expect('punct', '[').line;
    const items: Node[] = [];
    for (;;) {
      skipNewlines();
      if (is(']')) {
        i++;
        return { kind: 'array', items, line };
      }
      items.push(value());
      if (is(',')) i++;
    }
  };

  const decorators: Decorator[] = [];
  while (i < tokens.length) {
    skipNewlines();
    const token = peek();
    if (!token) break;
    if (is('@')) {
      i++;
      let name = expect('ident').text;
      while (is('.')) {
        i++;
        name += `.${expect('ident').text}`;
      }
      const args = is('(') ? group().slice(1, -1) : [];
      decorators.push({ name, args });
      continue;
    }
    const keyword = expect('ident').text;
    switch (keyword) {
      case 'targetScope':
      case 'metadata': {
        if (keyword === 'metadata') expect('ident');
        expect('punct', '=');
        value();
        break;
      }
      case 'param': {
        const name = expect('ident').text;
        const typeTokens: Token[] = [];
        while (peek() && peek()?.kind !== 'newline' && !is('='))
          typeTokens.push(...(is('{') ? group() : [next()]));
        let defaultValue: Node | undefined;
        if (is('=')) {
          i++;
          defaultValue = value();
        }
        file.params.set(name, {
          name,
          type: tokensText(typeTokens),
          defaultValue,
          decorators: [...decorators],
        });
        break;
      }
      case 'var': {
        const name = expect('ident').text;
        expect('punct', '=');
        file.vars.set(name, value());
        break;
      }
      case 'resource':
      case 'module': {
        const symbol = expect('ident').text;
        const target = literalOf(expect('string'));
        if (target === undefined)
          throw new BicepSyntaxError(`${keyword} ${symbol}: interpolated target`, lineNow());
        let existing = false;
        if (is('existing')) {
          existing = true;
          i++;
        }
        expect('punct', '=');
        let condition: Token[] | undefined;
        if (is('if')) {
          i++;
          condition = group();
        }
        const body = value();
        if (keyword === 'module') file.modules.push({ symbol, path: target, condition, body });
        else file.resources.push({ symbol, type: target, existing, condition, body });
        break;
      }
      case 'output': {
        const name = expect('ident').text;
        const typeTokens: Token[] = [];
        while (peek() && !is('=')) typeTokens.push(next());
        expect('punct', '=');
        file.outputs.set(name, { type: tokensText(typeTokens), value: value() });
        break;
      }
      default:
        throw new BicepSyntaxError(`unknown declaration ${keyword}`, token.line);
    }
    decorators.length = 0;
  }
  return file;
}

/** The value of decorator `name` on a parameter, read as a list of literals (for `@allowed`). */
export function allowedValues(param: ParamDecl): (string | number)[] | undefined {
  const allowed = param.decorators.find((d) => d.name === 'allowed');
  if (!allowed) return undefined;
  const values: (string | number)[] = [];
  for (const token of allowed.args) {
    if (token.kind === 'string') {
      const text = literalOf(token);
      if (text === undefined) throw new Error(`@allowed of ${param.name}: interpolated value`);
      values.push(text);
    } else if (token.kind === 'number') values.push(Number(token.text));
    else if (token.kind === 'punct' && '[],'.includes(token.text)) continue;
    else if (token.kind === 'newline') continue;
    else throw new Error(`@allowed of ${param.name}: cannot read ${token.text}`);
  }
  return values;
}

export function isSecure(param: ParamDecl): boolean {
  return param.decorators.some((d) => d.name === 'secure');
}
