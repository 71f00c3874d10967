/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** Minimal inline markup for narrative text: **bold**, `code`; everything else escaped. */
export function inline(text: string): string {
  return escapeHtml(text)
    .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
    .replace(/`([^`]+)`/g, "<code>$1</code>");
}

export const PAGE_STYLE = `
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; max-width: 1000px; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; line-height: 1.5; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
.meta { color: #555; font-size: .9rem; } .claim { border-left: 4px solid #0072B2; padding: .3rem .8rem; background: #f3f8fc; }
.finding { border-left: 4px solid #009E73; padding: .3rem .8rem; background: #f2faf6; }
.verdict { text-transform: uppercase; letter-spacing: .03em; }
figure { margin: 1.5rem 0; } figure img { display: block; width: 100%; height: auto; border: 1px solid #e5e5e5; }
figcaption { font-size: .9rem; color: #333; margin-top: .3rem; } .downloads { color: #555; } .downloads a { margin-left: .6rem; }
table { border-collapse: collapse; font-size: .9rem; } td, th { border: 1px solid #ddd; padding: .25rem .6rem; text-align: right; }
th { background: #f5f5f5; } td:first-child, th:first-child { text-align: left; }
code { background: #f4f4f4; padding: 0 .2rem; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; color: #000; }
  a { color: #000; text-decoration: none; } .downloads, .meta a { display: none; }
  figure, table, .claim, .finding { break-inside: avoid; } h1, h2 { break-after: avoid; }
  figure img { border: none; } .claim, .finding { background: none; }
}
`;
