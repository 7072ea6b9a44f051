import { serverStandInSuite } from './server-suite';

serverStandInSuite();
