// The role Corbado's actions assume: its policy is the actions' own list, re-exported, never restated.
export {
  ACTION_ROLE_ACTIONS,
  ACTION_ROLE_MAX_SESSION_SECONDS,
  ACTION_ROLE_SESSION_NAME,
} from '@cognito-passkeys/corbado-actions/role-policy';
