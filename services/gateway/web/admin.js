// A new product, for the admin.
import {call} from './api.js';
import {h, notify, show} from './dom.js';
import {productForm} from './product_form.js';
import * as session from './session.js';

export function newProductPage(main) {
  if (!session.isAdmin()) {
    show(main, h('h1', {}, 'New product'),
      h('p', {}, 'Only a shop administrator can add products. ', h('a', {href: '#/login?next=%23%2Fadmin%2Fnew'}, 'Log in')));
    return;
  }
  show(main, h('h1', {}, 'New product'), productForm(null, 'Create product', async (body) => {
    const res = await call('POST', '/products', body);
    if (res.ok) {
      notify(`“${res.data.name}” is in the catalogue.`, 'success');
      location.hash = `#/product/${res.data.id}`;
    }
    return res;
  }));
}
