// Writes a synthetic municipality of N resources (content dir: site.yaml,
// categories.yaml, resources/*.yaml) and truth.json: for each query, the ids that a
// resident means. The truth comes from what the generator planted (category, town,
// name pattern, phone …), never from the search code.
// Usage: node gen-corpus.cjs <out-dir> <n> [seed]
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const [out, nArg, seedArg] = process.argv.slice(2);
if (!out || !nArg) { console.error('usage: node gen-corpus.cjs <out-dir> <n> [seed]'); process.exit(2); }
const N = Number(nArg);
let seed = Number(seedArg || 42);
// mulberry32: 32-bit integer arithmetic (Math.imul), so the sequence is exact in JS
// doubles and does not fall into a short cycle.
const rand = () => {
  seed = (seed + 0x6D2B79F5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = a => a[Math.floor(rand() * a.length)];

const ROOT = path.resolve(__dirname, '../..');
// Towns of 豊明市 with a reading stem and postal code; the stems never contain 町.
const TOWNS = [
  ['沓掛町', '沓掛', 'くつかけ', '470-1101'], ['栄町', '栄', 'さかえ', '470-1112'], ['前後町', '前後', 'ぜんご', '470-1131'],
  ['二村台', '二村台', 'ふたむらだい', '470-1133'], ['阿野町', '阿野', 'あの', '470-1141'], ['新田町', '新田', 'しんでん', '470-1151'],
  ['三崎町', '三崎', 'みさき', '470-1161'], ['間米町', '間米', 'まごめ', '470-1162'], ['大宮町', '大宮', 'おおみや', '470-1124'],
  ['西川町', '西川', 'にしかわ', '470-1143'], ['大久伝町', '大久伝', 'おおくで', '470-1125'], ['吉池町', '吉池', 'よしいけ', '470-1126'],
  ['中島町', '中島', 'なかしま', '470-1142'], ['仙人塚', '仙人塚', 'せんにんづか', '470-1114'], ['坂部', '坂部', 'さかべ', '470-1168'],
  ['舘町', '舘', 'たて', '470-1127'],
];
const BLOCKS = ['森下', '石畑', '上高根', '神明', '北山', '南舘', '大根', '善江', '稲葉', '中ノ割', '子持松', '敷田', '東山', '西浦'];
const BRANDS = ['とくし丸', 'ふれあい号', 'まちかど号'];
const SUFFIX = ['', '第二', '北', '南', '東', '西', 'みどり', 'ひまわり', 'さくら', 'つばき'];
const SUFFIX_KANA = { '': '', '第二': 'だいに', '北': 'きた', '南': 'みなみ', '東': 'ひがし', '西': 'にし', 'みどり': 'みどり', 'ひまわり': 'ひまわり', 'さくら': 'さくら', 'つばき': 'つばき' };
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

// Each kind: category, name/kana builders, description, tags, extra truth flags.
const KINDS = [
  { w: 10, cat: 'salon', name: s => `${s}ふれあいサロン`, kana: k => `${k}ふれあいさろん`, desc: () => pick(['お茶を飲みながらおしゃべりを楽しむ集まりです。', '毎回、椅子に座ってできる軽い体操もしています。', '季節の行事や手作りのおやつを楽しみます。']), tags: () => pick([[], ['茶話会']]) },
  { w: 8, cat: 'exercise', name: s => `${s}いきいき体操教室`, kana: k => `${k}いきいきたいそうきょうしつ`, desc: () => '椅子を使った筋力づくりの教室です。', tags: () => pick([['体操'], ['筋トレ'], []]) },
  { w: 4, cat: 'exercise', name: s => `${s}元気ウォーキングの会`, kana: k => `${k}げんきうぉーきんぐのかい`, desc: () => '公園を歩いたあと、みんなで体をほぐします。', tags: () => pick([['散歩'], ['体操', '散歩']]) },
  { w: 4, cat: 'dementia-cafe', name: s => `オレンジカフェ${s}`, kana: k => `おれんじかふぇ${k}`, desc: () => '認知症の方やご家族が気軽に立ち寄れるカフェです。', tags: () => [] },
  { w: 4, cat: 'hobby', name: s => `${s}囲碁クラブ`, kana: k => `${k}いごくらぶ`, desc: () => '初心者も歓迎の囲碁の集まりです。', tags: () => ['囲碁'] },
  { w: 3, cat: 'kodomo-shokudo', name: s => `${s}子ども食堂`, kana: k => `${k}こどもしょくどう`, desc: () => '子どもから高齢の方まで、誰でも来られる食堂です。', tags: () => [] },
  // Trap for 子ども食堂: the words appear, scattered.
  { w: 3, cat: 'welfare', name: s => `${s}地域食堂`, kana: k => `${k}ちいきしょくどう`, desc: () => '子どもも食べられるやさしい味のメニューがあります。広い食堂でゆっくりどうぞ。', tags: () => [] },
  { w: 2, cat: 'mobile-market', name: (s, i) => `移動スーパー${BRANDS[i % 3]} ${s}便`, kana: (k, i) => `いどうすーぱー${['とくしまる', 'ふれあいごう', 'まちかどごう'][i % 3]} ${k}びん`, desc: () => '曜日ごとに巡回して、食品や日用品を販売します。', tags: () => [], noAddress: true },
  // Trap for 移動スーパー: 移動販売 … スーパー.
  { w: 3, cat: 'shopping', name: s => `${s}買い物支援`, kana: k => `${k}かいものしえん`, desc: () => '移動販売の車が来るほか、近くのスーパーへの送迎もあります。', tags: () => [] },
  { w: 2, cat: 'welfare-taxi', name: s => `${s}福祉タクシー`, kana: k => `${k}ふくしたくしー`, desc: () => '車椅子のまま乗れるタクシーです。予約制です。', tags: () => [], outside: 0.5 },
  { w: 8, cat: 'clinic', name: s => `${s}内科クリニック`, kana: k => `${k}ないかくりにっく`, desc: () => '内科・小児科の診療所です。', tags: () => [] },
  { w: 5, cat: 'dental', name: s => `${s}歯科医院`, kana: k => `${k}しかいいん`, desc: () => '訪問診療にも対応しています。', tags: () => [] },
  { w: 5, cat: 'pharmacy', name: s => `${s}薬局`, kana: k => `${k}やっきょく`, desc: () => 'お薬の相談をお受けします。', tags: () => [] },
  { w: 8, cat: 'care', name: s => `デイサービス${s}`, kana: k => `でいさーびす${k}`, desc: () => '日帰りで入浴や食事、機能訓練を行います。', tags: () => [] },
  { w: 3, cat: 'shelter', name: s => `${s}公民館`, kana: k => `${k}こうみんかん`, desc: () => '災害時は避難所になります。', tags: () => [] },
  { w: 2, cat: 'emergency-site', name: s => `${s}公園`, kana: k => `${k}こうえん`, desc: () => '地震のときの緊急の避難場所です。', tags: () => [] },
  { w: 4, cat: 'aed', name: s => `${s}集会所 AED`, kana: k => `${k}しゅうかいじょ えーいーでぃー`, desc: () => '玄関に設置しています。', tags: () => ['AED'] },
  { w: 4, cat: 'accessible-toilet', name: s => `${s}広場 多目的トイレ`, kana: k => `${k}ひろば たもくてきといれ`, desc: () => '車椅子で使えるトイレです。', tags: () => [] },
];
const WEIGHTED = KINDS.flatMap(k => Array(k.w).fill(k));

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(path.join(out, 'resources'), { recursive: true });
fs.mkdirSync(path.join(out, 'pages'), { recursive: true });
fs.copyFileSync(path.join(ROOT, 'content/site.yaml'), path.join(out, 'site.yaml'));
fs.copyFileSync(path.join(ROOT, 'content/categories.yaml'), path.join(out, 'categories.yaml'));

const y = s => JSON.stringify(s); // JSON strings are valid YAML scalars
const records = [];
const usedPhones = new Set();
for (let i = 0; i < N; i++) {
  const kind = WEIGHTED[i % WEIGHTED.length === 0 ? 0 : Math.floor(rand() * WEIGHTED.length)];
  const town = pick(TOWNS);
  const suf = pick(SUFFIX);
  const stem = town[1] + suf, stemKana = town[2] + SUFFIX_KANA[suf];
  const outside = kind.outside && rand() < kind.outside;
  let phone;
  // 900,000 possible numbers, so even 100,000 records find a free one quickly.
  do { phone = `0562-${10 + Math.floor(rand() * 90)}-${String(Math.floor(rand() * 10000)).padStart(4, '0')}`; } while (usedPhones.has(phone));
  usedPhones.add(phone);
  const id = `r${String(i).padStart(6, '0')}`;
  const rec = {
    id, kind, town: outside ? null : town, cat: kind.cat,
    name: kind.name(stem, i), kana: kind.kana(stemKana, i), desc: kind.desc(), tags: kind.tags(), phone,
    noAddress: !!kind.noAddress, outside,
    day: pick(DAYS),
  };
  records.push(rec);
  const lat = 35.03 + rand() * 0.05, lon = 136.99 + rand() * 0.06;
  const lines = [
    `id: ${id}`, `name: ${y(rec.name)}`, `name_kana: ${y(rec.kana)}`, `categories: [${rec.cat}]`,
    `tags: [${rec.tags.map(y).join(', ')}]`, `description: ${y(rec.desc)}`,
  ];
  if (!rec.noAddress) {
    if (outside) lines.push(`address: { text: "愛知県名古屋市緑区鳴海町${pick(BLOCKS)}${1 + Math.floor(rand() * 50)}", town: 鳴海町 }`);
    else lines.push(`address: { postal_code: "${town[3]}", text: "愛知県豊明市${town[0]}${pick(BLOCKS)}${1 + Math.floor(rand() * 50)}-${1 + Math.floor(rand() * 20)}", town: ${town[0]} }`);
    lines.push(`location: { lat: ${lat.toFixed(5)}, lon: ${lon.toFixed(5)} }`);
  }
  lines.push(`phone: "${phone}"`);
  lines.push(`schedule: { rules: [ { weekly: [${rec.day}], time: "10:00-11:30" } ] }`);
  fs.writeFileSync(path.join(out, 'resources', id + '.yaml'), lines.join('\n') + '\n');
}

// ---- truth ---------------------------------------------------------------------------
const has = (s, w) => s.includes(w);
const taiso = r => has(r.name, '体操') || r.tags.includes('体操') || r.cat === 'exercise' || has(r.desc, '体操');
const taisoReading = r => has(r.kana, 'たいそう') || r.tags.includes('体操') || r.cat === 'exercise';
const inTown = t => r => !r.noAddress && !r.outside && r.town[0] === t; // a mobile market has a town stem in its name but no address
const salon = r => r.cat === 'salon' || has(r.name, 'サロン');
const sample = records.find(r => r.town && r.town[0] === '沓掛町' && r.cat === 'exercise') || records[0];
const [a, b, c] = sample.phone.split('-');
const queries = {
  '体操': taiso,
  'たいそう': taisoReading,
  'ﾀｲｿｳ': taisoReading,
  'タイソウ': taisoReading,
  'サロン': salon,
  'さろん': salon,
  'ｻﾛﾝ': salon,
  '豊明': r => !r.noAddress && !r.outside,
  '沓掛町': inTown('沓掛町'),
  '前後町': inTown('前後町'),
  '大久伝町': inTown('大久伝町'),
  '沓掛': r => inTown('沓掛町')(r) || has(r.name, '沓掛'),
  '470-1101': r => !r.noAddress && !r.outside && r.town[3] === '470-1101',
  '4701101': r => !r.noAddress && !r.outside && r.town[3] === '470-1101',
  [sample.phone]: r => r.phone === sample.phone,
  [a + b + c]: r => r.phone === sample.phone,
  [b + '-' + c]: r => r.phone.endsWith(b + '-' + c),
  '移動スーパー': r => r.cat === 'mobile-market',
  'いどうすーぱー': r => r.cat === 'mobile-market',
  '子ども食堂': r => r.cat === 'kodomo-shokudo',
  'こどもしょくどう': r => r.cat === 'kodomo-shokudo',
  '認知症カフェ': r => r.cat === 'dementia-cafe',
  '歯科': r => r.cat === 'dental',
  '薬局': r => r.cat === 'pharmacy',
  'AED': r => r.cat === 'aed',
  '福祉タクシー': r => r.cat === 'welfare-taxi',
  '避難所': r => r.cat === 'shelter',
  '沓掛 体操': r => (inTown('沓掛町')(r) || has(r.name, '沓掛')) && taiso(r),
};
const truth = {};
for (const [q, pred] of Object.entries(queries)) truth[q] = records.filter(pred).map(r => r.id);
fs.writeFileSync(path.join(out, 'truth.json'), JSON.stringify({ documents: N, queries: truth }, null, 1));
console.log(`wrote ${N} resources and ${Object.keys(truth).length} queries to ${out}`);
