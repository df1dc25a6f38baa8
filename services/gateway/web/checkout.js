// The cart and placing the order. One submission has one request_id, kept in sessionStorage until the
// API answered for good: a double click, a retry after a lost answer, or a reload mid-way send the same
// key, and the API makes one order of it.
import {call, command, requestId, worthRetrying} from './api.js';
import * as cart from './cart.js';
import {h, notify, show} from './dom.js';
import {describe} from './errors.js';
import {alertBox, textArea} from './form.js';
import {formatCents, formatMoney, toCents} from './money.js';
import * as session from './session.js';

const PENDING = 'agora-order-submission';

// The key of the submission of these items: the same while the cart is unchanged and unanswered.
function submissionKey(body) {
  const fingerprint = JSON.stringify([body.items, body.description]);
  let pending = null;
  try {
    pending = JSON.parse(sessionStorage.getItem(PENDING) || 'null');
  } catch {
    pending = null;
  }
  if (pending?.fingerprint === fingerprint) return pending.requestId;
  const fresh = requestId();
  sessionStorage.setItem(PENDING, JSON.stringify({fingerprint, requestId: fresh}));
  return fresh;
}

function line(item, stock) {
  const id = `qty-${item.id}`;
  const known = stock.get(item.id);
  return h('tr', {},
    h('th', {scope: 'row'}, h('a', {href: `#/product/${item.id}`}, item.name)),
    h('td', {}, formatMoney(item.price)),
    h('td', {}, h('label', {for: id, class: 'visually-hidden'}, `Quantity of ${item.name}`),
      h('input', {id, type: 'number', min: 1, max: 10000, value: item.quantity, class: 'qty',
        onchange: (event) => cart.setQuantity(item.id, Math.max(0, Number(event.target.value) || 0))})),
    h('td', {}, known === undefined ? '' : known === null ? 'No longer sold' : `${known} in stock`),
    h('td', {}, formatCents(toCents(item.price) * item.quantity)),
    h('td', {}, h('button', {type: 'button', onclick: () => cart.remove(item.id), 'aria-label': `Remove ${item.name}`}, 'Remove')));
}

// Current stock of each line's product; null when the product is gone.
async function stockOf(items) {
  const stock = new Map();
  await Promise.all(items.map(async (item) => {
    const res = await call('GET', `/products/${item.id}`);
    if (res.ok) stock.set(item.id, res.data.quantity);
    else if (res.status === 404) stock.set(item.id, null);
  }));
  return stock;
}

export async function cartPage(main) {
  const items = cart.lines();
  if (!items.length) {
    show(main, h('h1', {}, 'Your cart'), h('p', {}, 'Your cart is empty. ', h('a', {href: '#/'}, 'Browse the catalogue')));
    return;
  }
  const stock = await stockOf(items);
  const total = items.reduce((sum, i) => sum + toCents(i.price) * i.quantity, 0);
  const alert = alertBox();
  const description = textArea('Note for this order (optional)', {name: 'description', rows: 2, maxlength: 500});
  const place = h('button', {type: 'submit', class: 'primary'}, 'Place order');
  const form = h('form', {class: 'stack', novalidate: true}, description, alert, place);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (place.disabled) return;
    if (!session.user()) {
      location.hash = `#/login?${new URLSearchParams({next: '#/cart'})}`;
      return;
    }
    place.disabled = true;
    place.textContent = 'Placing your order…';
    alert.textContent = '';
    const body = {description: form.elements.description.value, items: cart.lines().map((i) => ({product_id: i.id, quantity: i.quantity}))};
    body.request_id = submissionKey(body);
    const res = await command('POST', '/orders', body);
    place.disabled = false;
    place.textContent = 'Place order';
    // An answer that settles the submission ends its key; after a lost one the next click retries it.
    if (!worthRetrying(res)) sessionStorage.removeItem(PENDING);
    if (!res.ok) {
      alert.textContent = describe(res);
      return;
    }
    cart.clear();
    notify(`Order ${res.data.id} is placed. Please pay it below.`, 'success');
    location.hash = '#/orders';
  });
  show(main, h('h1', {}, 'Your cart'),
    h('div', {class: 'table-wrap'}, h('table', {},
      h('thead', {}, h('tr', {}, ['Product', 'Price', 'Quantity', 'Stock', 'Subtotal'].map((t) => h('th', {scope: 'col'}, t)),
        h('th', {scope: 'col'}, h('span', {class: 'visually-hidden'}, 'Remove')))),
      h('tbody', {}, items.map((i) => line(i, stock))),
      h('tfoot', {}, h('tr', {}, h('th', {scope: 'row', colspan: 4}, 'Total'), h('td', {class: 'total'}, formatCents(total)), h('td', {}))))),
    session.user() ? form : h('p', {}, h('a', {href: `#/login?${new URLSearchParams({next: '#/cart'})}`}, 'Log in'), ' to place your order.'));
}
