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
