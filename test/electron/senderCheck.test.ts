import { describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, APP_ORIGIN, isAllowedNavigation, isAllowedRequest, isAppBlobUrl, isAppUrl, isTrustedSender } from '../../main/electron/appOrigin';
import { isTrustedTopFrame, type FrameLike } from '../../main/electron/senderCheck';

const ORIGIN_IMPOSTORS = [
  'cubby://app.evil.example/index.html',
  'cubby://app@evil.example/index.html',
  'cubby://evil.example@app/index.html',
  'cubby://user:pw@app/index.html',
  'cubby://app:8080/index.html',
  'cubby://apps/index.html',
  'cubby://ap/index.html',
  'cubby:app/index.html',
  'cubby:///app/index.html',
  'cubbyx://app/index.html',
  'https://app/index.html',
  'http://127.0.0.1/cubby://app/',
  'file:///cubby://app/index.html',
  'data:text/html,cubby://app/',
  'about:blank',
  'javascript:alert(1)//cubby://app/',
  '',
  'not a url',
];

describe('the cubby://app origin check', () => {
  it('accepts pages on cubby://app', () => {
    for (const url of [APP_ENTRY_URL, `${APP_ORIGIN}/`, `${APP_ORIGIN}/assets/index-abc.js?x=1#frag`]) {
      expect(isAppUrl(url), url).toBe(true);
      expect(isTrustedSender(url), url).toBe(true);
      expect(isAllowedNavigation(url), url).toBe(true);
    }
  });

  it('refuses look-alikes that a prefix comparison would accept or that parse to another origin', () => {
    for (const url of ORIGIN_IMPOSTORS) {
      expect(isTrustedSender(url), url).toBe(false);
      expect(isAllowedNavigation(url), url).toBe(false);
    }
  });

  it('refuses non-strings', () => {
    for (const v of [undefined, null, 42, {}, { toString: () => APP_ENTRY_URL }]) expect(isTrustedSender(v)).toBe(false);
  });

  it('lets a window session request only its own pages, data: images and its own blobs', () => {
    expect(isAllowedRequest(`${APP_ORIGIN}/assets/app.css`)).toBe(true);
    expect(isAllowedRequest('data:image/png;base64,AAAA')).toBe(true);
    expect(isAllowedRequest(APP_BLOB)).toBe(true);
    for (const url of ['https://example.com/', 'http://127.0.0.1:8080/', 'ws://127.0.0.1/', 'file:///etc/passwd', 'blob:cubby://app/x', 'ftp://x/', 'data:text/html,<script>1</script>', 'data:application/javascript,1', ...ORIGIN_IMPOSTORS.slice(0, 6), ...BLOB_IMPOSTORS.filter((u) => u.startsWith('blob'))]) {
      expect(isAllowedRequest(url), url).toBe(false);
    }
  });
});

const UUID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const APP_BLOB = `blob:${APP_ORIGIN}/${UUID}`;
// Blobs of other origins, opaque blobs, and app look-alikes a prefix test would let through.
const BLOB_IMPOSTORS = [
  `blob:null/${UUID}`,
  `blob:https://example.com/${UUID}`,
  `blob:file:///${UUID}`,
  `blob:cubby://app.evil/${UUID}`,
  `blob:cubby://app@evil/${UUID}`,
  `blob:cubby://app:1/${UUID}`,
  `blob:cubby://app/x/${UUID}`,
  `blob:cubby://app/${UUID}/x`,
  `blob:cubby://app/${UUID}?x`,
  `blob:cubby://app/${UUID}#x`,
  `blob:cubby://app/`,
  `blob:blob:cubby://app/${UUID}`,
  `cubby://app/${UUID}`,
  `blobx:cubby://app/${UUID}`,
];

describe('isAppBlobUrl', () => {
  it('accepts a blob a cubby://app page made', () => {
    expect(isAppBlobUrl(APP_BLOB)).toBe(true);
    expect(isAppBlobUrl(APP_BLOB.toUpperCase().replace('BLOB:CUBBY://APP', 'blob:cubby://app'))).toBe(true);
  });

  it('refuses blobs of other origins and look-alikes', () => {
    for (const url of [...BLOB_IMPOSTORS, ...ORIGIN_IMPOSTORS, undefined, null, 42]) expect(isAppBlobUrl(url), String(url)).toBe(false);
  });
});

describe('isTrustedTopFrame', () => {
  const top: FrameLike = { url: APP_ENTRY_URL, parent: null, frameTreeNodeId: 7, processId: 3, routingId: 1 };

  it('accepts the window’s own top frame on cubby://app', () => {
    expect(isTrustedTopFrame({ ...top }, top)).toBe(true);
  });

  it('refuses a missing sender frame (it navigated away or was destroyed)', () => {
    expect(isTrustedTopFrame(null, top)).toBe(false);
    expect(isTrustedTopFrame(undefined, top)).toBe(false);
    expect(isTrustedTopFrame(top, null)).toBe(false);
  });

  it('refuses a subframe, even one on cubby://app', () => {
    expect(isTrustedTopFrame({ ...top, parent: top, frameTreeNodeId: 8, routingId: 2 }, top)).toBe(false);
    expect(isTrustedTopFrame({ ...top, parent: top }, top)).toBe(false);
  });

  it('refuses a top frame on another origin', () => {
    for (const url of ORIGIN_IMPOSTORS) expect(isTrustedTopFrame({ ...top, url }, { ...top, url }), url).toBe(false);
  });

  it('refuses a frame that is not this window’s top frame', () => {
    expect(isTrustedTopFrame({ ...top, frameTreeNodeId: 9 }, top)).toBe(false);
    expect(isTrustedTopFrame({ ...top, processId: 4 }, top)).toBe(false);
    expect(isTrustedTopFrame({ ...top, routingId: 5 }, top)).toBe(false);
  });
});
