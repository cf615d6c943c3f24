// A service YAML that still holds a GitHub Actions expression: the runner expands ${{ … }} only in
// workflow files, so a committed service.yaml with one deploys the text as written.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the tests are about literal ${{ … }} expressions
import { describe, expect, it } from "vitest";
import { candidateFromServiceYaml } from "../../src/candidate/service-yaml.js";
import { InputError } from "../../src/errors.js";

const service = (image: string, env: string) => `apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: svc
spec:
  template:
    spec:
      containers:
      - image: ${image}
        env:
        - {name: DB_PASSWORD, value: ${env}}
        command: ['sh', '-c', 'echo \${HOME} $PATH']
`;
const read = (text: string) => candidateFromServiceYaml(text, "service.yaml", { project: "p", region: "r" });

describe("GitHub Actions expressions in a service YAML", () => {
  it.each([
    ["${{ env.IMAGE }}", "'x'"],
    ["'${{ env.IMAGE }}'", "'x'"],
    ["img", "'${{ secrets.DB_PASSWORD }}'"],
    ["img", '"${{secrets.DB_PASSWORD}}"'],
  ])("image %s, env value %s: a template, with its line", (image, env) => {
    expect(() => read(service(image, env))).toThrow(InputError);
    expect(() => read(service(image, env))).toThrow(/^service\.yaml:(9|11): this file is a template: render it before the gate/);
  });

  it("an env value's expression is not quoted back", () => {
    expect(() => read(service("img", "'${{ secrets.DB_PASSWORD }}'"))).toThrow(/an env value holds a placeholder\)$/);
  });

  it("a rendered file passes, and shell in command stays shell", () => {
    expect(read(service("us-docker.pkg.dev/p/r/app:1", "'x'")).notes).toEqual([]);
  });
});
