import type { AccessToken, TokenCredential } from "@azure/core-auth";
import {
  createHttpHeaders,
  type HttpClient,
  type PipelineRequest,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";

import { ArmPacer } from "../../shared/aml/armPacer";
import { createArmSender } from "../../shared/aml/armSender";
import { type LabelLookup, lookupUrl } from "../../shared/aml/labelLookup";
import { createLabelResolver } from "../../shared/aml/labelResolver";
import { parseWorkspaceId, type Workspace } from "../../shared/aml/workspace";
import type { LabelledAssetKind } from "../../shared/compiled/compiledConfig";
import { TransientError } from "../../shared/errors";
import { TEST_WORKSPACE_ID } from "../support/azureEnv";

const ARM = "https://arm.test";
const workspaceOf = (id: string): Workspace => {
  const parsed = parseWorkspaceId(id);
  if (!parsed.ok) throw new Error(id);
  return parsed.value;
};
const workspace = workspaceOf(TEST_WORKSPACE_ID);
const otherWorkspace = workspaceOf(TEST_WORKSPACE_ID.replace(/ml-ws$/, "other-ws"));

const lookup = (
  asset: LabelledAssetKind,
  name: string,
  label = "latest",
  ws: Workspace = workspace,
): LabelLookup => ({
  asset,
  name,
  label,
  workspace: ws.id,
  at: [["jobs", "n", "inputs", "x", "uri"]],
  url: lookupUrl(ARM, ws, asset, name),
});

type Answer = { status: number; body?: unknown; headers?: Record<string, string> } | "network";

/** An ARM that answers from `answer`, through the real pipeline (bearer policy included), recording each request. */
function fakeArm(answer: (url: URL) => Answer, delayMs = 0) {
  const requests: URL[] = [];
  const client: HttpClient = {
    async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
      const url = new URL(request.url);
      requests.push(url);
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      const a = answer(url);
      if (a === "network") throw new Error("connect ECONNREFUSED");
      return {
        request,
        status: a.status,
        headers: createHttpHeaders({ "content-type": "application/json", ...a.headers }),
        bodyAsText: a.body === undefined ? "" : JSON.stringify(a.body),
      };
    },
  };
  return { requests, client };
}

const credential: TokenCredential = {
  getToken: (): Promise<AccessToken> =>
    Promise.resolve({ token: "t", expiresOnTimestamp: Date.now() + 3_600_000 }),
};

function resolverOn(arm: ReturnType<typeof fakeArm>, clock?: { now: number }) {
  const send = createArmSender({
    credential,
    scope: `${ARM}/.default`,
    pacer: new ArmPacer({ writesPerSecond: 10, burst: 200 }),
    httpClient: arm.client,
  });
  return createLabelResolver({ send, ...(clock ? { now: () => clock.now } : {}) });
}

/** A workspace holding these versions: data containers and versions lists, newest first as asked. */
const workspaceWith =
  (newest: Record<string, string>) =>
  (url: URL): Answer => {
    const route = /\/(data|models|components|environments)\/([^/]+)(\/versions)?$/.exec(
      url.pathname,
    );
    const version = route ? newest[`${route[1] ?? ""}/${route[2] ?? ""}`] : undefined;
    if (route?.[1] === "data")
      return version === undefined
        ? { status: 404, body: { error: { code: "UserError", message: "Not found" } } }
        : { status: 200, body: { name: route[2], properties: { latestVersion: version } } };
    return { status: 200, body: { value: version === undefined ? [] : [{ name: version }] } };
  };

const soon = () => Date.now() + 5000;

