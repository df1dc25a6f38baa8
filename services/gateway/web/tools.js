// The local platform's tools, from the gateway's GATEWAY_SHOP_TOOLS: one page to start from.
import {h, show} from './dom.js';
import {settings} from './settings.js';

export async function toolsPage(main) {
  const {tools} = await settings();
  const entries = [{name: 'Shop', url: '#/'}, {name: 'API documentation', url: '/docs'}, ...tools];
  show(main, h('h1', {}, 'Local tools'),
    tools.length ? h('p', {}, 'Everything the local platform runs, one click away.')
      : h('p', {}, 'No local tools are configured on this server.'),
    h('ul', {class: 'tools'}, entries.map((t) => h('li', {}, h('a', {href: t.url}, t.name),
      t.url.startsWith('http') ? h('span', {class: 'hint'}, ` ${t.url}`) : null))));
}
