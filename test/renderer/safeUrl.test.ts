import { describe, expect, it } from 'vitest';
import { openableUrl } from '../../renderer/src/components/markdown/safeUrl';

describe('openableUrl: which link destinations in model output may be offered', () => {
  it('accepts absolute http and https URLs, normalized', () => {
    expect(openableUrl('https://example.com/a?b=c#d')).toBe('https://example.com/a?b=c#d');
    expect(openableUrl('HTTP://Example.COM')).toBe('http://example.com/');
    expect(openableUrl('  https://example.com/x  ')).toBe('https://example.com/x');
  });

  it.each([
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    ' javascript:alert(1)',
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    'vbscript:msgbox(1)',
    'data:text/html,<script>alert(1)</script>',
    'data:image/png;base64,iVBORw0KGgo=',
    'file:///etc/passwd',
    'mailto:a@example.com',
    'cubby://app/index.html',
    'blob:https://example.com/uuid',
    '/relative/path',
    '../up',
    'page.html',
    '#fragment',
    '//example.com/protocol-relative',
    'https:example.com',
    'https://',
    'https://user:pass@example.com/',
    'https://bank.example@evil.example/',
    'https://exa\u0000mple.com',
    '',
  ])('refuses %j', (url) => {
    expect(openableUrl(url)).toBeNull();
  });

  it('refuses what is not a string', () => {
    expect(openableUrl(undefined)).toBeNull();
    expect(openableUrl(null)).toBeNull();
  });
});
