import { describe, expect, test } from '@jest/globals';
import { html, raw } from '../../web/ui/html.ts';

describe('html templates', () => {
  test('escapes interpolated values', () => {
    const name = '<script>alert("x")</script> & co';
    expect(html`<p>${name}</p>`.value).toBe('<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co</p>');
  });
  test('nests templates and arrays without double escaping', () => {
    const items = ['a<b', 'c'].map((x) => html`<li>${x}</li>`);
    expect(html`<ul>${items}</ul>`.value).toBe('<ul><li>a&lt;b</li><li>c</li></ul>');
  });
  test('drops null, undefined and false; keeps 0', () => {
    expect(html`${null}${undefined}${false}${0}`.value).toBe('0');
  });
  test('raw passes trusted markup through', () => {
    expect(html`${raw('<br>')}`.value).toBe('<br>');
  });
});
