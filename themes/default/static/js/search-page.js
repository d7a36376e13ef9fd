/* The search page: reads the URL (/search/?q=…&cat=…&day=…&a11y=…&accepting=1&sort=…),
   searches the static index as the resident types, and keeps the URL in step so a search
   can be bookmarked, sent or printed. /search/?ids=a,b,c shows chosen resources, one per
   printed page. Texts are Japanese; every change is announced through a status region. */
(function () {
  'use strict';
  var S = window.TsunaguSearch;
  var PAGE = 20;
  var form = document.getElementById('search-form');
  if (!S || !form) return;

  var $ = function (id) { return document.getElementById(id); };
  var q = $('q');
  var section = $('results-section');
  var status = $('search-status');
  var list = $('search-results');
  var more = $('more-results');
  var picked = [];

  var index = new S.SearchIndex(function (path) {
    return fetch('/search/' + path).then(function (r) {
      if (!r.ok) throw new Error(path + ': ' + r.status);
      return r.json();
    });
  });

  // Timings for the browser suite's keystroke-to-results figure (reported, not asserted).
  window.__tsunaguSearch = { timings: [], searches: 0 };

  var state = { docs: [], shown: 0, distances: null, seq: 0, origin: null };

  function params() {
    var p = new URLSearchParams(location.search);
    var a11y = [];
    p.getAll('a11y').forEach(function (v) { v.split(',').forEach(function (x) { if (x) a11y.push(x); }); });
    return {
      q: p.get('q') || '',
      cat: p.get('cat') || '',
      day: p.get('day') || '',
      a11y: a11y,
      accepting: p.get('accepting') === '1',
      sort: p.get('sort') === 'distance' ? 'distance' : 'relevance',
      near: p.get('near') || '',
      ids: (p.get('ids') || '').split(',').filter(Boolean),
    };
  }

  function fillForm(p) {
    q.value = p.q;
    form.elements.cat.value = p.cat;
    form.elements.day.value = p.day;
    Array.prototype.forEach.call(form.querySelectorAll('input[name=a11y]'), function (el) {
      el.checked = p.a11y.indexOf(el.value) >= 0;
    });
    $('f-accepting').checked = p.accepting;
    Array.prototype.forEach.call(form.querySelectorAll('input[name=sort]'), function (el) {
      el.checked = el.value === p.sort;
    });
    if (p.cat || p.day || p.a11y.length || p.accepting || p.sort !== 'relevance') $('filters-box').open = true;
  }

  function readForm() {
    var a11y = Array.prototype.filter.call(form.querySelectorAll('input[name=a11y]'), function (el) { return el.checked; })
      .map(function (el) { return el.value; });
    var sortEl = form.querySelector('input[name=sort]:checked');
    return {
      q: q.value.trim(), cat: form.elements.cat.value, day: form.elements.day.value, a11y: a11y,
      accepting: $('f-accepting').checked, sort: sortEl ? sortEl.value : 'relevance', near: params().near, ids: [],
    };
  }

  function toQuery(p) {
    var u = new URLSearchParams();
    if (p.q) u.set('q', p.q);
    if (p.cat) u.set('cat', p.cat);
    if (p.day) u.set('day', p.day);
    if (p.a11y.length) u.set('a11y', p.a11y.join(','));
    if (p.accepting) u.set('accepting', '1');
    if (p.sort === 'distance') u.set('sort', 'distance');
    if (p.near && p.sort === 'distance') u.set('near', p.near);
    var s = u.toString();
    return s ? '?' + s : '';
  }

  function filtersOf(p) {
    var f = [];
    if (p.cat) f.push('c:' + p.cat);
    if (p.day) f.push('d:' + p.day);
    p.a11y.forEach(function (a) { f.push('a:' + a); });
    if (p.accepting) f.push('n:accepting');
    return f;
  }

  function origin(p) {
    if (p.sort !== 'distance') return Promise.resolve(null);
    if (p.near) {
      var parts = p.near.split(',').map(Number);
      if (parts.length === 2 && isFinite(parts[0]) && isFinite(parts[1])) return Promise.resolve({ lat: parts[0], lon: parts[1] });
    }
    if (state.origin) return Promise.resolve(state.origin);
    if (!navigator.geolocation) return Promise.reject(new Error('この端末では現在地を使えません。'));
    status.textContent = '現在地を確認しています…';
    return new Promise(function (resolve, reject) {
      navigator.geolocation.getCurrentPosition(function (pos) {
        state.origin = { lat: pos.coords.latitude, lon: pos.coords.longitude };
        resolve(state.origin);
      }, function () {
        reject(new Error('現在地を取得できませんでした。位置情報の利用を許可するか、関連が高い順でお探しください。'));
      }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 });
    });
  }

  // The result count is also the live region a screen reader announces: while someone
  // types it is updated after a pause, so each keystroke does not interrupt the speech.
  // The results themselves are shown at once.
  var statusTimer = null;
  function announce(text, typing) {
    clearTimeout(statusTimer);
    if (typing) statusTimer = setTimeout(function () { status.textContent = text; }, 500);
    else status.textContent = text;
  }

  function run(p, t0, typing) {
    var seq = ++state.seq;
    var tRun = performance.now();
    var filters = filtersOf(p);
    if (!p.q && !filters.length) {
      section.hidden = true;
      return Promise.resolve();
    }
    section.hidden = false;
    return origin(p).catch(function (e) {
      status.textContent = e.message;
      return null;
    }).then(function (o) {
      return index.search({ q: p.q, filters: filters, sort: o ? 'distance' : 'relevance', origin: o });
    }).then(function (res) {
      if (seq !== state.seq) return null; // a newer keystroke already ran
      state.docs = res.docs;
      state.distances = res.distances || null;
      state.shown = 0;
      list.textContent = '';
      return showMore().then(function () {
        // From the keystroke and from the search start (they differ by the URL update).
        if (t0 !== undefined) window.__tsunaguSearch.timings.push({ keystroke: performance.now() - t0, search: performance.now() - tRun });
        var what = p.q ? '「' + p.q + '」' : '条件';
        announce(res.docs.length
          ? what + 'に合う資源が ' + res.docs.length + ' 件見つかりました。'
          : what + 'に合う資源は見つかりませんでした。ことばを短くするか、ひらがなでもお試しください。', typing);
        window.__tsunaguSearch.searches++;
        document.documentElement.setAttribute('data-search-done', String(window.__tsunaguSearch.searches));
      });
    }).catch(function (e) {
      status.textContent = '検索の準備ができませんでした。通信状態を確かめて、もう一度お試しください。';
      if (window.console) console.error(e);
    });
  }

  function showMore() {
    var next = state.docs.slice(state.shown, state.shown + PAGE);
    return index.records(next).then(function (recs) {
      recs.forEach(function (rec, i) { list.appendChild(item(rec, next[i])); });
      state.shown += next.length;
      more.hidden = state.shown >= state.docs.length;
    });
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function distanceText(m) {
    return m < 1000 ? '約' + Math.round(m / 10) * 10 + 'm' : '約' + (m / 1000).toFixed(1) + 'km';
  }

  function item(r, doc) {
    var li = el('li', 'result');
    var h = el('h3', 'result-name');
    var a = el('a', null, r.n);
    a.href = '/resources/' + r.id + '/';
    h.appendChild(a);
    if (r.x) h.appendChild(el('span', 'badge-suspended', '休止中'));
    li.appendChild(h);
    if (r.k) li.appendChild(el('p', 'kana', r.k));
    var meta = el('p', 'meta');
    if (r.cn) {
      var c = el('span', 'cat', r.cn);
      if (r.cc) c.style.setProperty('--cat', r.cc);
      meta.appendChild(c);
      meta.appendChild(document.createTextNode(' '));
    }
    if (state.distances && state.distances.has(doc)) meta.appendChild(el('span', 'distance', 'ここから' + distanceText(state.distances.get(doc))));
    li.appendChild(meta);
    if (r.a) li.appendChild(el('p', 'address', r.a));
    if (r.p) {
      var pp = el('p', 'phone-line', '電話 ');
      var tel = el('a', null, r.p);
      tel.href = 'tel:' + r.p.replace(/[^0-9]/g, '');
      pp.appendChild(tel);
      li.appendChild(pp);
    }
    if (r.s && r.s.length) li.appendChild(el('p', 'when', r.s.join('、')));
    if (r.ac) li.appendChild(el('p', 'accepting-line', '受け入れ: ' + r.ac));
    var pick = el('label', 'pick');
    var box = el('input');
    box.type = 'checkbox';
    box.value = r.id;
    box.checked = picked.indexOf(r.id) >= 0;
    box.addEventListener('change', function () {
      var i = picked.indexOf(r.id);
      if (box.checked && i < 0) picked.push(r.id);
      if (!box.checked && i >= 0) picked.splice(i, 1);
      updatePicks();
    });
    pick.appendChild(box);
    pick.appendChild(document.createTextNode(' 印刷用に選ぶ'));
    li.appendChild(pick);
    return li;
  }

  function updatePicks() {
    $('pick-bar').hidden = picked.length === 0;
    $('pick-count').textContent = String(picked.length);
    $('pick-link').href = '/search/?ids=' + picked.map(encodeURIComponent).join(',');
  }

  // ---- chosen resources for printing: each resource page's article, one per page ----

  function showPrintList(ids) {
    $('print-list-section').hidden = false;
    document.body.classList.add('printing-list');
    var out = $('print-list');
    $('print-list-status').textContent = ids.length + '件を読み込んでいます…';
    return Promise.all(ids.map(function (id) {
      return fetch('/resources/' + encodeURIComponent(id) + '/').then(function (r) {
        if (!r.ok) throw new Error(id);
        return r.text();
      }).then(function (html) {
        var doc = new DOMParser().parseFromString(html, 'text/html');
        var art = doc.querySelector('article.resource');
        if (!art) throw new Error(id);
        // Parts that make no sense on paper, and ids that would repeat across articles.
        Array.prototype.forEach.call(art.querySelectorAll('.location, .nearby, .no-print, script'), function (n) { n.remove(); });
        Array.prototype.forEach.call(art.querySelectorAll('[id]'), function (n) { n.removeAttribute('id'); });
        Array.prototype.forEach.call(art.querySelectorAll('[aria-labelledby]'), function (n) { n.removeAttribute('aria-labelledby'); });
        // The article's h1 becomes an h3 under this section's h2 (one h1 per page).
        var h1 = art.querySelector('h1');
        if (h1) {
          var h = document.createElement('h3');
          h.className = 'print-name';
          h.innerHTML = h1.innerHTML;
          h1.replaceWith(h);
        }
        Array.prototype.forEach.call(art.querySelectorAll('h2'), function (n) {
          var h4 = document.createElement('h4');
          h4.innerHTML = n.innerHTML;
          n.replaceWith(h4);
        });
        Array.prototype.forEach.call(art.querySelectorAll('h3:not(.print-name)'), function (n) {
          var h5 = document.createElement('h5');
          h5.innerHTML = n.innerHTML;
          n.replaceWith(h5);
        });
        return document.importNode(art, true);
      }).catch(function () {
        var p = el('p', 'missing', '「' + id + '」は見つかりませんでした（終了した可能性があります）。');
        return p;
      });
    })).then(function (nodes) {
      nodes.forEach(function (n) { out.appendChild(n); });
      $('print-list-status').textContent = ids.length + '件を表示しています。';
      document.documentElement.setAttribute('data-print-ready', '1');
    });
  }

  // ---- wiring ------------------------------------------------------------------------

  // Every keystroke searches at once (a newer one discards an older one's results, see
  // `state.seq`); while an IME is composing (かな漢字変換) nothing runs until the text is
  // confirmed, so 「たいs」 is never searched for.
  function onChange(e) {
    var t0 = performance.now();
    var typing = !!e && (e.type === 'input' || e.type === 'compositionend') && e.target === q;
    if (typing && e.isComposing) return;
    var p = readForm();
    history.replaceState(null, '', location.pathname + toQuery(p));
    run(p, t0, typing);
  }

  q.addEventListener('compositionend', onChange);
  form.addEventListener('submit', function (e) { e.preventDefault(); onChange(); });
  form.addEventListener('input', onChange);
  form.addEventListener('change', function (e) { if (e.target !== q) onChange(e); });
  more.addEventListener('click', function () { showMore(); });
  $('print-list-button').addEventListener('click', function () { window.print(); });

  var start = params();
  if (start.ids.length) {
    form.hidden = true;
    showPrintList(start.ids);
  } else {
    fillForm(start);
    run(start);
  }
})();
