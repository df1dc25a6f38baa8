// What the gateway tells the page about where it runs (/storefront.json): the local tools to link and
// how long a pending order may wait for payment.
let loaded;

export function settings() {
  loaded ??= fetch('/storefront.json', {cache: 'no-store'})
    .then((res) => (res.ok ? res.json() : {}))
    .catch(() => ({}))
    .then((s) => ({paymentWindowS: Number(s.payment_window_s) || 86400, tools: Array.isArray(s.tools) ? s.tools : []}));
  return loaded;
}

export async function tool(name) {
  return (await settings()).tools.find((t) => t.name.toLowerCase() === name.toLowerCase()) || null;
}
