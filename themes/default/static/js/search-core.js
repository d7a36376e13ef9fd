/* tsunagu search core: the browser port of the Rust normaliser and tokenizer
   (generator/search/src/normalize.rs, tokenize.rs) and the query engine over the static
   index the build writes under /search/ (format: docs/search.md).
   The port is checked against generator/search/tests/golden.json by the browser suite,
   and the Rust crate is checked against the same file, so index and query agree.
   A classic script (no modules, no build step) so it also loads with require() in node
   for the quality benchmark. */
(function (root) {
  'use strict';

  // ---- normalise (mirror of normalize.rs) -------------------------------------------

  var SMALL = { 'ァ': 'ア', 'ィ': 'イ', 'ゥ': 'ウ', 'ェ': 'エ', 'ォ': 'オ', 'ッ': 'ツ', 'ャ': 'ヤ',
    'ュ': 'ユ', 'ョ': 'ヨ', 'ヮ': 'ワ', 'ヵ': 'カ', 'ヶ': 'ケ' };
  var VARIANTS = { '髙': '高', '﨑': '崎', '嵜': '崎', '邉': '辺', '邊': '辺', '濵': '浜', '濱': '浜',
    '澤': '沢', '廣': '広', '國': '国', '櫻': '桜', '齋': '斎', '齊': '斉', '冨': '富' };

  function foldChar(c) {
    var cp = c.codePointAt(0);
    if (cp >= 0x3041 && cp <= 0x3096) c = String.fromCodePoint(cp + 0x60);
    else if (c === 'ゝ') c = 'ヽ';
    else if (c === 'ゞ') c = 'ヾ';
    else if (c === 'ς') c = 'σ';
    return SMALL[c] || VARIANTS[c] || c;
  }

  function isDashLike(c) {
    var cp = c.codePointAt(0);
    return c === '-' || (cp >= 0x2010 && cp <= 0x2015) || cp === 0x2212 || cp === 0x2500 ||
      cp === 0x2501 || c === '~' || cp === 0x301C;
  }

  function isKatakanaOrLong(c) {
    var cp = c.codePointAt(0);
    return (cp >= 0x30A1 && cp <= 0x30FA) || c === 'ー';
  }

  function isCjk(c) {
    var cp = c.codePointAt(0);
    return (cp >= 0x3005 && cp <= 0x3007) || (cp >= 0x30A1 && cp <= 0x30FA) ||
      (cp >= 0x30FC && cp <= 0x30FE) || (cp >= 0x3400 && cp <= 0x4DBF) ||
      (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
      (cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0x20000 && cp <= 0x3FFFF);
  }

  function isWord(c) {
    var cp = c.codePointAt(0);
    return (cp >= 0x61 && cp <= 0x7A) || (cp >= 0x30 && cp <= 0x39) ||
      (cp >= 0xDF && cp <= 0xF6) || (cp >= 0xF8 && cp <= 0x24F) ||
      (cp >= 0x370 && cp <= 0x3FF) || (cp >= 0x400 && cp <= 0x4FF);
  }

  function isSpace(c) {
    return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\u000B' || c === '\u000C';
  }

  function normalize(text) {
    var folded = [];
    var chars = Array.from(text.normalize('NFKC'));
    for (var i = 0; i < chars.length; i++) {
      // Per code point, like Rust's char::to_lowercase (no context-dependent rules).
      var lower = Array.from(chars[i].toLowerCase());
      for (var j = 0; j < lower.length; j++) {
        var c = foldChar(lower[j]);
        if (isDashLike(c) && folded.length && isKatakanaOrLong(folded[folded.length - 1])) c = 'ー';
        folded.push(c);
      }
    }
    var out = '';
    for (var k = 0; k < folded.length;) {
      if (!isSpace(folded[k])) { out += folded[k]; k++; continue; }
      var start = k;
      while (k < folded.length && isSpace(folded[k])) k++;
      var before = start > 0 ? folded[start - 1] : null;
      var after = k < folded.length ? folded[k] : null;
      if (before !== null && after !== null && !(isCjk(before) && isCjk(after))) out += ' ';
    }
    return out;
  }

  // ---- tokenize (mirror of tokenize.rs) ---------------------------------------------

  function isDigit(c) { return c !== undefined && c >= '0' && c <= '9'; }

  function segments(normalized) {
    var chars = Array.from(normalized);
    var out = [];
    var i = 0;
    while (i < chars.length) {
      var c = chars[i];
      if (isCjk(c)) {
        var s = i;
        while (i < chars.length && isCjk(chars[i])) i++;
        out.push({ kind: 'cjk', run: chars.slice(s, i) });
      } else if (isWord(c)) {
        var groups = [''];
        while (i < chars.length) {
          var d = chars[i];
          if (!isCjk(d) && isWord(d)) { groups[groups.length - 1] += d; i++; }
          else if (d === '-' && isDigit(chars[i - 1]) && isDigit(chars[i + 1])) { groups.push(''); i++; }
          else break;
        }
        out.push({ kind: 'word', groups: groups });
      } else {
        while (i < chars.length && !isCjk(chars[i]) && !isWord(chars[i])) i++;
        out.push({ kind: 'sep' });
      }
    }
    return out;
  }

  /** Index tokens of normalised text: [[token, ord], …] (used by the golden test). */
  function indexTokens(normalized) {
    var out = [];
    var ord = 0;
    var emitted = false;
    segments(normalized).forEach(function (seg) {
      if (seg.kind === 'sep') { if (emitted) ord++; return; }
      if (seg.kind === 'cjk') {
        var run = seg.run;
        for (var i = 0; i + 1 < run.length; i++) out.push([run[i] + run[i + 1], ord + i]);
        out.push([run[run.length - 1], ord + run.length - 1]);
        ord += run.length;
      } else {
        var g = seg.groups;
        for (var k = 1; k < g.length; k++) out.push([g.slice(k).join(''), ord]);
        out.push([g.join(''), ord]);
        ord++;
      }
      emitted = true;
    });
    return out;
  }

  /** Tokens of one normalised query term: [{text, ord, prefix}], ords relative. */
  function termTokens(normalized) {
    var segs = segments(normalized);
    var last = -1;
    for (var s = segs.length - 1; s >= 0; s--) if (segs[s].kind !== 'sep') { last = s; break; }
    var out = [];
    var ord = 0;
    var emitted = false;
    segs.forEach(function (seg, si) {
      var isLast = si === last;
      if (seg.kind === 'sep') { if (emitted && !isLast) ord++; return; }
      if (seg.kind === 'cjk') {
        var run = seg.run;
        for (var i = 0; i + 1 < run.length; i++) {
          out.push({ text: run[i] + run[i + 1], ord: ord + i, prefix: isLast && i + 2 === run.length });
        }
        if (!isLast || run.length === 1) {
          out.push({ text: run[run.length - 1], ord: ord + run.length - 1, prefix: isLast });
        }
        ord += run.length;
      } else {
        out.push({ text: seg.groups.join(''), ord: ord, prefix: isLast });
        ord++;
      }
      emitted = true;
    });
    return out;
  }

  /** A raw query → terms (split on any space after NFKC), each a list of tokens. */
  function queryTerms(raw) {
    return raw.normalize('NFKC').split(/[ \t\n\r\u000B\u000C]/)
      .filter(function (t) { return t.length > 0; })
      .map(function (t) { return termTokens(normalize(t)); })
      .filter(function (t) { return t.length > 0; });
  }

  // ---- the index client ----------------------------------------------------------------

  /* Field ids are packed into positions as ord * 8 + field. */
  var NAME = 0;

  /**
   * @param {(path: string) => Promise<any>} fetchJson loads a JSON file by its path
   *   relative to the index root (e.g. "manifest.json", "index/ab12.json").
   */
  function SearchIndex(fetchJson) {
    this.fetchJson = fetchJson;
    this.cache = new Map();
    this.manifest = null;
  }

  SearchIndex.prototype.load = function (path) {
    if (!this.cache.has(path)) {
      var self = this;
      var p = this.fetchJson(path).catch(function (e) { self.cache.delete(path); throw e; });
      this.cache.set(path, p);
    }
    return this.cache.get(path);
  };

  SearchIndex.prototype.init = function () {
    var self = this;
    if (!this.ready) {
      this.ready = this.load('manifest.json').then(function (m) {
        self.manifest = m;
        self.weights = m.fields.map(function (f) { return f.weight; });
        self.firsts = m.index.map(function (e) { return e[0]; });
        return m;
      });
    }
    return this.ready;
  };

  /* Index of the chunk whose range holds `token`: the last with first <= token. */
  SearchIndex.prototype.chunkFor = function (token) {
    var lo = 0, hi = this.firsts.length - 1, ans = 0;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (this.firsts[mid] <= token) { ans = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return ans;
  };

  SearchIndex.prototype.chunk = function (i) {
    return this.load('index/' + i + '-' + this.manifest.index[i][1] + '.json');
  };

  /* Postings of a token (or of every token it prefixes) as Map(doc → positions[]). */
  SearchIndex.prototype.postings = function (tok) {
    var self = this;
    var first = this.chunkFor(tok.text);
    var indices = [first];
    if (tok.prefix) {
      for (var j = first + 1; j < this.firsts.length && this.firsts[j].startsWith(tok.text); j++) indices.push(j);
    }
    return Promise.all(indices.map(function (i) { return self.chunk(i); })).then(function (chunks) {
      var map = new Map();
      chunks.forEach(function (c) {
        if (!tok.prefix) { if (Object.prototype.hasOwnProperty.call(c, tok.text)) decode(c[tok.text], map); return; }
        for (var key in c) if (key.startsWith(tok.text)) decode(c[key], map);
      });
      return map;
    });
  };

  function decode(flat, map) {
    var doc = 0;
    for (var i = 0; i < flat.length;) {
      doc += flat[i];
      var n = flat[i + 1];
      var list = map.get(doc);
      if (!list) { list = []; map.set(doc, list); }
      for (var k = 0; k < n; k++) list.push(flat[i + 2 + k]);
      i += 2 + n;
    }
  }

  /* Docs where the term's tokens sit at consecutive ordinals in one field → score. */
  SearchIndex.prototype.matchTerm = function (tokens) {
    var self = this;
    return Promise.all(tokens.map(function (t) { return self.postings(t); })).then(function (maps) {
      var order = maps.map(function (_, i) { return i; }).sort(function (a, b) { return maps[a].size - maps[b].size; });
      var rarest = maps[order[0]];
      var sets = maps.map(function (m) { return m; });
      var scores = new Map();
      rarest.forEach(function (positions, doc) {
        for (var o = 1; o < order.length; o++) if (!maps[order[o]].has(doc)) return;
        var best = 0;
        var lookup = sets.map(function (m) { return new Set(m.get(doc)); });
        var base = tokens[order[0]].ord;
        positions.forEach(function (pos) {
          var field = pos & 7;
          var start = (pos >> 3) - base;
          if (start < 0) return;
          for (var t = 0; t < tokens.length; t++) {
            if (!lookup[t].has((start + tokens[t].ord) * 8 + field)) return;
          }
          var w = self.weights[field] || 1;
          if (start === 0) w += field === NAME ? w : w / 2; // a field that starts with the query
          if (w > best) best = w;
        });
        if (best > 0) scores.set(doc, best);
      });
      return scores;
    });
  };

  SearchIndex.prototype.filterDocs = function (name) {
    var f = this.manifest.filters[name];
    if (!f) return Promise.resolve(new Set());
    return this.load('filter/' + f[0] + '.json').then(function (deltas) {
      var set = new Set();
      var doc = 0;
      for (var i = 0; i < deltas.length; i++) { doc += deltas[i]; set.add(doc); }
      return set;
    });
  };

  /**
   * Runs a search. `opts`: {q, filters: ["c:salon", "d:tue", "a:wheelchair", "n:accepting"],
   * sort: "relevance" | "distance", origin: {lat, lon}}.
   * Resolves to {terms, docs: [doc numbers in result order], scores: Map, distances: Map}.
   */
  SearchIndex.prototype.search = function (opts) {
    var self = this;
    var terms = queryTerms(opts.q || '');
    var filters = opts.filters || [];
    return this.init().then(function () {
      if (!terms.length && !filters.length) return { terms: terms, docs: [], scores: new Map() };
      return Promise.all([
        Promise.all(terms.map(function (t) { return self.matchTerm(t); })),
        Promise.all(filters.map(function (f) { return self.filterDocs(f); })),
      ]).then(function (r) {
        var termScores = r[0], filterSets = r[1];
        var scores = new Map();
        if (termScores.length) {
          termScores.sort(function (a, b) { return a.size - b.size; });
          termScores[0].forEach(function (s, doc) {
            var total = s;
            for (var i = 1; i < termScores.length; i++) {
              var t = termScores[i].get(doc);
              if (t === undefined) return;
              total += t;
            }
            scores.set(doc, total);
          });
        } else {
          filterSets.slice().sort(function (a, b) { return a.size - b.size; })[0]
            .forEach(function (doc) { scores.set(doc, 0); });
        }
        filterSets.forEach(function (set) {
          scores.forEach(function (_, doc) { if (!set.has(doc)) scores.delete(doc); });
        });
        var docs = Array.from(scores.keys());
        if (opts.sort === 'distance' && opts.origin) {
          return self.distances(docs, opts.origin).then(function (dist) {
            docs.sort(function (a, b) {
              var da = dist.get(a), db = dist.get(b);
              if (da === undefined) return db === undefined ? a - b : 1;
              if (db === undefined) return -1;
              return da - db || a - b;
            });
            return { terms: terms, docs: docs, scores: scores, distances: dist };
          });
        }
        docs.sort(function (a, b) { return scores.get(b) - scores.get(a) || a - b; });
        return { terms: terms, docs: docs, scores: scores };
      });
    });
  };

  /* Distances in metres from `origin` for `docs` (documents without a location omitted). */
  SearchIndex.prototype.distances = function (docs, origin) {
    var self = this;
    var size = this.manifest.geo.size;
    var needed = new Set(docs.map(function (d) { return Math.floor(d / size); }));
    var files = Array.from(needed);
    return Promise.all(files.map(function (i) { return self.load(numbered('geo', i, self.manifest.geo.hashes)); }))
      .then(function (chunks) {
        var byIndex = new Map();
        files.forEach(function (f, k) { byIndex.set(f, chunks[k]); });
        var out = new Map();
        docs.forEach(function (d) {
          var c = byIndex.get(Math.floor(d / size));
          var j = (d % size) * 2;
          if (c[j] === null || c[j] === undefined) return;
          out.set(d, haversine(origin.lat, origin.lon, c[j], c[j + 1]));
        });
        return out;
      });
  };

  /* The display records of `docs`, in the same order. */
  SearchIndex.prototype.records = function (docs) {
    var self = this;
    var size = this.manifest.docs.size;
    return Promise.all(docs.map(function (d) {
      return self.load(numbered('doc', Math.floor(d / size), self.manifest.docs.hashes))
        .then(function (chunk) { return chunk[d % size]; });
    }));
  };

  /* File n of a numbered set: `<dir>/<n>-<hash>.json`, hashes concatenated, 8 hex each. */
  function numbered(dir, n, hashes) {
    return dir + '/' + n + '-' + hashes.substr(n * 8, 8) + '.json';
  }

  function haversine(lat1, lon1, lat2, lon2) {
    var rad = Math.PI / 180;
    var dLat = (lat2 - lat1) * rad, dLon = (lon2 - lon1) * rad;
    var a = Math.sin(dLat / 2) * Math.sin(dLat / 2) +
      Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
    return 2 * 6371008.8 * Math.asin(Math.min(1, Math.sqrt(a)));
  }

  var api = {
    normalize: normalize,
    indexTokens: indexTokens,
    termTokens: termTokens,
    queryTerms: queryTerms,
    SearchIndex: SearchIndex,
    haversine: haversine,
  };
  if (typeof module === 'object' && module.exports) module.exports = api;
  else root.TsunaguSearch = api;
})(typeof self !== 'undefined' ? self : this);
