export { main } from './main';
export { UPDATE_USER_POOL_MEMBERS, updateInputFrom, diff } from './pool-update';
