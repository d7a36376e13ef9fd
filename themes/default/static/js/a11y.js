/* Text size and furigana switches (owned by the search work). Loaded in <head> without
   defer so a resident's chosen size applies before the first paint (no jump). The
   choice is kept in localStorage on this device only. */
(function () {
  'use strict';
  var root = document.documentElement;
  var SIZES = ['normal', 'large', 'xlarge'];
  function get(key, fallback) {
    try { return localStorage.getItem(key) || fallback; } catch (e) { return fallback; } // storage may be disabled
  }
  function set(key, value) {
    try { localStorage.setItem(key, value); } catch (e) { /* storage disabled: the choice lasts for this page only */ }
  }
  var size = get('tsunagu-text-size', 'normal');
  if (SIZES.indexOf(size) < 0) size = 'normal';
  root.setAttribute('data-text-size', size);
  root.setAttribute('data-furigana', get('tsunagu-furigana', 'on') === 'off' ? 'off' : 'on');

  // Print buttons: wired here, not with onclick=, because the portal's CSP allows no
  // inline script (public/_headers).
  document.addEventListener('click', function (e) {
    var b = e.target && e.target.closest ? e.target.closest('[data-print]') : null;
    if (b) window.print();
  });

  document.addEventListener('DOMContentLoaded', function () {
    var tools = document.getElementById('a11y-tools');
    if (!tools) return;
    tools.hidden = false;
    var sizeButtons = tools.querySelectorAll('[data-text-size]');
    function showSize() {
      Array.prototype.forEach.call(sizeButtons, function (b) {
        b.setAttribute('aria-pressed', String(b.getAttribute('data-text-size') === root.getAttribute('data-text-size')));
      });
    }
    Array.prototype.forEach.call(sizeButtons, function (b) {
      b.addEventListener('click', function () {
        var v = b.getAttribute('data-text-size');
        root.setAttribute('data-text-size', v);
        set('tsunagu-text-size', v);
        showSize();
      });
    });
    showSize();
    var furi = document.getElementById('furigana-toggle');
    var hasRuby = document.querySelector('ruby') !== null;
    furi.parentNode.hidden = !hasRuby;
    function showFuri() { furi.setAttribute('aria-pressed', String(root.getAttribute('data-furigana') === 'on')); }
    furi.addEventListener('click', function () {
      var v = root.getAttribute('data-furigana') === 'on' ? 'off' : 'on';
      root.setAttribute('data-furigana', v);
      set('tsunagu-furigana', v);
      showFuri();
    });
    showFuri();
  });
})();
