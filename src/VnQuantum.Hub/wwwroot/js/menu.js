// The header's menu button on narrow screens (hub.css hides the items below 700 px while it says "collapsed").
// Without this script the button stays hidden and every item is shown, wrapped.
'use strict';
document.addEventListener('DOMContentLoaded', () => {
  const toggle = document.querySelector('.menu-toggle');
  if (!toggle) {
    return;
  }

  toggle.hidden = false;
  toggle.addEventListener('click', () => {
    toggle.setAttribute('aria-expanded', toggle.getAttribute('aria-expanded') === 'true' ? 'false' : 'true');
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && toggle.getAttribute('aria-expanded') === 'true') {
      toggle.setAttribute('aria-expanded', 'false');
      toggle.focus();
    }
  });
});
