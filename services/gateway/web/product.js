// One product: price, stock, add to cart; for an admin also its form, a stock change, deletion and
// its history of versions.
import {call} from './api.js';
import * as cart from './cart.js';
import {addToCartButton, stockText} from './catalogue.js';
import {h, notify, show} from './dom.js';
import {describe} from './errors.js';
import {alertBox, field, onSubmit, showErrors} from './form.js';
import {formatMoney, formatTime} from './money.js';
import {productForm} from './product_form.js';
import * as session from './session.js';

function quantityForm(product) {
  const form = h('form', {class: 'inline'},
    field('Quantity', {name: 'quantity', type: 'number', min: 1, max: Math.max(product.quantity, 1), value: 1, required: true}),
    h('button', {type: 'submit', disabled: product.quantity <= 0}, 'Add to cart'));
  onSubmit(form, async (data) => {
    const quantity = Math.max(1, Number(data.get('quantity')) || 1);
    cart.add(product, quantity);
    notify(`${quantity} × ${product.name} in your cart.`);
  });
  return form;
}

async function save(product, changes) {
  const res = await call('PUT', `/products/${product.id}`, changes);
  if (res.ok) {
    notify('The product is saved.', 'success');
    location.hash = `#/product/${product.id}?saved=${Date.now()}`;
  }
  return res;
}

function stockForm(product) {
  const form = h('form', {class: 'inline', 'aria-label': 'Change the stock'},
    field('New stock', {name: 'quantity', type: 'number', min: 0, step: 1, value: product.quantity, required: true}),
    alertBox(),
    h('button', {type: 'submit'}, 'Set stock'));
  onSubmit(form, async (data) => {
    const {name, description, price} = product;
    const res = await save(product, {name, description, price, quantity: Number(data.get('quantity'))});
    if (!res.ok) showErrors(form, res);
  });
  return form;
}

function deleteControls(product) {
  const status = alertBox();
  const confirmBox = h('div', {class: 'confirm', hidden: true},
    h('p', {}, `Delete “${product.name}” from the catalogue? Shoppers will no longer find it.`),
    h('button', {type: 'button', class: 'danger', onclick: async (event) => {
      event.target.disabled = true;
      const res = await call('DELETE', `/products/${product.id}`);
      event.target.disabled = false;
      if (res.ok) {
        notify(`“${product.name}” is deleted.`, 'success');
        location.hash = '#/';
      } else {
        status.textContent = describe(res);
      }
    }}, 'Yes, delete it'),
    h('button', {type: 'button', onclick: () => { confirmBox.hidden = true; }}, 'Keep it'));
  return h('div', {},
    h('button', {type: 'button', class: 'danger', onclick: () => {
      confirmBox.hidden = false;
      confirmBox.querySelector('button').focus();
    }}, 'Delete product'),
    confirmBox, status);
}

function describeChange(entry) {
  const p = entry.payload || {};
  if (entry.event_type === 'product-deleted') return 'deleted';
  return [p.name && `name “${p.name}”`, p.price !== undefined && `price ${formatMoney(p.price)}`,
    p.quantity !== undefined && `stock ${p.quantity}`].filter(Boolean).join(', ');
}

async function history(product) {
  const section = h('section', {'aria-labelledby': 'history-title'}, h('h2', {id: 'history-title'}, 'History'));
  const res = await call('GET', `/products/${product.id}/history`);
  if (!res.ok) {
    section.append(h('p', {class: 'form-error'}, describe(res)));
    return section;
  }
  section.append(h('div', {class: 'table-wrap'}, h('table', {},
    h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'Version'), h('th', {scope: 'col'}, 'Change'),
      h('th', {scope: 'col'}, 'When'), h('th', {scope: 'col'}, 'Values'))),
    h('tbody', {}, res.data.map((entry) => h('tr', {},
      h('td', {}, entry.version), h('td', {}, entry.event_type.replace('product-', '')),
      h('td', {}, formatTime(entry.occurred_at)), h('td', {}, describeChange(entry))))))));
  return section;
}

export async function productPage(main, id) {
  show(main, h('h1', {}, 'Product'), h('p', {}, 'Loading…'));
  const res = await call('GET', `/products/${encodeURIComponent(id)}`);
  if (!res.ok) {
    show(main, h('h1', {}, 'Product'), h('p', {class: 'form-error', role: 'alert'}, describe(res)),
      h('p', {}, h('a', {href: '#/'}, 'Back to the catalogue')));
    return;
  }
  const product = res.data;
  const parts = [
    h('h1', {}, product.name),
    h('p', {class: 'description'}, product.description),
    h('p', {class: 'price'}, formatMoney(product.price)),
    h('p', {class: product.quantity > 0 ? 'stock' : 'stock out'}, stockText(product.quantity)),
    product.quantity > 0 ? quantityForm(product) : addToCartButton(product),
  ];
  if (session.isAdmin()) {
    parts.push(h('section', {'aria-labelledby': 'admin-title', class: 'admin'},
      h('h2', {id: 'admin-title'}, 'Manage this product'),
      stockForm(product),
      h('h3', {}, 'Edit'),
      productForm(product, 'Save changes', (changes) => save(product, changes)),
      h('h3', {}, 'Delete'),
      deleteControls(product)));
    parts.push(await history(product));
  }
  show(main, ...parts);
}
