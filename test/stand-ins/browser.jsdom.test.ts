// @vitest-environment jsdom
// @vitest-environment-options { "url": "http://localhost/" }
import { standInSuite } from './browser-suite';

standInSuite();
