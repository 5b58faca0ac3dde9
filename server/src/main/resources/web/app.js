// The page talks to the same public API as any client: GET /model, POST /predict?top_k=5&explain=true, and
// POST /predict?explain_class=LABEL when a bar is chosen.
"use strict";

const $ = (id) => document.getElementById(id);
const input = $("file");
const drop = $("drop");
let lastFile = null;       // the image on show, sent again to explain another class
let explanation = null;    // {class, grid, width, height} of the class on show
let preprocessing = {};    // GET /model's: where in the photo the model looked

function percent(p) {
  return (p * 100).toFixed(p >= 0.995 || p < 0.0005 ? 0 : 1) + "%";
}

function show(element, visible) {
  element.hidden = !visible;
}

function setBusy(busy, text) {
  show($("spinner"), busy);
  $("status-text").textContent = text || "";
  drop.setAttribute("aria-busy", String(busy));
}

function showError(detail) {
  $("error").textContent = detail;
  show($("error"), true);
}

function preview(file) {
  const img = $("preview");
  if (img.src) URL.revokeObjectURL(img.src);
  img.alt = "Preview of " + (file.name || "the pasted image");
  img.src = URL.createObjectURL(file);
}

// Shown once the browser can draw it; a text file, or a TIFF the browser cannot show, leaves the hint.
$("preview").addEventListener("load", () => {
  show($("preview"), true);
  drop.classList.add("has-image");
  drawHeatmap();
});
$("preview").addEventListener("error", () => {
  const img = $("preview");
  show(img, false);
  img.removeAttribute("src"); // no broken-image icon or cut-off alt text: the server's answer says what is wrong
  img.alt = "";
  drop.classList.remove("has-image");
  drawHeatmap();
});

// The part of a w×h photo the model saw, as the server frames it (Preprocessor.box).
function framingBox(w, h) {
  const framing = preprocessing.framing || "center-crop";
  if (framing === "whole") return { x: 0, y: 0, w, h };
  const side = Math.min(w, h) * (framing === "short-side" ? 1 : (preprocessing.crop || 224) / (preprocessing.resize || 256));
  return { x: (w - side) / 2, y: (h - side) / 2, w: side, h: side };
}

// Blue (weak) → cyan → yellow → red (strong), as the server's heatmap.png.
function heatColour(v) {
  const ramp = (x) => Math.round(255 * Math.max(0, Math.min(1, x)));
  return [ramp(1.5 - Math.abs(4 * v - 3)), ramp(1.5 - Math.abs(4 * v - 2)), ramp(1.5 - Math.abs(4 * v - 1))];
}

// The map, one pixel per cell, stretched over the framing box with the browser's bilinear smoothing.
function drawHeatmap() {
  const img = $("preview");
  const canvas = $("heatmap");
  const visible = $("heatmap-toggle").checked && explanation && !img.hidden && img.naturalWidth > 0;
  show(canvas, !!visible);
  show($("heatmap-caption"), !!visible);
  if (!visible) return;
  const cells = document.createElement("canvas");
  cells.width = explanation.width;
  cells.height = explanation.height;
  const pixels = cells.getContext("2d").createImageData(explanation.width, explanation.height);
  explanation.grid.forEach((row, y) => row.forEach((v, x) => {
    pixels.data.set([...heatColour(v), 255], 4 * (y * explanation.width + x));
  }));
  cells.getContext("2d").putImageData(pixels, 0, 0);
  const scale = window.devicePixelRatio || 1;
  canvas.width = Math.round(img.clientWidth * scale);
  canvas.height = Math.round(img.clientHeight * scale);
  const g = canvas.getContext("2d");
  const box = framingBox(canvas.width, canvas.height);
  g.fillStyle = "rgba(0, 0, 0, 0.55)"; // what the model did not see is dimmed
  g.fillRect(0, 0, canvas.width, canvas.height);
  g.clearRect(box.x, box.y, box.w, box.h);
  g.globalAlpha = 0.5;
  g.imageSmoothingEnabled = true;
  // Cell centres sit half a cell inside the box: drawing the cells over the box maps them there.
  g.drawImage(cells, box.x, box.y, box.w, box.h);
  $("heatmap-caption").textContent = `Heatmap of “${explanation.class}”: red where the model sees it most, blue least.`;
  document.querySelectorAll("#top5 button").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.label === explanation.class)));
}

$("heatmap-toggle").addEventListener("change", drawHeatmap);
window.addEventListener("resize", drawHeatmap);

// POSTs the image to /predict?QUERY; a 200 answer goes to onAnswer, which returns the status line to show,
// anything else shows the API's detail.
async function postPredict(query, file, busyText, onAnswer) {
  setBusy(true, busyText);
  const form = new FormData();
  form.append("file", file, file.name || "pasted-image");
  try {
    const response = await fetch("/predict?" + query, { method: "POST", body: form });
    const body = await response.json().catch(() => ({ detail: `The server answered ${response.status} without JSON.` }));
    if (!response.ok) {
      showError(body.detail || `The server answered ${response.status}.`);
      setBusy(false, "");
      return;
    }
    setBusy(false, onAnswer(body));
  } catch (e) {
    showError("Could not reach the server: " + e.message);
    setBusy(false, "");
  }
}

