// The published JSON Schema of the manifest, generated from the zod schema
// (scripts/docs.mjs writes it to schema/deploy-gate.schema.json).
import * as z from "zod";
import { manifestSchema } from "./schema.js";

export function manifestJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(manifestSchema, { io: "input", target: "draft-2020-12" }),
    $id: "https://github.com/cloud-run-deploy-gate/cloud-run-deploy-gate/schema/deploy-gate.schema.json",
    title: "Cloud Run deploy gate manifest",
  };
}
