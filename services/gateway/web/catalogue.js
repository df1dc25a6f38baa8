// The catalogue: search by name, ten products a page, stock shown, add to cart in one click.
import {call} from './api.js';
import * as cart from './cart.js';
import {h, notify, show} from './dom.js';
import {describe} from './errors.js';
import {formatMoney} from './money.js';

const PAGE_SIZE = 10;

export function stockText(quantity) {
  return quantity > 0 ? `In stock: ${quantity}` : 'Out of stock';
}

export function addToCartButton(product) {
  return h('button', {
    type: 'button',
    disabled: product.quantity <= 0,
    'aria-label': `Add to cart: ${product.name}`,
    onclick: () => {
      cart.add(product, 1);
      notify(`${product.name} is in your cart.`);
    },
  }, 'Add to cart');
}

function card(product) {
  return h('li', {class: 'card'},
    h('h2', {}, h('a', {href: `#/product/${product.id}`}, product.name)),
    h('p', {class: 'description'}, product.description),
    h('p', {class: 'price'}, formatMoney(product.price)),
    h('p', {class: product.quantity > 0 ? 'stock' : 'stock out'}, stockText(product.quantity)),
    addToCartButton(product));
}

function pager(name, paging) {
  const link = (page, label, rel) => h('a', {href: `#/?${new URLSearchParams({...(name && {name}), page})}`, rel}, label);
  return h('nav', {class: 'pager', 'aria-label': 'Pages'},
    paging.page > 1 ? link(paging.page - 1, 'Previous page', 'prev') : null,
    h('span', {}, `Page ${paging.page} of ${Math.max(paging.total_page, 1)} (${paging.total_item} products)`),
    paging.page < paging.total_page ? link(paging.page + 1, 'Next page', 'next') : null);
}

export async function catalogue(main, params) {
  const name = params.get('name') || '';
  const page = Math.max(1, Number(params.get('page')) || 1);
  const search = h('form', {role: 'search', class: 'search'},
    h('label', {for: 'search-name'}, 'Search products'),
    h('input', {id: 'search-name', name: 'name', type: 'search', value: name, autocomplete: 'off'}),
    h('button', {type: 'submit'}, 'Search'));
  search.addEventListener('submit', (event) => {
    event.preventDefault();
    const wanted = new FormData(search).get('name').trim();
    location.hash = `#/?${new URLSearchParams(wanted ? {name: wanted} : {})}`;
  });
  const results = h('div', {'aria-live': 'polite', 'aria-busy': 'true'}, h('p', {}, 'Loading products…'));
  show(main, h('h1', {}, name ? `Products matching “${name}”` : 'Catalogue'), search, results);

  const query = new URLSearchParams({limit: PAGE_SIZE, page, ...(name && {name})});
  const res = await call('GET', `/products?${query}`);
  results.setAttribute('aria-busy', 'false');
  if (!res.ok) {
    results.replaceChildren(h('p', {class: 'form-error', role: 'alert'}, describe(res)));
    return;
  }
  if (!res.data.length) {
    results.replaceChildren(h('p', {}, name ? `No products match “${name}”.` : 'The catalogue is empty.'));
    return;
  }
  results.replaceChildren(h('ul', {class: 'cards', 'aria-label': 'Products'}, res.data.map(card)), pager(name, res.paging));
}
