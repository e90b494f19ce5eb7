import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { renderFiles } from "../../monitoring/files";
import { containerPath, DOCKER_RENDER, MOUNTS } from "../../monitoring/layout";
import { ROOT } from "../helpers/pulumi-program";
import { settingsOf, tmpDir } from "../helpers/tools";

const render = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "cli/render.ts"), ...args], { cwd: ROOT, encoding: "utf8" });

const listFiles = (dir: string): string[] =>
  fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)))
    .sort();

describe("render", () => {
  for (const stack of ["dev", "prod"]) {
    it(`writes the ${stack} tree exactly as renderFiles returns it`, () => {
      const out = tmpDir();
      const r = render("--stack", stack, "--out", out);
      assert.equal(r.status, 0, r.stderr);
      const tree = renderFiles(settingsOf(stack));
      assert.deepEqual(listFiles(out), Object.keys(tree).sort());
      for (const [file, content] of Object.entries(tree)) assert.equal(fs.readFileSync(path.join(out, file), "utf8"), content, file);
      const prom = parseYaml(tree["prometheus/prometheus.yml"]);
      assert.deepEqual(prom.rule_files, ["rules/*.yml"]);
    });
  }

  it("places every file under a known container mount", () => {
    for (const stack of ["dev", "prod"]) {
      for (const file of Object.keys(renderFiles(settingsOf(stack)))) {
        const root = Object.keys(MOUNTS).find((m) => file.startsWith(`${m}/`));
        assert.ok(root, `${file} has no mount`);
        assert.ok(containerPath(file).startsWith("/"), file);
      }
    }
  });

  it("scrapes every service with targets under its conventional job, with plane and service labels", () => {
    const settings = settingsOf("prod");
    const prom = parseYaml(renderFiles(settings, DOCKER_RENDER)["prometheus/prometheus.yml"]);
    for (const svc of settings.services) {
      const job = prom.scrape_configs.find((j: { job_name: string }) => j.job_name === svc.job);
      assert.ok(job, `no scrape job ${svc.job}`);
      assert.deepEqual(job.static_configs[0].labels, { service: svc.name, plane: svc.plane, team: svc.team });
    }
    assert.ok(prom.scrape_configs.some((j: { job_name: string }) => j.job_name === "app-plane-cns-service"));
  });

  it("removes files an earlier render left behind", () => {
    const out = tmpDir();
    fs.mkdirSync(path.join(out, "prometheus/rules"), { recursive: true });
    fs.writeFileSync(path.join(out, "prometheus/rules/stale.yml"), "groups: []\n");
    assert.equal(render("--stack", "dev", "--out", out).status, 0);
    assert.ok(!fs.existsSync(path.join(out, "prometheus/rules/stale.yml")));
  });

  it("renders any stack file given with --config", () => {
    const out = tmpDir();
    const r = render("--config", path.join(ROOT, "Pulumi.dev.yaml"), "--out", out);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(fs.existsSync(path.join(out, "prometheus/prometheus.yml")));
  });

  it("fails with a usage message for a missing stack or folder", () => {
    const missing = render("--stack", "nope", "--out", tmpDir());
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /--stack nope: no stack file Pulumi\.nope\.yaml; stacks here: dev, prod/);
    const noOut = render("--stack", "dev");
    assert.equal(noOut.status, 2);
    assert.match(noOut.stderr, /--out <dir>/);
  });

  it("fails on a bad stack file, naming key and value, and writes nothing", () => {
    const dir = tmpDir();
    const file = path.join(dir, "Pulumi.bad.yaml");
    fs.writeFileSync(file, "config:\n  ananta-monitoring:environment: bad\n  ananta-monitoring:services:\n    - {name: cns-service, plane: data}\n");
    const out = path.join(dir, "out");
    const r = render("--config", file, "--out", out);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /ananta-monitoring:services\[0\]\.plane = "data": must be one of: control, app/);
    assert.ok(!fs.existsSync(out));
  });

  it("names the file, line and column of a YAML syntax error in one line, without a stack trace", () => {
    const dir = tmpDir();
    const file = path.join(dir, "Pulumi.broken.yaml");
    fs.writeFileSync(file, "config:\n  ananta-monitoring:environment: dev\n  ananta-monitoring:services: [{name: cns-service, plane: app}\n  ananta-monitoring:slo: {}\n");
    const r = render("--config", file, "--out", path.join(dir, "out"));
    assert.equal(r.status, 2);
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:4:3: not valid YAML: `));
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    assert.ok(!fs.existsSync(path.join(dir, "out")));
  });

  it("names a stack file that does not exist", () => {
    const file = path.join(tmpDir(), "Pulumi.missing.yaml");
    const r = render("--config", file, "--out", tmpDir());
    assert.equal(r.status, 2);
    assert.equal(r.stderr.trim().split("\n")[0], `${file}: no such stack file`);
  });
});
