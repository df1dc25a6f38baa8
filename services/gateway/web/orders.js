// The customer's orders: status, items, total and the payment deadline, with pay and cancel for a
// pending one. The list is fetched again every POLL_MS while it is on screen, so a status changed
// elsewhere (paid in another tab, cancelled when the deadline passed) shows without a reload.
import {call, command, requestId, worthRetrying} from './api.js';
import {h, notify, show} from './dom.js';
import {describe} from './errors.js';
import {formatCents, formatMoney, formatTime, toCents} from './money.js';
import * as session from './session.js';
import {settings} from './settings.js';

export const POLL_MS = 5000;
const STATUS_WORDS = {PENDING: 'Awaiting payment', SUCCESS: 'Paid', CANCELLED: 'Cancelled'};
const names = new Map();

async function productName(id) {
  if (!names.has(id)) {
    names.set(id, call('GET', `/products/${id}`).then((res) => (res.ok ? res.data.name : `Product ${id}`)));
  }
  return names.get(id);
}

// Pay or cancel: one request_id for this click, sent again while the answer says a retry may succeed.
async function act(order, path, done, button, status) {
  button.disabled = true;
  const res = await command('POST', path, {request_id: requestId(), order_id: order.id});
  button.disabled = false;
  if (res.ok) {
    notify(`Order ${order.id} is ${STATUS_WORDS[res.data.status].toLowerCase()}.`, 'success');
    done();
  } else {
    status.textContent = describe(res);
    if (!worthRetrying(res)) done();
  }
}

async function orderCard(order, windowS, refresh) {
  const items = await Promise.all(order.items.map(async (item) => ({...item, name: await productName(item.product_id)})));
  const status = h('p', {class: 'form-error', role: 'alert'});
  const pending = order.status === 'PENDING';
  const deadline = new Date(new Date(order.created_at).getTime() + windowS * 1000);
  const pay = h('button', {type: 'button', class: 'primary', onclick: () => act(order, '/orders/pay', refresh, pay, status)}, 'Pay now');
  const cancel = h('button', {type: 'button', onclick: () => act(order, '/orders/cancel', refresh, cancel, status)}, 'Cancel order');
  return h('li', {class: 'card order', 'data-order': order.id, 'data-status': order.status},
    h('h2', {}, `Order ${order.id}`),
    h('p', {}, h('span', {class: `badge ${order.status.toLowerCase()}`}, STATUS_WORDS[order.status] || order.status),
      ` · placed ${formatTime(order.created_at)}`),
    order.description && h('p', {class: 'description'}, order.description),
    h('div', {class: 'table-wrap'}, h('table', {},
      h('caption', {class: 'visually-hidden'}, `Items of order ${order.id}`),
      h('thead', {}, h('tr', {}, ['Product', 'Quantity', 'Unit price', 'Subtotal'].map((t) => h('th', {scope: 'col'}, t)))),
      h('tbody', {}, items.map((i) => h('tr', {},
        h('td', {}, i.name), h('td', {}, i.quantity), h('td', {}, formatMoney(i.price)),
        h('td', {}, formatCents(toCents(i.price) * i.quantity))))))),
    h('p', {class: 'total'}, `Total ${formatMoney(order.total_amount)}`),
    pending && h('p', {}, `Please pay by ${formatTime(deadline)}; after that the order is cancelled.`),
    pending && h('div', {class: 'inline'}, pay, cancel),
    status);
}

export async function ordersPage(main, params, isCurrent) {
  if (!session.user()) {
    location.hash = `#/login?${new URLSearchParams({next: '#/orders'})}`;
    return;
  }
  const page = Math.max(1, Number(params.get('page')) || 1);
  const list = h('div', {'aria-busy': 'true'}, h('p', {}, 'Loading your orders…'));
  show(main, h('h1', {}, 'My orders'),
    h('p', {class: 'hint'}, `This list refreshes every ${POLL_MS / 1000} seconds.`), list);
  const {paymentWindowS} = await settings();
  let shown = '';
  let timer = 0;
  let latest = 0;

  // A refresh after pay or cancel may overlap a poll: only the latest one draws and schedules the next.
  const refresh = async () => {
    clearTimeout(timer);
    const mine = ++latest;
    if (!isCurrent()) return;
    const res = await call('GET', `/orders?${new URLSearchParams({limit: 10, page})}`);
    if (!isCurrent() || mine !== latest) return;
    list.setAttribute('aria-busy', 'false');
    if (!res.ok) {
      shown = '';
      list.replaceChildren(h('p', {class: 'form-error', role: 'alert'}, describe(res)));
    } else {
      const seen = JSON.stringify(res.data.map((o) => [o.id, o.status]));
      // Drawn again only when something changed, so the poll never takes the focus or a half-read line away.
      if (seen !== shown) {
        const cards = await Promise.all(res.data.map((o) => orderCard(o, paymentWindowS, refresh)));
        if (!isCurrent() || mine !== latest) return;
        shown = seen;
        const paging = res.paging;
        list.replaceChildren(...[res.data.length
          ? h('ul', {class: 'cards', 'aria-label': 'Orders'}, cards)
          : h('p', {}, 'You have no orders yet. ', h('a', {href: '#/'}, 'Browse the catalogue')),
        paging && paging.total_page > 1 && h('nav', {class: 'pager', 'aria-label': 'Pages'},
          page > 1 && h('a', {href: `#/orders?page=${page - 1}`}, 'Newer orders'),
          h('span', {}, `Page ${page} of ${paging.total_page}`),
          page < paging.total_page && h('a', {href: `#/orders?page=${page + 1}`}, 'Older orders'))].filter(Boolean));
      }
    }
    timer = setTimeout(refresh, POLL_MS);
  };
  await refresh();
}
