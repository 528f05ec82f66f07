/**
 * Faults the sandbox cannot make, injected through the client's `fetch`: the sandbox fails a
 * request before it takes effect, but a real network can also lose the answer after Atlassian
 * acted, or stall a page until the client's timeout.
 */

const WRITE_METHODS = new Set(['DELETE', 'PUT', 'PATCH']);

/** Writes are DELETEs and the POSTs that are not searches. */
export function isWriteRequest(method: string, url: string): boolean {
  if (WRITE_METHODS.has(method)) return true;
  return (
    method === 'POST' && !/\/search$/.test(new URL(url).pathname) && !/\/workspaces$/.test(url)
  );
}

function methodOf(init: RequestInit | undefined): string {
  return (init?.method ?? 'GET').toUpperCase();
}

function urlOf(input: Parameters<typeof fetch>[0]): string {
  return typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
}

/** What undici throws for a connection reset: a TypeError whose cause has the socket's code. */
export function connectionReset(): TypeError {
  return Object.assign(new TypeError('fetch failed'), {
    cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
  });
}

/** The first attempt of every write reaches Atlassian and takes effect; its answer is lost. */
export function lostAnswerFetch(): { fetch: typeof fetch; readonly lostAnswers: number } {
  const seen = new Set<string>();
  let lost = 0;
  return {
    fetch: async (input, init) => {
      const url = urlOf(input);
      const method = methodOf(init);
      const response = await fetch(input, init);
      const key = `${method} ${url} ${typeof init?.body === 'string' ? init.body : ''}`;
      if (isWriteRequest(method, url) && response.ok && !seen.has(key)) {
        seen.add(key);
        await response.arrayBuffer();
        lost += 1;
        throw connectionReset();
      }
      return response;
    },
    get lostAnswers() {
      return lost;
    },
  };
}

/**
 * Requests `stall` selects never answer: they hang until the client's per-request timeout aborts
 * them, as a page stuck on a slow server does.
 */
export function stallingFetch(stall: (method: string, url: string, body: unknown) => boolean): {
  fetch: typeof fetch;
  readonly stalled: number;
} {
  let stalled = 0;
  return {
    fetch: (input, init) => {
      const url = urlOf(input);
      const method = methodOf(init);
      const body: unknown = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
      if (!stall(method, url, body)) return fetch(input, init);
      stalled += 1;
      return new Promise<Response>((_resolve, reject) => {
        const signal = init?.signal;
        const abort = () =>
          reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
        if (signal?.aborted) abort();
        else signal?.addEventListener('abort', abort, { once: true });
      });
    },
    get stalled() {
      return stalled;
    },
  };
}

/**
 * Atlassian's answers rewritten on the way in: `rewrite` gets the request and the parsed JSON
 * body of every successful answer and returns the body to hand to the client (odd data the
 * sandbox's model cannot hold: nulls, unknown enums, the same user on two pages).
 */
export function rewritingFetch(
  rewrite: (request: { method: string; path: string; body: unknown }, answer: unknown) => unknown,
): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    const text = await response.text();
    if (!response.ok || text.trim() === '') {
      return new Response(text === '' ? null : text, {
        status: response.status,
        headers: response.headers,
      });
    }
    const url = new URL(urlOf(input));
    const body: unknown = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    const rewritten = rewrite(
      { method: methodOf(init), path: url.pathname, body },
      JSON.parse(text) as unknown,
    );
    const headers = new Headers(response.headers);
    headers.delete('content-length');
    return new Response(JSON.stringify(rewritten), { status: response.status, headers });
  };
}
