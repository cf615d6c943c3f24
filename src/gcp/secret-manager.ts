// Secret Manager: does the secret a revision references exist, is its version
// enabled, and (only where a check needs the value) what is it. Values stay
// in memory as bytes; nothing here logs or formats them.
import type { AuthClient } from "google-auth-library";
import type { secretmanager_v1 } from "@googleapis/secretmanager/build/v1.js";
import { GateError, GcpError } from "../errors.js";
import type { SecretRef } from "../model.js";
import { apiError, apiFailure } from "./api-error.js";
import { crc32c } from "./crc32c.js";
import { secretVersionState } from "./enums.js";
import { isSecretVersionRef, secretVersionName } from "./names.js";
import { assertSafeSegments, isSafeSegment } from "./request.js";
import { googleRest } from "./rest.js";

import type { SecretState } from "../facts.js";

export type { SecretState, SecretStatus } from "../facts.js";

export interface SecretManager {
  inspect(ref: SecretRef, defaultProject: string, signal: AbortSignal): Promise<SecretState>;
  /** The payload bytes, after checking the server's CRC32C. */
  access(ref: SecretRef, defaultProject: string, signal: AbortSignal): Promise<Uint8Array>;
  /** The same, with the full version name the ref resolved to (an access succeeds only on an enabled version). */
  accessVersion(ref: SecretRef, defaultProject: string, signal: AbortSignal): Promise<{ value: Uint8Array; resolvedVersion: string }>;
}

function notJson(what: string): GateError {
  return new GcpError(`${what}: the answer was not Google API JSON`, {
    code: "GCP_UNAVAILABLE",
    hint: "a proxy or captive portal may be in the way; check secret_manager_endpoint and the network",
  });
}

export const SECRET_MANAGER = "https://secretmanager.googleapis.com";

export function secretManager(auth: AuthClient, endpoint: string | undefined): SecretManager {
  const api = googleRest(auth, endpoint, SECRET_MANAGER);
  const versionName = (ref: SecretRef, project: string) =>
    `projects/${ref.project ?? project}/secrets/${ref.secret}/versions/${ref.version}`;
  // Both grammars: the path segment rule (request.ts) and Secret Manager's own (names.ts).
  const safe = (ref: SecretRef, project: string) =>
    [ref.project ?? project, ref.secret, ref.version].every(isSafeSegment) &&
    isSecretVersionRef(ref.project ?? project, ref.secret, ref.version);
  async function accessVersion(ref: SecretRef, defaultProject: string, signal: AbortSignal) {
    assertSafeSegments(`reading secret ${ref.secret}:${ref.version}`, {
      project: ref.project ?? defaultProject,
      "secret id": ref.secret,
      version: ref.version,
    });
    const name = versionName(ref, defaultProject);
    let answer: secretmanager_v1.Schema$AccessSecretVersionResponse;
    try {
      answer = (await api.get<secretmanager_v1.Schema$AccessSecretVersionResponse>(`v1/${name}:access`, signal)).data;
    } catch (error) {
      throw apiError(
        error,
        `reading secret ${ref.secret}:${ref.version}`,
        "grant the gate's identity roles/secretmanager.secretAccessor on it",
      );
    }
    if (typeof answer !== "object" || answer === null) throw notJson(`reading secret ${ref.secret}:${ref.version}`);
    const payload = answer.payload;
    // proto3 JSON leaves out an empty bytes field.
    const bytes = Buffer.from(typeof payload?.data === "string" ? payload.data : "", "base64");
    // Secret Manager always sends the checksum; a payload without one (or with a different one) is not trusted.
    const checksum = payload?.dataCrc32c;
    const expected = typeof checksum === "string" || typeof checksum === "number" ? String(checksum) : "";
    if (!/^[0-9]{1,10}$/.test(expected) || Number(expected) !== crc32c(bytes)) {
      throw new GcpError(`secret ${ref.secret}:${ref.version} arrived corrupted (CRC32C ${expected ? "mismatch" : "missing"})`, {
        code: "GCP_UNAVAILABLE",
        hint: "retry the run; if it persists check secret_manager_endpoint and any proxy in between",
      });
    }
    return { value: new Uint8Array(bytes), resolvedVersion: answer.name === undefined ? name : secretVersionName(answer.name, ref.secret) };
  }

  return {
    async inspect(ref, defaultProject, signal) {
      if (!safe(ref, defaultProject)) return { status: "invalid_ref" };
      const name = versionName(ref, defaultProject);
      try {
        const { data } = await api.get<secretmanager_v1.Schema$SecretVersion>(`v1/${name}`, signal);
        if (typeof data !== "object" || data === null) throw notJson(`Secret Manager version ${ref.secret}:${ref.version}`);
        const resolvedVersion = data.name === undefined ? name : secretVersionName(data.name, ref.secret);
        // By name or, as `enum-encoding=int` writes it, by number.
        const state = secretVersionState(data.state);
        if (state === "DISABLED") return { status: "version_disabled", resolvedVersion };
        if (state === "DESTROYED") return { status: "version_destroyed", resolvedVersion };
        return { status: "ok", resolvedVersion, ...(typeof data.createTime === "string" ? { createTime: data.createTime } : {}) };
      } catch (error) {
        if (error instanceof GateError) throw error;
        const { status } = apiFailure(error);
        if (status === 403) return { status: "access_denied" };
        if (status !== 404) throw apiError(error, `Secret Manager version ${ref.secret}:${ref.version}`);
      }
      // 404 on the version: tell a missing secret from a missing version.
      try {
        await api.get<secretmanager_v1.Schema$Secret>(`v1/projects/${ref.project ?? defaultProject}/secrets/${ref.secret}`, signal);
        return { status: "version_not_found" };
      } catch (error) {
        const { status } = apiFailure(error);
        if (status === 404) return { status: "not_found" };
        if (status === 403) return { status: "access_denied" };
        throw apiError(error, `Secret Manager secret ${ref.secret}`);
      }
    },

    async access(ref, defaultProject, signal) {
      return (await accessVersion(ref, defaultProject, signal)).value;
    },
    accessVersion,
  };
}
