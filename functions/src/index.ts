/**
 * The deployed entry point (`main` in package.json): every function, wired to the real adapters.
 * A bad configuration fails here, at cold start, with a message naming each bad variable.
 */
import { loadConfig } from './config.js';
import { productionDeps } from './production-deps.js';
import { registerFunctions } from './register-functions.js';

registerFunctions(productionDeps(loadConfig()));
