/**
 * CUBBY_LOCAL_SERVER_PORTS: where the browser host looks for "local" Ollama / LM Studio servers,
 * so an end-to-end test can put a fake one there. Browser host only (development and tests);
 * the Electron app never reads it and always probes the servers' default ports.
 */
import { z } from 'zod';

const Port = z.number().int().min(1).max(65535);
const LocalServerPorts = z.strictObject({ Ollama: Port.optional(), 'LM Studio': Port.optional() });

export type LocalServerPortOverride = z.infer<typeof LocalServerPorts>;

/** Parse the variable's JSON (e.g. {"Ollama":41234}); undefined when unset, an Error when invalid. */
export function parseLocalServerPorts(raw: string | undefined): LocalServerPortOverride | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error('CUBBY_LOCAL_SERVER_PORTS must be JSON, for example {"Ollama":41234}.');
  }
  const parsed = LocalServerPorts.safeParse(json);
  if (!parsed.success) throw new Error('CUBBY_LOCAL_SERVER_PORTS may name only "Ollama" and "LM Studio", each with a port from 1 to 65535.');
  return parsed.data;
}
