import type { Server } from '@modelcontextprotocol/server';
import { StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import type { Logger } from '../logger.js';

/** Serves one MCP session over stdin/stdout until the client goes away. */
export async function serveStdio(server: Server, logger: Logger, onClose: () => Promise<void>): Promise<void> {
  const transport = new StdioServerTransport();
  let closing = false;
  const close = async (reason: string) => {
    if (closing) return;
    closing = true;
    logger.info({ reason }, 'shutting down');
    await server.close().catch(() => {});
    await onClose();
    process.exit(0);
  };
  transport.onclose = () => void close('stdin closed');
  process.stdin.on('end', () => void close('stdin ended'));
  process.on('SIGINT', () => void close('SIGINT'));
  process.on('SIGTERM', () => void close('SIGTERM'));
  await server.connect(transport);
  logger.info('serving MCP over stdio');
}
