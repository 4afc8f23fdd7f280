// `npm start`: builds what is needed and starts the local stack. Until the local servers exist there is
// nothing to start.
console.log('nothing to start yet: the local stack (local-aws, local-connect, apps/web) is not built yet.');
