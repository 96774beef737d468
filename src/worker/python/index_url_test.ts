import assert from "node:assert/strict";
import { checkIndexUrl } from "./index_url.ts";

Deno.test("checkIndexUrl() accepts https, and http from the operator, and refuses other schemes", () => {
  assert.equal(
    checkIndexUrl("https://pypi.org/simple/", { fromCaller: true }),
    "https://pypi.org/simple/",
  );
  for (const url of ["https://pypi.org/simple/", "http://mirror.internal:3141/simple/"]) {
    assert.equal(checkIndexUrl(url, { fromCaller: false }), url);
  }
  for (const bad of ["file:///etc", "ftp://x/", "not a url", "https://x/ --trusted-host y", ""]) {
    assert.throws(
      () => checkIndexUrl(bad, { fromCaller: false }),
      /^INVALID_ARGUMENT: Cannot use index_url/,
      bad,
    );
  }
});

Deno.test("checkIndexUrl() keeps a caller's index off loopback and link-local hosts", () => {
  const local = [
    "http://127.0.0.1:8080/simple/",
    "http://localhost/simple/",
    "http://api.localhost/simple/",
    "http://2130706433/simple/", // 127.0.0.1 as one number
    "http://0.0.0.0/simple/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/simple/",
    "http://[::ffff:127.0.0.1]/simple/",
    "http://[fe80::1]/simple/",
  ];
  for (const url of local) {
    assert.throws(
      () => checkIndexUrl(url, { fromCaller: true }),
      /loopback and link-local hosts are not allowed/,
      url,
    );
    // the operator's own configuration may name a local mirror
    assert.equal(checkIndexUrl(url, { fromCaller: false }), url);
  }
});

Deno.test("checkIndexUrl() refuses a plain-http index given in the call", () => {
  for (const url of ["http://10.1.2.3/simple", "HTTP://mirror.internal:3141/simple/"]) {
    assert.throws(
      () => checkIndexUrl(url, { fromCaller: true }),
      /^INVALID_ARGUMENT: Cannot use index_url .*: an index given in the call must use https$/,
      url,
    );
  }
  // the operator's PIP_INDEX_URL may be http: the download step trusts its host
  assert.equal(
    checkIndexUrl("http://10.1.2.3/simple", { fromCaller: false }),
    "http://10.1.2.3/simple",
  );
});
