# codegen-mcp coordinator image.
#
#   docker build -t codegen-mcp:0.1.0 .
#   docker run --rm -p 127.0.0.1:8080:8080 -v codegen-data:/data \
#     -e MCP_AUTH_TOKEN="$(openssl rand -hex 32)" codegen-mcp:0.1.0
#
# Inside the container the server listens on 0.0.0.0, where other containers on the same
# network can reach it (and the Host guard takes `Host: localhost` from them): set
# MCP_AUTH_TOKEN, and give clients the same token.
#
# Stage 1 compiles the single executable with `deno task compile`, which embeds the
# `coordinator` permission set from deno.json; stage 2 is a distroless runtime holding
# only that binary. See docs/deployment.md.

# Deno is pinned to 2.9.3 exactly: the compiled binary embeds this Deno runtime, and
# 2.9.4-2.9.6 crash in node:http2 on a graceful gRPC close (denoland/deno#36788).
# The official image is Debian-based (glibc), matching the runtime stage below.
FROM denoland/deno:2.9.3 AS build
WORKDIR /src

# Dependencies first, so this layer is reused until deno.json or deno.lock change.
# --frozen: fail instead of updating the lockfile if it does not match deno.json.
COPY deno.json deno.lock ./
RUN deno install --frozen

COPY main.ts ./
COPY src/ ./src/
RUN deno task compile \
 && ./codegen-mcp --version \
 && mkdir -p /out/data/workspaces /out/data/audit \
 && cp ./codegen-mcp /out/codegen-mcp

# Runtime: glibc + libgcc (a deno-compiled binary links both), no shell, no package
# manager. Any user id works; the image runs as 1000:1000, the uid the manifests use.
FROM gcr.io/distroless/cc-debian12:nonroot

# Set at build time: --build-arg VERSION=... --build-arg REVISION="$(git rev-parse HEAD)"
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="codegen-mcp" \
      org.opencontainers.image.description="MCP coordinator: runs Python and edits files in isolated workspaces on workers" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.base.name="gcr.io/distroless/cc-debian12:nonroot"

# Owned by root, so the process (uid 1000) cannot replace its own executable.
COPY --from=build /out/codegen-mcp /codegen-mcp
# /data is the only place the program writes (besides /tmp): workspaces and the audit
# log. Owned by 1000 so a fresh named volume mounted there is writable. No VOLUME
# instruction: an image-defined volume would be a writable path outside the volumes a
# deployment declares (Kubernetes mounts its own at /data/...).
COPY --from=build --chown=1000:1000 /out/data /data

ENV WORKSPACE_ROOT=/data/workspaces \
    AUDIT_LOG=/data/audit/audit.jsonl

USER 1000:1000
# 8080: MCP over HTTP (/mcp, /sse) and /healthz, /readyz, /metrics; 50050: worker gRPC.
EXPOSE 8080 50050

# Exec form: there is no shell in this image. `health` exits 0 when the URL answers 200.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["/codegen-mcp", "health", "--url", "http://127.0.0.1:8080/healthz"]

ENTRYPOINT ["/codegen-mcp"]
CMD ["serve", "--transport", "http", "--host", "0.0.0.0"]
