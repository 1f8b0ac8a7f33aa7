/**
 * An `api_base` as a response may show it: user and password (`https://user:key@host`) and every
 * query value (`?key=...`, `?api-key=...`) replaced by `***`, since a base URL is where keys end up
 * by mistake. Anything that does not parse as a URL is withheld whole.
 *
 * @example
 * publicApiBase('https://u:sk-1@llm.example/v1?key=sk-2') // 'https://***:***@llm.example/v1?key=***'
 */
export function publicApiBase(apiBase: string): string {
  let url: URL;
  try {
    url = new URL(apiBase);
  } catch {
    return '***';
  }
  if (url.username !== '') url.username = '***';
  if (url.password !== '') url.password = '***';
  for (const name of [...new Set(url.searchParams.keys())]) url.searchParams.set(name, '***');
  // URL adds a trailing slash to a bare origin; the configured form is kept when it had none.
  const shown = url.toString();
  return !apiBase.endsWith('/') && shown.endsWith('/') && url.pathname === '/' && url.search === '' ? shown.slice(0, -1) : shown;
}
