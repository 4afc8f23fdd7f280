export { CorbadoPasskeys, type CorbadoPasskeysProps } from './corbado-passkeys';
export { CorbadoPasskeysStack, type CorbadoPasskeysStackProps } from './stack';
