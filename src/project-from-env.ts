// The project a job's environment names, read the one way both the inputs and
// the Application Default Credentials read it.

/**
 * What google-github-actions/auth exports for later steps (it sets all five), in gcloud's order
 * of precedence; blank values are skipped. The caller validates the name before it reaches a URL.
 */
export const PROJECT_ENV_VARS = [
  "CLOUDSDK_CORE_PROJECT",
  "CLOUDSDK_PROJECT",
  "GOOGLE_CLOUD_PROJECT",
  "GCLOUD_PROJECT",
  "GCP_PROJECT",
] as const;

export function projectFromEnv(env: Readonly<Record<string, string | undefined>>): string | undefined {
  for (const name of PROJECT_ENV_VARS) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return undefined;
}
