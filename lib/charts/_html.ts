/** Escaping text for HTML and SVG markup. Private to the library. */

/** `text` with `& < > "` escaped, safe inside element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
