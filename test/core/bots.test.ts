import { describe, expect, it } from 'vitest';
import { botReason, isLoopbackApi } from '../../src/core/bots';

const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36';
const nav = (userAgent: string, webdriver = false) => ({ userAgent, webdriver });

describe('botReason', () => {
  it('a person: desktop Chrome, iPhone Safari, a CUBOT phone, a "Robotics" brand in the UA', () => {
    expect(botReason(nav(CHROME))).toBeNull();
    expect(botReason(nav('Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1'))).toBeNull();
    expect(botReason(nav('Mozilla/5.0 (Linux; Android 12; CUBOT_X30) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36'))).toBeNull();
    expect(botReason(nav('Mozilla/5.0 (Linux; Android 13; RoboticsPad) Chrome/120.0 Safari/537.36'))).toBeNull();
  });

  it('navigator.webdriver wins, whatever the UA', () => {
    expect(botReason(nav(CHROME, true))).toBe('webdriver');
  });

  it("happy-dom's webdriver is a unit test's page, not a bot (its UA names it)", () => {
    expect(botReason(nav('Mozilla/5.0 (X11; Linux x64) AppleWebKit/537.36 (KHTML, like Gecko) HappyDOM/21.0.4', true))).toBeNull();
    expect(botReason(nav(CHROME + ' HappyDOM', true))).toBe('webdriver');
  });

  it('headless and crawler user agents name the matched word', () => {
    expect(botReason(nav(CHROME.replace('Chrome/', 'HeadlessChrome/')))).toBe('Headless');
    expect(botReason(nav('Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'))).toBe('bot');
    expect(botReason(nav('Mozilla/5.0 (compatible; bingbot/2.0)'))).toBe('bot');
    expect(botReason(nav('Mozilla/5.0 (compatible; AhrefsBot/7.0)'))).toBe('Bot');
    expect(botReason(nav('Mozilla/5.0 (compatible; Yahoo! Slurp)'))).toBe('Slurp');
    expect(botReason(nav('facebookexternalhit/1.1'))).toBe('facebookexternalhit');
    expect(botReason(nav('Screaming Frog SEO Spider/19.0'))).toBe('Spider');
    expect(botReason(nav('Mozilla/5.0 (compatible; Chrome-Lighthouse)'))).toBe('Lighthouse');
    expect(botReason(nav('CCBot/2.0 crawler'))).toBe('Bot');
  });
});

describe('isLoopbackApi: the local sandbox takes automated clicks, a real API does not', () => {
  it('localhost, *.localhost, 127.x and [::1], on any port and path', () => {
    for (const api of ['http://localhost:8787', 'http://localhost', 'https://localhost/affitor', 'http://api.localhost:9000', 'http://127.0.0.1:8787', 'http://127.1.2.3', 'http://[::1]:8787']) {
      expect(isLoopbackApi(api), api).toBe(true);
    }
  });

  it('Affitor, a shop proxying the API, and hosts that only contain the words', () => {
    for (const api of ['https://api.affitor.com', 'https://shop.example/affitor', 'http://api.test:8787', 'https://notlocalhost.example', 'https://shop.example/localhost', 'http://10.0.0.5:8787', 'https://a127.0.0.1.example']) {
      expect(isLoopbackApi(api), api).toBe(false);
    }
  });
});
