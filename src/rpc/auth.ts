import {
  InterceptingCall,
  type Interceptor,
  type Metadata,
  type ServiceDefinition,
  status as Status,
  type UntypedServiceImplementation,
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

type AnyCall = {
  metadata: Metadata;
  getPeer?: () => string;
  emit?: (event: "error", err: unknown) => boolean;
};
type AnyHandler = (call: AnyCall, callback?: (err: unknown) => void) => void;

/**
 * Wraps every handler of a service so a call without the right token is refused with
 * UNAUTHENTICATED before the handler runs, saying whether it carried none or another one.
 * With no token configured and no `onAdmitted`, returns `impl`.
 */
export function requireToken<T extends UntypedServiceImplementation>(
  definition: ServiceDefinition,
  impl: T,
  options: RequireTokenOptions,
): T {
  const { token, onAdmitted } = options;
  if (token === undefined && onAdmitted === undefined) return impl;
  const wrapped: Record<string, AnyHandler> = {};
  for (const [name, method] of Object.entries(definition)) {
    const handler = impl[name] as unknown as AnyHandler;
    wrapped[name] = (call, callback) => {
      if (isAuthorized(call.metadata, token)) {
        onAdmitted?.(call.getPeer?.() ?? "unknown");
        return handler(call, callback);
      }
      const reason = presentedToken(call.metadata) === undefined
        ? "the call carried no worker token"
        : "the worker token the call carried does not match";
      options.onRefused?.({ method: method.path, peer: call.getPeer?.() ?? "unknown", reason });
      const rejection = {
        code: Status.UNAUTHENTICATED,
        details: `UNAUTHENTICATED: Bad worker token: ${reason}; ${TOKEN_HINT}`,
      };
      if (method.responseStream) {
        call.emit?.("error", rejection);
      } else callback?.(rejection);
    };
  }
  return wrapped as unknown as T;
}
