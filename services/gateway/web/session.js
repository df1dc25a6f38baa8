// The access token lives in this tab's sessionStorage: it survives a reload but not the tab, is not
// shared with other tabs and is never written to disk for later (docs/adr/0014-storefront-in-the-gateway.md).
const KEY = 'agora-token';
const listeners = new Set();

function claims(token) {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload));
  } catch {
    return null;
  }
}

export function token() {
  const value = sessionStorage.getItem(KEY);
  if (!value) return '';
  const c = claims(value);
  if (!c || (c.exp && c.exp * 1000 <= Date.now())) {
    sessionStorage.removeItem(KEY);
    return '';
  }
  return value;
}

// {email, role} of the logged-in user, or null.
export function user() {
  const value = token();
  if (!value) return null;
  const c = claims(value);
  return {email: c.email || '', role: c.role || 'customer'};
}

export function isAdmin() {
  return user()?.role === 'admin';
}

export function logIn(value) {
  sessionStorage.setItem(KEY, value);
  listeners.forEach((listener) => listener());
}

export function logOut() {
  sessionStorage.removeItem(KEY);
  listeners.forEach((listener) => listener());
}

export function onChange(listener) {
  listeners.add(listener);
}
