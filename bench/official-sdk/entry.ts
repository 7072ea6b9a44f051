// Starts the official SDK from its own <script> tag, as a script install of it would: the program
// id and API base from the tag's data-affitor-* attributes (the bench points the API at its own
// local server).
import { init } from './affitor-sdk';

const tag = document.currentScript;
init({ apiBase: tag?.getAttribute('data-affitor-api-base') || undefined });
