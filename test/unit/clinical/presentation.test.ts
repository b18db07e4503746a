// The GP's presentation text on screen: only the sanitised tree, text always escaped, and the
// text split so that Additional Information sits apart from the core (allergies, medication).
import { describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { SafeNode } from '../../../preload/contract';
import { PresentationText, splitPresentation } from '../../../renderer/features/scr/presentation';

const h = (name: 'h2' | 'h3', text: string): SafeNode => ({
  type: 'element',
  name,
  children: [{ type: 'text', text }],
});
const p = (text: string): SafeNode => ({ type: 'element', name: 'p', children: [{ type: 'text', text }] });

describe('presentation text', () => {
  it('renders text as text, never as markup', () => {
    const html = renderToStaticMarkup(
      createElement(PresentationText, { nodes: [p('<img src=x onerror=alert(1)>'), h('h2', 'Allergies')] }),
    );
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img');
    // GP headings sit below the page's own headings.
    expect(html).toContain('<h3 dir="auto">Allergies</h3>');
  });

  it('drops an element name outside the allow-list even if one slipped through', () => {
    const forged = {
      type: 'element',
      name: 'script',
      children: [{ type: 'text', text: 'alert(1)' }],
    } as unknown as SafeNode;
    expect(renderToStaticMarkup(createElement(PresentationText, { nodes: [forged] }))).not.toContain(
      'script',
    );
  });

  it('splits at the first heading after allergies that is not allergies or medication', () => {
    const nodes: SafeNode[] = [
      {
        type: 'element',
        name: 'div',
        children: [
          h('h2', 'General Practice Summary'),
          h('h2', 'Allergies and Adverse Reactions'),
          p('Penicillin'),
          h('h2', 'Acute Medications'),
          p('Amoxicillin'),
          h('h2', 'Current Repeat Medications'),
          h('h2', 'Risks to Patient'),
          p('Immunosuppressed'),
        ],
      },
    ];
    const { core, additional } = splitPresentation(nodes);
    expect(JSON.stringify(core)).toContain('Amoxicillin');
    expect(JSON.stringify(core)).not.toContain('Immunosuppressed');
    expect(JSON.stringify(additional)).toContain('Risks to Patient');
  });

  it('keeps the whole text together when it has no allergies heading', () => {
    const nodes = [h('h2', 'General Practice Summary'), p('The practice holds no significant data')];
    expect(splitPresentation(nodes)).toEqual({ core: nodes, additional: [] });
  });
});
