// Limits on what a deployment may carry, checked before the XML is parsed:
// parsing and compiling are recursive and run on the engine's only thread, so
// an enormous or absurdly nested diagram would stall every other client (or
// overflow the stack). The service diagrams are far inside these limits (the
// largest is ~32 KB, nested a dozen XML levels, with expressions under 100
// characters).
export const deployLimits = {
  /** Bytes of one resource (a BPMN, DMN or form file). */
  resourceBytes: 1_000_000,
  /** Nesting of XML elements in a BPMN or DMN file. */
  xmlDepth: 100,
  /** Flow elements (events, tasks, gateways, subprocesses, sequence flows) of one process. */
  flowElements: 5_000,
  /** Embedded and event subprocesses inside each other. */
  subprocessDepth: 25,
};

/** Why an XML text is too deeply nested, or null; a linear scan, no parsing. */
export function xmlNestingProblem(xml: string): string | null {
  let depth = 0;
  let deepest = 0;
  let i = xml.indexOf('<');
  while (i >= 0 && i < xml.length) {
    const next = xml[i + 1];
    if (xml.startsWith('<!--', i)) {
      i = xml.indexOf('-->', i + 4);
      if (i < 0) break;
    } else if (xml.startsWith('<![CDATA[', i)) {
      i = xml.indexOf(']]>', i + 9);
      if (i < 0) break;
    } else if (next === '?' || next === '!') {
      i = xml.indexOf('>', i + 2);
      if (i < 0) break;
    } else if (next === '/') {
      depth--;
    } else {
      // find the end of the start tag, skipping quoted attribute values
      let j = i + 1;
      let quote = '';
      for (; j < xml.length; j++) {
        const c = xml[j]!;
        if (quote) {
          if (c === quote) quote = '';
        } else if (c === '"' || c === "'") quote = c;
        else if (c === '>') break;
      }
      if (xml[j - 1] !== '/') {
        depth++;
        if (depth > deepest) deepest = depth;
        if (deepest > deployLimits.xmlDepth) return `nests XML elements more than ${deployLimits.xmlDepth} levels deep`;
      }
      i = j;
    }
    i = xml.indexOf('<', i + 1);
  }
  return null;
}
