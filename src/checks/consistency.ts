// "The same JWT_SECRET_KEY on every service" (incident 2), compared by keyed
// fingerprint so no value is ever shown. Pure.
import type { MemberValue } from "../facts.js";
import type { Manifest } from "../manifest/load.js";
import type { Finding } from "../model.js";

export function checkConsistency(groups: Manifest["consistent"], values: ReadonlyMap<string, MemberValue>): Finding[] {
  return groups.map((group) => {
    const names = group.members.map((member) => `${member.service}.${member.env}`);
    const subject = names.join(" = ");
    const unavailable = names.flatMap((name) => {
      const value = values.get(name);
      return !value ? [`${name}: not read`] : "unavailable" in value ? [`${name}: ${value.unavailable}`] : [];
    });
    if (unavailable.length > 0) {
      return {
        id: "consistent.unverifiable",
        status: "error",
        subject,
        location: group.location,
        message: `cannot compare ${subject}: ${unavailable.join("; ")}`,
      };
    }
    // A member whose serving revisions disagree cannot match anything: each request may reach either.
    const fingerprints = names.map((name) => {
      const value = values.get(name);
      return value && "fingerprint" in value ? value.fingerprint : undefined;
    });
    const distinct = new Set(fingerprints);
    if (distinct.size === 1 && !distinct.has(undefined)) {
      return {
        id: "consistent.match",
        status: "pass",
        subject,
        location: group.location,
        message: `${subject} hold the same value (fingerprint ${fingerprints[0]})`,
      };
    }
    return {
      id: "consistent.mismatch",
      status: "fail",
      subject,
      location: group.location,
      message: `${subject} do not hold the same value`,
      found: names
        .map((name, index) => {
          const value = values.get(name);
          return value && "differs" in value ? `${name}=(${value.differs.join(", ")})` : `${name}=${fingerprints[index]}`;
        })
        .join(", "),
      hint: "point every service at the same Secret Manager secret (and version)",
    };
  });
}
