// KServe's InferenceService checked against KServe's own CRD schema (a copy in kserve/, its source in the README
// there), as the API server would: the v1beta1 openAPIV3Schema compiled by Ajv, with unknown fields refused (what
// `kubectl apply`'s strict field validation does). Then the project's rules for a v2 predictor.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { parse } from "yaml";
import Ajv from "ajv";

export const API_VERSION = "serving.kserve.io/v1beta1";
export const KIND = "InferenceService";

const crd = parse(gunzipSync(readFileSync(new URL("kserve/serving.kserve.io_inferenceservices.yaml.gz", import.meta.url))).toString("utf8"));
const schema = crd.spec.versions.find((v) => v.name === "v1beta1").schema.openAPIV3Schema;

// Kubernetes structural schemas: objects with properties accept nothing else unless they say so.
function strict(node) {
  if (Array.isArray(node)) { node.forEach(strict); return; }
  if (!node || typeof node !== "object") return;
  if (node.properties && node.additionalProperties === undefined && !node["x-kubernetes-preserve-unknown-fields"]) {
    node.additionalProperties = false;
  }
  for (const value of Object.values(node)) strict(value);
}
strict(schema.properties.spec);

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const validateSchema = ajv.compile(schema);

/** The schema's complaints about one InferenceService, as lines; empty when it conforms. */
export function schemaErrors(data) {
  if (validateSchema(data)) return [];
  return validateSchema.errors.slice(0, 5).map((e) => `${e.instancePath || "/"} ${e.message}${e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : ""}`);
}

/** The project's rules for an InferenceService: our image behind the v2 protocol, probed on its health routes. */
export function ruleErrors(where, data, deploymentImages) {
  const problems = [];
  const containers = data.spec?.predictor?.containers ?? [];
  if (containers.length !== 1) problems.push(`${where}: the predictor needs exactly one container (ours)`);
  for (const c of containers) {
    const name = `${where} container ${c.name}`;
    const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
    if (env.PROTOCOL !== "v2") problems.push(`${name}: PROTOCOL must be v2 (the Open Inference Protocol the server speaks at /v2)`);
    const ready = c.readinessProbe?.httpGet?.path;
    if (!["/v2/health/ready", "/readyz"].includes(ready)) problems.push(`${name}: readiness must probe /v2/health/ready or /readyz`);
    const live = c.livenessProbe?.httpGet?.path;
    if (!["/v2/health/live", "/livez"].includes(live)) problems.push(`${name}: liveness must probe /v2/health/live or /livez (never a route that needs the model)`);
    const port = c.ports?.[0]?.containerPort;
    if (String(port) !== String(env.API_PORT ?? 8000)) problems.push(`${name}: containerPort ${port} is not the port served (API_PORT)`);
    if (deploymentImages.length && !deploymentImages.includes(c.image)) problems.push(`${name}: image ${c.image} is not the one the Deployments run (${deploymentImages.join(", ")})`);
  }
  return problems;
}

/** Whether the schema check can fail at all: a misspelt field and a wrong type must both be refused. */
export function selfTest(valid) {
  const copy = structuredClone(valid);
  copy.spec.predictor.containers[0].prots = [];
  const typed = structuredClone(valid);
  typed.spec.predictor.minReplicas = "one";
  return schemaErrors(copy).length > 0 && schemaErrors(typed).length > 0;
}
