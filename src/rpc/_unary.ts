import { Metadata, type ServiceError } from "@grpc/grpc-js";
import { fromServiceError, type FromServiceErrorOptions } from "./grpc_status.ts";

/** A generated grpc-js unary method (called with metadata and a deadline). */
export type UnaryMethod<Req, Res> = (
  req: Req,
  md: Metadata,
  opts: { deadline: number },
  cb: (err: ServiceError | null, res: Res) => void,
) => unknown;

/**
 * Calls a unary method of `client` with a deadline `timeoutMs` from now; a gRPC failure
 * becomes the project's error (via the one status table; `unreachable` words a peer that
 * could not be reached). Channel-level metadata (the token) is added by the channel's
 * interceptor.
 */
export function callUnary<Req, Res>(
  client: object,
  method: UnaryMethod<Req, Res>,
  options: { request: Req; timeoutMs: number } & FromServiceErrorOptions,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    method.call(
      client,
      options.request,
      new Metadata(),
      { deadline: Date.now() + options.timeoutMs },
      (err, res) => (err ? reject(fromServiceError(err, options)) : resolve(res)),
    );
  });
}
