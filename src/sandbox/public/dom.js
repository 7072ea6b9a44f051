// The DOM helpers both sandbox pages use, loaded before shop.js and console.js (deferred scripts run
// in document order). Untrusted text only ever goes in through textContent.
// oxlint-disable-next-line no-unused-vars -- a global for shop.js and console.js
function sandboxById(id) { return document.getElementById(id); }

// oxlint-disable-next-line no-unused-vars -- a global for shop.js and console.js
function sandboxElement(tag, text, attrs) {
  var node = document.createElement(tag);
  if (text != null) node.textContent = text;
  for (var k in attrs || {}) node.setAttribute(k, attrs[k]);
  return node;
}
