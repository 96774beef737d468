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

const REJECTION = { code: Status.UNAUTHENTICATED, details: "UNAUTHENTICATED: Bad worker token" };

type AnyCall = {
  metadata: Metadata;
  emit?: (event: "error", err: unknown) => boolean;
};
type AnyHandler = (call: AnyCall, callback?: (err: unknown) => void) => void;

/**
 * Wraps every handler of a service so a call without the right token is refused with
 * UNAUTHENTICATED before the handler runs. With no token configured, returns `impl`.
 */
export function requireToken<T extends UntypedServiceImplementation>(
  definition: ServiceDefinition,
  impl: T,
  options: { token?: string | undefined },
): T {
  const token = options.token;
  if (token === undefined) return impl;
  const wrapped: Record<string, AnyHandler> = {};
  for (const [name, method] of Object.entries(definition)) {
    const handler = impl[name] as unknown as AnyHandler;
    wrapped[name] = (call, callback) => {
      if (isAuthorized(call.metadata, token)) return handler(call, callback);
      if (method.responseStream) {
        call.emit?.("error", REJECTION);
      } else callback?.(REJECTION);
    };
  }
  return wrapped as unknown as T;
}
