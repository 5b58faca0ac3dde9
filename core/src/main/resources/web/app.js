// The page talks to the same public API as any client: GET /model, POST /predict?top_k=5.
"use strict";

const $ = (id) => document.getElementById(id);
const input = $("file");
const drop = $("drop");

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
});
$("preview").addEventListener("error", () => {
  show($("preview"), false);
  drop.classList.remove("has-image");
});

function renderPrediction(body) {
  $("predicted-class").textContent = body.predicted_class;
  $("predicted-confidence").textContent = percent(body.confidence);
  const list = $("top5");
  list.replaceChildren(...body.predictions.map((p) => {
    const row = document.createElement("li");
    row.className = "bar-row";
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
    row.append(label, track, value);
    return row;
  }));
  const t = body.timing_ms;
  $("timing").textContent = t ? `Answered in ${t.total.toFixed(0)} ms on the server (model ${t.inference.toFixed(0)} ms, batch of ${body.batch_size}).` : "";
  show($("result"), true);
}

async function classify(file) {
  if (!file) return;
  show($("error"), false);
  show($("result"), false);
  preview(file);
  setBusy(true, "Classifying…");
  const form = new FormData();
  form.append("file", file, file.name || "pasted-image");
  try {
    const response = await fetch("/predict?top_k=5", { method: "POST", body: form });
    const body = await response.json().catch(() => ({ detail: `The server answered ${response.status} without JSON.` }));
    if (!response.ok) {
      showError(body.detail || `The server answered ${response.status}.`);
      setBusy(false, "");
      return;
    }
    renderPrediction(body);
    setBusy(false, `Classified ${file.name || "the pasted image"}.`);
  } catch (e) {
    showError("Could not reach the server: " + e.message);
    setBusy(false, "");
  }
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
    const framing = (body.preprocessing || {}).framing || "center-crop";
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

loadModelFacts();