describe("label resolver", () => {
  it("reads data @latest from the container's latestVersion, and the rest from the newest of versions ordered by creation", async () => {
    const arm = fakeArm(
      workspaceWith({
        "data/local-folder-example": "3",
        "components/my_train": "7",
        "models/credit-risk": "12",
        "environments/sklearn-env": "2",
      }),
    );
    const result = await resolverOn(arm).resolve(
      [
        lookup("data", "local-folder-example"),
        lookup("components", "my_train"),
        lookup("models", "credit-risk"),
        lookup("environments", "sklearn-env"),
      ],
      soon(),
    );
    expect(result.ok && result.value.map((l) => `${l.asset}/${l.name}=${l.version ?? ""}`)).toEqual(
      [
        "data/local-folder-example=3",
        "components/my_train=7",
        "models/credit-risk=12",
        "environments/sklearn-env=2",
      ],
    );
    // What azure-ai-ml 1.10.0 sent, on the project's api-version.
    expect(
      arm.requests.map((u) => `${u.pathname.replace(TEST_WORKSPACE_ID, "{ws}")}${u.search}`),
    ).toEqual([
      "{ws}/data/local-folder-example?api-version=2025-12-01",
      "{ws}/components/my_train/versions?api-version=2025-12-01&$orderBy=createdtime%20desc&$top=1",
      "{ws}/models/credit-risk/versions?api-version=2025-12-01&$orderBy=createdtime%20desc&$top=1",
      "{ws}/environments/sklearn-env/versions?api-version=2025-12-01&$orderBy=createdtime%20desc&$top=1",
    ]);
  });

  it("asks once per (workspace, kind, name, label) for 60 s, then asks again", async () => {
    const arm = fakeArm(workspaceWith({ "data/d": "1", "models/d": "5" }));
    const clock = { now: 1_000_000 };
    const resolver = resolverOn(arm, clock);
    await resolver.resolve([lookup("data", "d")], soon());
    clock.now += 59_000;
    await resolver.resolve([lookup("data", "d")], soon());
    expect(arm.requests).toHaveLength(1);
    // Another kind, or another workspace, is another key.
    await resolver.resolve(
      [lookup("models", "d"), lookup("data", "d", "latest", otherWorkspace)],
      soon(),
    );
    expect(arm.requests).toHaveLength(3);
    clock.now += 1_001;
    const again = await resolver.resolve([lookup("data", "d")], soon());
    expect(arm.requests).toHaveLength(4);
    expect(again.ok && again.value[0]?.version).toBe("1");
  });

  it("concurrent look-ups of one asset share one request", async () => {
    const arm = fakeArm(workspaceWith({ "components/c": "4" }), 50);
    const resolver = resolverOn(arm);
    const results = await Promise.all([
      resolver.resolve([lookup("components", "c")], soon()),
      resolver.resolve([lookup("components", "c")], soon()),
      resolver.resolve([lookup("components", "c"), lookup("components", "c")], soon()),
    ]);
    expect(arm.requests).toHaveLength(1);
    expect(results.flatMap((r) => (r.ok ? r.value.map((l) => l.version) : []))).toEqual([
      "4",
      "4",
      "4",
      "4",
    ]);
  });

  it("rejects a label other than latest as azure-ai-ml does, sending nothing", async () => {
    const arm = fakeArm(workspaceWith({ "environments/e": "1" }));
    const result = await resolverOn(arm).resolve([lookup("environments", "e", "prod")], soon());
    expect(result).toEqual({
      ok: false,
      errors: [
        expect.stringMatching(/^Asset e with version label prod does not exist in workspace ml-ws/),
      ],
    });
    expect(arm.requests).toHaveLength(0);
  });

  it("a missing asset (404, or no version in the list) is a rejection naming it, and is asked again next time", async () => {
    const arm = fakeArm(workspaceWith({}));
    const resolver = resolverOn(arm);
    const result = await resolver.resolve(
      [lookup("data", "local-folder-example"), lookup("models", "gone")],
      soon(),
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toEqual([
      expect.stringMatching(
        /^data local-folder-example has no version for label latest in workspace ml-ws \(ARM answered 404: UserError: Not found\)$/,
      ),
      "models gone has no version for label latest in workspace ml-ws",
    ]);
    await resolver.resolve([lookup("data", "local-folder-example")], soon());
    expect(arm.requests).toHaveLength(3);
  });

  it("another 4xx is a rejection with ARM's code, but a refused identity is not", async () => {
    const refusal = (code: string) => ({ status: 403, body: { error: { code, message: "no" } } });
    const policy = await resolverOn(fakeArm(() => refusal("RequestDisallowedByPolicy"))).resolve(
      [lookup("data", "d")],
      soon(),
    );
    expect(!policy.ok && policy.errors[0]).toBe(
      "looking up data d@latest, ARM answered 403: RequestDisallowedByPolicy: no",
    );
    await expect(
      resolverOn(fakeArm(() => refusal("AuthorizationFailed"))).resolve(
        [lookup("data", "d")],
        soon(),
      ),
    ).rejects.toThrow(
      /ARM refused the function's identity looking up data d@latest \(403 AuthorizationFailed/,
    );
  });

  it.each<[string, Answer]>([
    ["429 for longer than the budget", { status: 429, headers: { "retry-after-ms": "800" } }],
    ["503", { status: 503 }],
    ["a network failure", "network"],
    ["401", { status: 401, body: { error: { code: "InvalidAuthenticationToken", message: "x" } } }],
    ["a 200 that is not the container", { status: 200, body: "<html>proxy</html>" }],
  ])("%s is a TransientError, and nothing is kept", async (_, failure) => {
    let failing = true;
    const arm = fakeArm((url) => (failing ? failure : workspaceWith({ "data/d": "2" })(url)));
    const resolver = resolverOn(arm);
    await expect(resolver.resolve([lookup("data", "d")], Date.now() + 400)).rejects.toBeInstanceOf(
      TransientError,
    );
    failing = false;
    const sent = arm.requests.length;
    const later = await resolver.resolve([lookup("data", "d")], Date.now() + 60_000);
    expect(later.ok && later.value[0]?.version).toBe("2");
    expect(arm.requests.length).toBeGreaterThan(sent);
  });

  it("a look-up of the asset the event announces (fresh) does not take a kept answer, and keeps its own", async () => {
    let newest = "4";
    const arm = fakeArm((url) => workspaceWith({ "models/credit-risk": newest })(url));
    const resolver = resolverOn(arm);
    await resolver.resolve([lookup("models", "credit-risk")], soon());
    newest = "5";
    const fresh = await resolver.resolve(
      [{ ...lookup("models", "credit-risk"), fresh: true }],
      soon(),
    );
    expect(fresh.ok && fresh.value[0]?.version).toBe("5");
    const after = await resolver.resolve([lookup("models", "credit-risk")], soon());
    expect(after.ok && after.value[0]?.version).toBe("5");
    expect(arm.requests).toHaveLength(2);
  });
});
