// Elements are built, never parsed from strings, so no datum from the API is read as HTML.

/** h('td', {class: 'num'}, 'text', childNode, ...): an element with attributes and children. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/**
 * A table from rows: columns are {label, cell: row => content, class?}; rowAttrs(row) gives
 * each tr its attributes. On a narrow screen each row stacks, labelled by data-label.
 */
export function table(columns, rows, { rowAttrs = () => ({}), ...attrs } = {}) {
  return h('div', { class: 'scroll' },
    h('table', attrs,
      h('thead', {}, h('tr', {}, columns.map(c => h('th', { class: c.class }, c.label)))),
      h('tbody', {}, rows.length
        ? rows.map(r => tableRow(columns, r, rowAttrs(r)))
        : h('tr', {}, h('td', { colspan: columns.length, class: 'empty' }, 'Nothing here.')))));
}

export function tableRow(columns, row, attrs = {}) {
  return h('tr', attrs, columns.map(c => h('td', { class: c.class, 'data-label': c.label }, c.cell(row))));
}

/** A status badge; the status is also its CSS class. */
export function badge(status) {
  return h('span', { class: `badge ${status}`, 'data-status': status }, status);
}

/** An error from the API, shown in place. */
export function problem(error) {
  return h('p', { class: 'problem', role: 'alert' },
    error.status ? `${error.status}: ${error.message}` : String(error.message || error));
}

/** JSON shown as text. */
export function json(value) {
  return h('pre', { class: 'json' }, JSON.stringify(value, null, 2));
}
