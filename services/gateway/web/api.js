// Calls to the public API of the same origin. Every answer comes back as one shape, errors included:
// {ok, status, data, paging, message, errors, retryAfter}; status 0 means no answer arrived.
import * as session from './session.js';

export async function call(method, path, body) {
  const headers = {Accept: 'application/json'};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const token = session.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  let res;
  try {
    res = await fetch(path, {method, headers, cache: 'no-store', body: body === undefined ? undefined : JSON.stringify(body)});
  } catch {
    return {ok: false, status: 0, data: null, paging: null, message: '', errors: [], retryAfter: 0};
  }
  let json = null;
  try {
    json = await res.json();
  } catch {
    json = null;
  }
  // A token the API no longer takes (expired, or its key was rotated) ends the session.
  if (res.status === 401 && token) session.logOut();
  return {
    ok: res.ok,
    status: res.status,
    data: json?.data ?? null,
    paging: json?.paging ?? null,
    message: json?.message ?? '',
    errors: Array.isArray(json?.errors) ? json.errors : [],
    retryAfter: Number(res.headers.get('Retry-After')) || 0,
  };
}

// A new idempotency key: the API takes any string, and crypto.randomUUID() exists only on secure origins.
export function requestId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// Whether sending the same command again (with the same request_id) may succeed: no answer, the
// request timed out, the first attempt is still running, or the service was briefly unavailable.
export function worthRetrying(res) {
  return res.status === 0 || res.status === 408 || res.status === 502 || res.status === 503 || res.status === 504 ||
    (res.status === 409 && res.message === 'request duplicate');
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Sends a command, and again with the same body (so the same request_id) while the answer says a
// retry may succeed: the API runs a command once per request_id, so retries never double it.
export async function command(method, path, body, attempts = 5) {
  let res;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    res = await call(method, path, body);
    if (!worthRetrying(res) || attempt === attempts) break;
    await sleep(Math.min(res.retryAfter * 1000 || 400 * 2 ** (attempt - 1), 5000));
  }
  return res;
}
