// A server render of `affitor-tracker/react` (react-dom/server, no DOM): the provider renders its
// children, the hook answers with no data, and no browser global is even looked at.
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as browserEntry from '../../src/index.js';
import { AffitorProvider, useAffitor } from '../../src/react/index.js';

const BROWSER_GLOBALS = ['window', 'document', 'location', 'localStorage', 'navigator', 'history', 'addEventListener'];
let touched: string[];
let saved: Map<string, PropertyDescriptor | undefined>;

beforeEach(() => {
  touched = [];
  saved = new Map();
  // Every read of a browser global is recorded (`typeof window` too); each still reads as absent.
  for (const name of BROWSER_GLOBALS) {
    saved.set(name, Object.getOwnPropertyDescriptor(globalThis, name));
    Object.defineProperty(globalThis, name, {
      configurable: true,
      get() {
        touched.push(name);
        return undefined;
      },
    });
  }
});

afterEach(() => {
  for (const [name, descriptor] of saved) {
    if (descriptor) Object.defineProperty(globalThis, name, descriptor);
    else delete (globalThis as Record<string, unknown>)[name];
  }
});

function Probe() {
  const { data, signup, getClickId } = useAffitor();
  return createElement('p', null, `data=${JSON.stringify(data)} signup=${signup === browserEntry.signup} getClickId=${getClickId === browserEntry.getClickId}`);
}

describe('server render', () => {
  it('renders the children with data null and the entry’s own functions, touching no browser global', () => {
    const html = renderToString(
      createElement(AffitorProvider, { programId: 12, apiBase: 'https://api.example.com', debug: true }, createElement(Probe)),
    );
    expect(html).toBe('<p>data=null signup=true getClickId=true</p>');
    expect(touched).toEqual([]);
  });

  it('outside a provider the hook gives the same shape, and does not throw', () => {
    expect(renderToString(createElement(Probe))).toBe('<p>data=null signup=true getClickId=true</p>');
    expect(touched).toEqual([]);
  });
});
