/* Maps (owned by the search work): the /map/ page (every resource as a clustered marker,
   a category filter, popups linking to each page, "near me" with a sorted list) and the
   small map on a resource page, which loads Leaflet only when asked so the page itself
   stays light on a phone. Leaflet is vendored under /assets/vendor/ (no CDN). The page
   stays usable when tiles cannot load: markers, the list and the links do not need them. */
(function () {
  'use strict';
  var VENDOR = '/assets/vendor/';

  function loadCss(href) {
    if (document.querySelector('link[href="' + href + '"]')) return;
    var l = document.createElement('link');
    l.rel = 'stylesheet';
    l.href = href;
    document.head.appendChild(l);
  }
  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement('script');
      s.src = src;
      s.onload = resolve;
      s.onerror = function () { reject(new Error(src)); };
      document.head.appendChild(s);
    });
  }
  function loadLeaflet(withCluster) {
    loadCss(VENDOR + 'leaflet/leaflet.css');
    var p = window.L ? Promise.resolve() : loadScript(VENDOR + 'leaflet/leaflet.js');
    if (!withCluster) return p;
    loadCss(VENDOR + 'leaflet.markercluster/MarkerCluster.css');
    loadCss(VENDOR + 'leaflet.markercluster/MarkerCluster.Default.css');
    return p.then(function () { return window.L.markerClusterGroup ? null : loadScript(VENDOR + 'leaflet.markercluster/leaflet.markercluster.js'); });
  }

  function baseMap(el, lat, lon, zoom) {
    var L = window.L;
    L.Icon.Default.imagePath = VENDOR + 'leaflet/images/';
    var map = L.map(el, { zoomControl: false, attributionControl: true }).setView([lat, lon], zoom);
    L.control.zoom({ zoomInTitle: '拡大', zoomOutTitle: '縮小' }).addTo(map);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com/">Leaflet</a>');
    var tiles = el.getAttribute('data-tiles');
    if (tiles) {
      L.tileLayer(tiles, { attribution: el.getAttribute('data-attribution') || '', maxZoom: 18 }).addTo(map);
    }
    el.setAttribute('role', 'region');
    el.setAttribute('aria-label', el.getAttribute('data-label') || '地図（矢印キーで移動、＋と−で拡大・縮小）');
    return map;
  }

  function esc(s) {
    return String(s == null ? '' : s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  function distanceText(m) {
    return m < 1000 ? '約' + Math.round(m / 10) * 10 + 'm' : '約' + (m / 1000).toFixed(1) + 'km';
  }

  function haversine(lat1, lon1, lat2, lon2) {
    var rad = Math.PI / 180;
    var dLat = (lat2 - lat1) * rad, dLon = (lon2 - lon1) * rad;
    var a = Math.sin(dLat / 2) * Math.sin(dLat / 2) +
      Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
    return 2 * 6371008.8 * Math.asin(Math.min(1, Math.sqrt(a)));
  }

  // ---- the /map/ page ----------------------------------------------------------------

  function mapPage(el) {
    var status = document.getElementById('map-status');
    var select = document.getElementById('map-cat');
    var nearBtn = document.getElementById('near-me');
    var nearList = document.getElementById('near-list');
    var say = function (t) { if (status) status.textContent = t; };
    say('地図を読み込んでいます…');
    var fallback = el.querySelector('.map-fallback');

    Promise.all([
      loadLeaflet(true),
      fetch(el.getAttribute('data-geojson')).then(function (r) { return r.json(); }),
      fetch('/search/categories.json').then(function (r) { return r.ok ? r.json() : []; }).catch(function () { return []; }),
    ]).then(function (r) {
      var L = window.L;
      var features = r[1].features.filter(function (f) { return f.geometry && f.geometry.type === 'Point'; });
      var cats = {};
      r[2].forEach(function (c) { cats[c.id] = c; });
      if (fallback) fallback.remove();
      var map = baseMap(el, +el.getAttribute('data-lat'), +el.getAttribute('data-lon'), +el.getAttribute('data-zoom'));
      var cluster = L.markerClusterGroup({
        showCoverageOnHover: false,
        iconCreateFunction: function (c) {
          var n = c.getChildCount();
          return L.divIcon({
            html: '<div><span>' + n + '</span></div>',
            className: 'marker-cluster marker-cluster-' + (n < 10 ? 'small' : n < 100 ? 'medium' : 'large'),
            iconSize: L.point(44, 44),
          });
        },
      });
      map.addLayer(cluster);
      var youMarker = null;

      function inCategory(f, id) {
        if (!id) return true;
        return (f.properties.categories || []).some(function (c) {
          for (var guard = 0; c && guard < 10; guard++) {
            if (c === id) return true;
            c = cats[c] && cats[c].parent;
          }
          return false;
        });
      }

      function label(f) {
        var c = cats[(f.properties.categories || [])[0]];
        return f.properties.name + (c ? '（' + c.name + '）' : '');
      }

      function popup(f) {
        var p = f.properties;
        var c = cats[(p.categories || [])[0]];
        return '<p class="popup-name"><a href="/resources/' + encodeURIComponent(p.id) + '/">' + esc(p.name) + '</a></p>' +
          (c ? '<p>' + esc(c.name) + '</p>' : '') +
          (p.status === 'suspended' ? '<p><strong>休止中</strong></p>' : '') +
          (p.address ? '<p>' + esc(p.address) + '</p>' : '') +
          (p.phone ? '<p>電話 <a href="tel:' + esc(p.phone.replace(/[^0-9]/g, '')) + '">' + esc(p.phone) + '</a></p>' : '') +
          (p.approximate ? '<p class="small">位置はおおよそ（町字の代表点）です。</p>' : '');
      }

      function show() {
        var id = select ? select.value : '';
        cluster.clearLayers();
        var markers = [];
        features.forEach(function (f) {
          if (!inCategory(f, id)) return;
          var c = f.geometry.coordinates;
          var m = L.marker([c[1], c[0]], { title: label(f), alt: label(f), keyboard: true });
          m.bindPopup(popup(f));
          m.feature = f;
          markers.push(m);
        });
        cluster.addLayers(markers);
        el.setAttribute('data-markers', String(markers.length));
        say((id && cats[id] ? cats[id].name + ' の' : '') + markers.length + ' 件の場所を地図に表示しています。');
        return markers.length;
      }

      function nearMe() {
        if (!navigator.geolocation) { say('この端末では現在地を使えません。'); return; }
        say('現在地を確認しています…');
        navigator.geolocation.getCurrentPosition(function (pos) {
          var lat = pos.coords.latitude, lon = pos.coords.longitude;
          var id = select ? select.value : '';
          var near = features.filter(function (f) { return f.properties.status !== 'suspended' && inCategory(f, id); })
            .map(function (f) {
              var c = f.geometry.coordinates;
              return { f: f, d: haversine(lat, lon, c[1], c[0]) };
            })
            .sort(function (a, b) { return a.d - b.d; })
            .slice(0, 20);
          if (youMarker) map.removeLayer(youMarker);
          youMarker = L.circleMarker([lat, lon], { radius: 10, color: '#073763', weight: 3, fillColor: '#ffbf47', fillOpacity: 1 })
            .bindTooltip('現在地', { permanent: false }).addTo(map);
          nearList.textContent = '';
          near.forEach(function (n) {
            var li = document.createElement('li');
            var a = document.createElement('a');
            a.href = '/resources/' + encodeURIComponent(n.f.properties.id) + '/';
            a.textContent = n.f.properties.name;
            li.appendChild(a);
            var d = document.createElement('span');
            d.className = 'distance';
            d.textContent = ' ' + distanceText(n.d);
            li.setAttribute('data-id', n.f.properties.id);
            li.appendChild(d);
            nearList.appendChild(li);
          });
          document.getElementById('near-section').hidden = false;
          var pts = [[lat, lon]].concat(near.slice(0, 5).map(function (n) { return [n.f.geometry.coordinates[1], n.f.geometry.coordinates[0]]; }));
          map.fitBounds(L.latLngBounds(pts).pad(0.2));
          say('現在地から近い順に ' + near.length + ' 件を表示しました（直線距離）。');
        }, function () {
          say('現在地を取得できませんでした。位置情報の利用を許可してください。分類や地区の一覧からも探せます。');
        }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 });
      }

      if (select) {
        var initial = new URLSearchParams(location.search).get('cat');
        if (initial) select.value = initial;
        select.addEventListener('change', function () {
          show();
          var u = new URL(location.href);
          if (select.value) u.searchParams.set('cat', select.value); else u.searchParams.delete('cat');
          history.replaceState(null, '', u.pathname + u.search);
        });
      }
      if (nearBtn) nearBtn.addEventListener('click', nearMe);
      show();
      window.__tsunaguMap = { map: map, cluster: cluster };
      document.documentElement.setAttribute('data-map-ready', '1');
    }).catch(function (e) {
      say('地図を表示できませんでした。分類や地区の一覧から探せます。');
      if (window.console) console.error(e);
    });
  }

  // ---- the small map on a resource page (loaded on request) -------------------------

  function smallMap(el) {
    var btn = document.createElement('button');
    btn.type = 'button';
    btn.className = 'button-secondary map-open';
    btn.textContent = 'この場所を地図で見る';
    el.insertBefore(btn, el.firstChild);
    btn.addEventListener('click', function () {
      btn.disabled = true;
      btn.textContent = '地図を読み込んでいます…';
      loadLeaflet(false).then(function () {
        var lat = +el.getAttribute('data-lat'), lon = +el.getAttribute('data-lon');
        var fallback = el.querySelector('.map-fallback');
        var holder = document.createElement('div');
        holder.className = 'map-canvas';
        holder.style.height = '16rem';
        el.appendChild(holder);
        btn.remove();
        holder.setAttribute('data-tiles', el.getAttribute('data-tiles') || '');
        holder.setAttribute('data-attribution', el.getAttribute('data-attribution') || '');
        var map = baseMap(holder, lat, lon, +el.getAttribute('data-zoom') || 16);
        var name = el.getAttribute('data-name') || '';
        window.L.marker([lat, lon], { title: name, alt: name }).addTo(map);
        if (fallback) fallback.classList.add('map-fallback-below');
        holder.focus();
        document.documentElement.setAttribute('data-map-ready', '1');
      }).catch(function () {
        btn.textContent = '地図を読み込めませんでした';
      });
    });
  }

  var big = document.getElementById('map');
  if (big) mapPage(big);
  var small = document.getElementById('resource-map');
  if (small) smallMap(small);
})();
