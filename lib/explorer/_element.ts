/**
 * The explorers' one way of making an element: a tag, its attributes, its text. Private to lib/explorer/.
 *
 * @module
 */

/** Makes a `tag` element with `attrs` set and `text` as its text (none when empty). */
export type MakeElement = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Record<string, string>,
  text?: string,
) => HTMLElementTagNameMap[K];

/** The element maker of `doc` (the page's document: the explorers also run in a test's DOM). */
export function elementMaker(doc: Document): MakeElement {
  return (tag, attrs = {}, text = "") => {
    const e = doc.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text) e.textContent = text;
    return e;
  };
}
