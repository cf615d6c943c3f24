// What a name or a value looks like, as collect/, checks/ and probes/ all
// need to know it: collect records the fact (a value is a development
// fallback), checks judge it, and nobody reads the rule from another stage.
// Pure.

/**
 * Names that look like they hold a credential: besides SECRET, KEY, TOKEN and PASSWORD, the words secret
 * scanners key on (passw, pwd, creds, apikey): DB_PASS, MYSQL_PWD, SMTP_PASSPHRASE, PAYMENT_APIKEY. A
 * password a person chose has no random shape to give it away, so its name is all there is to go by.
 */
export const SECRET_SHAPED_NAME = /SECRET|_KEY$|^KEY$|APIKEY|TOKEN|PASSW|PASSPHRASE|(^|_)PASS(_|$)|(^|_)PWD(_|$)|CREDENTIAL|CREDS|PRIVATE/i;

const DEV_FALLBACK_PATTERNS = [
  /^(secret|changeme|change-me|password|jwt[-_]?secret|your[-_]?secret[-_]?key|supersecret|default|test|dev|development|local)$/i,
  // Words as whole parts of the value, so a random key that happens to contain "dev" is not flagged.
  /(^|[-_. :])(dev|development|local|test|testing|insecure|fallback|placeholder|example|dummy|changeme|change[-_]me|do[-_]?not[-_]?use|not[-_]?for[-_]?prod(uction)?)([-_. :]|$)/i,
  /^(.)\1+$/, // one repeated character
  /^(x+|0+|1234567890?)+$/i,
];

/** Whether a secret value looks like a fallback or placeholder rather than a random key. */
export function isDevFallback(value: string, extraDenylist: readonly string[] = []): boolean {
  return extraDenylist.includes(value) || DEV_FALLBACK_PATTERNS.some((pattern) => pattern.test(value));
}

/**
 * A secret-named parameter or field with a value: in a query or connection string (`password=`,
 * `db_password=`, `Db.Password=`), in JSON or YAML config (`"password": "…"`, `secret: …`), in a header
 * (`Authorization: …`). The name may carry a prefix (`db_`, `smtp.`), never be part of a word (`bypass=`);
 * a colon counts after a quote or before a space only, so a secret ref `jwt-secret:latest` is not one.
 * Groups: 1 everything before the value, 2 the value.
 */
export const SECRET_PARAMETER =
  /((?:^|[?&;,{\s"'])(?:[\w.-]*[_.-])?(?:password|passwd|pwd|pass|passphrase|token|access_token|refresh_token|id_token|api_?key|access_?key|secret_?key|private_?key|key|secret|client_secret|credentials?|sig|signature|accountkey|sharedaccesskey|auth|authorization)(?:["']?\s*=|["']\s*:|:\s)\s*["']?)([^\s"',;&}]+)/i;
/** Issuers' own token formats: AWS, GitHub, Slack, Stripe, OpenAI, Google, GitLab, npm; bearer and basic headers. */
export const ISSUED_TOKEN = new RegExp(
  [
    "\\b(AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[A-Z0-9]{16}\\b",
    "\\bgh[pousr]_[A-Za-z0-9]{20,}",
    "\\bgithub_pat_[A-Za-z0-9_]{20,}",
    "\\bxox[abposr]-[A-Za-z0-9-]{10,}",
    "\\b[spr]k_(live|test)_[A-Za-z0-9]{10,}",
    "\\bsk-[A-Za-z0-9_-]{20,}",
    "\\bAIza[0-9A-Za-z_-]{30,}",
    "\\bya29\\.[0-9A-Za-z_-]{10,}",
    "\\bglpat-[0-9A-Za-z_-]{20,}",
    "\\bnpm_[A-Za-z0-9]{30,}",
    // RFC 6750 b64token: letters, digits, - . _ ~ + / and trailing =.
    "\\b(Bearer|Basic)\\s+[A-Za-z0-9+/=_.~-]{8,}",
    '"private_key"\\s*:',
  ].join("|"),
);