async function explainClass(label) {
  if (!lastFile) return;
  await postPredict("explain_class=" + encodeURIComponent(label), lastFile, `Finding where the model sees ${label}…`, (body) => {
    explanation = body.explanation;
    $("heatmap-toggle").checked = true;
    drawHeatmap();
    return `Showing where the model sees ${label}.`;
  });
}

function renderPrediction(body) {
  $("predicted-class").textContent = body.predicted_class;
  $("predicted-confidence").textContent = percent(body.confidence);
  const list = $("top5");
  list.replaceChildren(...body.predictions.map((p) => {
    const row = document.createElement("li");
    row.className = "bar-row";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "bar-button";
    button.dataset.label = p.label;
    button.setAttribute("aria-pressed", "false");
    button.title = `Show where the model sees ${p.label}`;
    button.addEventListener("click", () => explainClass(p.label));
    const label = document.createElement("span");
    label.className = "bar-label";
    label.textContent = p.label;
    label.title = p.label;
    const track = document.createElement("span");
    track.className = "bar-track";
    track.setAttribute("aria-hidden", "true");
    const fill = document.createElement("span");
    fill.className = "bar-fill";
    fill.style.display = "block";
    fill.style.width = (p.confidence * 100).toFixed(2) + "%";
    track.append(fill);
    const value = document.createElement("span");
    value.className = "bar-value";
    value.textContent = percent(p.confidence);
    button.append(label, track, value);
    row.append(button);
    return row;
  }));
  const t = body.timing_ms;
  $("timing").textContent = t ? `Answered in ${t.total.toFixed(0)} ms on the server (model ${t.inference.toFixed(0)} ms, batch of ${body.batch_size}).` : "";
  show($("result"), true);
  explanation = body.explanation || null;
  drawHeatmap();
}

async function classify(file) {
  if (!file) return;
  show($("error"), false);
  show($("result"), false);
  lastFile = file;
  explanation = null;
  drawHeatmap();
  preview(file);
  await postPredict("top_k=5&explain=true", file, "Classifying…", (body) => {
    renderPrediction(body);
    return `Classified ${file.name || "the pasted image"}.`;
  });
}

// GET /model's quantization facts (written by `image-classifier quantize`), or none for the file as trained.
function quantizationText(q) {
  if (!q || typeof q.int8_top1 !== "number") return "none (the file as trained)";
  const speed = typeof q.speedup === "number" ? `, ${q.speedup.toFixed(1)}× the float speed` : "";
  return `int8: ${percent(q.agreement)} same answers as float (top-1 ${percent(q.float_top1)} → ${percent(q.int8_top1)})${speed}`;
}

async function loadModelFacts() {
  try {
    const response = await fetch("/model");
    const body = await response.json();
    if (!response.ok) throw new Error(body.detail || response.status);
    $("model-classes").textContent = body.num_classes;
    $("model-backbone").textContent = body.backbone;
    preprocessing = body.preprocessing || {};
    const framing = preprocessing.framing || "center-crop";
    $("model-framing").textContent = {"center-crop": "centre crop", "short-side": "shorter side, centre square", "whole": "whole image"}[framing] || framing;
    const metrics = body.metrics || {};
    const accuracy = ["val_accuracy", "validation_accuracy", "accuracy", "top1"].map((k) => metrics[k]).find((v) => typeof v === "number");
    $("model-accuracy").textContent = accuracy === undefined ? "not recorded" : percent(accuracy);
    $("model-quantization").textContent = quantizationText(body.quantization);
  } catch (e) {
    ["model-classes", "model-backbone", "model-framing", "model-accuracy", "model-quantization"].forEach((id) => ($(id).textContent = "—"));
    $("model-error").textContent = "Model not available: " + e.message;
    show($("model-error"), true);
  }
}

input.addEventListener("change", () => {
  classify(input.files[0]);
  input.value = ""; // choosing the same file again still triggers a change
});

drop.addEventListener("keydown", (event) => {
  if (event.key === "Enter" || event.key === " ") {
    event.preventDefault();
    input.click();
  }
});

["dragenter", "dragover"].forEach((type) => drop.addEventListener(type, (event) => {
  event.preventDefault();
  drop.classList.add("dragging");
}));
["dragleave", "drop"].forEach((type) => drop.addEventListener(type, () => drop.classList.remove("dragging")));
drop.addEventListener("drop", (event) => {
  event.preventDefault();
  classify(event.dataTransfer.files[0]);
});

document.addEventListener("paste", (event) => {
  const item = [...(event.clipboardData?.items || [])].find((i) => i.kind === "file");
  if (item) {
    event.preventDefault();
    classify(item.getAsFile());
  }
});

// A touch screen has no Enter key to press and no Ctrl+V: tell it what works there.
if (window.matchMedia("(pointer: coarse)").matches && !window.matchMedia("(any-pointer: fine)").matches) {
  show($("hint-keyboard"), false);
  show($("hint-touch"), true);
}

loadModelFacts();
