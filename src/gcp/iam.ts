// IAM policies that decide whether a revision's runtime service account can
// read its secrets: the secret's own policy and the project's. Read-only.
import type { cloudresourcemanager_v3 } from "@googleapis/cloudresourcemanager/build/v3.js";
import type { secretmanager_v1 } from "@googleapis/secretmanager/build/v1.js";
import type { AuthClient } from "google-auth-library";
import type { PolicyFact } from "../facts.js";
import type { SecretRef } from "../model.js";
import { apiFailure } from "./api-error.js";
import { isSafeSegment } from "./request.js";
import { googleRest } from "./rest.js";
import { SECRET_MANAGER } from "./secret-manager.js";

export interface Iam {
  secretPolicy(ref: SecretRef, defaultProject: string, signal: AbortSignal): Promise<PolicyFact>;
  projectPolicy(project: string, signal: AbortSignal): Promise<PolicyFact>;
  /** Project number, for the default compute service account. */
  projectNumber(project: string, signal: AbortSignal): Promise<string | undefined>;
  /**
   * The folder or organization directly above `resource` (`projects/ID` or `folders/N`), or none
   * (a project outside any organization, or an organization). Grants there are inherited.
   */
  parentOf(resource: string, signal: AbortSignal): Promise<{ parent: string | undefined } | { unreadable: string }>;
  /** A folder's or organization's policy (`folders/N`, `organizations/N`). */
  ancestorPolicy(resource: string, signal: AbortSignal): Promise<PolicyFact>;
}

/** What Resource Manager v3 names a project's or folder's parent. */
const ANCESTOR = /^(folders|organizations)\/[0-9]{1,20}$/;

export function iam(auth: AuthClient, endpoints: { secretManager: string | undefined; resourceManager: string | undefined }): Iam {
  const secrets = googleRest(auth, endpoints.secretManager, SECRET_MANAGER);
  const projects = googleRest(auth, endpoints.resourceManager, "https://cloudresourcemanager.googleapis.com");
  return {
    async secretPolicy(ref, defaultProject, signal) {
      if (!isSafeSegment(ref.project ?? defaultProject) || !isSafeSegment(ref.secret)) return { unreadable: "not a valid secret name" };
      const resource = `projects/${ref.project ?? defaultProject}/secrets/${ref.secret}`;
      return readPolicy(() =>
        secrets.get<secretmanager_v1.Schema$Policy>(`v1/${resource}:getIamPolicy`, signal, { "options.requestedPolicyVersion": 3 }),
      );
    },
    async projectPolicy(project, signal) {
      if (!isSafeSegment(project)) return { unreadable: "not a valid project id" };
      return readPolicy(() =>
        projects.post<cloudresourcemanager_v3.Schema$Policy>(
          `v3/projects/${project}:getIamPolicy`,
          { options: { requestedPolicyVersion: 3 } } satisfies cloudresourcemanager_v3.Schema$GetIamPolicyRequest,
          signal,
        ),
      );
    },
    async projectNumber(project, signal) {
      if (/^\d+$/.test(project)) return project;
      if (!isSafeSegment(project)) return undefined;
      try {
        const { data } = await projects.get<cloudresourcemanager_v3.Schema$Project>(`v3/projects/${project}`, signal);
        return data.name?.replace(/^projects\//, "") || undefined;
      } catch {
        return undefined;
      }
    },
    async parentOf(resource, signal) {
      const [kind, id = ""] = resource.split("/");
      if ((kind !== "projects" && kind !== "folders") || !isSafeSegment(id)) return { unreadable: "not a project or folder name" };
      try {
        const { data } =
          kind === "projects"
            ? await projects.get<cloudresourcemanager_v3.Schema$Project>(`v3/projects/${id}`, signal)
            : await projects.get<cloudresourcemanager_v3.Schema$Folder>(`v3/folders/${id}`, signal);
        const parent = typeof data === "object" && data !== null ? data.parent : undefined;
        if (parent === undefined || parent === null || parent === "") return { parent: undefined };
        // The parent becomes a request path: anything but a folder or organization name is a broken answer.
        return typeof parent === "string" && ANCESTOR.test(parent) ? { parent } : { unreadable: "an answer that is not a parent name" };
      } catch (error) {
        const { status, reason } = apiFailure(error);
        return { unreadable: status ? `HTTP ${status}${reason ? ` ${reason}` : ""}` : "request failed" };
      }
    },
    async ancestorPolicy(resource, signal) {
      if (!ANCESTOR.test(resource)) return { unreadable: "not a folder or organization name" };
      return readPolicy(() =>
        projects.post<cloudresourcemanager_v3.Schema$Policy>(
          `v3/${resource}:getIamPolicy`,
          { options: { requestedPolicyVersion: 3 } } satisfies cloudresourcemanager_v3.Schema$GetIamPolicyRequest,
          signal,
        ),
      );
    },
  };
}

async function readPolicy(
  request: () => Promise<{ data: secretmanager_v1.Schema$Policy | cloudresourcemanager_v3.Schema$Policy }>,
): Promise<PolicyFact> {
  try {
    const { data } = await request();
    return {
      bindings: (data.bindings ?? []).map((binding) => ({
        role: binding.role ?? "",
        members: binding.members ?? [],
        conditional: Boolean(binding.condition),
      })),
    };
  } catch (error) {
    const { status, reason } = apiFailure(error);
    return { unreadable: status ? `HTTP ${status}${reason ? ` ${reason}` : ""}` : "request failed" };
  }
}
