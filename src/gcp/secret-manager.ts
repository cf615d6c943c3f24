// Secret Manager: does the secret a revision references exist, is its version
// enabled, and (only where a check needs the value) what is it. Values stay
// in memory as bytes; nothing here logs or formats them.
import type { AuthClient } from "google-auth-library";
import { secretmanager_v1 } from "@googleapis/secretmanager/build/v1.js";
import { GateError } from "../errors.js";
import type { SecretRef } from "../model.js";
import { apiError, apiFailure } from "./api-error.js";
import { crc32c } from "./crc32c.js";
import { clientOptions, requestOptions } from "./request.js";

export type SecretStatus = "ok" | "not_found" | "version_not_found" | "access_denied" | "version_disabled" | "version_destroyed";

export interface SecretState {
  status: SecretStatus;
  /** Full version name the ref resolves to, e.g. projects/p/secrets/s/versions/3. */
  resolvedVersion?: string;
}

export interface SecretManager {
  inspect(ref: SecretRef, defaultProject: string, signal: AbortSignal): Promise<SecretState>;
  /** The payload bytes, after checking the server's CRC32C. */
  access(ref: SecretRef, defaultProject: string, signal: AbortSignal): Promise<Uint8Array>;
}

export function secretManager(auth: AuthClient, endpoint: string | undefined): SecretManager {
  const api = new secretmanager_v1.Secretmanager(clientOptions(auth, endpoint));
  const versionName = (ref: SecretRef, project: string) =>
    `projects/${ref.project ?? project}/secrets/${ref.secret}/versions/${ref.version}`;
  return {
    async inspect(ref, defaultProject, signal) {
      const name = versionName(ref, defaultProject);
      try {
        const { data } = await api.projects.secrets.versions.get({ name }, requestOptions(signal));
        const resolvedVersion = data.name ?? name;
        if (data.state === "DISABLED") return { status: "version_disabled", resolvedVersion };
        if (data.state === "DESTROYED") return { status: "version_destroyed", resolvedVersion };
        return { status: "ok", resolvedVersion };
      } catch (error) {
        const { status } = apiFailure(error);
        if (status === 403) return { status: "access_denied" };
        if (status !== 404) throw apiError(error, `Secret Manager version ${ref.secret}:${ref.version}`);
      }
      // 404 on the version: tell a missing secret from a missing version.
      try {
        await api.projects.secrets.get({ name: `projects/${ref.project ?? defaultProject}/secrets/${ref.secret}` }, requestOptions(signal));
        return { status: "version_not_found" };
      } catch (error) {
        const { status } = apiFailure(error);
        if (status === 404) return { status: "not_found" };
        if (status === 403) return { status: "access_denied" };
        throw apiError(error, `Secret Manager secret ${ref.secret}`);
      }
    },

    async access(ref, defaultProject, signal) {
      const name = versionName(ref, defaultProject);
      let payload: secretmanager_v1.Schema$SecretPayload | undefined;
      try {
        payload = (await api.projects.secrets.versions.access({ name }, requestOptions(signal))).data.payload;
      } catch (error) {
        throw apiError(
          error,
          `reading secret ${ref.secret}:${ref.version}`,
          "grant the gate's identity roles/secretmanager.secretAccessor on it",
        );
      }
      const bytes = Buffer.from(payload?.data ?? "", "base64");
      if (payload?.dataCrc32c != null && BigInt(payload.dataCrc32c) !== BigInt(crc32c(bytes))) {
        throw new GateError("GCP_UNAVAILABLE", `secret ${ref.secret}:${ref.version} arrived corrupted (CRC32C mismatch)`, {
          hint: "retry the run",
        });
      }
      return new Uint8Array(bytes);
    },
  };
}
