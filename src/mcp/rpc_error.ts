/**
 * An error the SDK sends back as a JSON-RPC error with this code and message. The SDK's
 * own McpError puts "MCP error <code>: " into its message, and an SDK client adds that
 * prefix again, so clients read it twice; this one carries only the message.
 */
export function rpcError(code: number, message: string): Error & { code: number } {
  return Object.assign(new Error(message), { code });
}
