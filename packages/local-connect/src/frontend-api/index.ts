// The Frontend API the official Connect client calls, one module per ceremony.
export { appendFinish, appendInit, appendStart } from './append';
export { loginFinish, loginInit, loginStart } from './login';
export { manageDelete, manageInit, manageList } from './manage';
export { processClear, recordEvent } from './shared';
