// The cart, in localStorage: it holds no secret, and it should outlive a reload or a closed tab.
const KEY = 'agora-cart';
const listeners = new Set();

// [{id, name, price, quantity}]
export function lines() {
  try {
    const stored = JSON.parse(localStorage.getItem(KEY) || '[]');
    return Array.isArray(stored) ? stored.filter((l) => Number.isInteger(l.id) && l.quantity > 0) : [];
  } catch {
    return [];
  }
}

function save(next) {
  localStorage.setItem(KEY, JSON.stringify(next));
  listeners.forEach((listener) => listener());
}

export function add(product, quantity = 1) {
  const next = lines();
  const line = next.find((l) => l.id === product.id);
  if (line) line.quantity += quantity;
  else next.push({id: product.id, name: product.name, price: product.price, quantity});
  save(next);
}

export function setQuantity(id, quantity) {
  save(lines().map((l) => (l.id === id ? {...l, quantity} : l)).filter((l) => l.quantity > 0));
}

export function remove(id) {
  save(lines().filter((l) => l.id !== id));
}

export function clear() {
  save([]);
}

export function count() {
  return lines().reduce((sum, l) => sum + l.quantity, 0);
}

export function onChange(listener) {
  listeners.add(listener);
  window.addEventListener('storage', (event) => event.key === KEY && listener());
}
