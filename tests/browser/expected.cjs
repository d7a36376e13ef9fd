// Expected results on tests/fixtures/site-search (why: tests/fixtures/site-search/EXPECTED.md).
'use strict';
const TAISO_READING = ['kutsukake-yunosato-kayoinoba', 'sakaemachi-ikiiki-taiso', 'toyoake-walking-taiso', 'smile-taiso-club'];
const KUTSUKAKE = ['kutsukake-yunosato-kayoinoba', 'toyoake-walking-taiso', 'kutsukake-elementary-shelter'];
const ALL = ['ano-kaimono-shien', 'city-hall-aed', 'futamuradai-salon', 'idou-super-toyoake', 'kutsukake-elementary-shelter',
  'kutsukake-yunosato-kayoinoba', 'magome-salon', 'minna-no-daidokoro', 'nagomi-fukushi-taxi', 'nikoniko-kodomo-shokudo',
  'orange-cafe-omiya', 'sakaemachi-ikiiki-taiso', 'smile-taiso-club', 'toyoake-walking-taiso', 'zengo-fureai-salon',
  'zengo-station-toilet'];
module.exports = {
  ALL,
  queries: {
    '体操': [...TAISO_READING, 'futamuradai-salon'],
    'たいそう': TAISO_READING,
    'ﾀｲｿｳ': TAISO_READING,
    'サロン': ['zengo-fureai-salon', 'futamuradai-salon', 'magome-salon', 'kutsukake-yunosato-kayoinoba'],
    '豊明': ALL.filter(id => id !== 'nagomi-fukushi-taxi'),
    '0562-92-1234': ['sakaemachi-ikiiki-taiso'],
    '0562921234': ['sakaemachi-ikiiki-taiso'],
    '92-1234': ['sakaemachi-ikiiki-taiso'],
    '470-1101': KUTSUKAKE,
    '4701101': KUTSUKAKE,
    '沓掛町': KUTSUKAKE,
    '移動スーパー': ['idou-super-toyoake'],
    '子ども食堂': ['nikoniko-kodomo-shokudo'],
  },
  // Filters (URL query → ids).
  filters: {
    'cat=kayoinoba&day=tue': ['kutsukake-yunosato-kayoinoba', 'sakaemachi-ikiiki-taiso'],
    'cat=kayoinoba': ['kutsukake-yunosato-kayoinoba', 'sakaemachi-ikiiki-taiso', 'zengo-fureai-salon', 'toyoake-walking-taiso',
      'futamuradai-salon', 'orange-cafe-omiya', 'magome-salon', 'smile-taiso-club'],
    'a11y=wheelchair': ['kutsukake-yunosato-kayoinoba', 'nagomi-fukushi-taxi', 'zengo-station-toilet'],
    'q=体操&accepting=1': ['kutsukake-yunosato-kayoinoba', 'sakaemachi-ikiiki-taiso'],
    'q=サロン&day=wed': ['zengo-fureai-salon'],
  },
};
