// A service YAML committed before its render step ran still holds placeholders: `%NAME%`
// (which breaks the YAML), `${{ expr }}`, `${NAME}`, `$NAME`, `__NAME__`, or an UPPER_SNAKE service name
// such as MC_SERVICE_NAME. Cloud Run would receive them literally (or refuse them), and the
// gate would judge a file that is not what gets deployed, so it refuses the file, with the
// line. Inside a container's command/args, `$X` is shell (or Knative `$(X)`), not a placeholder.
import { isPair, isScalar, visit } from "yaml";
import { CandidateError, type InputError } from "../errors.js";
import { locate, type YamlContext } from "./yaml-nodes.js";

export const TEMPLATE_MESSAGE = "this file is a template: render it before the gate";
export const TEMPLATE_HINT =
  "render the template first (envsubst, sed, or your templating step) and point service_yaml at the rendered file";

const PLACEHOLDERS = [
  // A GitHub Actions expression: the runner expands ${{ … }} in workflow files only, never in a
  // file the workflow deploys, so it reaches Cloud Run as written.
  /\$\{\{[^}]{1,200}\}\}/,
  /\$\{[^}\s]{1,100}\}/,
  /%[A-Za-z_][A-Za-z0-9_]{0,100}%/,
  // Upper case only: a lower-case `$x` is more often literal text (a bcrypt hash, a price).
  /\$[A-Z_][A-Z0-9_]{0,100}(?![A-Za-z0-9_])/,
  /__[A-Z][A-Z0-9_]{0,100}__/,
];
/** Cloud Run service names are lower case; UPPER_SNAKE is a template variable's name. */
const PLACEHOLDER_NAME = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/;
const SHELL_FIELDS = new Set(["command", "args"]);

export function refuseTemplate(ctx: YamlContext, serviceName: unknown): void {
  if (isScalar(serviceName) && typeof serviceName.value === "string" && PLACEHOLDER_NAME.test(serviceName.value)) {
    throw templateError(ctx, serviceName, `the service name ${serviceName.value} is a template variable`);
  }
  visit(ctx.doc, {
    Scalar(_key, node, path) {
      if (typeof node.value !== "string") return;
      const fieldsAbove = path.filter(isPair).map((pair) => (isScalar(pair.key) ? String(pair.key.value) : ""));
      if (fieldsAbove.some((field) => SHELL_FIELDS.has(field))) return;
      const found = PLACEHOLDERS.map((pattern) => pattern.exec(node.value as string)?.[0]).find(Boolean);
      if (!found) return;
      // An env value may be secret: name the field, not the text around the placeholder.
      const inEnv = fieldsAbove.includes("env");
      const field = fieldsAbove.at(-1) ?? "a value";
      throw templateError(ctx, node, inEnv ? `an env ${field} holds a placeholder` : `${field} holds the placeholder ${found}`);
    },
  });
}

function templateError(ctx: YamlContext, node: unknown, what: string): InputError {
  const line = locate(ctx, node).line;
  return new CandidateError(`${ctx.file}${line ? `:${line}` : ""}: ${TEMPLATE_MESSAGE} (${what})`, { hint: TEMPLATE_HINT });
}
