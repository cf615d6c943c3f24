// Reads gcloud `--set-secrets` / `--update-secrets` entries (and deploy-cloudrun's
// `secrets` input, which becomes one of them) the way gcloud's secrets_mapping.py does
// on managed Cloud Run. Validation is stricter than gcloud on purpose: every part ends
// up in a Secret Manager resource name the gate calls, so nothing like `../`, `%2F`,
// `?` or `#` may pass through.
import { CandidateError, type GateErrorOptions } from "../errors.js";
import type { SecretRef } from "../model.js";
import { printableKey } from "./kv-string.js";

export const SECRET_NAME = /^[a-zA-Z0-9_-]{1,255}$/;
const PROJECT_NUMBER = /^[0-9]{1,19}$/;
// gcloud's remote form; the version part is checked separately so the error can say why.
const REMOTE = /^projects\/([^/:]*)\/secrets\/([^/:]*)(?::(.*)|\/versions\/(.*))?$/s;
// `latest`, a version number, or a Secret Manager version alias.
const VERSION = /^(latest|[1-9][0-9]{0,18}|[a-zA-Z][a-zA-Z0-9_-]{0,62})$/;
const PATH_PART = /^[a-zA-Z0-9._-]+$/;
const RESERVED_MOUNT_ROOTS = ["/dev", "/proc", "/sys"];

export type SecretRefProblem = "version_missing" | "invalid";

/** A secret entry gcloud would reject. `problem` lets callers turn a missing version into a finding. */
export class SecretRefError extends CandidateError {
  readonly problem: SecretRefProblem;
  constructor(message: string, options: GateErrorOptions & { problem: SecretRefProblem }) {
    super(message, options);
    this.problem = options.problem;
  }
}

/**
 * Parses `NAME:VERSION` or `projects/NUMBER/secrets/NAME[:V | /versions/V]`.
 * `target` (env var name or mount path) and `inputName` only appear in messages.
 */
export function parseSecretRef(value: string, target: string, inputName = "secrets"): SecretRef {
  // The reference itself is never quoted: a secret's value is sometimes pasted where its name belongs.
  const where = `${inputName} entry ${printableKey(target)}`;
  const remote = REMOTE.exec(value);
  if (remote) {
    const [, project = "", secret = "", short, long] = remote;
    if (!PROJECT_NUMBER.test(project)) {
      throw new SecretRefError(`${where}: the project in projects/…/secrets/… must be a project number`, {
        hint: "use the numeric project number (gcloud projects describe PROJECT --format='value(projectNumber)'), not the project id",
        problem: "invalid",
      });
    }
    checkName(secret, where);
    const version = short ?? long ?? "latest";
    checkVersion(version, where);
    return { secret, project, version };
  }
  const parts = value.split(":");
  if (parts.length > 2) {
    throw new SecretRefError(`${where}: expected SECRET:VERSION, found more than one ":"`, {
      hint: "write SECRET:VERSION, e.g. my-secret:latest",
      problem: "invalid",
    });
  }
  const [secret = "", version] = parts;
  if (version === undefined) {
    checkName(secret, where);
    throw new SecretRefError(`${where}: no secret version given; managed Cloud Run requires one`, {
      hint: "write SECRET_NAME:latest (or pin a version number, e.g. SECRET_NAME:3); if that text is the secret's value, put the value in Secret Manager and give its name here",
      problem: "version_missing",
    });
  }
  checkName(secret, where);
  checkVersion(version, where);
  return { secret, version };
}

function checkName(secret: string, where: string): void {
  if (!SECRET_NAME.test(secret)) {
    throw new SecretRefError(`${where}: the secret name is not a valid Secret Manager id`, {
      hint: "secret ids use only letters, digits, '-' and '_' (1-255 characters); for another project write projects/NUMBER/secrets/NAME:VERSION",
      problem: "invalid",
    });
  }
}

function checkVersion(version: string, where: string): void {
  if (!VERSION.test(version)) {
    throw new SecretRefError(`${where}: the secret version is not "latest", a version number or a version alias`, {
      hint: "write SECRET:latest or SECRET:<number>",
      problem: "invalid",
    });
  }
}

/** Where a `secrets` key puts the secret: an env var, or a file under a mount directory. */
export type SecretTarget = { kind: "env"; name: string } | { kind: "file"; mountPath: string; path: string };

// A file name inside a mount. gcloud keeps a ":" in it (there is no DIR:FILE form).
const FILE_NAME = /^[a-zA-Z0-9._:-]+$/;

/**
 * Keys starting with `/` are mount paths, read as gcloud does (flags.py `_ValidatedMountPoint`,
 * config_changes.py `file_path.rsplit('/', 1)`): the last segment is the file, the rest the mount
 * directory, and at least `/<mountPath>/<path>` is needed. `/dir:file` is not another form: gcloud
 * refuses it (one segment), and `/a/dir:file` mounts a file named `dir:file` in `/a`.
 */
