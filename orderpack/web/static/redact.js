// The redaction editor: boxes drawn on the picture as it is shown (upright), kept in that
// picture's pixels — the coordinates order.yaml's `redact` uses. Mouse, finger (pointer
// events) and keyboard (N adds, arrows move, Shift+arrows resize, Delete removes). The
// preview beside it is rendered by orderpack itself from the saved or typed boxes.

const editor = document.getElementById("editor");
const stage = document.getElementById("stage");
const picture = document.getElementById("picture");
const field = document.getElementById("boxes");
const result = document.getElementById("result");
const width = Number(editor.dataset.width);
const height = Number(editor.dataset.height);
// What the editor says, in the page's language (main's data-words).
const words = JSON.parse(document.querySelector("main")?.dataset.words ?? "{}");
let boxes = JSON.parse(field.value || "[]");
let selected = -1;

const clamp = (value, low, high) => Math.min(Math.max(value, low), high);

function scale() {
  return width / picture.getBoundingClientRect().width;
}

function toPixels(event) {
  const rect = picture.getBoundingClientRect();
  return [
    Math.round(clamp(event.clientX - rect.left, 0, rect.width) * width / rect.width),
    Math.round(clamp(event.clientY - rect.top, 0, rect.height) * height / rect.height),
  ];
}

const refreshPreview = (() => {
  let timer;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const url = new URL(editor.dataset.preview, location.href);
      url.searchParams.set("file", editor.dataset.file);
      url.searchParams.set("side", "800");
      url.searchParams.set("boxes", JSON.stringify(boxes));
      result.src = url.pathname + url.search;
    }, 300);
  };
})();

function draw({ focus = false } = {}) {
  for (const old of stage.querySelectorAll(".box")) old.remove();
  boxes.forEach(([x, y, w, h], index) => {
    const div = document.createElement("div");
    div.className = "box" + (index === selected ? " selected" : "");
    div.style.left = `${(100 * x) / width}%`;
    div.style.top = `${(100 * y) / height}%`;
    div.style.width = `${(100 * w) / width}%`;
    div.style.height = `${(100 * h) / height}%`;
    div.tabIndex = 0;
    div.setAttribute("role", "button");
    div.setAttribute("aria-label", (words.box ?? "").replace(/%\((\w+)\)s/g, (_, name) => String(
      { number: index + 1, width: w, height: h, x, y }[name] ?? "")));
    div.addEventListener("focus", () => { if (selected !== index) { selected = index; draw({ focus: true }); } });
    stage.appendChild(div);
    if (focus && index === selected) div.focus();
  });
  field.value = JSON.stringify(boxes);
}

function changed() {
  draw({ focus: true });
  refreshPreview();
}

let start = null;
stage.addEventListener("pointerdown", (event) => {
  if (event.button !== 0 || start) return;
  const hit = event.target.closest(".box");
  if (hit) return;
  event.preventDefault();
  stage.setPointerCapture(event.pointerId);
  start = toPixels(event);
  boxes.push([start[0], start[1], 1, 1]);
  selected = boxes.length - 1;
  draw();
});
stage.addEventListener("pointermove", (event) => {
  if (!start || !event.buttons) return;
  const [x, y] = toPixels(event);
  boxes[selected] = [Math.min(x, start[0]), Math.min(y, start[1]),
    Math.max(1, Math.abs(x - start[0])), Math.max(1, Math.abs(y - start[1]))];
  draw();
});
const finish = () => {
  if (!start) return;
  start = null;
  const [, , w, h] = boxes[selected];
  if (w < 4 || h < 4) { boxes.splice(selected, 1); selected = -1; }
  changed();
};
stage.addEventListener("pointerup", finish);
stage.addEventListener("pointercancel", finish);

function addBox() {
  const w = Math.round(width / 4);
  const h = Math.round(height / 10);
  boxes.push([Math.round((width - w) / 2), Math.round((height - h) / 2), w, h]);
  selected = boxes.length - 1;
  changed();
}
document.getElementById("add-box").addEventListener("click", addBox);

stage.addEventListener("keydown", (event) => {
  if (event.key === "n" || event.key === "N") { event.preventDefault(); addBox(); return; }
  if (selected < 0 || !event.target.classList.contains("box")) return;
  const step = Math.max(1, Math.round(scale() * (event.altKey ? 1 : 8)));
  const box = boxes[selected];
  const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
  if (event.key in moves) {
    event.preventDefault();
    const [dx, dy] = moves[event.key];
    if (event.shiftKey) {
      box[2] = clamp(box[2] + dx, 1, width - box[0]);
      box[3] = clamp(box[3] + dy, 1, height - box[1]);
    } else {
      box[0] = clamp(box[0] + dx, 0, width - box[2]);
      box[1] = clamp(box[1] + dy, 0, height - box[3]);
    }
    changed();
  } else if (event.key === "Delete" || event.key === "Backspace") {
    event.preventDefault();
    boxes.splice(selected, 1);
    selected = Math.min(selected, boxes.length - 1);
    changed();
    if (selected < 0) stage.focus();
  }
});

field.addEventListener("change", () => {
  try { boxes = JSON.parse(field.value); } catch { return; }
  selected = -1;
  changed();
});

if (picture.complete) draw(); else picture.addEventListener("load", () => draw());
