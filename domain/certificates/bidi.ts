// The Unicode Bidirectional Algorithm (UAX #9, through bidi-js) for text we
// draw ourselves. A paragraph's embedding levels are resolved once on the
// logical text; each line (after wrapping) is then cut into directional runs
// in visual order, left to right. A run keeps its characters in logical
// order, so a shaper still sees Persian letters in the order they join;
// right-to-left runs have their mirrored characters (brackets) swapped.
import { createRequire } from 'node:module';
import type { Bidi, EmbeddingLevels } from 'bidi-js';

// The CommonJS build sets module.exports to the factory, while its types declare an ES default export.
const bidiFactory = createRequire(import.meta.url)('bidi-js') as () => Bidi;
const bidi = bidiFactory();

export interface DirectionalRun {
  /** The run's characters in logical order (mirrored characters swapped when right to left). */
  text: string;
  rightToLeft: boolean;
  /** Whether the run holds a strong right-to-left letter (a shaper lays such a run out right to left by itself). */
  hasRightToLeftLetter: boolean;
}

export interface BidiParagraph {
  text: string;
  levels: EmbeddingLevels;
}

/** Resolves a paragraph whose base direction is right to left (a Persian document). */
export function rightToLeftParagraph(text: string): BidiParagraph {
  return { text, levels: bidi.getEmbeddingLevels(text, 'rtl') };
}

const strongRightToLeft = new Set(['R', 'AL']);

/** The runs of the line `[start, end)` of a paragraph, in visual order from left to right. */
export function visualRuns(paragraph: BidiParagraph, start = 0, end = paragraph.text.length): DirectionalRun[] {
  if (end <= start) return [];
  const { text, levels } = paragraph;
  const order = bidi.getReorderedIndices(text, levels, start, end - 1).slice(start, end);
  const mirrored = bidi.getMirroredCharactersMap(text, levels.levels, start, end - 1);
  const runs: DirectionalRun[] = [];
  let group: number[] = [];
  const flush = () => {
    if (group.length === 0) return;
    const logical = [...group].sort((a, b) => a - b);
    const rightToLeft = levels.levels[logical[0]] % 2 === 1;
    const chars = logical.map((i) => mirrored.get(i) ?? text[i]);
    runs.push({ text: chars.join(''), rightToLeft, hasRightToLeftLetter: chars.some((c) => strongRightToLeft.has(bidi.getBidiCharTypeName(c))) });
    group = [];
  };
  for (const index of order) {
    const previous = group[group.length - 1];
    const continues = previous !== undefined && levels.levels[index] === levels.levels[previous]
      && index === previous + (levels.levels[index] % 2 === 1 ? -1 : 1);
    if (!continues) flush();
    group.push(index);
  }
  flush();
  return runs;
}

/**
 * Greedy line breaking at spaces on the logical text (UAX #9 wraps before it
 * reorders): the ranges `[start, end)` of each line, trailing spaces left out.
 */
export function wrapLines(text: string, fits: (start: number, end: number) => boolean): Array<[number, number]> {
  const lines: Array<[number, number]> = [];
  let lineStart = 0;
  while (lineStart < text.length) {
    while (text[lineStart] === ' ') lineStart++;
    if (lineStart >= text.length) break;
    let lineEnd = lineStart;
    let cursor = lineStart;
    while (cursor < text.length) {
      let wordEnd = text.indexOf(' ', cursor + 1);
      if (wordEnd === -1) wordEnd = text.length;
      if (lineEnd > lineStart && !fits(lineStart, wordEnd)) break;
      lineEnd = wordEnd;
      cursor = wordEnd;
    }
    lines.push([lineStart, lineEnd]);
    lineStart = lineEnd;
  }
  return lines;
}
