// Bytes a page transfers with a cold cache, counted by Chromium (CDP Network events,
// encodedDataLength: compressed bodies plus headers), and the number of requests.
'use strict';
async function measurePage(context, url, readySelector) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  let bytes = 0, requests = 0;
  const urls = [];
  cdp.on('Network.loadingFinished', e => { bytes += e.encodedDataLength; requests++; });
  cdp.on('Network.requestWillBeSent', e => urls.push(e.request.url));
  await page.goto(url, { waitUntil: 'networkidle' });
  if (readySelector) await page.waitForSelector(readySelector);
  await page.waitForLoadState('networkidle');
  await cdp.detach();
  await page.close();
  return { bytes, requests, urls };
}
module.exports = { measurePage };
