import { describe, expect, it } from '@jest/globals';
import { htmlText, mdCode, mdText, normalizeText } from '../../../src/plan/markdown-escape.js';

const ZWSP = '\u200B';

describe('mdText makes untrusted text inert', () => {
  it('cannot split a table cell or open HTML', () => {
    expect(mdText('a | b')).toBe('a &#124; b');
    expect(mdText('<img src=x onerror=alert(1)>')).toBe('&lt;img src=x onerror=alert(1)&gt;');
    expect(mdText('&lt;b&gt;')).toBe('&amp;lt;b&amp;gt;');
  });

  it('escapes inline Markdown, math and code', () => {
    expect(mdText('**bold** _it_ [link](https://x.example) ![i](y) ~~s~~ `c` $x$')).toBe(
      `\\*\\*bold\\*\\* \\_it\\_ \\[link\\](https:${ZWSP}//x.example) !\\[i\\](y) \\~\\~s\\~\\~ \\\`c\\\` \\$x\\$`,
    );
    expect(mdText('back\\slash')).toBe('back\\\\slash');
  });

  it('does not let a value start a block', () => {
    expect(mdText('# Heading')).toBe('\\# Heading');
    expect(mdText('> quote')).toBe('&gt; quote');
    expect(mdText('- item')).toBe('\\- item');
    expect(mdText('+ item')).toBe('\\+ item');
    expect(mdText('=== ')).toBe('\\===');
    expect(mdText('12. item')).toBe('12\\. item');
    expect(mdText('3) item')).toBe('3\\) item');
  });

  it('breaks mentions, team mentions and issue references but keeps plain emails intact', () => {
    expect(mdText('@octocat')).toBe(`@${ZWSP}octocat`);
    expect(mdText('ping @org/team now')).toBe(`ping @${ZWSP}org/team now`);
    expect(mdText('(@admins)')).toBe(`(@${ZWSP}admins)`);
    expect(mdText('x.@team')).toBe(`x.@${ZWSP}team`);
    expect(mdText('ada@example.com')).toBe('ada@example.com');
    expect(mdText('fixes #123 and org/repo#4, GH-7')).toBe(
      `fixes #${ZWSP}123 and org/repo#${ZWSP}4, GH${ZWSP}-7`,
    );
    expect(mdText('see www.evil.example or http://evil.example')).toBe(
      `see www${ZWSP}.evil.example or http:${ZWSP}//evil.example`,
    );
  });

  it('removes line breaks and makes bidi and invisible characters visible', () => {
    expect(mdText('line1\nline2\r\n| a |\u2028end')).toBe('line1 line2 &#124; a &#124; end');
    expect(mdText('\u202Egnp.exe')).toBe('\uFFFDgnp.exe');
    expect(mdText('ad\u200Bmin\uFEFF\u2066x\u2069')).toBe('ad\uFFFDmin\uFFFD\uFFFDx\uFFFD');
    // ZWJ and ZWNJ are part of real names and emoji.
    expect(mdText('👩\u200D💻 می\u200Cخواهم')).toBe('👩\u200D💻 می\u200Cخواهم');
    // A removed invisible character cannot hide a mention.
    expect(mdText('x\u200B@team')).toBe(`x\uFFFD@${ZWSP}team`);
    expect(mdText('\uD800 lone')).toBe('\uFFFD lone');
  });

  it('shortens long values on code points, never splitting a surrogate pair', () => {
    const long = 'n'.repeat(10_000);
    expect(mdText(long)).toBe('n'.repeat(199) + '…');
    const emoji = '😀'.repeat(300);
    const out = normalizeText(emoji, 10);
    expect(Array.from(out)).toHaveLength(10);
    expect(out).toBe('😀'.repeat(9) + '…');
  });

  it('gives empty text for null', () => {
    expect(mdText(null)).toBe('');
    expect(htmlText(undefined)).toBe('');
  });
});

describe('htmlText and mdCode', () => {
  it('uses entities only inside raw HTML', () => {
    expect(htmlText('</summary><script>"x"&\'y\'')).toBe(
      '&#60;/summary&#62;&#60;script&#62;&#34;x&#34;&#38;&#39;y&#39;',
    );
    expect(htmlText('@team *x*')).toBe(`@${ZWSP}team *x*`);
  });

  it('makes code spans only of plain identifiers', () => {
    expect(mdCode('jira-inactive-30d')).toBe('`jira-inactive-30d`');
    expect(mdCode('2026-11-30-a1b2c3d4')).toBe('`2026-11-30-a1b2c3d4`');
    expect(mdCode('evil` | <b>')).toBe('evil\\` &#124; &lt;b&gt;');
  });
});
