// Every expected hash below was produced by azure-ai-ml 1.10.0 itself, through the aml-sdk-oracle's
// `sdk-bodies` (load_job + jobs.create_or_update with only the network edge recorded). Regenerate:
//   sdk-bodies --out OUT test/fixtures/sdk-hashes/pipeline.yml
//   T=$(mktemp -d) && cp -r test/fixtures/sdk-hashes/. $T && (cd $T/trees && ln -s a.txt links/link.txt &&
//     ln -s ../shared-lib links/linkdir && mkdir links/empty && cp gitignored/gitignore.txt gitignored/.gitignore &&
//     cp both-ignores/gitignore.txt both-ignores/.gitignore && ln -s data-real data-link && ln -s code-real code-link)
//   sdk-bodies --out OUT $T/trees-pipeline.yml
// then read codes[].body.properties (hash_sha256; codeUri's LocalUpload/<md5>), job_body.properties.inputs,
// components[].path and environments[].path; component-specs.json holds the componentSpec bodies.
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  ANONYMOUS_HASH_OMITTED_KEYS,
  anonymousBuildEnvironmentVersion,
  anonymousComponentVersion,
  anonymousImageEnvironmentVersion,
  codeHashQuery,
  componentCodeIgnoreRules,
  componentIgnoreRules,
  condaFileText,
  contentHash,
  type Dumpable,
  dumpPyYaml,
  folderIgnoreRules,
  hashDict,
  type JsonLike,
  listUploadFiles,
  localDataUri,
  localUploadPath,
  objectHash,
  type PyScalar,
  pythonJsonDumps,
} from "../../shared/compile/pipeline/sdkHashes";
import { REPO_ROOT } from "../support/samples";

const FIXTURE = join(REPO_ROOT, "test", "fixtures", "sdk-hashes");
const at = (...parts: string[]) => join(FIXTURE, ...parts);
const SPECS = JSON.parse(readFileSync(at("component-specs.json"), "utf8")) as Record<
  string,
  { [key: string]: JsonLike }
>;

const RECORDED_CONDA =
  "channels:\n- conda-forge\ndependencies:\n- python=3.10\n- pip=23.2\n- pip:\n  - mlflow==2.6.0\n  - azureml-mlflow\n" +
  "  - --extra-index-url https://pkgs.dev.azure.com/example-organisation/example-project/_packaging/feed/pypi/simple/\n" +
  "  - --trusted-host example.invalid --find-links https://example.invalid/wheels --pre\n    --no-deps\n" +
  "name: sdk-hashes-env\nvariables:\n  ANSWER: true\n  CAFE: \"caf\\xE9\"\n  COLON: 'a: b'\n  COUNT: 3\n  EMPTY: ''\n" +
  "  NOTHING: null\n  QUOTED: 'yes'\n  RATIO: 1.0\n";

describe("code content hash (get_content_hash, hash_version 202208)", () => {
  const code = at("code");

  it("matches the SDK for a component's code folder with .amlignore, nested and empty files", () => {
    expect(contentHash(code, componentIgnoreRules(code))).toBe(
      "3fe38737b3ed89b1e7f7dc0a1796fb0ebed7606f20d59b5d5d4cb90757a9bbd5",
    );
    const src = at("component-src");
    expect(contentHash(src, componentIgnoreRules(src))).toBe(
      "7c31f0922ef624de89c1738fea2f2e49b3c2e6b524ae4ec03551eb12a29208e2",
    );
  });

  it("keeps what .amlignore keeps, re-includes negated files and always drops __pycache__ from component code", () => {
    const files = listUploadFiles(code, componentIgnoreRules(code))
      .map((f) => f.relative)
      .sort();
    expect(files).toEqual([
      ".amlignore",
      "B.txt",
      "a.txt",
      "keep.tmp",
      "main.py",
      "sub/deeper/empty.txt",
      "sub/nested.py",
      "sub/root-only.md",
    ]);
  });

  it("is the query the SDK looks an existing code version up by", () => {
    expect(codeHashQuery("3fe3")).toBe("hash=3fe3&hashVersion=202208");
  });
});

