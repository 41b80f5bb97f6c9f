// A small reader for Apple's XML property lists (what `diskutil info -plist` prints). Pure.
// Handles dict, array, string, integer, real, true, false, date and data; enough for diskutil.

export type PlistValue = string | number | boolean | Date | Uint8Array | PlistValue[] | { [key: string]: PlistValue };

interface Token {
  kind: 'open' | 'close' | 'empty' | 'text';
  name: string; // tag name, or the text for 'text'
}

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_m, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(Number.parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(Number.parseInt(e.slice(1), 10));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[e]!;
  });
}

function tokenize(xml: string): Token[] {
  const body = xml
    .replace(/<\?[\s\S]*?\?>/g, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<!DOCTYPE[^>]*>/gi, '');
  const tokens: Token[] = [];
  for (const m of body.matchAll(/<(\/?)([A-Za-z]+)[^>]*?(\/?)>|([^<]+)/g)) {
    if (m[4] !== undefined) tokens.push({ kind: 'text', name: m[4] });
    else tokens.push({ kind: m[1] ? 'close' : m[3] ? 'empty' : 'open', name: m[2]! });
  }
  return tokens;
}

class Reader {
  private i = 0;
  private readonly tokens: Token[];
  constructor(tokens: Token[]) {
    this.tokens = tokens;
  }

  private next(): Token {
    const t = this.tokens[this.i++];
    if (!t) throw new Error('plist ended early');
    return t;
  }

  // Whitespace between elements carries nothing; inside <string> it is kept (textUntilClose).
  private skipSpace(): void {
    while (this.tokens[this.i]?.kind === 'text' && this.tokens[this.i]!.name.trim() === '') this.i++;
  }

  /** The text up to the closing tag of `name` (an element already opened). */
  private textUntilClose(name: string): string {
    let s = '';
    for (;;) {
      const t = this.next();
      if (t.kind === 'text') s += t.name;
      else if (t.kind === 'close' && t.name === name) return decodeEntities(s);
      else throw new Error(`unexpected <${t.name}> inside <${name}>`);
    }
  }

  value(): PlistValue {
    this.skipSpace();
    const t = this.next();
    if (t.kind === 'text' || t.kind === 'close') throw new Error(`expected a value, found ${t.kind === 'text' ? 'text' : `</${t.name}>`}`);
    const empty = t.kind === 'empty';
    switch (t.name) {
      case 'true':
      case 'false':
        if (!empty) this.textUntilClose(t.name);
        return t.name === 'true';
      case 'string':
        return empty ? '' : this.textUntilClose('string');
      case 'integer':
      case 'real': {
        const n = Number((empty ? '' : this.textUntilClose(t.name)).trim());
        if (!Number.isFinite(n)) throw new Error(`<${t.name}> is not a number`);
        return n;
      }
      case 'date':
        return new Date(empty ? Number.NaN : this.textUntilClose('date').trim());
      case 'data':
        return Uint8Array.from(Buffer.from(empty ? '' : this.textUntilClose('data').replace(/\s+/g, ''), 'base64'));
      case 'array':
        return empty ? [] : this.arrayBody();
      case 'dict':
        return empty ? {} : this.dictBody();
      default:
        throw new Error(`unsupported plist element <${t.name}>`);
    }
  }

  private arrayBody(): PlistValue[] {
    const out: PlistValue[] = [];
    for (;;) {
      this.skipSpace();
      const t = this.tokens[this.i];
      if (t?.kind === 'close' && t.name === 'array') {
        this.i++;
        return out;
      }
      out.push(this.value());
    }
  }

  private dictBody(): { [key: string]: PlistValue } {
    const out: { [key: string]: PlistValue } = {};
    for (;;) {
      this.skipSpace();
      const t = this.next();
      if (t.kind === 'close' && t.name === 'dict') return out;
      if (t.name !== 'key' || (t.kind !== 'open' && t.kind !== 'empty')) throw new Error('expected <key> in <dict>');
      const key = t.kind === 'empty' ? '' : this.textUntilClose('key');
      out[key] = this.value();
    }
  }

  /** Read `<plist>value</plist>` (or a bare value). */
  document(): PlistValue {
    this.skipSpace();
    const t = this.tokens[this.i];
    if (t?.kind === 'open' && t.name === 'plist') {
      this.i++;
      const v = this.value();
      this.skipSpace();
      const end = this.next();
      if (end.kind !== 'close' || end.name !== 'plist') throw new Error('expected </plist>');
      return v;
    }
    return this.value();
  }
}

/** Parse an XML property list. Throws with a short reason when the text is not one. */
export function parsePlist(xml: string): PlistValue {
  return new Reader(tokenize(xml)).document();
}
