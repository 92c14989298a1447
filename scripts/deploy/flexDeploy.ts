import { isRecord } from "../../shared/guards";

/** One HTTP answer, as the deploy steps need it. */
export interface HttpAnswer {
  status: number;
  location?: string;
  text: string;
}

/** Sends one request with the deploying identity's token; throws on a network error. */
export type Send = (method: "GET" | "POST", url: string, body?: Buffer) => Promise<HttpAnswer>;

/** What to deploy where, and how long to keep trying. */
export interface FlexDeployOptions {
  appId: string;
  functionName: string;
  zip: Buffer;
  armEndpoint: string;
  /** Kudu's URL; read from the app's ARM record when absent. */
  scmUrl?: string;
  timeoutMs: number;
  pollMs: number;
  /** How long a storage 403 (the app's role on its deployment container not in effect yet) is waited out. */
  roleWaitMs: number;
  log: (line: string) => void;
}

const WEB_API_VERSION = "2024-04-01";
/** Kudu's deployment states (DeployStatus): 3 failed, 4 succeeded. */
const DEPLOY_FAILED = 3;
const DEPLOY_SUCCEEDED = 4;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const brief = (text: string) => text.replace(/\s+/g, " ").slice(0, 500);

/** Answers worth asking again: a conflict with a deployment in progress, a server error, a host still starting. */
function transient(answer: HttpAnswer): boolean {
  return (
    answer.status === 409 ||
    answer.status === 429 ||
    answer.status >= 500 ||
    (answer.status === 400 && /ServiceUnavailable|host runtime/i.test(answer.text))
  );
}

/**
 * Publishes a package to a Flex Consumption app as az and azd do (OneDeploy, `/api/publish`),
 * follows the deployment it started until Kudu says it succeeded, publishes again while the
 * storage role is still propagating, syncs the triggers, then waits until ARM lists the function
 * and the host has the key Event Grid needs to deliver to it.
 */
export async function flexDeploy(o: FlexDeployOptions, send: Send): Promise<string> {
  const deadline = Date.now() + o.timeoutMs;
  const late = (what: string) =>
    new Error(`${what} did not finish within ${Math.round(o.timeoutMs / 1000)} s`);

  // One request, asked again while the answer is transient or the network fails.
  const ask = async (what: string, method: "GET" | "POST", url: string, body?: Buffer) => {
    for (;;) {
      let answer: HttpAnswer | undefined;
      let failure = "";
      try {
        answer = await send(method, url, body);
        if (!transient(answer)) return answer;
        failure = `${answer.status} ${brief(answer.text)}`;
      } catch (error) {
        failure = error instanceof Error ? error.message : String(error);
      }
      if (Date.now() > deadline)
        throw new Error(`${what}: still failing (${failure}) at the deadline`);
      o.log(`${what}: ${failure}; asking again`);
      await sleep(o.pollMs);
    }
  };
  const arm = (path: string) => `${o.armEndpoint}${path}?api-version=${WEB_API_VERSION}`;

  const scm = o.scmUrl ?? (await scmHost(o, ask, arm));
  const roleDeadline = Date.now() + o.roleWaitMs;
  for (let attempt = 1; ; attempt += 1) {
    const publish = await ask(
      "publish",
      "POST",
      `${scm}/api/publish?RemoteBuild=false&Deployer=aml-event-workflows`,
      o.zip,
    );
    if (publish.status !== 200 && publish.status !== 202)
      throw new Error(`OneDeploy to ${scm} answered ${publish.status}: ${brief(publish.text)}`);
    o.log(`published ${o.zip.length} bytes to ${scm} (${publish.status}, attempt ${attempt})`);
    if (publish.status === 200) break;
    const id = deploymentId(publish);
    if (id === undefined)
      throw new Error(`OneDeploy answered 202 without a deployment id: ${brief(publish.text)}`);
    const outcome = await followDeployment(o, scm, id, ask, deadline, late);
    if (outcome.ok) break;
    // On Flex the platform writes the package with the app's identity; until its role applies, storage says 403.
    if (/403|Forbidden/i.test(outcome.text) && Date.now() < roleDeadline) {
      o.log(
        `deployment ${id} failed with a storage 403 (the app's role may still be propagating); publishing again`,
      );
      await sleep(o.pollMs);
      continue;
    }
    throw new Error(`deployment ${id} failed: ${brief(outcome.text)}`);
  }

  const sync = await ask("sync triggers", "POST", arm(`${o.appId}/host/default/sync`));
  if (sync.status < 200 || sync.status > 299)
    throw new Error(`syncing triggers answered ${sync.status}: ${brief(sync.text)}`);

  const functionId = `${o.appId}/functions/${o.functionName}`;
  for (;;) {
    const listed = await ask("function listing", "GET", arm(functionId));
    if (listed.status === 200) break;
    if (listed.status !== 404)
      throw new Error(`GET ${functionId} answered ${listed.status}: ${brief(listed.text)}`);
    if (Date.now() > deadline) throw late(`indexing ${o.functionName}`);
    await sleep(o.pollMs);
  }
  // Event Grid reads the host's eventgrid_extension key when a subscription to the function is made,
  // and refuses the subscription while the host has not created it yet (Azure/bicep#11656,
  // Azure/azure-cli#11176): the subscriptions wait for this deployment, so this waits for the key.
  // Only whether it exists is looked at; its value is never kept or printed.
  for (;;) {
    const keys = await ask("host keys", "POST", arm(`${o.appId}/host/default/listkeys`));
    if (keys.status === 200 && hasEventGridKey(keys.text)) {
      o.log("the host's eventgrid_extension key exists");
      return functionId;
    }
    if (keys.status !== 200 && keys.status !== 404)
      throw new Error(`listing the host's keys answered ${keys.status}`);
    if (Date.now() > deadline) throw late("the host's eventgrid_extension key");
    await sleep(o.pollMs);
  }
}

