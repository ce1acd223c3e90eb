/** A few helpers to build DOM nodes without a framework. */

export type Child = Node | string | number | null | undefined | false;

/**
 * `el('div', { class: 'card', 'data-role': 'value' }, child, ...)`: attributes set as written
 * (an undefined value is left out), strings appended as text (never parsed as HTML).
 */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined) node.setAttribute(name, value);
  }
  append(node, ...children);
  return node;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** Replaces every child of `parent`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** Text whose `backticked` parts are code (the API's messages and hints write commands so). */
export function richText(text: string): Node[] {
  return text
    .split('`')
    .map((part, i) => (i % 2 === 1 ? el('code', {}, part) : document.createTextNode(part)));
}
