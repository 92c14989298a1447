import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Makes a throw-away self-signed certificate for 127.0.0.1 and trusts it in the test workers
 * (NODE_EXTRA_CA_CERTS is read at process start, and workers are forked after this runs).
 */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), "aml-ew-tls-"));
  const key = join(dir, "key.pem");
  const cert = join(dir, "cert.pem");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1,DNS:localhost",
      "-keyout",
      key,
      "-out",
      cert,
    ],
    { stdio: "ignore" },
  );
  process.env.TEST_TLS_KEY = key;
  process.env.TEST_TLS_CERT = cert;
  process.env.NODE_EXTRA_CA_CERTS = cert;
  return () => {
    rmSync(dir, { recursive: true, force: true });
  };
}
