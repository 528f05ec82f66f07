/**
 * Cursor pagination (`links.next`). Pages are yielded as they arrive so that callers fold them
 * into compact records; a page that fails (after the transport's retries) ends the whole read
 * with that error, so a partial listing can never pass for a complete one.
 */
import { AtlassianApiError } from './errors.js';

export interface Page<T> {
  items: T[];
  /** `links.next` as Atlassian returned it (a cursor, or a URL holding one), or null on the last page. */
  next: string | null | undefined;
}

/** Where a paginated read happens, for the error raised when its cursor repeats. */
export interface PageSource {
  method: string;
  path: string;
  route: string;
}

/**
 * `links.next` as a cursor. Most endpoints return the cursor itself; some document a URL ("URL to
 * fetch the next page"), in which case the cursor is its `cursor` query parameter. A URL is never
 * fetched as-is: it could point elsewhere and we would send it our API key.
 */
export function cursorFromNext(next: string, source: PageSource): string {
  if (!/^https?:\/\//i.test(next)) return next;
  const cursor = new URL(next).searchParams.get('cursor');
  if (cursor === null || cursor === '') {
    throw new AtlassianApiError({
      kind: 'protocol',
      status: null,
      ...source,
      detail: 'the next-page link has no cursor',
      attempts: 1,
    });
  }
  return cursor;
}

export async function* paginate<T>(
  source: PageSource,
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
): AsyncGenerator<T[], void, undefined> {
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (;;) {
    const page = await fetchPage(cursor);
    yield page.items;
    if (page.next === null || page.next === undefined || page.next === '') return;
    const next = cursorFromNext(page.next, source);
    if (seen.has(next)) {
      // A cursor we have already followed would make the read loop for ever (or double-count).
      throw new AtlassianApiError({
        kind: 'protocol',
        status: null,
        ...source,
        detail: `the pagination cursor repeated after ${seen.size + 1} pages`,
        attempts: 1,
      });
    }
    seen.add(next);
    cursor = next;
  }
}

/** Every item of every page. */
export async function collect<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) for (const item of page) all.push(item);
  return all;
}
