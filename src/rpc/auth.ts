import {
  InterceptingCall,
  type Interceptor,
  type Metadata,
  ServerInterceptingCall,
  type ServerInterceptor,
  status as Status,
} from "@grpc/grpc-js";
import { constantTimeEqual } from "../core/mod.ts";

/** Metadata keys that may carry the worker token; both directions send `authorization`. */
const BEARER = /^Bearer (.+)$/;

/** The token a call presents, from `authorization: Bearer <t>` or `x-worker-token`. */
export function presentedToken(metadata: Metadata): string | undefined {
  const auth = metadata.get("authorization")[0];
  if (typeof auth === "string") {
    const m = BEARER.exec(auth);
    if (m) return m[1];
  }
  const raw = metadata.get("x-worker-token")[0];
  return typeof raw === "string" ? raw : undefined;
}

/** Whether the call carries `expected` (constant time); no expected token admits all. */
export function isAuthorized(metadata: Metadata, expected: string | undefined): boolean {
  if (expected === undefined) return true;
  const given = presentedToken(metadata);
  return given !== undefined && constantTimeEqual(given, expected);
}

/** A client interceptor that adds `authorization: Bearer <token>` to every call. */
export function tokenInterceptor(token: string): Interceptor {
  return (options, nextCall) =>
    new InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        metadata.set("authorization", `Bearer ${token}`);
        next(metadata, listener);
      },
    });
}

/** What to change when a token is refused; both sides say it the same way. */
export const TOKEN_HINT = "WORKER_TOKEN must be the same on the coordinator and every worker";

/** Why `requireToken` refused a call, for the refusing side's log. */
export interface TokenRefusal {
  /** The method's path (`/codegen.v1.WorkerService/CreateSession`). */
  method: string;
  /** The caller's address as gRPC reports it. */
  peer: string;
  /** What was wrong, in words (never the token). */
  reason: string;
}

/** Options for {@link requireToken}. */
export interface RequireTokenOptions {
  token?: string | undefined;
  /** Told of every refused call (log it: the caller alone would see why otherwise). */
  onRefused?: ((refusal: TokenRefusal) => void) | undefined;
  /** Told the peer (`host:port`) of every call let through, before its handler runs. */
  onAdmitted?: ((peer: string) => void) | undefined;
}

/**
 * A server interceptor refusing a call without the right token with UNAUTHENTICATED, saying
 * whether it carried none or another one, as soon as its metadata arrives: before its
 * message is read (grpc-js would otherwise take in and decode a body of up to the message
 * limit for anyone who can reach the port) and before any handler runs.
 */
export function requireToken(options: RequireTokenOptions): ServerInterceptor {
  const { token, onRefused, onAdmitted } = options;
  return (method, call) =>
    new ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMetadata(metadata, pass) {
            if (isAuthorized(metadata, token)) {
              onAdmitted?.(call.getPeer());
              pass(metadata);
              return;
            }
            const reason = presentedToken(metadata) === undefined
              ? "the call carried no worker token"
              : "the worker token the call carried does not match";
            onRefused?.({ method: method.path, peer: call.getPeer(), reason });
            call.sendStatus({
              code: Status.UNAUTHENTICATED,
              details: `UNAUTHENTICATED: Bad worker token: ${reason}; ${TOKEN_HINT}`,
            });
          },
        });
      },
    });
}
