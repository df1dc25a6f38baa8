// The storefront's entry: the header, and a view per address after the '#'.
import {cartPage} from './checkout.js';
import {catalogue} from './catalogue.js';
import {logInPage, signUpPage, verifyPage} from './account.js';
import {newProductPage} from './admin.js';
import * as cart from './cart.js';
import {h, notify, show} from './dom.js';
import {ordersPage} from './orders.js';
import {productPage} from './product.js';
import * as session from './session.js';
import {settings} from './settings.js';
import {toolsPage} from './tools.js';

const main = document.getElementById('main');
let rendering = 0;

function route() {
  const hash = location.hash || '#/';
  // '#main' and the like are in-page links (the skip link), not views.
  if (!hash.startsWith('#/')) return;
  const [path, query = ''] = hash.slice(1).split('?');
  const params = new URLSearchParams(query);
  const current = ++rendering;
  const isCurrent = () => current === rendering;
  const product = path.match(/^\/product\/(\d+)$/);
  let view;
  if (path === '/') view = catalogue(main, params);
  else if (product) view = productPage(main, product[1]);
  else if (path === '/cart') view = cartPage(main);
  else if (path === '/orders') view = ordersPage(main, params, isCurrent);
  else if (path === '/signup') view = signUpPage(main);
  else if (path === '/verify') view = verifyPage(main, params);
  else if (path === '/login') view = logInPage(main, params);
  else if (path === '/admin/new') view = newProductPage(main);
  else if (path === '/tools') view = toolsPage(main);
  else show(main, h('h1', {}, 'Page not found'), h('p', {}, h('a', {href: '#/'}, 'Back to the catalogue')));
  Promise.resolve(view).catch((error) => {
    console.error(error);
    show(main, h('h1', {}, 'Something went wrong'), h('p', {}, 'Please reload the page.'));
  });
}

function header() {
  const user = session.user();
  for (const el of document.querySelectorAll('[data-when]')) {
    const when = el.dataset.when;
    el.hidden = when === 'guest' ? Boolean(user) : when === 'admin' ? user?.role !== 'admin' : !user;
  }
  document.getElementById('who').textContent = user ? `${user.email}${user.role === 'admin' ? ' (admin)' : ''}` : '';
  const count = cart.count();
  document.getElementById('cart-count').textContent = count ? `(${count})` : '';
}

document.getElementById('logout').addEventListener('click', () => {
  session.logOut();
  notify('You are logged out.');
  location.hash = '#/';
});
session.onChange(() => {
  header();
  // A session that ended mid-way (401) sends the user to log in again, then back.
  if (!session.user() && location.hash.startsWith('#/orders')) location.hash = '#/login?next=%23%2Forders';
});
cart.onChange(() => {
  header();
  if (location.hash === '#/cart') route();
});
window.addEventListener('hashchange', route);
settings().then(({tools}) => { document.getElementById('tools-link').hidden = tools.length === 0; });
header();
route();
