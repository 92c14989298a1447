import { rmSync } from "node:fs";

import { makeLoopbackCertificate } from "./tlsCertificate";

/**
 * Makes a throw-away self-signed certificate for 127.0.0.1 and trusts it in the test workers
 * (NODE_EXTRA_CA_CERTS is read at process start, and workers are forked after this runs).
 */
export default function setup(): () => void {
  const { dir, key, cert } = makeLoopbackCertificate("aml-ew-tls-");
  process.env.TEST_TLS_KEY = key;
  process.env.TEST_TLS_CERT = cert;
  process.env.NODE_EXTRA_CA_CERTS = cert;
  return () => {
    rmSync(dir, { recursive: true, force: true });
  };
}