export function parseSecretTarget(key: string, inputName = "secrets"): SecretTarget {
  if (key.startsWith("#")) {
    throw new CandidateError(`${inputName}: a line starting with "#" is not a comment; it would be read as a secret entry`, {
      hint: "delete the line; the secrets input has no comments",
    });
  }
  if (!key.startsWith("/")) {
    if (key === "" || /[\s=:\u0000-\u001f]/.test(key)) {
      throw new CandidateError(`${inputName}: the variable name ${printableKey(key)} is not a valid environment variable name`, {
        hint: "write NAME=SECRET:VERSION with a name like JWT_SECRET_KEY (letters, digits, '_'); \"KEY: value\" is not YAML here",
      });
    }
    return { kind: "env", name: key };
  }
  const slash = key.lastIndexOf("/");
  const mountPath = key.slice(0, slash);
  const path = key.slice(slash + 1);
  if (mountPath === "" || path === "") {
    throw new CandidateError(
      `${inputName} entry ${printableKey(key)}: gcloud refuses it ("Mount path must be in the form /<mountPath>/<path>")`,
      { hint: "write /mount/dir/file=SECRET:VERSION, e.g. /secrets/api/key=SECRET:latest; there is no /dir:file form" },
    );
  }
  checkMountPath(mountPath, key, inputName);
  if (!FILE_NAME.test(path) || path === "." || path === "..") {
    throw new CandidateError(`${inputName} entry ${printableKey(key)}: the file name inside the mount is unsafe`, {
      hint: "write /mount/dir/file=SECRET:VERSION (file names use letters, digits, '.', '-', '_')",
    });
  }
  return { kind: "file", mountPath, path };
}

/** Throws when Cloud Run would refuse the mount directory, or it is not a plain absolute path. */
export function checkMountPath(mountPath: string, key: string, inputName: string): void {
  const parts = mountPath.split("/").slice(1);
  const plain = mountPath.startsWith("/") && parts.every((part) => PATH_PART.test(part) && part !== "." && part !== "..");
  if (!plain || mountPath === "/") {
    throw new CandidateError(`${inputName} entry ${printableKey(key)}: the mount directory is not a plain absolute path below /`, {
      hint: "mount secrets in a directory of their own, e.g. /secrets/api/key=SECRET:latest",
    });
  }
  if (isReservedMountPath(mountPath)) {
    throw new CandidateError(`${inputName} entry ${printableKey(key)}: Cloud Run refuses secret mounts under /dev, /proc and /sys`, {
      hint: "mount the secret somewhere else, e.g. /secrets/…",
    });
  }
}

export function isReservedMountPath(mountPath: string): boolean {
  return RESERVED_MOUNT_ROOTS.some((root) => mountPath === root || mountPath.startsWith(`${root}/`));
}

export interface SecretFile {
  mountPath: string;
  path: string;
  ref: SecretRef;
  /** The key as written, for messages. */
  key: string;
}

/** Throws when two different secrets share one mount directory, or one file is given twice. */
export function checkSecretFiles(files: SecretFile[], inputName = "secrets"): void {
  const byDir = new Map<string, SecretFile>();
  const byFile = new Map<string, SecretFile>();
  for (const file of files) {
    const fullPath = `${file.mountPath}/${file.path}`;
    const sameFile = byFile.get(fullPath);
    if (sameFile) {
      throw new CandidateError(
        `${inputName}: ${printableKey(sameFile.key)} and ${printableKey(file.key)} both mount ${printableKey(fullPath)}`,
        { hint: "give each mounted secret its own file path" },
      );
    }
    byFile.set(fullPath, file);
    const sameDir = byDir.get(file.mountPath);
    // gcloud (config_changes.py _UpdateManagedVolumes) compares each later file of a directory with
    // the first one's secretName, which for a secret of another project is a new alias
    // ("abcde-<uuid>"), never the secret's name: a second file there is always refused.
    if (sameDir?.ref.project !== undefined) {
      throw new CandidateError(
        `${inputName}: ${printableKey(sameDir.key)} mounts a secret of another project in ${printableKey(file.mountPath)}, and gcloud refuses ${printableKey(file.key)} in the same directory ("Cannot update secret at [...] because a different secret is already mounted in the same directory"), even for another version of the same secret`,
        { hint: "mount each file of a secret from another project in a directory of its own" },
      );
    }
    if (sameDir && !sameSecret(sameDir.ref, file.ref)) {
      throw new CandidateError(
        `${inputName}: ${printableKey(sameDir.key)} and ${printableKey(file.key)} mount two different secrets in ${printableKey(file.mountPath)}; Cloud Run allows one secret per mount directory`,
        { hint: "mount each secret in a directory of its own" },
      );
    }
    byDir.set(file.mountPath, file);
  }
}

export function sameSecret(a: SecretRef, b: SecretRef): boolean {
  return a.secret === b.secret && a.project === b.project;
}

export function isValidSecretVersion(version: string): boolean {
  return VERSION.test(version);
}

/**
 * `projects/PROJECT/secrets/NAME` as in the run.googleapis.com/secrets annotation; undefined otherwise.
 * gcloud writes the project number; the API also takes a project id (Google's run-gmp-sidecar sample).
 */
export function parseRemoteSecretPath(path: string): { project: string; secret: string } | undefined {
  const match = /^projects\/([0-9]{1,19}|[a-z][a-z0-9-]{4,28}[a-z0-9])\/secrets\/([a-zA-Z0-9_-]{1,255})$/.exec(path);
  return match ? { project: match[1] as string, secret: match[2] as string } : undefined;
}
