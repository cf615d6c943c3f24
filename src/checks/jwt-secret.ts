// Is the JWT signing secret the revision uses strong enough, and not a
// development fallback (incident 3's 49-char fallback was one)? Pure.
import { lookupEnv, targetContainer } from "../containers.js";
import { type SecretFacts, type SecretValueFacts, secretKey } from "../facts.js";
import type { ServiceRequirement } from "../manifest/load.js";
import { isHmacAlgorithm } from "../manifest/schema.js";
import type { Finding, RevisionConfig } from "../model.js";
import { describeRevision } from "./describe.js";
import { elsewhereMessage } from "./containers.js";

/** RFC 7518 §3.2: an HMAC key at least as long as the hash output. */
export const MIN_HMAC_KEY_BYTES = { HS256: 32, HS384: 48, HS512: 64 } as const;

/**
 * `value`: the signing secret's facts when they are known; `secrets`: the vault's facts, to tell a
 * value that could not be read (cannot verify) from one nothing asked for (the previous revision's).
 */
export function checkJwtSecret(
  config: RevisionConfig,
  requirement: ServiceRequirement,
  value: SecretValueFacts | undefined,
  secrets: SecretFacts = new Map(),
): Finding[] {
  const jwt = requirement.jwt;
  if (!jwt) return [];
  const base = { subject: jwt.secret_env, location: jwt.location };
  const target = targetContainer(config, requirement);
  const { entry, elsewhere } = lookupEnv(config, jwt.secret_env, target);
  if (!entry) {
    const onOther = elsewhereMessage(config, jwt.secret_env, target, elsewhere);
    return [
      {
        ...base,
        id: "jwt.secret_missing",
        status: "fail",
        message: onOther
          ? `${jwt.secret_env}, the JWT signing secret: ${onOther}`
          : `${jwt.secret_env}, the JWT signing secret, is not set on ${describeRevision(config)}: the backend cannot verify any token`,
        hint: isHmacAlgorithm(jwt.alg)
          ? `set ${jwt.secret_env} from Secret Manager (a random value of ${MIN_HMAC_KEY_BYTES[jwt.alg]}+ bytes)`
          : `set ${jwt.secret_env} from Secret Manager (the ${jwt.alg} private key the backend's public key matches)`,
      },
    ];
  }
  const findings: Finding[] = [];
  if (!entry.secret) {
    findings.push({
      ...base,
      id: "jwt.secret_plain_text",
      status: "warn",
      message: `${jwt.secret_env} is a plain env var; anyone who can read the service config can mint tokens`,
      hint: "store it in Secret Manager",
    });
  }
  // Set but empty (proto3 JSON leaves an empty value out): the backend verifies with no key at all.
  if (!entry.secret && !entry.value) {
    findings.push({
      ...base,
      id: "jwt.weak_secret",
      status: "fail",
      message: `${jwt.secret_env}, the JWT signing secret, is set but empty on ${describeRevision(config)}`,
      hint: "generate a real secret: openssl rand -base64 64",
    });
    return findings;
  }
  // Key length rules here are HMAC's; an asymmetric key's strength is the key type's business.
  if (!isHmacAlgorithm(jwt.alg)) return findings;
  if (!value) {
    // A ref whose version is broken is reported by the secret checks; a read that failed is "cannot verify".
    const fact = entry.secret ? secrets.get(secretKey(entry.secret, config.project)) : undefined;
    if (fact?.state.status === "ok" && fact.valueError)
      findings.push({
        ...base,
        id: "jwt.secret_unverifiable",
        status: "error",
        message: `cannot verify the strength of ${jwt.secret_env}, the JWT signing secret: its value could not be read (${fact.valueError})`,
        hint: "grant the gate's identity roles/secretmanager.secretAccessor on the secret",
      });
    return findings;
  }
  const minimum = MIN_HMAC_KEY_BYTES[jwt.alg];
  if (value.devFallback) {
    findings.push({
      ...base,
      id: "jwt.weak_secret",
      status: "fail",
      message: `${jwt.secret_env} on ${describeRevision(config)} is a development fallback or placeholder value`,
      hint: "generate a real secret: openssl rand -base64 64",
    });
  } else if (value.byteLength < minimum) {
    findings.push({
      ...base,
      id: "jwt.weak_secret",
      status: "fail",
      message: `${jwt.secret_env} is shorter than ${minimum} bytes, the minimum for ${jwt.alg} (RFC 7518 §3.2)`,
      hint: "generate a real secret: openssl rand -base64 64",
    });
  } else {
    findings.push({
      ...base,
      id: "jwt.secret_strength",
      status: "pass",
      message: `${jwt.secret_env} is at least ${minimum} bytes and not a known fallback (fingerprint ${value.fingerprint})`,
    });
  }
  return findings;
}
