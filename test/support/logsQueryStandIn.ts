import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";

/** One query the stand-in received. */
export interface ReceivedQuery {
  method: string;
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  query: unknown;
}

/** What the stand-in answers the next query with. */
export type LogsAnswer =
  | { rows: [timestamp: string, message: string][]; partialError?: unknown }
  | { status: number; body: unknown };

/**
 * A local HTTPS stand-in for the Azure Monitor Logs query API: it records each POST `.../query`
 * and answers a table of `timestamp` and `message` rows, shaped as the API's are
 * (https://learn.microsoft.com/azure/azure-monitor/logs/api/response-format), or an error.
 */
export interface LogsQueryStandIn {
  endpoint: string;
  received: ReceivedQuery[];
  answer: LogsAnswer;
  close(): Promise<void>;
}

/** Starts the stand-in on 127.0.0.1 with the test certificate made in globalSetup. */
export async function startLogsQueryStandIn(): Promise<LogsQueryStandIn> {
  const state: Pick<LogsQueryStandIn, "received" | "answer"> = {
    received: [],
    answer: { rows: [] },
  };
  const server: Server = createServer(
    {
      key: readFileSync(process.env.TEST_TLS_KEY ?? ""),
      cert: readFileSync(process.env.TEST_TLS_CERT ?? ""),
    },
    (req, res) => {
      let text = "";
      req.setEncoding("utf8");
      req.on("data", (chunk: string) => (text += chunk));
      req.on("end", () => {
        const body = (text === "" ? {} : JSON.parse(text)) as { query?: unknown };
        state.received.push({
          method: req.method ?? "",
          path: new URL(req.url ?? "/", "https://127.0.0.1").pathname,
          authorization: req.headers.authorization,
          contentType: req.headers["content-type"],
          query: body.query,
        });
        const { answer } = state;
        const [status, reply] =
          "status" in answer
            ? [answer.status, answer.body]
            : [
                200,
                {
                  tables: [
                    {
                      name: "PrimaryResult",
                      columns: [
                        { name: "timestamp", type: "datetime" },
                        { name: "message", type: "string" },
                      ],
                      rows: answer.rows,
                    },
                  ],
                  ...(answer.partialError === undefined ? {} : { error: answer.partialError }),
                },
              ];
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(reply));
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `https://127.0.0.1:${port}`,
    received: state.received,
    get answer() {
      return state.answer;
    },
    set answer(value) {
      state.answer = value;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
