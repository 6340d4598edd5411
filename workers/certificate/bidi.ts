// pdfkit shapes Persian through fontkit, which lays a right-to-left line out
// by reversing all of its glyphs. Numbers and Latin codes must still read
// left to right inside it, so their runs are reversed beforehand and the
// second reversal restores them. This is the slice of the Unicode bidi
// algorithm our certificates need: one Persian paragraph with embedded
// numbers, dates and codes, no nested embeddings, no mirrored brackets.

const leftToRightRun = /[0-9۰-۹A-Za-z][0-9۰-۹A-Za-z@._:/٬,\-]*[0-9۰-۹A-Za-z]|[0-9۰-۹A-Za-z]/g;

/** The logical Persian text made ready for a layout engine that reverses RTL lines whole. */
export function forReversingLayout(text: string): string {
  return text.replace(leftToRightRun, (run) => [...run].reverse().join(''));
}