describe("edge cases the SDK hashed in a tree with links, an empty folder and .gitignore files", () => {
  let trees = "";
  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), "sdk-hashes-"));
    cpSync(FIXTURE, dir, { recursive: true });
    trees = join(dir, "trees");
    const t = (p: string) => join(trees, p);
    symlinkSync("a.txt", t("links/link.txt"));
    symlinkSync("../shared-lib", t("links/linkdir"));
    mkdirSync(t("links/empty"));
    copyFileSync(t("gitignored/gitignore.txt"), t("gitignored/.gitignore"));
    copyFileSync(t("both-ignores/gitignore.txt"), t("both-ignores/.gitignore"));
    symlinkSync("data-real", t("data-link"));
    symlinkSync("code-real", t("code-link"));
  });
  afterAll(() => {
    rmSync(join(trees, ".."), { recursive: true, force: true });
  });

  const codeHashes = (name: string) => {
    const rules = componentCodeIgnoreRules(trees, name, "command");
    const real = realpathSync(join(trees, name));
    return [contentHash(join(trees, name), rules), localUploadPath(real, objectHash(real, rules))];
  };

  it.each([
    [
      "links",
      "0d9b50a498da16f031e47e24eccd5236ab0cf2bc4bf2b0dfe6400a8d8c3e7a5a",
      "LocalUpload/c2065cff1ecd2a27f79662a2eafa5213/links",
    ],
    [
      "gitignored",
      "baa9cd1291c53c3e77e7c3d43299f97b52129c28fcc696b5dc9df83b6189ec2c",
      "LocalUpload/8d2486d23e845f80a8fd2d5c85720e15/gitignored",
    ],
    [
      "both-ignores",
      "9e71657a1b395e52bd162549123efba6fe4e6aff63f5e21bf097e6b4e4da1ff4",
      "LocalUpload/b11f95258c79d8447135ecea73a69171/both-ignores",
    ],
    [
      "patterns",
      "8770268979768c1b63c2ca3ca79b44d7a27b840ff97fcf94a1e20979b18ab5e3",
      "LocalUpload/f397f5de22348632b6eda614a26d9471/patterns",
    ],
    [
      "names",
      "ea054b112031097dd93c17cc5cb8c5341d80f908ead5289ad8608a453db9d35d",
      "LocalUpload/77f4acf4b646babcdeb3769e1fefdad7/names",
    ],
    [
      "code-link",
      "ddca76b539bcb7b87f7f020192bd59b45c2ec4fb9719566d453cd6dddaf6900d",
      "LocalUpload/0814991c175b35c21b761aea1eb1f244/code-real",
    ],
    [
      "single.py",
      "9d3e63914b4dbc57a3720c63ed4a37e0239147ef762c5bd7fa1fc945938b2df3",
      "LocalUpload/f705a3b62b12d201fe7553bc3dddaf64/single.py",
    ],
  ])("hashes component code %s as the SDK does", (name, sha256, upload) => {
    expect(codeHashes(name)).toEqual([sha256, upload]);
  });

  it("follows links to files and folders, and counts an empty folder's name only in the upload hash", () => {
    const rules = componentIgnoreRules(join(trees, "links"));
    expect(
      listUploadFiles(join(trees, "links"), rules)
        .map((f) => f.relative)
        .sort(),
    ).toEqual(["a.txt", "link.txt", "linkdir/lib.py", "sub/b.txt"]);
    rmSync(join(trees, "links", "empty"), { recursive: true });
    expect(contentHash(join(trees, "links"), rules)).toBe(
      "0d9b50a498da16f031e47e24eccd5236ab0cf2bc4bf2b0dfe6400a8d8c3e7a5a",
    );
    expect(objectHash(join(trees, "links"), rules)).not.toBe("c2065cff1ecd2a27f79662a2eafa5213");
    mkdirSync(join(trees, "links", "empty"));
  });

  it("anchors a command component's rules at the link's target, so `/top.txt` still applies", () => {
    const asWritten = componentIgnoreRules(join(trees, "code-link"));
    expect(contentHash(join(trees, "code-link"), asWritten)).not.toBe(
      "ddca76b539bcb7b87f7f020192bd59b45c2ec4fb9719566d453cd6dddaf6900d",
    );
  });

  it.each([
    [
      "data-link",
      "azureml://datastores/workspaceblobstore/paths/LocalUpload/780ddb12ba65a1a0303b81d8985b67fb/data-real/",
    ],
    [
      "patterns",
      "azureml://datastores/workspaceblobstore/paths/LocalUpload/6773b0d631f35964cc7a5891c6721adc/patterns/",
    ],
    [
      "links",
      "azureml://datastores/workspaceblobstore/paths/LocalUpload/c2065cff1ecd2a27f79662a2eafa5213/links/",
    ],
  ])("names local data folder %s by its resolved path and its own ignore file", (name, uri) => {
    const real = realpathSync(join(trees, name));
    expect(localDataUri(real, objectHash(real, folderIgnoreRules(real)), true)).toBe(uri);
  });
});

