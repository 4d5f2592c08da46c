// embed.html's script (a file, not an inline <script>: the Content-Security-Policy has no
// 'unsafe-inline'). Sizes each synack iframe to the height it reports. frame.style.height is a
// CSSOM write, which the policy's style-src 'self' allows (a style="" attribute it would not).
addEventListener('message', (e) => {
  const d = e.data;
  if (!d || typeof d.type !== 'string' || !d.type.startsWith('synack:')) return;
  const frame = [...document.querySelectorAll('iframe')].find((f) => f.contentWindow === e.source);
  if (frame && d.type === 'synack:resize') frame.style.height = d.height + 'px';
});
