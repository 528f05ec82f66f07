/**
 * Atlassian connection settings for the CLI: `ATLASSIAN_ORG_ID`, `ATLASSIAN_API_KEY`,
 * `ATLASSIAN_API_URL` (SPEC §8). The key is kept out of every message.
 */
import { AtlassianClient, type AtlassianClientOptions } from '../atlassian/client.js';
import { DEFAULT_BASE_URL } from '../atlassian/http.js';
import { InputError } from '../errors.js';

export interface AtlassianSettings {
  orgId: string;
  apiKey: string;
  baseUrl: string;
}

export function atlassianSettingsFromEnv(env: NodeJS.ProcessEnv): AtlassianSettings {
  const orgId = env.ATLASSIAN_ORG_ID?.trim() ?? '';
  const apiKey = env.ATLASSIAN_API_KEY?.trim() ?? '';
  const missing = [
    ...(orgId ? [] : ['ATLASSIAN_ORG_ID']),
    ...(apiKey ? [] : ['ATLASSIAN_API_KEY']),
  ];
  if (missing.length > 0) {
    throw new InputError(
      `set ${missing.join(' and ')} (the organization id and an organization API key from ` +
        `admin.atlassian.com → Settings → API keys); try 'license-policy demo' to run without an account`,
    );
  }
  const raw = env.ATLASSIAN_API_URL?.trim() || DEFAULT_BASE_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InputError(`ATLASSIAN_API_URL: "${raw}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(`ATLASSIAN_API_URL: "${raw}" must be an http or https URL`);
  }
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    // The API key travels in a header: never in clear text beyond this machine.
    throw new InputError(
      `ATLASSIAN_API_URL: "${raw}" must use https (plain http is allowed only for 127.0.0.1/localhost, e.g. the sandbox)`,
    );
  }
  return { orgId, apiKey, baseUrl: raw.replace(/\/+$/, '') };
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}

export function createAtlassianClient(
  settings: AtlassianSettings,
  options: Partial<AtlassianClientOptions> = {},
): AtlassianClient {
  return new AtlassianClient({
    ...options,
    orgId: settings.orgId,
    apiKey: settings.apiKey,
    baseUrl: settings.baseUrl,
  });
}
