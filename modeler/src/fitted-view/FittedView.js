// Opens a diagram fitted to the canvas beside the palette, not under it:
// bpmn-js's fit-viewport uses the whole canvas, and the palette floats over
// its left edge, so the first element hid beneath it on a 1366-pixel screen.

const margin = 24;

export default class FittedView {
  static $inject = ['canvas'];

  constructor(canvas) {
    this._canvas = canvas;
  }

  /** Fits the diagram into the part of the canvas the palette leaves free; never zooms in past 100 %. */
  fit() {
    const canvas = this._canvas;
    const container = canvas.getContainer();
    const palette = container.querySelector('.djs-palette');
    const box = container.getBoundingClientRect();
    const left = palette ? palette.getBoundingClientRect().right - box.left + margin : margin;
    const { inner } = canvas.viewbox();
    if (!inner.width || !inner.height || !box.width || !box.height) return canvas.zoom('fit-viewport');
    const freeWidth = Math.max(box.width - left - margin, 1);
    const freeHeight = Math.max(box.height - 2 * margin, 1);
    const scale = Math.min(freeWidth / inner.width, freeHeight / inner.height, 1);
    // The diagram sits beside the palette, centred in the free height.
    const top = margin + (freeHeight - inner.height * scale) / 2;
    canvas.viewbox({
      x: inner.x - left / scale,
      y: inner.y - top / scale,
      width: box.width / scale,
      height: box.height / scale,
    });
    return scale;
  }
}
