// The admin's product form, for a new product and for changes to one.
import {h} from './dom.js';
import {alertBox, field, onSubmit, showErrors, textArea} from './form.js';

// `product` fills the fields; `save(body)` sends them and answers the API's result.
export function productForm(product, submitLabel, save) {
  const description = textArea('Description', {name: 'description', required: true, rows: 3});
  description.querySelector('textarea').value = product?.description ?? '';
  const form = h('form', {class: 'stack', novalidate: true},
    field('Name', {name: 'name', required: true, maxlength: 255, value: product?.name ?? ''}),
    description,
    field('Price', {name: 'price', required: true, inputmode: 'decimal', value: product?.price ?? ''},
      'A decimal with at most two digits after the point, e.g. 19.90'),
    field('Stock', {name: 'quantity', type: 'number', min: 0, step: 1, value: product?.quantity ?? 0}),
    alertBox(),
    h('button', {type: 'submit'}, submitLabel));
  onSubmit(form, async (data) => {
    const quantity = data.get('quantity');
    const res = await save({
      name: data.get('name'),
      description: data.get('description'),
      price: data.get('price').trim(),
      quantity: quantity === '' ? 0 : Number(quantity),
    });
    if (!res.ok) showErrors(form, res);
  });
  return form;
}
