// Validates every manifest under deploy/kubernetes against the Kubernetes API's schemas (kubernetes-models:
// types, required fields, enums), then checks what the project's serving relies on. Exit code 1 on any problem.
//   cd deploy/kubernetes/validate && npm ci && node validate.mjs
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parseAllDocuments } from "yaml";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { Role } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import { RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import * as kserve from "./kserve.mjs";

const MODELS = [Deployment, HorizontalPodAutoscaler, PersistentVolumeClaim, PodDisruptionBudget, Role, RoleBinding, Service, ServiceAccount];
const ROOT = new URL("..", import.meta.url).pathname;
const problems = [];
const objects = [];

function yamlFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === "node_modules" || name === "validate") return [];
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

for (const file of yamlFiles(ROOT)) {
  const where = relative(ROOT, file);
  for (const doc of parseAllDocuments(readFileSync(file, "utf8"), { uniqueKeys: true })) {
    if (doc.errors.length) { problems.push(`${where}: ${doc.errors[0].message}`); continue; }
    const data = doc.toJS();
    if (!data) continue;
    if (data.apiVersion === kserve.API_VERSION && data.kind === kserve.KIND) {
      const errors = kserve.schemaErrors(data);
      if (errors.length) problems.push(...errors.map((e) => `${where} (${data.kind} ${data.metadata?.name}): ${e}`));
      else objects.push({ where, data });
      continue;
    }
    const model = MODELS.find((m) => m.apiVersion === data.apiVersion && m.kind === data.kind);
    if (!model) { problems.push(`${where}: no schema here for ${data.apiVersion} ${data.kind}`); continue; }
    try {
      new model(data).validate();
      objects.push({ where, data });
    } catch (error) {
      problems.push(`${where} (${data.kind} ${data.metadata?.name}): ${error.message}`);
    }
  }
}

// The project's rules: what serve needs from Kubernetes, and what must agree between the files.
const find = (kind) => objects.filter((o) => o.data.kind === kind);
const check = (condition, message) => { if (!condition) problems.push(message); };
const memoryBytes = (q) => {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|k|M|G)?$/.exec(String(q ?? ""));
  if (!m) return NaN;
  const unit = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, k: 1e3, M: 1e6, G: 1e9 }[m[2]] ?? 1;
  return Number(m[1]) * unit;
};

for (const { where, data } of find("Deployment")) {
  const pod = data.spec.template.spec;
  const labels = data.spec.template.metadata?.labels ?? {};
  for (const c of pod.containers) {
    const name = `${where} container ${c.name}`;
    // Liveness apart from readiness: a pod without its model is kept out of traffic (/readyz), never restarted for it.
    check(c.readinessProbe?.httpGet?.path === "/readyz", `${name}: readiness must probe GET /readyz (model loaded, not draining)`);
    check(c.livenessProbe?.httpGet?.path === "/livez", `${name}: liveness must probe GET /livez (the process answers)`);
    check(!c.startupProbe || c.startupProbe.httpGet?.path === "/livez",
      `${name}: the startup probe must probe GET /livez: one on /readyz or /health restarts a pod whose model is missing`);
    const emptyDirs = new Set((pod.volumes ?? []).filter((v) => v.emptyDir).map((v) => v.name));
    check(!(c.volumeMounts ?? []).some((m) => m.mountPath.replace(/\/$/, "") === "/app/cache" && emptyDirs.has(m.name)),
      `${name}: an emptyDir on /app/cache hides the native libraries placed there when the image was built`);
    check(c.lifecycle?.preStop, `${name}: needs a preStop hook (the endpoint leaves the Service before SIGTERM)`);
    const limit = memoryBytes(c.resources?.limits?.memory);
    const request = memoryBytes(c.resources?.requests?.memory);
    check(limit > 0 && request === limit, `${name}: memory requests must equal limits (the heap is a share of the limit)`);
    // The image sets -XX:MaxRAMPercentage=60: heap + ~300 MiB of native memory must fit in the limit.
    check(limit * 0.6 + 300 * 2 ** 20 <= limit, `${name}: a ${c.resources?.limits?.memory} limit leaves too little beside a 60 % heap`);
    check(c.resources?.limits?.cpu && c.resources?.requests?.cpu, `${name}: CPU limits set the cores the JVM and ONNX Runtime see`);
    check(c.securityContext?.allowPrivilegeEscalation === false, `${name}: allowPrivilegeEscalation must be false`);
    const shutdown = Number((c.env ?? []).find((e) => e.name === "API_SHUTDOWN_TIMEOUT_S")?.value ?? 20);
    const preStop = Number(c.lifecycle?.preStop?.exec?.command?.at(-1) ?? c.lifecycle?.preStop?.sleep?.seconds ?? 0);
    check((pod.terminationGracePeriodSeconds ?? 30) > shutdown + preStop,
      `${name}: terminationGracePeriodSeconds must exceed preStop (${preStop} s) + API_SHUTDOWN_TIMEOUT_S (${shutdown} s)`);
  }
  check(pod.securityContext?.runAsNonRoot === true, `${where}: the pod must run as non-root`);
  const services = find("Service").filter((s) => Object.entries(s.data.spec.selector ?? {}).every(([k, v]) => labels[k] === v));
  check(services.length > 0, `${where}: no Service selects its pods`);
  const hpas = find("HorizontalPodAutoscaler").filter((h) => h.data.spec.scaleTargetRef.name === data.metadata.name);
  check(hpas.length > 0, `${where}: no HorizontalPodAutoscaler scales it`);
}
check(find("Deployment").length > 0, "no Deployment found");

const images = [...new Set(find("Deployment").flatMap((d) => d.data.spec.template.spec.containers.map((c) => c.image)))];
for (const { where, data } of find(kserve.KIND)) {
  problems.push(...kserve.ruleErrors(where, data, images));
  check(kserve.selfTest(data), `${where}: the CRD schema check accepts a misspelt field or a wrong type: it checks nothing`);
}
check(find(kserve.KIND).length > 0, "no KServe InferenceService found");

if (problems.length) {
  console.error(problems.map((p) => `error: ${p}`).join("\n"));
  process.exit(1);
}
console.log(`${objects.length} Kubernetes objects valid: ${objects.map((o) => `${o.data.kind}/${o.data.metadata.name}`).join(", ")}`);