/** Whether a listkeys answer holds a non-empty `systemKeys.eventgrid_extension`. */
function hasEventGridKey(text: string): boolean {
  try {
    const body = JSON.parse(text) as { systemKeys?: Record<string, unknown> };
    const key = body.systemKeys?.eventgrid_extension;
    return typeof key === "string" && key.length > 0;
  } catch {
    return false;
  }
}

type Ask = (what: string, method: "GET" | "POST", url: string) => Promise<HttpAnswer>;

/** Kudu's host name as ARM lists it (Flex SCM hosts are not `<app>.scm.azurewebsites.net`). */
async function scmHost(
  o: FlexDeployOptions,
  ask: Ask,
  arm: (path: string) => string,
): Promise<string> {
  const site = await ask("reading the app", "GET", arm(o.appId));
  if (site.status !== 200)
    throw new Error(`GET ${o.appId} answered ${site.status}: ${brief(site.text)}`);
  const body = JSON.parse(site.text) as unknown;
  const states =
    isRecord(body) && isRecord(body.properties) && Array.isArray(body.properties.hostNameSslStates)
      ? (body.properties.hostNameSslStates as unknown[])
      : [];
  const repository = states.find((s) => isRecord(s) && s.hostType === "Repository");
  if (!isRecord(repository) || typeof repository.name !== "string")
    throw new Error(`ARM lists no SCM (Repository) host name for ${o.appId}`);
  return `https://${repository.name}`;
}

/** The id OneDeploy gives its deployment: the Location header's last segment, or the body. */
function deploymentId(answer: HttpAnswer): string | undefined {
  const fromLocation = answer.location?.split("/").filter(Boolean).pop();
  if (fromLocation !== undefined && fromLocation !== "latest") return fromLocation;
  try {
    const body = JSON.parse(answer.text) as unknown;
    if (typeof body === "string" && body !== "") return body;
    if (isRecord(body) && typeof body.id === "string") return body.id;
  } catch {
    // not JSON: a bare id
  }
  const bare = answer.text.trim();
  return /^[\w-]+$/.test(bare) ? bare : undefined;
}

/** Polls this deployment (not `latest`, which may still be the previous package) until it ends. */
async function followDeployment(
  o: FlexDeployOptions,
  scm: string,
  id: string,
  ask: Ask,
  deadline: number,
  late: (what: string) => Error,
): Promise<{ ok: boolean; text: string }> {
  for (;;) {
    const answer = await ask("deployment status", "GET", `${scm}/api/deployments/${id}`);
    if (answer.status === 200) {
      const body = JSON.parse(answer.text) as unknown;
      const status = isRecord(body) ? body.status : undefined;
      if (status === DEPLOY_SUCCEEDED) return { ok: true, text: "" };
      if (status === DEPLOY_FAILED) {
        const record = body as Record<string, unknown>;
        return {
          ok: false,
          text: [record.status_text, record.message, record.log]
            .filter((t) => typeof t === "string" && t !== "")
            .join(" — "),
        };
      }
    } else if (answer.status !== 404)
      throw new Error(`GET deployment ${id} answered ${answer.status}: ${brief(answer.text)}`);
    if (Date.now() > deadline) throw late(`deployment ${id}`);
    await sleep(o.pollMs);
  }
}
