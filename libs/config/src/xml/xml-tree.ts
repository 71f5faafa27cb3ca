import * as sax from 'sax';
import { ConfigError, ConfigIssue, SourceLocation } from '../errors';

export interface XmlAttribute {
  readonly name: string;
  value: string;
  readonly line: number;
  readonly column: number;
}

/** An XML element with the positions every configuration error must report. */
export interface XmlElement {
  readonly name: string;
  readonly attributes: ReadonlyMap<string, XmlAttribute>;
  readonly children: XmlElement[];
  /** Text and CDATA content, in order (whitespace-only text is dropped). */
  readonly texts: string[];
  /** Where each of `texts` starts. */
  readonly textStarts: { readonly line: number; readonly column: number }[];
  readonly location: SourceLocation;
}

export function attributeLocation(el: XmlElement, name: string): SourceLocation {
  const attr = el.attributes.get(name);
  return attr ? { ...el.location, line: attr.line, column: attr.column } : el.location;
}

interface Building {
  name: string;
  attributes: Map<string, XmlAttribute>;
  children: Building[];
  texts: string[];
  textStarts: { line: number; column: number }[];
  line: number;
  column: number;
}

/**
 * Parses XML text into a tree that keeps line and column numbers. xml2js (built on the same sax
 * parser) drops positions, and every keel configuration error must name its line, so we read the
 * sax events ourselves.
 */
export function parseXml(text: string, file: string): XmlElement {
  const parser = sax.parser(true, { trim: false, normalize: false, position: true });
  const stack: Building[] = [];
  const positionOf = lineIndex(text);
  let root: Building | undefined;
  let failure: ConfigIssue | undefined;
  const here = () => ({ line: parser.line + 1, column: parser.column + 1 });
  const openPath = () => '/' + stack.map((b) => b.name).join('/');
  const fail = (message: string) => {
    failure ??= new ConfigIssue({ file, path: openPath(), ...here() }, message);
  };

  parser.onopentag = (tag) => {
    const el: Building = {
      name: tag.name,
      attributes: new Map(),
      children: [],
      texts: [],
      textStarts: [],
      ...tagStart,
    };
    for (const [name, value] of Object.entries(tag.attributes as Record<string, string>)) {
      const pos = attrPositions.get(name) ?? here();
      el.attributes.set(name, { name, value, ...pos });
    }
    attrPositions.clear();
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else if (root) fail(`a second root element <${tag.name}> is not allowed`);
    else root = el;
    stack.push(el);
  };
  // sax reports an open tag only once it is complete, and positions just past what it read: remember
  // where the tag began, and step back over `name="value"` for attributes (approximate when the
  // value holds entities).
  let tagStart = { line: 1, column: 1 };
  const attrPositions = new Map<string, { line: number; column: number }>();
  parser.onopentagstart = () => {
    tagStart = positionOf((parser as unknown as { startTagPosition: number }).startTagPosition - 1);
  };
  parser.onattribute = (attr) => {
    attrPositions.set(attr.name, {
      line: parser.line + 1,
      column: Math.max(1, parser.column - attr.name.length - attr.value.length - 2),
    });
  };
  parser.onclosetag = () => {
    stack.pop();
  };
  const onText = (t: string, start: { line: number; column: number }) => {
    const top = stack[stack.length - 1];
    if (top && t.trim() !== '') {
      top.texts.push(t);
      top.textStarts.push(start);
    } else if (!top && t.trim() !== '') fail('text outside the root element');
  };
  // sax reports text once it ends, and CDATA possibly in chunks: remember where each began.
  let cdata = { text: '', start: { line: 1, column: 1 } };
  parser.ontext = (t) => onText(t, positionOf(Math.max(0, parser.position - t.length - 1)));
  parser.onopencdata = () => {
    cdata = { text: '', start: positionOf(parser.position) };
  };
  parser.oncdata = (t) => {
    cdata.text += t;
  };
  parser.onclosecdata = () => onText(cdata.text, cdata.start);
  parser.onerror = (err) => {
    fail(`malformed XML: ${err.message.split('\n')[0]}`);
    // sax would otherwise go on; one syntax error is enough to reject the file.
    parser.error = null as unknown as Error;
    throw new XmlAbort();
  };

  try {
    parser.write(text).close();
  } catch (e) {
    if (!(e instanceof XmlAbort)) fail(`malformed XML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!failure && !root) fail('the document has no root element');
  if (failure) throw new ConfigError([failure]);
  return freeze(root as Building, file, '');
}

class XmlAbort extends Error {}

/** 1-based line and column of 0-based character offsets, by binary search over line starts. */
function lineIndex(text: string): (offset: number) => { line: number; column: number } {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo] + 1 };
  };
}

function freeze(b: Building, file: string, parentPath: string, index?: number): XmlElement {
  const path = `${parentPath}/${b.name}${index === undefined ? '' : `[${index}]`}`;
  const counts = new Map<string, number>();
  for (const c of b.children) counts.set(c.name, (counts.get(c.name) ?? 0) + 1);
  const seen = new Map<string, number>();
  const children = b.children.map((c) => {
    const n = (seen.get(c.name) ?? 0) + 1;
    seen.set(c.name, n);
    return freeze(c, file, path, (counts.get(c.name) ?? 0) > 1 ? n : undefined);
  });
  return {
    name: b.name,
    attributes: b.attributes,
    children,
    texts: b.texts,
    textStarts: b.textStarts,
    location: { file, path, line: b.line, column: b.column },
  };
}
