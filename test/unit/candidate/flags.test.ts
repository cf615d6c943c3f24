import { describe, expect, it } from "vitest";
import { type DeployFlags, extractDeployFlags, parseGcloudDict, parseGcloudList, splitFlagWords } from "../../../src/candidate/flags.js";
import { InputError } from "../../../src/errors.js";

describe("splitFlagWords (actions-utils parseFlags)", () => {
  const cases: [input: string, words: string[]][] = [
    ["", []],
    ["--a=1 --b 2", ["--a", "1", "--b", "2"]],
    ["--a=x=y", ["--a", "x=y"]],
    ["--cpu=2\n--memory=1Gi", ["--cpu", "2", "--memory", "1Gi"]],
    ['--set-env-vars="A=1,B=two words"', ["--set-env-vars", "A=1,B=two words"]],
    ["--set-env-vars='A=1'", ["--set-env-vars", "A=1"]],
    ['--set-env-vars=A="x y"', ["--set-env-vars", 'A="x y"']],
    // Wrapping quotes are stripped repeatedly, mixed kinds included.
    ['--x=""\'a\'""', ["--x", "a"]],
    ['--x="a"b', ["--x", '"a"b']],
    ["--x='\"a\"'", ["--x", "a"]],
    ['--x="a\\"b"', ["--x", 'a\\"b']],
    // A tab does not split, so the "=" ends a flag name that contains the tab.
    ["--x\tA=1", ["--x\tA", "1"]],
    ["   --a   ", ["--a"]],
    ["positional=1", ["positional=1"]],
    ["--a= --b", ["--a", "--b"]],
  ];
  it.each(cases)("%j", (input, words) => {
    expect(splitFlagWords(input)).toEqual(words);
  });

  it("refuses unterminated quotes as deploy-cloudrun does", () => {
    expect(() => splitFlagWords('--a="x')).toThrow(InputError);
    expect(() => splitFlagWords("--a='x")).toThrow(/unterminated single quote/);
  });
});

describe("parseGcloudList / parseGcloudDict", () => {
  it.each([
    ["a,b", ["a", "b"]],
    ["a,b,", ["a", "b"]],
    ["a,,b", ["a", "", "b"]],
    ["", []],
    ["^;^a,b;c", ["a,b", "c"]],
    ["^:^a:b", ["a", "b"]],
    ["^||^x||y", ["x", "y"]],
  ])("list %j", (value, expected) => {
    expect(parseGcloudList(value, "--x")).toEqual(expected);
  });

  it("refuses an empty ^^ delimiter", () => {
    expect(() => parseGcloudList("^^a", "--x")).toThrow(/\^DELIM\^/);
    expect(() => parseGcloudList("^^a", "--x")).toThrow(InputError);
  });

  // `gcloud topic escaping`: "Just one '^' has no special meaning: --list-flag=^a,b,c # => ['^a', 'b', 'c']"
  // (arg_parsers.ArgList only switches delimiter when a second "^" follows).
  it.each([
    ["^a,b,c", ["^a", "b", "c"]],
    ["^", ["^"]],
    // (ArgList's docstring says [",b"]; its code splits "^a^,b,c" on "," to these.)
    ["^,^^a^,b,c", ["^a^", "b", "c"]],
  ])("a lone ^ is an ordinary character: %j", (value, expected) => {
    expect(parseGcloudList(value, "--x")).toEqual(expected);
  });

  it("reads a lone leading ^ as part of the first name, as gcloud does", () => {
    expect(parseGcloudDict("^A=1,B=2", "--update-env-vars")).toEqual({ "^A": "1", B: "2" });
  });

  // arg_parsers.ArgDict matches each item with `([^=]+)([=]?)(.*)`: no name, no match, "Invalid flag value".
  it.each(["=x", "A=1,=2", "^;^A=1;=b"])("dict %j refuses an item with an empty name", (value) => {
    expect(() => parseGcloudDict(value, "--update-env-vars")).toThrow(/Invalid flag value/);
  });

  it.each([
    ["A=1,B=x=y", { A: "1", B: "x=y" }],
    [" A = 1 ", { " A ": " 1 " }],
    ["^@^A=1,2@B=3", { A: "1,2", B: "3" }],
    ["A=1,A=2", { A: "2" }],
  ])("dict %j", (value, expected) => {
    expect(parseGcloudDict(value, "--x")).toEqual(expected);
  });

  it.each(["A", "A=1,,B=2", "A=1,B"])("dict %j refuses an item without =", (value) => {
    expect(() => parseGcloudDict(value, "--set-env-vars")).toThrow(/Bad syntax for dict arg/);
  });
});

describe("extractDeployFlags", () => {
  const cases: [input: string, expected: DeployFlags][] = [
    ["", { env: {}, secrets: {} }],
    ["--cpu=2 --max-instances=3", { env: {}, secrets: {} }],
    ["--set-env-vars=A=1,B=2", { env: { set: { A: "1", B: "2" } }, secrets: {} }],
    ["--update-env-vars A=1", { env: { update: { A: "1" } }, secrets: {} }],
    ["--update-env-vars=A=1 --update-env-vars=B=2", { env: { update: { A: "1", B: "2" } }, secrets: {} }],
    ["--remove-env-vars=A,B --remove-env-vars C", { env: { remove: ["A", "B", "C"] }, secrets: {} }],
    ["--clear-env-vars --clear-secrets", { env: { clear: true }, secrets: { clear: true } }],
    ["--env-vars-file=env.yaml", { env: { file: true, filePath: "env.yaml" }, secrets: {} }],
    ["--set-secrets=JWT=jwt:latest,/s/k=k:1", { env: {}, secrets: { set: { JWT: "jwt:latest", "/s/k": "k:1" } } }],
    ["--update-secrets=^;^A=a:1;B=b:2", { env: {}, secrets: { update: { A: "a:1", B: "b:2" } } }],
    ["--remove-secrets=A,/s/k", { env: {}, secrets: { remove: ["A", "/s/k"] } }],
    ["--service-account=sa@p.iam.gserviceaccount.com", { env: {}, secrets: {}, serviceAccount: "sa@p.iam.gserviceaccount.com" }],
    ['--service-account "sa@p.iam.gserviceaccount.com"', { env: {}, secrets: {}, serviceAccount: "sa@p.iam.gserviceaccount.com" }],
    ["--cpu 2\n--set-env-vars='A=x y'", { env: { set: { A: "x y" } }, secrets: {} }],
  ];
  it.each(cases)("%j", (input, expected) => {
    expect(extractDeployFlags(input)).toEqual(expected);
  });

  it("refuses a value flag at the end with no value", () => {
    expect(() => extractDeployFlags("--cpu=1 --set-secrets")).toThrow(/--set-secrets has no value/);
  });
});