describe("upload folder of local data and code (get_object_hash)", () => {
  it("names a data file and a data folder as the job body does", () => {
    const file = at("data", "one.csv");
    const folder = at("data", "folder");
    expect(localDataUri(file, objectHash(file, folderIgnoreRules(file)), false)).toBe(
      "azureml://datastores/workspaceblobstore/paths/LocalUpload/4f86a53f7938d25043f0f2b5bd28e790/one.csv",
    );
    expect(localDataUri(folder, objectHash(folder, folderIgnoreRules(folder)), true)).toBe(
      "azureml://datastores/workspaceblobstore/paths/LocalUpload/19d4feeff32840478efa95606db53d0c/folder/",
    );
  });

  it("gives code folders the hash the SDK passes to the upload", () => {
    const code = at("code");
    expect(objectHash(code, componentIgnoreRules(code))).toBe("69a86a0579b2d217c7395561ea98ace4");
    const src = at("component-src");
    expect(objectHash(src, componentIgnoreRules(src))).toBe("2c6326d4af21df4177a5f36d1bbac80c");
  });
});

describe("anonymous component version (Component._get_anonymous_hash)", () => {
  it.each([
    ["inline_cmd", "3c01953f-857e-a012-0332-5915902016bf"],
    ["from_file", "49de8817-d6f5-c396-5220-31b114ebb8c5"],
    ["docker_build", "c17b7768-9100-ffdc-5c9d-efdfa24426a4"],
    ["by_key", "880703b3-5c56-4ccf-9604-56824868b64f"],
    ["nested", "82dfbcba-ea3b-a08c-33d1-1b78e1f34ba5"],
  ])(
    "reproduces the %s component's version from the componentSpec the SDK sent",
    (name, version) => {
      expect(anonymousComponentVersion(SPECS[name]!)).toBe(version);
    },
  );

  it("ignores name, version, id and _source but not the command", () => {
    const spec = SPECS.inline_cmd!;
    const version = anonymousComponentVersion(spec);
    expect(
      anonymousComponentVersion({ ...spec, name: "x", version: "9", id: "y", _source: "CLASS" }),
    ).toBe(version);
    expect(anonymousComponentVersion({ ...spec, command: "python other.py" })).not.toBe(version);
  });

  it("hashes a parallel component's partition_keys as the list, not the JSON string it sends", () => {
    const spec = SPECS.by_key!;
    expect(typeof spec.partition_keys).toBe("string");
    expect(
      hashDict({ ...spec, partition_keys: ["Store", "Brand"] }, ANONYMOUS_HASH_OMITTED_KEYS),
    ).toBe("880703b3-5c56-4ccf-9604-56824868b64f");
    expect(hashDict(spec, ANONYMOUS_HASH_OMITTED_KEYS)).not.toBe(
      "880703b3-5c56-4ccf-9604-56824868b64f",
    );
  });

  it("writes JSON as Python's json.dumps(sort_keys=True) does", () => {
    expect(pythonJsonDumps({ b: [1, 0.5, 1e-7], a: "é😀", B: null, c: { z: true } })).toBe(
      '{"B": null, "a": "\\u00e9\\ud83d\\ude00", "b": [1, 0.5, 1e-07], "c": {"z": true}}',
    );
  });
});

describe("anonymous environment (Environment._generate_anonymous_name_version)", () => {
  it("re-serialises a conda file byte for byte: comments gone, keys sorted, name kept, quoting and folding of PyYAML", () => {
    expect(condaFileText(readFileSync(at("conda.yml"), "utf8"))).toBe(RECORDED_CONDA);
  });

  it("versions an image with a conda file, and an image alone", () => {
    const image = "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04";
    expect(anonymousImageEnvironmentVersion({ image, condaFile: RECORDED_CONDA })).toBe(
      "5290f88e0260e98cda822a857cced5a0",
    );
    expect(anonymousImageEnvironmentVersion({ image: `${image}:latest` })).toBe(
      "baf18218754be5571da6e579a0c774b5",
    );
  });

  it("versions a Docker build context from its upload hash", () => {
    const context = at("docker-context");
    const uploadHash = objectHash(context, folderIgnoreRules(context));
    expect(uploadHash).toBe("2216a1bbe6675379c95ffa0c340b5f03");
    expect(anonymousBuildEnvironmentVersion(uploadHash)).toBe("a896e30f7f171e31aadad9e53ea6b2bf");
    expect(anonymousBuildEnvironmentVersion(uploadHash, "Dockerfile")).not.toBe(
      "a896e30f7f171e31aadad9e53ea6b2bf",
    );
  });

  it("dumps floats, empty collections and long keys as PyYAML does", () => {
    const long = "k".repeat(130);
    const value = new Map<PyScalar, Dumpable>([
      ["f", [1e16, 1e-5, 0.1, -Infinity]],
      ["e", []],
      ["d", new Map()],
      [long, 1n],
    ]);
    expect(dumpPyYaml(value)).toBe(
      `d: {}\ne: []\nf:\n- 1.0e+16\n- 1.0e-05\n- 0.1\n- -.inf\n? ${long}\n: 1\n`,
    );
  });
});
