import { describe, expect, it } from 'vitest';
import { noteHtml, parseAdminId } from './note-html.js';

describe('noteHtml', () => {
  it.each([
    ['hi', '<p>hi</p>'],
    ['a < b & "c" > \'d\'', '<p>a &lt; b &amp; &quot;c&quot; &gt; &#39;d&#39;</p>'],
    ['<3 you', '<p>&lt;3 you</p>'],
    ['<p>already</p>', '<p>already</p>'],
    ['  <div class="x">kept</div>', '  <div class="x">kept</div>'],
    ['<br/>after', '<br/>after'],
    ['text then <b>tag</b>', '<p>text then &lt;b&gt;tag&lt;/b&gt;</p>'],
  ])('%j becomes %j', (text, html) => {
    expect(noteHtml(text)).toBe(html);
  });
});

describe('parseAdminId', () => {
  it.each([
    ['123', 123],
    [123, 123],
    ['abc', null],
    ['-1', null],
    ['1234567890123456', null],
    [0, null],
    [1.5, null],
    [Number.MAX_SAFE_INTEGER + 1, null],
  ] as const)('%j is %j', (value, id) => {
    expect(parseAdminId(value)).toBe(id);
  });
});
