// Forms: labelled fields, the API's validation messages next to the field they name, and one alert
// for the form as a whole.
import {h} from './dom.js';
import {describe, describeField} from './errors.js';

let fieldCount = 0;

// A labelled input; `hint` is read with the field.
export function field(label, attributes, hint) {
  const id = `f${++fieldCount}`;
  const hintId = hint ? `${id}-hint` : undefined;
  return h('div', {class: 'field'},
    h('label', {for: id}, label),
    h('input', {id, 'aria-describedby': hintId, ...attributes}),
    hint && h('p', {class: 'hint', id: hintId}, hint));
}

export function textArea(label, attributes) {
  const id = `f${++fieldCount}`;
  return h('div', {class: 'field'}, h('label', {for: id}, label), h('textarea', {id, ...attributes}));
}

export function alertBox() {
  return h('p', {class: 'form-error', role: 'alert'});
}

export function clearErrors(form) {
  for (const el of form.querySelectorAll('.field-error')) el.remove();
  for (const el of form.querySelectorAll('[aria-invalid]')) {
    el.removeAttribute('aria-invalid');
    el.setAttribute('aria-describedby', (el.getAttribute('aria-describedby') || '').replace(/\s*\S+-error$/, '').trim());
    if (!el.getAttribute('aria-describedby')) el.removeAttribute('aria-describedby');
  }
  const alert = form.querySelector('.form-error');
  if (alert) alert.textContent = '';
}

// Shows a failed answer: each field error under its field (focus on the first), the rest in the alert.
export function showErrors(form, res) {
  clearErrors(form);
  let first = null;
  for (const error of res.errors) {
    const input = form.querySelector(`[name="${CSS.escape(error.field)}"]`);
    if (!input) continue;
    const id = `${input.id}-error`;
    if (document.getElementById(id)) continue;
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', `${input.getAttribute('aria-describedby') || ''} ${id}`.trim());
    input.closest('.field').append(h('p', {class: 'field-error', id}, describeField(error.message, input.type === 'number')));
    first ??= input;
  }
  const alert = form.querySelector('.form-error');
  if (alert) alert.textContent = describe(res);
  (first || alert)?.focus?.();
}

// Runs `action` on submit with the submit button disabled, so one click is one submission.
export function onSubmit(form, action) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type=submit]');
    if (button?.disabled) return;
    if (button) button.disabled = true;
    clearErrors(form);
    try {
      await action(new FormData(form));
    } finally {
      if (button) button.disabled = false;
    }
  });
}
