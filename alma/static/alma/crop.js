// The photo crop page without typing: drag the square over the picture, set its size with a
// slider. It only fills the form's x, y and size fields; the form works the same without it.
(() => {
  const root = document.querySelector("[data-crop]");
  if (!root) return;
  const image = root.querySelector(".crop-image");
  const box = root.querySelector(".crop-box");
  const form = root.querySelector(".crop-form");
  const field = (name) => form.elements.namedItem(name);
  const width = Number(root.dataset.width);
  const height = Number(root.dataset.height);
  const least = Math.min(Number(root.dataset.min), width, height);
  const most = Math.min(width, height);

  const slider = document.createElement("input");
  slider.type = "range";
  slider.min = String(least);
  slider.max = String(most);
  slider.className = "crop-slider";
  slider.setAttribute("aria-label", root.dataset.sliderLabel || "size");
  form.insertBefore(slider, form.querySelector(".actions"));

  const clamp = (value, low, high) => Math.max(low, Math.min(high, Math.round(value)));
  const read = () => {
    const size = clamp(Number(field("size").value) || most, least, most);
    return {
      size,
      x: clamp(Number(field("x").value) || 0, 0, width - size),
      y: clamp(Number(field("y").value) || 0, 0, height - size),
    };
  };
  const write = (crop) => {
    field("x").value = String(crop.x);
    field("y").value = String(crop.y);
    field("size").value = String(crop.size);
    slider.value = String(crop.size);
    draw(crop);
  };
  const draw = (crop) => {
    const scale = image.clientWidth / width;
    if (!scale) return;
    box.hidden = false;
    box.style.left = `${crop.x * scale}px`;
    box.style.top = `${crop.y * scale}px`;
    box.style.width = `${crop.size * scale}px`;
    box.style.height = `${crop.size * scale}px`;
  };

  let start = null;
  box.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    box.setPointerCapture(event.pointerId);
    start = { px: event.clientX, py: event.clientY, crop: read() };
  });
  box.addEventListener("pointermove", (event) => {
    if (!start) return;
    const scale = image.clientWidth / width;
    const size = start.crop.size;
    write({
      size,
      x: clamp(start.crop.x + (event.clientX - start.px) / scale, 0, width - size),
      y: clamp(start.crop.y + (event.clientY - start.py) / scale, 0, height - size),
    });
  });
  const stop = () => {
    start = null;
  };
  box.addEventListener("pointerup", stop);
  box.addEventListener("pointercancel", stop);
  slider.addEventListener("input", () => {
    const crop = read();
    const size = Number(slider.value);
    // Grow or shrink around the square's centre, kept within the picture.
    const cx = crop.x + crop.size / 2;
    const cy = crop.y + crop.size / 2;
    write({
      size,
      x: clamp(cx - size / 2, 0, width - size),
      y: clamp(cy - size / 2, 0, height - size),
    });
  });
  ["x", "y", "size"].forEach((name) => field(name).addEventListener("change", () => draw(read())));
  const show = () => {
    const crop = read();
    slider.value = String(crop.size);
    draw(crop);
  };
  if (image.complete) show();
  image.addEventListener("load", show);
  window.addEventListener("resize", () => draw(read()));
})();
