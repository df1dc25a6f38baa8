// Builds elements from data without ever parsing text as HTML, so nothing the API returns can run.

// h('a', {href: '#/'}, 'text', child): attributes (on* names become listeners), then children
// (strings become text; null, undefined and false are skipped; arrays are flattened).
export function h(tag, attributes = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

// Replaces the view with `children` and moves the focus to its heading, so a keyboard or screen
// reader user starts reading the new view, not the old link.
export function show(main, ...children) {
  main.replaceChildren();
  append(main, children);
  const heading = main.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({preventScroll: true});
  }
}

let noticeTimer = 0;
// A short message in the live region at the top of every view.
export function notify(text, kind = 'info') {
  const box = document.getElementById('notice');
  box.className = `notice ${kind}`;
  box.textContent = text;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { box.textContent = ''; box.className = 'notice'; }, 8000);
}
