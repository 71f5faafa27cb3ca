import { IssueSink } from './errors';
import { XmlElement } from './xml/xml-tree';

/** Where a file shows the pre-7.2 syntax (peers listed in the module) or the 7.2 one (cluster LAN names). */
interface SyntaxMark {
  readonly element: XmlElement;
  readonly describe: string;
}

const PEER_CHILD: Record<string, string> = { heartbeat: 'server', flow: 'server', lan: 'node' };

function collect(el: XmlElement, legacy: SyntaxMark[], modern: SyntaxMark[]): void {
  const peer = PEER_CHILD[el.name];
  if (peer !== undefined) {
    if (el.children.some((c) => c.name === peer))
      legacy.push({ element: el, describe: `<${peer}> inside <${el.name}>` });
    // `<flow name>` is valid in both generations, so it marks neither.
    else if (el.name !== 'flow' && el.attributes.has('name'))
      modern.push({ element: el, describe: `<${el.name} name="...">` });
  }
  el.children.forEach((c) => collect(c, legacy, modern));
}

/**
 * 7.1-style modules list peer addresses in the module; 7.2-style ones name cluster LANs. Either is
 * accepted, but one file mixing both is a configuration error (reference §5.0). Returns whether the
 * file is legacy.
 */
export function checkSyntaxGeneration(service: XmlElement, sink: IssueSink): boolean {
  const legacy: SyntaxMark[] = [];
  const modern: SyntaxMark[] = [];
  collect(service, legacy, modern);
  if (legacy.length > 0 && modern.length > 0) {
    const [first, second] =
      legacy[0].element.location.line <= modern[0].element.location.line
        ? [legacy[0], modern[0]]
        : [modern[0], legacy[0]];
    sink.add(
      second.element.location,
      `mixing 7.1-style syntax (${legacy[0].describe}) and 7.2-style syntax (${modern[0].describe}) in one file is not allowed; ` +
        `this file switched at line ${second.element.location.line} after line ${first.element.location.line}`,
    );
  }
  return legacy.length > 0 && modern.length === 0;
}
