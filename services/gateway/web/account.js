// Signing up, entering the emailed code, logging in.
import {call} from './api.js';
import {h, notify, show} from './dom.js';
import {describe} from './errors.js';
import {alertBox, field, onSubmit, showErrors} from './form.js';
import * as session from './session.js';
import {tool} from './settings.js';

const emailField = (value = '') =>
  field('Email', {name: 'email', type: 'email', autocomplete: 'email', required: true, value});

export function signUpPage(main) {
  const form = h('form', {class: 'stack', novalidate: true},
    emailField(),
    field('Password', {name: 'password', type: 'password', autocomplete: 'new-password', required: true, minlength: 8},
      'At least 8 characters, not a common password and not the name part of your email.'),
    alertBox(),
    h('button', {type: 'submit'}, 'Sign up'));
  onSubmit(form, async (data) => {
    const email = data.get('email').trim();
    const res = await call('POST', '/auth/register', {email, password: data.get('password')});
    if (!res.ok) return showErrors(form, res);
    notify(`We sent a 6-digit code to ${email}.`, 'success');
    location.hash = `#/verify?${new URLSearchParams({email})}`;
  });
  show(main, h('h1', {}, 'Create an account'), form,
    h('p', {}, 'Already have one? ', h('a', {href: '#/login'}, 'Log in')));
}

export async function verifyPage(main, params) {
  const email = params.get('email') || '';
  const form = h('form', {class: 'stack', novalidate: true},
    emailField(email),
    field('Code from the email', {name: 'verification_token', inputmode: 'numeric', autocomplete: 'one-time-code',
      pattern: '[0-9]{6}', maxlength: 6, required: true}, 'The 6 digits in the email we sent you; valid 10 minutes.'),
    alertBox(),
    h('button', {type: 'submit'}, 'Verify'));
  onSubmit(form, async (data) => {
    const address = data.get('email').trim();
    const res = await call('POST', '/auth/verify', {email: address, verification_token: data.get('verification_token').trim()});
    if (!res.ok) return showErrors(form, res);
    notify('Your account is verified. Log in to shop.', 'success');
    location.hash = `#/login?${new URLSearchParams({email: address})}`;
  });
  const resendStatus = h('p', {role: 'status'});
  const resend = h('button', {type: 'button', onclick: async () => {
    resend.disabled = true;
    const address = form.querySelector('[name=email]').value.trim();
    const res = await call('POST', '/auth/resend-verification', {email: address});
    resend.disabled = false;
    resendStatus.textContent = res.ok ? `A new code is on its way to ${address}.` : describe(res);
  }}, 'Send a new code');
  const mailpit = await tool('Mailpit');
  show(main, h('h1', {}, 'Enter your code'),
    mailpit && h('p', {class: 'local'}, 'On this local platform emails are not sent out: read yours in ',
      h('a', {href: mailpit.url, target: '_blank', rel: 'noopener'}, 'Mailpit'), '.'),
    form, h('div', {class: 'inline'}, resend), resendStatus);
}

export function logInPage(main, params) {
  const form = h('form', {class: 'stack', novalidate: true},
    emailField(params.get('email') || ''),
    field('Password', {name: 'password', type: 'password', autocomplete: 'current-password', required: true}),
    alertBox(),
    h('button', {type: 'submit'}, 'Log in'));
  onSubmit(form, async (data) => {
    const email = data.get('email').trim();
    const res = await call('POST', '/auth/login', {email, password: data.get('password')});
    if (!res.ok) {
      showErrors(form, res);
      if (res.message === 'user not verified') {
        form.querySelector('.form-error').append(' ', h('a', {href: `#/verify?${new URLSearchParams({email})}`}, 'Enter the code'));
      }
      return;
    }
    session.logIn(res.data.access_token);
    notify(`Welcome, ${email}.`, 'success');
    location.hash = params.get('next') || '#/';
  });
  show(main, h('h1', {}, 'Log in'), form,
    h('p', {}, 'New here? ', h('a', {href: '#/signup'}, 'Create an account')));
}
